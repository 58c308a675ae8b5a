from django.urls import path

from selfcheck import views

app_name = "selfcheck"

urlpatterns = [
    path("learning/pages/<id:page_id>/self-check/", views.answer, name="answer"),
]
