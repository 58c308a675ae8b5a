from django import template

from learning.outbox import member_key

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_member(context) -> str:
    """Whose pages the phone's offline cache may hold: the member's key (an HMAC, naming no
    one), or "" for a visitor. offline.js empties the cache when it changes."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return member_key(user) if user is not None and user.is_authenticated else ""
