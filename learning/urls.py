from django.urls import path

from learning import views

# api/learning/: what the page script sends and reads
api_patterns = [
    path("events/", views.events_api, name="events"),
    path("csrf/", views.csrf_token, name="csrf"),
]
# learning/pages/<id:page_id>/studied/: 学完了 on a content page
studied_patterns = [path("", views.mark_studied, name="mark_studied")]
