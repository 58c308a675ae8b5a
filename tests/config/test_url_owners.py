"""Every address of ours sits under a prefix its app owns (config/urls.py), and the addresses
phones, e-mails and the service worker already know still lead where they did."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve

# The owners' table of docs/architecture.md ("Addresses"). The longest prefix an address
# starts with names the app that must serve it.
APP_PREFIXES = {
    "config": ["robots.txt", "api/v2/", "documents/", "media/"],
    "members": ["login/", "logout/", "reset/"],
    "home": ["share/"],
    "lectures": ["lectures/"],
    "search": ["search/", "api/search/", "tags/"],
    "learning": ["api/learning/", "learning/pages/<id:page_id>/studied/"],
    "feedback": ["learning/pages/<id:page_id>/feedback/"],
    "selfcheck": ["learning/pages/<id:page_id>/self-check/"],
    "reflections": ["learning/pages/<id:page_id>/reflection/"],
    "events": ["learning/events/"],
    "assignments": ["branch/", "learning/assignments/"],
    "meetings": ["branch/meetings/", "oversight/meetings/"],
    "mylearning": ["learning/", "api/learning/reading-list/"],
    "offline": ["sw.js", "offline/"],
}
# Documented exceptions: our views answering at addresses Wagtail owns, ahead of its own.
WAGTAIL_ADDRESSES_WE_SERVE = {
    "admin/": "the apps' admin pages (register_admin_urls hooks) and the throttled password paths",
    "_util/authenticate_with_password/": "shared page passwords, throttled (members)",
    "documents/authenticate_with_password/": "shared document passwords, throttled (members)",
}


def endpoints(patterns, prefix=""):
    """(address pattern, app of the view) for every view of the project, however nested."""
    for entry in patterns:
        route = prefix + str(entry.pattern).removeprefix("^")
        if isinstance(entry, URLResolver):
            yield from endpoints(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "view_class", entry.callback)
            yield route, view.__module__.split(".")[0]


def owner_of(route: str) -> str | None:
    prefixes = [(p, app) for app, owned in APP_PREFIXES.items() for p in owned]
    matching = [(len(p), app) for p, app in prefixes if route.startswith(p)]
    return max(matching)[1] if matching else None


def ours(app: str) -> bool:
    """The project's own packages: config and every installed app in this repository."""
    local = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
        and "site-packages" not in Path(config.path).parts
    }
    return app in local | {"config"}


def test_every_address_of_ours_is_under_a_prefix_its_app_owns():
    misplaced = []
    for route, app in endpoints(get_resolver().url_patterns):
        if not ours(app) or any(route.startswith(p) for p in WAGTAIL_ADDRESSES_WE_SERVE):
            continue
        if owner_of(route) != app:
            misplaced.append(f"{route} ({app}; the prefix is {owner_of(route)}'s)")
    assert not misplaced, "\n".join(misplaced)


def test_every_app_serves_under_each_prefix_it_owns():
    served = list(endpoints(get_resolver().url_patterns))
    for app, owned in APP_PREFIXES.items():
        for prefix in owned:
            assert any(route.startswith(prefix) and found == app for route, found in served), (
                f"{app} serves nothing under {prefix}"
            )


def test_wagtail_serves_every_other_path_last():
    last = get_resolver().url_patterns[-1]
    assert isinstance(last, URLResolver) and last.urlconf_module.__name__ == "wagtail.urls"


@pytest.mark.parametrize(
    ("address", "view_name"),
    [
        ("/login/", "members:login"),
        ("/logout/", "members:logout"),
        ("/reset/done/", "members:password_reset_complete"),
        ("/reset/MQ/set-password/", "members:password_reset_confirm"),
        ("/learning/", "mylearning:my_learning"),
        ("/learning/for-you/", "mylearning:for_you"),
        ("/learning/events/", "events:my_events"),
        ("/learning/pages/12/studied/", "learning:mark_studied"),
        ("/learning/pages/12/self-check/", "selfcheck:answer"),
        ("/learning/pages/12/feedback/", "feedback:vote"),
        ("/learning/pages/12/reflection/delete/", "reflections:delete"),
        ("/learning/assignments/3/pages/12/share-reflection/", "assignments:share_reflection"),
        ("/branch/", "assignments:branch"),
        ("/branch/assignments/3/status.csv", "assignments:branch_assignment_csv"),
        ("/api/learning/events/", "learning:events"),
        ("/api/learning/reading-list/dismiss/", "mylearning:reading_list_dismiss"),
        ("/sw.js", "offline:sw"),
        ("/offline/", "offline:page"),
        ("/offline/copy/12/", "offline:copy"),
        ("/search/", "search:search"),
        ("/api/search/suggest/", "search:search_suggest"),
        ("/tags/", "search:tag_index"),
        ("/tags/x/", "search:tag_page"),
        ("/lectures/media/7/0123456789ab/hls/index.m3u8", "lectures:rendition"),
        ("/lectures/12/captions.vtt", "lectures:captions"),
        ("/share/qr/12.svg", "home:share_qr"),
        ("/robots.txt", "robots_txt"),
    ],
)
def test_the_addresses_in_use_still_lead_to_their_views(address, view_name):
    assert resolve(address).view_name == view_name


def test_an_unknown_address_is_left_to_the_page_tree():
    assert resolve("/learning-extra/").url_name == "wagtail_serve"
