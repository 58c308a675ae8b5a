"""The account pages, each under its own prefix at the top of the site (config/urls.py):
``LOGIN_URL`` and the set-password links already e-mailed to members name them."""

from django.urls import path

from members import accounts

# login/
login_patterns = [path("", accounts.MemberLoginView.as_view(), name="login")]
# logout/
logout_patterns = [path("", accounts.MemberLogoutView.as_view(), name="logout")]
# reset/
reset_patterns = [
    path("done/", accounts.SetPasswordDoneView.as_view(), name="password_reset_complete"),
    path("<uidb64>/<token>/", accounts.SetPasswordView.as_view(), name="password_reset_confirm"),
]
