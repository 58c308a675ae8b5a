from django.urls import path

from offline import views

app_name = "offline"

urlpatterns = [
    path("sw.js", views.service_worker, name="sw"),
    path("offline/", views.offline_page, name="page"),
    path("offline/copy/<id:page_id>/", views.offline_copy, name="copy"),
]
