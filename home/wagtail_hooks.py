"""Wagtail hooks of the content base."""

from wagtail import hooks

from home.models import KeptViewRestrictions


# Outermost of the serve chain (order below Wagtail's check_view_restrictions, 0): Wagtail's
# privacy check and the share section (home.share) both ask the page for its view
# restrictions; they are read once for the request (or taken from the shared store under
# the content version), and only while it is being served.
@hooks.register("on_serve_page", order=-100)
def read_view_restrictions_once(serve_next):
    def serve(page, request, args, kwargs):
        if not isinstance(page, KeptViewRestrictions):
            return serve_next(page, request, args, kwargs)
        page.remember_view_restrictions(request)
        try:
            return serve_next(page, request, args, kwargs)
        finally:
            page.forget_view_restrictions()

    return serve
