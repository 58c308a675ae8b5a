from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("learning/pages/<id:page_id>/feedback/", views.vote, name="vote"),
]
