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
version. The request's Site and the pages routes lead to are kept the same way
(``keep_site``, ``cached_route``). Previews and pages whose
article shows personal data (``personal_article`` on the page class, e.g. 论坛活动 with its
registration) are never cached.
"""

from __future__ import annotations

import hashlib

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.http.request import split_domain_port
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


def keep_site(request: HttpRequest) -> None:
    """Give the request its Wagtail Site, with the site's root page (specific) loaded, from
    the shared store under the content version, which every change to sites and pages
    replaces: every page Wagtail serves asks for both (two queries otherwise). The key is
    what Wagtail matches a site on, the host name and port; a host outside ``ALLOWED_HOSTS``
    keeps nothing (Django answers it 400)."""
    from wagtail.models import Site

    try:
        hostname = split_domain_port(request.get_host())[0]
    except DisallowedHost:
        return
    key = f"site:{hostname}:{request.get_port()}"

    def find():
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page.localized.specific  # noqa: B018 (loaded now, so it is kept too)
        return site

    request._wagtail_site = kept(request, key, find)


def cached_route(request: HttpRequest, root, path_components: list[str], route):
    """Wagtail's ``route()`` from the site root, keeping the page it finds.

    Walking the tree costs two queries a level, and loading the specific page a join: the
    page found is kept under the content version (which every change a visitor can see
    replaces; a saved draft leaves the live page as it was), so the next request for its
    path costs no query. Being live is checked again on the kept page, whether the visitor
    may see it when it is served. Only pages routed by ``Page.route`` itself are kept (not
    a routable page's sub-views).
    """
    from wagtail.models import Page

    if not path_components or getattr(request, "is_preview", False):
        return route(request, path_components)
    url_path = root.url_path + "/".join(path_components) + "/"
    # Hashed: a visitor's path can be kilobytes long, a key stays short.
    path_hash = hashlib.sha256(url_path.encode()).hexdigest()
    key = f"kept:{content_version.current(request)}:route:{root.pk}:{path_hash}"
    store = fragment_store()
    page = store.get(key)
    if page is not None:
        return page.route(request, [])
    result = route(request, path_components)
    page, args, kwargs = result
    if not args and not kwargs and type(page).route is Page.route:
        store.set(key, page, FRAGMENT_SECONDS)
    return result
