"""What the service worker (``/sw.js``) is made of: the shell it precaches, the paths it
never keeps, and a version that changes whenever any of them does.

The worker's code is a static file (``site/static/js/service-worker.js``) on Workbox 7, both
served from our host under hashed names (``scripts/vendor_frontend.py`` vendors Workbox).
``/sw.js`` itself is a few lines written here: the names shared with the page scripts
(``core.frontend``) and the configuration as JSON, and
``importScripts`` of those two files. A deploy that changes a static file changes a hashed
name in it, so the browser sees new bytes, installs the new worker and the page offers the
update (``site/static/js/offline.js``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from core.frontend import conventions

# The Workbox modules the worker may load: the ones scripts/vendor_frontend.py pins (the one
# list) and records in the manifest it writes beside the vendored files.
VENDORED_MANIFEST = Path(__file__).resolve().parents[1] / "site/static/vendor/VENDORED.json"
WORKBOX_MODULES = [
    name
    for name in json.loads(VENDORED_MANIFEST.read_text(encoding="utf-8"))
    if name.startswith("workbox-") and name != "workbox-sw"
]

# The site's shell: precached on install, kept across logouts (nothing personal in it).
SHELL_STATIC = [
    "css/site.css",
    "js/site.js",
    "js/offline.js",
    "js/learning.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
    "manifest.webmanifest",
]

# Paths whose pages are never kept: personal pages, accounts, the admin, the APIs, uploads
# (documents are saved only by 下载离线). Check-in pages are matched by NEVER_CACHE_PARTS.
NEVER_CACHE_PREFIXES = [
    "/learning/",
    "/branch/",
    "/admin/",
    "/api/",
    "/accounts/",
    "/login/",
    "/logout/",
    "/reset/",
    "/documents/",
    "/django-admin/",
    "/sw.js",
]
NEVER_CACHE_PARTS = ["/check-in/", "/register/", "/cancel/", "/ics/"]


def precache_entries(offline_revision: str) -> list[dict]:
    """The shell: hashed static files need no revision; the offline page carries one."""
    entries = [{"url": static(path), "revision": None} for path in SHELL_STATIC]
    entries.append({"url": reverse("offline:page"), "revision": offline_revision})
    return entries


def worker_config(offline_html: bytes) -> dict:
    """What the worker reads from ``self.HONGKE_OFFLINE`` (the names it shares with the
    pages are in ``self.HONGKE``, ``core.frontend``); ``version`` hashes both."""
    offline_revision = hashlib.sha256(offline_html).hexdigest()[:16]
    config = {
        "precache": precache_entries(offline_revision),
        "modules": {name: static(f"vendor/workbox/{name}.prod.js") for name in WORKBOX_MODULES},
        "modulePathPrefix": static("vendor/workbox/").rstrip("/") or "/",
        "workbox": static("vendor/workbox/workbox-sw.js"),
        "worker": static("js/service-worker.js"),
        "offlineUrl": reverse("offline:page"),
        "staticUrl": settings.STATIC_URL,
        "neverCachePrefixes": NEVER_CACHE_PREFIXES,
        "neverCacheParts": NEVER_CACHE_PARTS,
        "networkTimeoutSeconds": settings.OFFLINE_NETWORK_TIMEOUT_SECONDS,
        "maxPages": settings.OFFLINE_MAX_PAGES,
    }
    # The shared names too: a renamed cache or header is a new worker.
    versioned = {**config, "conventions": conventions()}
    config["version"] = hashlib.sha256(json.dumps(versioned, sort_keys=True).encode()).hexdigest()[
        :16
    ]
    return config


def worker_source(config: dict) -> str:
    """The bytes of ``/sw.js``."""
    data = json.dumps(config, ensure_ascii=False, indent=1, sort_keys=True)
    shared = json.dumps(conventions(), ensure_ascii=False, indent=1, sort_keys=True)
    return (
        f"// 红课 service worker (offline reading), version {config['version']}.\n"
        "// Written by offline.shell; the code is in the two scripts imported below.\n"
        f"self.HONGKE = {shared};\n"
        f"self.HONGKE_OFFLINE = {data};\n"
        f"importScripts({json.dumps(config['workbox'])}, {json.dumps(config['worker'])});\n"
    )
