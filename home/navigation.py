"""The main menu: the site root's live sections, cached because every page shows it.

Publishing, unpublishing, moving or deleting any page drops the cached menu, so editors
see renamed or new sections at once.
"""

from django.core.cache import cache
from django.http import HttpRequest
from wagtail.models import Site

CACHE_KEY = "main-menu:{site_id}"
CACHE_SECONDS = 60 * 60


def main_menu(request: HttpRequest | None) -> list[dict]:
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []
    key = CACHE_KEY.format(site_id=site.pk)
    menu = cache.get(key)
    if menu is None:
        sections = site.root_page.get_children().live().public().order_by("path")
        menu = [{"title": page.title, "url": page.get_url(request)} for page in sections]
        cache.set(key, menu, CACHE_SECONDS)
    path = request.path
    return [{**item, "current": path.startswith(item["url"] or "-")} for item in menu]


def forget_menus(**kwargs) -> None:
    cache.delete_many(
        [CACHE_KEY.format(site_id=pk) for pk in Site.objects.values_list("pk", flat=True)]
    )
