from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("api/learning/events/", views.events_api, name="events"),
    path("api/learning/csrf/", views.csrf_token, name="csrf"),
    path("learning/pages/<id:page_id>/studied/", views.mark_studied, name="mark_studied"),
]
