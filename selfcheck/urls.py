from django.urls import path

from selfcheck import views

app_name = "selfcheck"

# Under learning/pages/<id:page_id>/self-check/ (config/urls.py).
urlpatterns = [path("", views.answer, name="answer")]
