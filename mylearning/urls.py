from django.urls import path

from mylearning import views

# learning/: the member's own pages
page_patterns = [
    path("", views.my_learning_page, name="my_learning"),
    path("export/", views.export_history, name="export_history"),
    path("delete/", views.delete_history, name="delete_history"),
    path("for-you/", views.for_you, name="for_you"),
    path("for-you/dismiss/", views.dismiss_form, name="for_you_dismiss"),
    path("for-you/restore/", views.restore_form, name="for_you_restore"),
    path("for-you/personalise/", views.personalise_form, name="for_you_personalise"),
]
# api/learning/reading-list/: 为你推荐 for the page script
api_patterns = [
    path("", views.reading_list_api, name="reading_list"),
    path("dismiss/", views.dismiss_api, name="reading_list_dismiss"),
    path("restore/", views.restore_api, name="reading_list_restore"),
]
