from django.urls import path

from mylearning import reading_list_views, views

app_name = "mylearning"

urlpatterns = [
    path("learning/", views.my_learning_page, name="my_learning"),
    path("learning/export/", views.export_history, name="export_history"),
    path("learning/delete/", views.delete_history, name="delete_history"),
    path("learning/for-you/", reading_list_views.for_you, name="for_you"),
    path("learning/for-you/dismiss/", reading_list_views.dismiss_form, name="for_you_dismiss"),
    path("api/learning/reading-list/", reading_list_views.reading_list_api, name="reading_list"),
    path(
        "api/learning/reading-list/dismiss/",
        reading_list_views.dismiss_api,
        name="reading_list_dismiss",
    ),
]
