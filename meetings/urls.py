from django.urls import path

from meetings import views

# branch/meetings/: the organiser's records (the detail page is also a member's, read-only)
branch_patterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<id:meeting_id>/", views.meeting_detail, name="detail"),
    path("<id:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("<id:meeting_id>/confirm/", views.meeting_confirm, name="confirm"),
    path("<id:meeting_id>/correct/", views.meeting_correct, name="correct"),
    path("<id:meeting_id>/attachments/", views.attachment_upload, name="attachments"),
    path(
        "<id:meeting_id>/attachments/<id:attachment_id>/",
        views.attachment_file,
        name="attachment",
    ),
]
