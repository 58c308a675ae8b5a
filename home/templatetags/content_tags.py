from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from home.fragments import cached_fragment
from home.navigation import main_menu as build_main_menu
from home.page_parts import part_templates

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    return build_main_menu(context.get("request"))


@register.simple_tag(takes_context=True)
def page_parts(context, slot: str) -> str:
    """The parts apps above the content base add to ``slot`` (``home.page_parts``), each
    rendered as ``{% include %}`` would: same context, so no query more than inline."""
    engine = context.template.engine
    html = "".join(engine.get_template(name).render(context) for name in part_templates(slot))
    return mark_safe(html)  # noqa: S308 - our own rendered template output


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


# What a page without its own summary or intro says about itself (home, lists, forms).
SITE_DESCRIPTION = _(
    "红课：红色文化与微党课学习平台。在手机上学微党课、参观红色场馆、读先进典型、报名论坛活动。"
)
DESCRIPTION_LENGTH = 120


@register.simple_tag(takes_context=True)
def page_description(context) -> str:
    """The meta description: the page's search description, summary or intro, else the
    site's own description; one line of plain text, at most DESCRIPTION_LENGTH characters."""
    page = context.get("page")
    for field in ("search_description", "summary", "intro"):
        text = " ".join(strip_tags(str(getattr(page, field, "") or "")).split())
        if text:
            return Truncator(text).chars(DESCRIPTION_LENGTH)
    return str(SITE_DESCRIPTION)


@register.simple_tag(takes_context=True)
def canonical_link(context) -> str:
    """A canonical link for a page from the page tree: its address on the host the visitor
    asked for (ALLOWED_HOSTS checks it), without query parameters."""
    page, request = context.get("page"), context.get("request")
    if not isinstance(page, Page) or request is None:
        return ""
    url = page.get_url(request=request)  # the site's root paths are cached on the request
    if not url:
        return ""
    return format_html('<link rel="canonical" href="{}">', request.build_absolute_uri(url))
