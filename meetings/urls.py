from django.urls import path

from meetings import views
from meetings.ledger_urls import ledger_patterns, oversight_patterns

__all__ = ["branch_patterns", "oversight_patterns"]

# branch/meetings/: the organiser's records (the detail page is also a member's, read-only),
# then the 台账 and the grid
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
    *ledger_patterns,
]
