from django.urls import path

from reflections import views

app_name = "reflections"

# Under learning/pages/<id:page_id>/reflection/ (config/urls.py).
urlpatterns = [
    path("", views.save, name="save"),
    path("delete/", views.delete, name="delete"),
]
