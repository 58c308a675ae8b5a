"""What the page script's outbox (``site/static/js/learning.js``) needs from the server.

The outbox keeps a member's unsent events in the phone's localStorage under a key made for
that member: an HMAC of their id, so the key names no one, and events queued by one member
are never sent while another is logged in (the endpoint refuses a batch whose key is not
the logged-in member's). Its timings come from settings, so tests need not wait 30 s.
"""

from django.conf import settings
from django.utils.crypto import salted_hmac

from core.frontend import MEMBER_HEADER


def member_key(user) -> str:
    return salted_hmac("learning.outbox.member", str(user.pk)).hexdigest()[:32]


def is_members_key(request) -> bool:
    """True unless the request names a member other than the logged-in one."""
    sent = request.headers.get(MEMBER_HEADER)
    return sent is None or sent == member_key(request.user)


def page_settings(user) -> dict:
    """The data attributes the page script reads (``data-learning-*``)."""
    return {
        "member": member_key(user),
        "report_ms": settings.LEARNING_REPORT_INTERVAL_MS,
        "retry_ms": settings.LEARNING_RETRY_BASE_MS,
        "retry_max_ms": settings.LEARNING_RETRY_MAX_MS,
    }
