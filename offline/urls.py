from django.urls import path

from offline import views

# sw.js: a service worker controls only the paths below its own, so it sits at the top.
worker_patterns = [path("", views.service_worker, name="sw")]
# offline/
page_patterns = [
    path("", views.offline_page, name="page"),
    path("copy/<id:page_id>/", views.offline_copy, name="copy"),
]
