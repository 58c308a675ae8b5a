from django import template

from home.navigation import main_menu as build_main_menu

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    return build_main_menu(context.get("request"))


@register.filter
def clock(seconds) -> str:
    """Seconds as a player shows them: 4:05 or 1:02:03."""
    try:
        total = max(int(seconds), 0)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
