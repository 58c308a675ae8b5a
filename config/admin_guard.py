"""Malformed requests to Wagtail's admin get 400, not 500.

Wagtail's admin views trust the shape of their own forms and links: a request made by hand
(a form without a field it always has, an id that is not a number or has twenty digits, a
``?next=`` that is not a path, NUL in a name PostgreSQL must compare) raises inside Wagtail,
and the hostile-input walk (``tests/test_hostile_input.py``) found a dozen such 500s. Only
logged-in staff reach most of them, but the rule is the same everywhere: bad input gets a
4xx. This middleware turns the exceptions that come from malformed input into a plain 400
for ``/admin/`` only, and logs each with its traceback, so a real bug still shows in the
logs. Our own views handle their input themselves and are not covered by it.
"""

from __future__ import annotations

import logging

from django.core.paginator import InvalidPage
from django.db import DataError
from django.http import HttpRequest, HttpResponseBadRequest
from django.urls import NoReverseMatch
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

ADMIN_PREFIX = "/admin/"
# KeyError covers MultiValueDictKeyError (a form field missing); ValueError and
# OverflowError an id that is no number or too long; DataError NUL on PostgreSQL;
# NoReverseMatch a ?next= Django's redirect() takes for a view name; AttributeError a
# form of another shape than the view expects; InvalidPage a ?p= that is no page.
MALFORMED_INPUT_ERRORS = (
    KeyError,
    ValueError,
    OverflowError,
    DataError,
    NoReverseMatch,
    AttributeError,
    InvalidPage,
)


class MalformedAdminRequestMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not request.path.startswith(ADMIN_PREFIX):
            return None
        if not isinstance(exception, MALFORMED_INPUT_ERRORS):
            return None
        logger.error(
            "Malformed admin request refused with 400: %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        return HttpResponseBadRequest(
            gettext("请求无效：网址或表单中的参数不完整或格式不对。请返回上一页，刷新后重试。"),
            content_type="text/plain; charset=utf-8",
        )
