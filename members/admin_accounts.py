"""The Wagtail admin's other password paths, throttled like logging in (``members.throttle``).

* The account page's "change password" checks the old password: it counts on the login
  counters, so a session left open on a shared computer is no way round the login limit.
* The account page's "name and e-mail" asks for the current password when the e-mail
  changes, on the same counters: otherwise whoever borrows an open session could point the
  account at their own mailbox and take it over with a password-reset e-mail.
* The password-reset request sends an e-mail: a few per hour per address and per e-mail
  address, so nobody can flood a mailbox or the mail server from the form.

``config.urls`` puts these views at the admin's own addresses, ahead of Wagtail's.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.forms.account import NameEmailForm
from wagtail.admin.forms.auth import PasswordChangeForm
from wagtail.admin.views.account import (
    AccountView,
    ChangePasswordPanel,
    NameEmailSettingsPanel,
    PasswordResetView,
)

from core.ratelimit import client_address
from members.accounts import too_many_attempts_message
from members.throttle import Locked, check_password, reset_request_wait


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Wagtail's change-password form; the old password is checked through the throttle."""

    request = None  # set by ThrottledChangePasswordPanel

    def clean_old_password(self) -> str:
        incorrect = ValidationError(
            self.error_messages["password_incorrect"], code="password_incorrect"
        )
        return _checked_password(
            self.user, self.cleaned_data.get("old_password") or "", self.request, incorrect
        )


def _checked_password(user, password: str, request, incorrect: ValidationError) -> str:
    """``password`` when it is the user's, checked on the login counters; else the error."""
    if not password:  # nothing typed: nothing to count
        raise incorrect
    try:
        correct = check_password(user, password, client_address(request))
    except Locked as locked:
        raise ValidationError(too_many_attempts_message(locked.seconds), code="throttled") from None
    if not correct:
        raise incorrect
    return password


class ConfirmedNameEmailForm(NameEmailForm):
    """Wagtail's name-and-e-mail form; a new e-mail address needs the current password."""

    current_password = forms.CharField(
        label=gettext_lazy("当前密码"),
        help_text=gettext_lazy("只改姓名时不用填写；修改邮箱须输入当前密码。"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    request = None  # set by ConfirmedNameEmailPanel

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Read before validation writes the posted address onto the user.
        self.saved_email = self.instance.email

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email is None or email == self.saved_email:
            return cleaned
        password = cleaned.get("current_password") or ""
        if not password:
            self.add_error("current_password", gettext("修改邮箱须输入当前密码。"))
            return cleaned
        incorrect = ValidationError(gettext("当前密码不正确。"), code="password_incorrect")
        try:
            _checked_password(self.instance, password, self.request, incorrect)
        except ValidationError as error:
            self.add_error("current_password", error)
        return cleaned


class ConfirmedNameEmailPanel(NameEmailSettingsPanel):
    form_class = ConfirmedNameEmailForm

    def get_form(self):
        # One form per request, as for the password panel: the password is counted once.
        if not hasattr(self, "form"):
            self.form = super().get_form()
            self.form.request = self.request
        return self.form


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
    """``/admin/account/``: Wagtail's account page with the password-checking panels."""

    replaced_panels = {
        ChangePasswordPanel: ThrottledChangePasswordPanel,
        NameEmailSettingsPanel: ConfirmedNameEmailPanel,
    }

    def get_panels(self):
        # Kept for the request, so each checking panel keeps its one form.
        if not hasattr(self, "panels"):
            self.panels = [
                self.replaced_panels[type(panel)](panel.request, panel.user, panel.profile)
                if type(panel) in self.replaced_panels
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
