"""Member login and logout, with failed logins rate-limited, and setting a password.

Members log in on their phones with a username and password given out by their branch;
Django's auth views do the work, with our templates. Password guessing is stopped for
every login path by ``members.backends`` (``members.throttle``); this view turns a locked
attempt into a 429 that says how long to wait. New members get no
password: ``import_members`` prints each a one-time link (``set_password_url``) to the
set-password page, where they choose their own.
"""

from __future__ import annotations

import math

from django import forms
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm, UsernameField
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
)
from django.core import validators
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.ratelimit import client_address
from members.sessions import end_shared_phone_session, start_shared_phone_session
from members.throttle import LOCKOUT_SECONDS, REFUSED_ATTRIBUTE, LoginThrottle


def too_many_attempts_message(wait_seconds: int) -> str:
    """What every throttled password path says: how long to wait, and whom to ask."""
    minutes = max(1, math.ceil(wait_seconds / 60))
    return gettext(
        "登录失败的次数太多，为保护账号安全，请 %(minutes)d 分钟后再试。"
        "如果忘记了密码，请联系本支部的组织委员。"
    ) % {"minutes": minutes}


class MemberLoginForm(AuthenticationForm):
    """Django's login form with phone-friendly inputs and one message for every failure.

    The same message whether the username exists or not, so the form does not tell
    anyone which usernames are real.
    """

    # UsernameField normalises (NFKC) as Django does and adds autocomplete="username"
    # and autocapitalize="none".
    username = UsernameField(
        label=_("用户名"),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocorrect": "off", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    shared_phone = forms.BooleanField(
        label=_("这是公用手机"),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_shared_phone_help"}),
    )
    error_messages = {
        "invalid_login": _("用户名或密码不正确。请注意区分大小写。"),
        "inactive": _("用户名或密码不正确。请注意区分大小写。"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.authentication_failed = False
        # The parent sets max_length after the field is built, which only sets the
        # widget's maxlength; check it too, so an overlong name never reaches the database.
        username = self.fields["username"]
        username.validators.append(validators.MaxLengthValidator(username.max_length))

    def get_invalid_login_error(self) -> ValidationError:
        self.authentication_failed = True
        return super().get_invalid_login_error()


class MemberLoginView(LoginView):
    """``/login/``: Django's LoginView, refusing attempts while a username or address is locked."""

    form_class = MemberLoginForm
    template_name = "registration/login.html"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The counting happens in authenticate() (members.backends), for every login path;
        # here a locked attempt gets a clear 429 instead of the form's general message.
        throttle = LoginThrottle(request.POST.get("username", ""), client_address(request))
        wait = throttle.retry_after()
        if wait is not None:
            return self.refuse(wait)
        form = self.get_form()
        if form.is_valid():
            return self.form_valid(form)
        if getattr(request, REFUSED_ATTRIBUTE, False):  # one attempt too many: now locked
            return self.refuse(throttle.retry_after() or LOCKOUT_SECONDS)
        return self.form_invalid(form)

    def form_valid(self, form: MemberLoginForm) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data.get("shared_phone"):
            start_shared_phone_session(self.request.session)
        else:  # the same member again on their own phone: an ordinary session
            end_shared_phone_session(self.request.session)
        return response

    def refuse(self, wait_seconds: int) -> HttpResponse:
        """429 with the login page and a clear message; the password is not looked at."""
        message = too_many_attempts_message(wait_seconds)
        form = self.get_form_class()(request=self.request)
        response = self.render_to_response(
            self.get_context_data(form=form, locked_message=message), status=429
        )
        response["Retry-After"] = str(wait_seconds)
        return response


class MemberLogoutView(LogoutView):
    """``/logout/``: logging out takes a POST; a GET only shows a button that posts."""

    template_name = "registration/logged_out.html"
    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # A link or a prefetch must never log anyone out, so GET just asks.
        context = self.get_context_data(confirm=request.user.is_authenticated)
        return self.render_to_response(context)


class MemberSetPasswordForm(SetPasswordForm):
    """Django's set-password form with our labels."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再输入一次新密码")


class SetPasswordView(PasswordResetConfirmView):
    """``/reset/<uidb64>/<token>/``: the one-time link ``import_members`` prints.

    Django's password-reset confirmation: the token is checked, moved into the
    session and out of the address bar, and stops working once the password is set.
    The member is logged in straight away, so a phone needs no second step.
    """

    form_class = MemberSetPasswordForm
    template_name = "registration/set_password.html"
    success_url = reverse_lazy("members:password_reset_complete")
    post_reset_login = True
    title = _("设置密码")


class SetPasswordDoneView(PasswordResetCompleteView):
    """``/reset/done/``: the password is set."""

    template_name = "registration/set_password_done.html"
    title = _("密码已设置")


def link_lifetime() -> str:
    """How long a set-password link works, in words (Django's PASSWORD_RESET_TIMEOUT)."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds >= 86400 and seconds % 86400 == 0:
        return f" {seconds // 86400} 天"
    if seconds >= 3600:
        return f" {seconds // 3600} 小时"
    return f" {max(1, seconds // 60)} 分钟"


def set_password_url(user: AbstractBaseUser) -> str:
    """The full one-time link with which a member without a password sets one.

    Made with Django's password-reset tokens: it stops working once the password is
    set (the token covers the password hash) and after PASSWORD_RESET_TIMEOUT.
    """
    path = reverse(
        "members:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
