"""Django's model backend behind the login throttle (``members.throttle``).

Every view that checks a password calls ``authenticate()``, so throttling here covers the
members' login, Wagtail's admin login and any login added later. A locked attempt is
refused before the password is looked at; the admin's form then says only that the login
failed, and ``/login/`` answers 429 with the time to wait.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models.expressions import RawSQL

from core import ratelimit
from members.throttle import REFUSED_ATTRIBUTE, LoginThrottle


@functools.cache
def holds_permissions_sql(user_model) -> str:
    """Whether the user is in any group or holds any permission of their own, as SQL on the
    user's row (built from table names only). The ORM's ``Exists`` says the same but costs
    more to compile than the whole rest of the query, on every page. Built once."""
    quote = connection.ops.quote_name
    user_id = f"{quote(user_model._meta.db_table)}.{quote(user_model._meta.pk.column)}"
    checks = []
    for through in (user_model.groups.through, user_model.user_permissions.through):
        column = through._meta.get_field("user").column
        table = quote(through._meta.db_table)
        checks.append(f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{quote(column)} = {user_id})")
    return " OR ".join(checks)


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
        they organise a branch) and whether they hold any permission at all: one query.

        Most members hold none; for them Django's permission caches are filled with nothing
        now, so the questions every page asks (Wagtail's user bar: may they use the admin?)
        cost no two queries more."""
        user_model = get_user_model()
        user = (
            user_model._default_manager.select_related("member_profile")
            .annotate(holds_permissions=RawSQL(holds_permissions_sql(user_model), ()))
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        if not user.is_superuser and not user.holds_permissions:
            # ModelBackend's own per-request caches (_get_permissions, get_all_permissions).
            user._user_perm_cache, user._group_perm_cache, user._perm_cache = set(), set(), set()
        return user
