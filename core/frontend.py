"""The names the site's scripts and the server share, defined once.

Page scripts (``site/static/js/``) read them from the JSON block every page carries
(``{% frontend_conventions %}`` in ``base.html``, id ``CONVENTIONS_ELEMENT_ID``); the service
worker, which cannot read a page, from ``self.HONGKE`` at the top of ``/sw.js``
(``offline.shell``). No script spells one of these values itself (``tests/core/
test_frontend.py`` looks for them), so renaming one here renames it everywhere.
"""

from __future__ import annotations

# The one name a script spells: where it finds the rest.
CONVENTIONS_ELEMENT_ID = "hongke-conventions"

# localStorage and sessionStorage keys of ours all start with the prefix: the logout (and a
# change of member) removes those, and nothing of other sites' scripts on the same origin.
STORAGE_PREFIX = "hongke."
# learning.js's outbox: one key per member, the prefix followed by the member's key
# (learning.outbox.member_key), so a member's unsent events survive another's login.
OUTBOX_PREFIX = STORAGE_PREFIX + "outbox."
# offline.js: whose member key the phone's caches were last filled for.
OFFLINE_MEMBER_KEY = STORAGE_PREFIX + "offline.member"

# Cache Storage. Workbox names its precache ``<prefix>-<precache>``: the shell, the only cache
# of ours kept at logout (nothing personal in it). The worker drops the member's caches
# (pages, downloads, pictures and its note of the session) when the session ends.
WORKBOX_CACHE_NAMES = {"prefix": "hongke", "suffix": "", "precache": "shell", "runtime": "runtime"}
CACHE_NAMES = {
    "shell": "hongke-shell",
    "pages": "hongke-pages",
    "downloads": "hongke-downloads",
    "images": "hongke-images",
    "session": "hongke-session",
    "static": "hongke-static",
}
# Where in the session cache the worker notes whose session the phone's caches belong to.
SESSION_NOTE_PATH = "/__hongke/session"

# Headers. The session header names whose session an answer was made for (offline.session);
# the member header says whose outbox a batch of learning events came from (learning.outbox).
SESSION_HEADER = "X-Hongke-Session"
MEMBER_HEADER = "X-Learning-Member"
# What 下载离线 writes beside each saved file in the downloads cache (offline.js).
DOWNLOAD_HEADERS = {"page": "x-hongke-page", "title": "x-hongke-title", "size": "x-hongke-size"}

# The page asks a waiting worker to take over (the member agreed to reload).
SKIP_WAITING_MESSAGE = "SKIP_WAITING"

# The logout signal: offline.js, the one logout path, dispatches it on the document before
# it empties the phone, so a script holding a member's data (learning.js) sends or drops it.
LOGOUT_EVENT = "hongke:logout"
# A page's own walk-through (tour.js) tells learning.js how much of it has been seen.
PROGRESS_EVENT = "learning:progress"
# Marks the logout forms in templates.
LOGOUT_ATTRIBUTE = "data-logout"
# The worker marks a saved copy it shows instead of the network (offline.js shows 离线阅读).
OFFLINE_COPY_ATTRIBUTE = "data-offline-copy"


def conventions() -> dict:
    """Everything above, as the scripts read it."""
    return {
        "storage": {
            "prefix": STORAGE_PREFIX,
            "outbox": OUTBOX_PREFIX,
            "offlineMember": OFFLINE_MEMBER_KEY,
        },
        "caches": dict(CACHE_NAMES),
        "workboxCacheNames": dict(WORKBOX_CACHE_NAMES),
        "sessionNotePath": SESSION_NOTE_PATH,
        "headers": {
            "session": SESSION_HEADER,
            "learningMember": MEMBER_HEADER,
            "downloads": dict(DOWNLOAD_HEADERS),
        },
        "messages": {"skipWaiting": SKIP_WAITING_MESSAGE},
        "events": {"logout": LOGOUT_EVENT, "learningProgress": PROGRESS_EVENT},
        "attributes": {"logout": LOGOUT_ATTRIBUTE, "offlineCopy": OFFLINE_COPY_ATTRIBUTE},
    }
