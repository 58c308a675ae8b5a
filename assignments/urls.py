from django.urls import path

from assignments import views

app_name = "assignments"

urlpatterns = [
    path("branch/", views.dashboard, name="branch"),
    path("branch/print/", views.print_view, name="branch_print"),
    path("branch/assignments/new/", views.assignment_new, name="branch_assignment_new"),
    path(
        "branch/assignments/<id:assignment_id>/",
        views.assignment_detail,
        name="branch_assignment",
    ),
    path(
        "branch/assignments/<id:assignment_id>/edit/",
        views.assignment_edit,
        name="branch_assignment_edit",
    ),
    path(
        "branch/assignments/<id:assignment_id>/close/",
        views.assignment_close,
        name="branch_assignment_close",
    ),
    path(
        "branch/assignments/<id:assignment_id>/status.csv",
        views.assignment_csv,
        name="branch_assignment_csv",
    ),
    path("branch/members/<id:member_id>/", views.member_detail, name="branch_member"),
    path(
        "learning/assignments/<id:assignment_id>/pages/<id:page_id>/share-reflection/",
        views.share_reflection,
        name="share_reflection",
    ),
]
