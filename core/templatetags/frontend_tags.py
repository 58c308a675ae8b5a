from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from core.frontend import CONVENTIONS_ELEMENT_ID, conventions

register = template.Library()


@register.simple_tag
def frontend_conventions() -> SafeString:
    """The JSON block page scripts read the shared names from (data, never run: the CSP
    allows no inline script)."""
    return json_script(conventions(), CONVENTIONS_ELEMENT_ID)
