"""The sites map: shown only when a tile server is configured
(``settings.MAP_TILE_URL``). Leaflet comes from our own host (``site/static/vendor/leaflet``,
started by ``site/static/js/sites_map.js``); the tile server's origin joins the page's
``img-src`` on the sites index only, and only while it is set."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings

# A host a CSP source may name: letters, digits, dots and hyphens, optionally "*." first
# (the "{s}" subdomain placeholder of a tile URL becomes "*").
_HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")


def tile_url() -> str:
    return getattr(settings, "MAP_TILE_URL", "") or ""


def tile_origin(url: str) -> str | None:
    """``scheme://host[:port]`` of a tile URL template, or None when it names no other host
    we could safely put in a policy."""
    try:
        parts = urlsplit(url.replace("{s}", "*"))
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not _HOST.match(host):
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def map_enabled() -> bool:
    """A tile server is configured: on our own host (a path) or on a host we can name."""
    url = tile_url()
    if not url:
        return False
    return url.startswith("/") and not url.startswith("//") or tile_origin(url) is not None


def allow_tiles(response) -> None:
    """Let this response's page load tiles from the configured server (django-csp's
    per-response update: img-src only)."""
    origin = tile_origin(tile_url()) if map_enabled() else None
    if origin:
        response._csp_update = {"img-src": [origin]}


def markers(sites, request) -> list[dict]:
    """What the map script needs of each site with coordinates: title, url, lat, lng."""
    return [
        {
            "title": site.title,
            "url": site.get_url(request),
            "lat": float(site.latitude),
            "lng": float(site.longitude),
        }
        for site in sites
        if site.latitude is not None and site.longitude is not None
    ]
