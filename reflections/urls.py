from django.urls import path

from reflections import views

app_name = "reflections"

urlpatterns = [
    path("learning/pages/<id:page_id>/reflection/", views.save, name="save"),
    path("learning/pages/<id:page_id>/reflection/delete/", views.delete, name="delete"),
]
