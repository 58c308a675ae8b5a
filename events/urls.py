from django.urls import path

from events.my_events import my_events

app_name = "events"

# Under learning/events/ (config/urls.py). The event pages' own addresses are their routes.
urlpatterns = [path("", my_events, name="my_events")]
