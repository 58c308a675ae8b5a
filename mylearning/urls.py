from django.urls import path

from mylearning import views

app_name = "mylearning"

urlpatterns = [
    path("learning/", views.my_learning_page, name="my_learning"),
    path("learning/export/", views.export_history, name="export_history"),
    path("learning/delete/", views.delete_history, name="delete_history"),
    path("learning/for-you/", views.for_you, name="for_you"),
    path("learning/for-you/dismiss/", views.dismiss_form, name="for_you_dismiss"),
    path("learning/for-you/restore/", views.restore_form, name="for_you_restore"),
    path("learning/for-you/personalise/", views.personalise_form, name="for_you_personalise"),
    path("api/learning/reading-list/", views.reading_list_api, name="reading_list"),
    path(
        "api/learning/reading-list/dismiss/",
        views.dismiss_api,
        name="reading_list_dismiss",
    ),
    path(
        "api/learning/reading-list/restore/",
        views.restore_api,
        name="reading_list_restore",
    ),
]
