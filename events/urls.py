from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("learning/events/", views.my_events, name="my_events"),
]
