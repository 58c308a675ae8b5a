from django.urls import path

from feedback import views

app_name = "feedback"

# Under learning/pages/<id:page_id>/feedback/ (config/urls.py).
urlpatterns = [path("", views.vote, name="vote")]
