"""Django's model backend behind the login throttle (``members.throttle``).

Every view that checks a password calls ``authenticate()``, so throttling here covers the
members' login, Wagtail's admin login and any login added later. A locked attempt is
refused before the password is looked at; the admin's form then says only that the login
failed, and ``/login/`` answers 429 with the time to wait.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from core import ratelimit
from members.throttle import REFUSED_ATTRIBUTE, LoginThrottle


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        throttle = LoginThrottle(str(username), ratelimit.client_address(request))
        # PermissionDenied stops authenticate() from trying any other backend.
        if throttle.retry_after() is not None or not throttle.reserve():
            setattr(request, REFUSED_ATTRIBUTE, True)
            raise PermissionDenied
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            throttle.failed()
        else:
            throttle.succeeded()
        return user

    def get_user(self, user_id):
        """The session's user with their member profile (every page's header asks whether
        they organise a branch): one query, not two."""
        user = (
            get_user_model()._default_manager.select_related("member_profile").filter(pk=user_id)
        ).first()
        return user if user is not None and self.user_can_authenticate(user) else None
