from django import template
from django.utils.safestring import mark_safe

from home.fragments import cached_fragment
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


class SharedFragmentNode(template.Node):
    def __init__(self, name: str, page, condition, nodelist) -> None:
        self.name = name
        self.page = page
        self.condition = condition
        self.nodelist = nodelist

    def render(self, context) -> str:
        page = self.page.resolve(context)
        if self.condition is not None and not self.condition.resolve(context):
            page = None  # not kept here: rendered as it is
        html = cached_fragment(
            context.get("request"), self.name, page, lambda: self.nodelist.render(context)
        )
        return mark_safe(html)  # noqa: S308 - our own rendered template output


@register.tag
def shared_fragment(parser, token):
    """``{% shared_fragment "name" page [if condition] %}…{% endshared_fragment %}``: HTML
    every visitor of ``page`` sees alike, kept in the cache until any page, image or
    document changes (``home.fragments``); with ``if``, only when the condition holds.
    Never put anything personal (or a CSRF token) inside."""
    bits = token.split_contents()
    condition = None
    if len(bits) == 5 and bits[3] == "if":
        condition = parser.compile_filter(bits[4])
        bits = bits[:3]
    if len(bits) != 3 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('usage: {% shared_fragment "name" page [if x] %}')
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(bits[1][1:-1], parser.compile_filter(bits[2]), condition, nodelist)
