"""The event page's own addresses (``register/``, ``cancel/``, ``ics/``, ``check-in/…``).

A mixin of ``ForumEventPage`` so the page model imports the views it routes to, and the
views, which receive the live event, never import the page module back.
"""

from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from core.text import fold_code
from events import views
from events.calendar import ics_download
from events.registration import registration_panel


class EventPageRoutes(RoutablePageMixin):
    """What members and organisers do with an event, each at a path under the page."""

    @path("register/", name="register")
    def register_route(self, request):
        return views.register(request, self)

    @path("cancel/", name="cancel")
    def cancel_route(self, request):
        return views.cancel(request, self)

    @path("ics/", name="ics")
    def ics_route(self, request):
        return ics_download(request, self)

    @path("check-in/", name="check_in")
    def check_in_route(self, request):
        return views.check_in_desk(request, self)

    @path("check-in/screen/", name="check_in_screen")
    def check_in_screen_route(self, request):
        return views.check_in_screen(request, self)

    @path("check-in/qr/", name="check_in_qr")
    def check_in_qr_route(self, request):
        return views.check_in_qr(request, self)

    @path("check-in/code/", name="check_in_code")
    def check_in_code_route(self, request):
        return views.check_in_with_code(request, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["registration"] = registration_panel(self, request.user)
        # The desk's QR code opens the page with the code: the member only taps 签到.
        scanned = fold_code(request.GET.get("code", "")[:20])
        context["scanned_code"] = scanned if scanned.isascii() and scanned.isdigit() else ""
        return context
