from django.urls import path

from learning.views import accounts, branch, events, reading_list
from learning.views import my_learning as my_learning_views

app_name = "learning"

urlpatterns = [
    path("api/learning/events/", events.events_api, name="events"),
    path("learning/pages/<int:page_id>/studied/", events.mark_studied, name="mark_studied"),
    path("learning/for-you/", reading_list.for_you, name="for_you"),
    path("learning/for-you/dismiss/", reading_list.dismiss_form, name="for_you_dismiss"),
    path("api/learning/reading-list/", reading_list.reading_list_api, name="reading_list"),
    path(
        "api/learning/reading-list/dismiss/",
        reading_list.dismiss_api,
        name="reading_list_dismiss",
    ),
    path("learning/", my_learning_views.my_learning_page, name="my_learning"),
    path("learning/export/", my_learning_views.export_history, name="export_history"),
    path("learning/delete/", my_learning_views.delete_history, name="delete_history"),
    path("branch/", branch.dashboard, name="branch"),
    path("branch/print/", branch.print_view, name="branch_print"),
    path("branch/assignments/new/", branch.assignment_new, name="branch_assignment_new"),
    path(
        "branch/assignments/<int:assignment_id>/",
        branch.assignment_detail,
        name="branch_assignment",
    ),
    path(
        "branch/assignments/<int:assignment_id>/edit/",
        branch.assignment_edit,
        name="branch_assignment_edit",
    ),
    path(
        "branch/assignments/<int:assignment_id>/close/",
        branch.assignment_close,
        name="branch_assignment_close",
    ),
    path(
        "branch/assignments/<int:assignment_id>/status.csv",
        branch.assignment_csv,
        name="branch_assignment_csv",
    ),
    path("branch/members/<int:member_id>/", branch.member_detail, name="branch_member"),
    path("login/", accounts.MemberLoginView.as_view(), name="login"),
    path("logout/", accounts.MemberLogoutView.as_view(), name="logout"),
    path("reset/done/", accounts.SetPasswordDoneView.as_view(), name="password_reset_complete"),
    path(
        "reset/<uidb64>/<token>/",
        accounts.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
]
