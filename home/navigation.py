"""The main menu: the site root's live sections, cached because every page shows it.

Its key carries the shared content version (``core.content_version``), which publishing,
unpublishing, moving or deleting any page or changing its privacy replaces, so every
worker shows renamed, new or private sections at once.
"""

from django.core.cache import cache
from django.http import HttpRequest
from wagtail.models import Site

from core import content_version

CACHE_KEY = "main-menu:{version}:{site_id}"
CACHE_SECONDS = 60 * 60


def main_menu(request: HttpRequest | None) -> list[dict]:
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []
    key = CACHE_KEY.format(version=content_version.current(request), site_id=site.pk)
    menu = cache.get(key)
    if menu is None:
        sections = site.root_page.get_children().live().public().order_by("path")
        menu = [{"title": page.title, "url": page.get_url(request)} for page in sections]
        cache.set(key, menu, CACHE_SECONDS)
    path = request.path
    return [{**item, "current": path.startswith(item["url"] or "-")} for item in menu]
