from django.urls import path

from events.my_events import my_events

app_name = "events"

urlpatterns = [
    path("learning/events/", my_events, name="my_events"),
]
