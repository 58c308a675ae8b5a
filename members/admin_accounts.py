"""The Wagtail admin's other password paths, throttled like logging in (``members.throttle``).

* The account page's "change password" checks the old password: it counts on the login
  counters, so a session left open on a shared computer is no way round the login limit.
* The password-reset request sends an e-mail: a few per hour per address and per e-mail
  address, so nobody can flood a mailbox or the mail server from the form.

``config.urls`` puts these views at the admin's own addresses, ahead of Wagtail's.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext
from wagtail.admin.forms.auth import PasswordChangeForm
from wagtail.admin.views.account import AccountView, ChangePasswordPanel, PasswordResetView

from core.ratelimit import client_address
from members.accounts import too_many_attempts_message
from members.throttle import Locked, check_password, reset_request_wait


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Wagtail's change-password form; the old password is checked through the throttle."""

    request = None  # set by ThrottledChangePasswordPanel

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data.get("old_password") or ""
        incorrect = ValidationError(
            self.error_messages["password_incorrect"], code="password_incorrect"
        )
        if not old_password:  # nothing typed: nothing to count
            raise incorrect
        try:
            correct = check_password(self.user, old_password, client_address(self.request))
        except Locked as locked:
            raise ValidationError(
                too_many_attempts_message(locked.seconds), code="throttled"
            ) from None
        if not correct:
            raise incorrect
        return old_password


class ThrottledChangePasswordPanel(ChangePasswordPanel):
    form_class = ThrottledPasswordChangeForm

    def get_form(self):
        # Wagtail asks for the form several times per request (to save, for its media, to
        # render); one form means the old password is checked, and counted, once.
        if not hasattr(self, "form"):
            self.form = super().get_form()
            self.form.request = self.request
        return self.form


class ThrottledAccountView(AccountView):
    """``/admin/account/``: Wagtail's account page with the throttled password panel."""

    def get_panels(self):
        # Kept for the request, so the password panel keeps its one form.
        if not hasattr(self, "panels"):
            self.panels = [
                ThrottledChangePasswordPanel(panel.request, panel.user, panel.profile)
                if type(panel) is ChangePasswordPanel
                else panel
                for panel in super().get_panels()
            ]
        return self.panels


class ThrottledPasswordResetView(PasswordResetView):
    """``/admin/password_reset/``: one request too many gets 429 and no e-mail."""

    def form_valid(self, form) -> HttpResponse:
        wait = reset_request_wait(form.cleaned_data["email"], client_address(self.request))
        if wait is None:
            return super().form_valid(form)
        form.add_error(
            None,
            gettext("重置密码的请求太多，请 %(minutes)d 分钟后再试。")
            % {"minutes": max(1, -(-wait // 60))},
        )
        response = self.form_invalid(form)
        response.status_code = 429
        response["Retry-After"] = str(wait)
        return response
