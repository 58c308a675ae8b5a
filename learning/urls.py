from django.urls import path

from learning.views import events

app_name = "learning"

urlpatterns = [
    path("api/learning/events/", events.events_api, name="events"),
    path("learning/pages/<int:page_id>/studied/", events.mark_studied, name="mark_studied"),
]
