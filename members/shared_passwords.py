"""Shared passwords of Wagtail's view restrictions (a page, or a collection of documents,
behind one password), throttled like logins: Wagtail checks them with no limit at all.

Each restriction counts as an account of its own in ``members.throttle`` (5 failures per
address, 20 per address whatever it guesses, logins included, and past 50 failures on the
restriction, turns for failing addresses), in the same table. A locked attempt is answered
429 with the form, the time to wait and ``Retry-After``; the password is not looked at.
Showing the form (GET) and a submission with no password are never counted.

``config.urls`` puts these views at Wagtail's own addresses, ahead of Wagtail's.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.conf import settings
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from wagtail import views as page_views
from wagtail.documents.views import serve as document_views
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import BaseViewRestriction, CollectionViewRestriction, Page, PageViewRestriction

from core.ratelimit import client_address
from members.throttle import LOCKOUT_SECONDS, LoginThrottle


def restriction_throttle(restriction: BaseViewRestriction, request: HttpRequest) -> LoginThrottle:
    # A colon never appears in a username, so no real account shares these counters.
    name = f"{restriction._meta.model_name}:{restriction.pk}"
    return LoginThrottle(name, client_address(request))


def locked_form(restriction: BaseViewRestriction, request: HttpRequest, wait: int):
    """The password form again, saying how long to wait."""
    form = PasswordViewRestrictionForm(
        instance=restriction, initial={"return_url": request.POST.get("return_url", "")}
    )
    message = gettext("密码输错的次数太多，请 %(minutes)d 分钟后再试。") % {
        "minutes": max(1, math.ceil(wait / 60))
    }
    form.errors[NON_FIELD_ERRORS] = form.error_class([message], error_class="nonfield")
    return form


def throttled(
    request: HttpRequest,
    restriction: BaseViewRestriction | None,
    check: Callable[[], HttpResponse],
    refuse: Callable[[int], HttpResponse],
) -> HttpResponse:
    """Run Wagtail's view (``check``) under the restriction's throttle: counted before the
    password is compared; a redirect means it was right."""
    if request.method != "POST" or not request.POST.get("password") or restriction is None:
        return check()
    throttle = restriction_throttle(restriction, request)
    wait = throttle.retry_after()
    if wait is None and not throttle.reserve():
        wait = throttle.retry_after() or LOCKOUT_SECONDS
    if wait is not None:
        response = refuse(wait)
        response.status_code = 429
        response["Retry-After"] = str(wait)
        return response
    response = check()
    if response.status_code == 302:
        throttle.succeeded()
    else:
        throttle.failed()
    return response


def password_restriction(model, restriction_id: int) -> BaseViewRestriction | None:
    restrictions = model.objects.filter(restriction_type=BaseViewRestriction.PASSWORD)
    return restrictions.filter(pk=restriction_id).first()


def page_password(request: HttpRequest, page_view_restriction_id: int, page_id: int):
    """Wagtail's ``authenticate_with_password`` for pages, throttled."""
    restriction = password_restriction(PageViewRestriction, page_view_restriction_id)

    def refuse(wait: int) -> HttpResponse:
        page = get_object_or_404(Page, id=page_id).specific
        action_url = reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk]
        )
        form = locked_form(restriction, request, wait)
        return page.serve_password_required_response(request, form, action_url)

    return throttled(
        request,
        restriction,
        lambda: page_views.authenticate_with_password(request, page_view_restriction_id, page_id),
        refuse,
    )


def document_password(request: HttpRequest, restriction_id: int):
    """Wagtail's ``authenticate_with_password`` for document collections, throttled."""
    restriction = password_restriction(CollectionViewRestriction, restriction_id)

    def refuse(wait: int) -> HttpResponse:
        context = {
            "form": locked_form(restriction, request, wait),
            "action_url": reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk]),
        }
        template = getattr(
            settings, "WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE", "wagtaildocs/password_required.html"
        )
        return TemplateResponse(request, template, context)

    return throttled(
        request,
        restriction,
        lambda: document_views.authenticate_with_password(request, restriction_id),
        refuse,
    )
