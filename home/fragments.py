"""Shared fragments: HTML every member sees alike, rendered once and kept in the cache.

A content page's article (header, cover, media, facts, body, extras, tags) and the home
page's 推荐学习 and 最新上线 cards are the same for every visitor; only the member's own
parts (record, 学习自测, 学习心得, votes, 待学任务, 为你推荐) differ. Those shared parts are
kept under keys that carry the shared content version (``core.content_version``): saving,
publishing, unpublishing, moving or deleting any page, changing who may see one, or
changing an image, a rendition, a document, a tag or a site replaces it
(``core.signal_handlers``), so the next request renders afresh, in every worker. Nothing
personal is ever stored under these keys.

The fragments live in the ``default`` cache with Redis, else in a store of their own in
each process's memory (``fragment_store``), safe because every key carries the shared
version. Routes from the site root are remembered too (``cached_route``), checking
themselves against the page's URL path instead of a version. Previews and pages whose
article shows personal data (``personal_article`` on the page class, e.g. 论坛活动 with its
registration) are never cached.
"""

from __future__ import annotations

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest
from django.utils import translation

from core import content_version

FRAGMENT_SECONDS = 24 * 60 * 60
FRAGMENT_ENTRIES = 5_000  # per process, without Redis: about 3 for each page


def fragment_store():
    """Where fragments and routes are kept: the ``default`` cache when it is shared (Redis);
    in a process's memory, a store of their own, so they never crowd out what else the
    local ``default`` keeps (its 300 entries hold Wagtail's renditions, menus, limits)."""
    default = caches["default"]
    if isinstance(default, LocMemCache):
        return LocMemCache("hongke-fragments", {"OPTIONS": {"MAX_ENTRIES": FRAGMENT_ENTRIES}})
    return default


def is_shareable(request: HttpRequest | None, page) -> bool:
    """Only the live page as served: not a preview, not a page that shows personal data."""
    return (
        request is not None
        and page is not None
        and getattr(page, "pk", None) is not None
        and getattr(page, "live", False)
        and not getattr(request, "is_preview", False)
        and not getattr(page, "personal_article", False)
    )


def fragment_key(request: HttpRequest, name: str, page) -> str:
    parts = [
        "fragment",
        content_version.current(request),
        name,
        str(page.pk),
        str(page.live_revision_id or ""),
        translation.get_language() or "",
        request.get_host(),
    ]
    return ":".join(parts)


def cached_fragment(request: HttpRequest | None, name: str, page, render) -> str:
    """``render()``'s HTML for ``page``, from the cache when it may be shared."""
    if not is_shareable(request, page):
        return render()
    key = fragment_key(request, name, page)
    store = fragment_store()
    html = store.get(key)
    if html is None:
        html = render()
        store.set(key, html, FRAGMENT_SECONDS)
    return html


class KnownRestrictions(list):
    """A page's view restrictions, read earlier: what Wagtail's serve check (iterating) and
    ``home.share`` (``exists()``) ask of them."""

    def exists(self) -> bool:
        return bool(self)


def kept(request: HttpRequest | None, name: str, compute):
    """``compute()``'s value, kept under ``name`` and the content version: for what every
    visitor gets alike and only the changes that replace the version can change. Never
    anything personal. ``None`` is kept too (as a one-item tuple)."""
    key = f"kept:{content_version.current(request)}:{name}"
    store = fragment_store()
    found = store.get(key)
    if found is None:
        found = (compute(),)
        store.set(key, found, FRAGMENT_SECONDS)
    return found[0]


def cached_view_restrictions(request: HttpRequest, page, read) -> KnownRestrictions:
    """``read()``'s view restrictions of ``page`` (its own and its ancestors', two queries),
    kept under the content version, which every restriction change and every move
    replaces: the pages a visitor opens ask the database for them once per version."""
    return KnownRestrictions(kept(request, f"restrictions:{page.pk}", lambda: list(read())))


ROUTE_KEY = "route:{root}:{path}"


def cached_route(request: HttpRequest, root, path_components: list[str], route):
    """Wagtail's ``route()`` from the site root, remembering where plain pages are.

    Walking the tree costs two queries a level; a remembered path costs one query, for the
    page itself, and checks itself: the page must still have that URL path (moved or
    deleted: walk the tree again). Being live is checked on the page just loaded, whether
    the visitor may see it when it is served. Only pages routed by ``Page.route`` itself
    are remembered (not a routable page's sub-views). No version is needed, so a miss
    costs no query more than Wagtail's own walk.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    if not path_components or getattr(request, "is_preview", False):
        return route(request, path_components)
    url_path = root.url_path + "/".join(path_components) + "/"
    key = ROUTE_KEY.format(root=root.pk, path=url_path)
    store = fragment_store()
    found = store.get(key)
    if found is not None:
        page_id, content_type_id = found
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        page = model and model.objects.filter(pk=page_id, url_path=url_path).first()
        if page is not None:
            return page.route(request, [])
    result = route(request, path_components)
    page, args, kwargs = result
    if not args and not kwargs and type(page).route is Page.route:
        store.set(key, (page.pk, page.content_type_id), FRAGMENT_SECONDS)
    return result
