from django.urls import path

from members import accounts

app_name = "members"

urlpatterns = [
    path("login/", accounts.MemberLoginView.as_view(), name="login"),
    path("logout/", accounts.MemberLogoutView.as_view(), name="logout"),
    path("reset/done/", accounts.SetPasswordDoneView.as_view(), name="password_reset_complete"),
    path(
        "reset/<uidb64>/<token>/",
        accounts.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
]
