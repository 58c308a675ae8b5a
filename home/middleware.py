"""Middleware of the content base."""

from django.http import HttpRequest
from wagtail.views import serve

from home.fragments import keep_site


class KeptSiteMiddleware:
    """Pages Wagtail serves by GET or HEAD get their Site from the shared store
    (``home.fragments.keep_site``) before anything asks for it. Other views (the admin,
    the APIs, downloads) find it as Wagtail does, if they need it at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if view_func is serve and request.method in ("GET", "HEAD"):
            keep_site(request)
        return None
