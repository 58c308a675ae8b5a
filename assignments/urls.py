from django.urls import path

from assignments import views

# branch/: the organiser's pages
branch_patterns = [
    path("", views.dashboard, name="branch"),
    path("print/", views.print_view, name="branch_print"),
    path("assignments/new/", views.assignment_new, name="branch_assignment_new"),
    path("assignments/<id:assignment_id>/", views.assignment_detail, name="branch_assignment"),
    path(
        "assignments/<id:assignment_id>/edit/",
        views.assignment_edit,
        name="branch_assignment_edit",
    ),
    path(
        "assignments/<id:assignment_id>/close/",
        views.assignment_close,
        name="branch_assignment_close",
    ),
    path(
        "assignments/<id:assignment_id>/status.csv",
        views.assignment_csv,
        name="branch_assignment_csv",
    ),
    path("members/<id:member_id>/", views.member_detail, name="branch_member"),
]
# learning/assignments/: a member shares a reflection with the organiser
member_patterns = [
    path(
        "<id:assignment_id>/pages/<id:page_id>/share-reflection/",
        views.share_reflection,
        name="share_reflection",
    ),
]
