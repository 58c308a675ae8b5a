from django.conf import settings
from django.urls import URLResolver, include, path, re_path
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from assignments import urls as assignments_urls
from config.api import api_router
from config.documents import serve_document
from config.media import serve_public_media
from config.robots import robots_txt
from learning import urls as learning_urls
from meetings import urls as meetings_urls
from members import shared_passwords
from members import urls as members_urls
from members.admin_accounts import ThrottledAccountView, ThrottledPasswordResetView
from mylearning import urls as mylearning_urls
from offline import urls as offline_urls
from search import urls as search_urls


def owned_by(app_name: str, patterns_by_prefix: dict[str, list]) -> URLResolver:
    """An app whose addresses begin with several prefixes: each list under its prefix, all
    in the app's one namespace (so `{% url "app:name" %}` finds every one of them)."""
    mounted = [path(prefix, include(patterns)) for prefix, patterns in patterns_by_prefix.items()]
    return path("", include((mounted, app_name)))


urlpatterns = [
    # The admin's password paths, throttled (members.admin_accounts): ahead of Wagtail's own.
    path(
        "admin/account/",
        never_cache(require_admin_access(ThrottledAccountView.as_view())),
        name="wagtailadmin_account",
    ),
    path(
        "admin/password_reset/",
        never_cache(ThrottledPasswordResetView.as_view()),
        name="wagtailadmin_password_reset",
    ),
    # Shared passwords of pages and documents, throttled (members.shared_passwords): ahead
    # of Wagtail's own.
    path(
        "_util/authenticate_with_password/<id:page_view_restriction_id>/<id:page_id>/",
        shared_passwords.page_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path(
        "documents/authenticate_with_password/<id:restriction_id>/",
        shared_passwords.document_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    # Documents with byte ranges and inline media (config.documents): ahead of Wagtail's own.
    path(
        "documents/<id:document_id>/<str:document_filename>",
        serve_document,
        name="wagtaildocs_serve",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    # Each app under the prefixes it owns (docs/architecture.md, "Addresses"). The longest
    # prefix an address starts with names its app.
    owned_by(
        "members",
        {
            "login/": members_urls.login_patterns,
            "logout/": members_urls.logout_patterns,
            "reset/": members_urls.reset_patterns,
        },
    ),
    path("share/", include("home.urls")),
    path("lectures/", include("lectures.urls")),
    owned_by(
        "search",
        {
            "search/": search_urls.page_patterns,
            "api/search/": search_urls.api_patterns,
            "tags/": search_urls.tag_patterns,
        },
    ),
    owned_by(
        "learning",
        {
            "api/learning/": learning_urls.api_patterns,
            "learning/pages/<id:page_id>/studied/": learning_urls.studied_patterns,
        },
    ),
    path("learning/pages/<id:page_id>/feedback/", include("feedback.urls")),
    path("learning/pages/<id:page_id>/self-check/", include("selfcheck.urls")),
    path("learning/pages/<id:page_id>/reflection/", include("reflections.urls")),
    path("learning/events/", include("events.urls")),
    # Ahead of assignments' "branch/", which would otherwise take these addresses.
    owned_by(
        "meetings",
        {
            "branch/meetings/": meetings_urls.branch_patterns,
            "oversight/meetings/": meetings_urls.oversight_patterns,
        },
    ),
    owned_by(
        "assignments",
        {
            "branch/": assignments_urls.branch_patterns,
            "learning/assignments/": assignments_urls.member_patterns,
        },
    ),
    owned_by(
        "mylearning",
        {
            "learning/": mylearning_urls.page_patterns,
            "api/learning/reading-list/": mylearning_urls.api_patterns,
        },
    ),
    owned_by(
        "offline",
        {"sw.js": offline_urls.worker_patterns, "offline/": offline_urls.page_patterns},
    ),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_public_media),
    ]

# Wagtail serves every other path from the page tree; it must come last.
urlpatterns += [path("", include(wagtail_urls))]
