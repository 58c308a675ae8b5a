from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from config.api import api_router
from config.documents import serve_document
from config.media import serve_public_media
from config.robots import robots_txt
from home import views as home_views
from members import shared_passwords
from members.admin_accounts import ThrottledAccountView, ThrottledPasswordResetView
from search import tag_views
from search import views as search_views

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
    path("search/", search_views.search, name="search"),
    path("api/search/", search_views.search_api, name="search_api"),
    path("api/search/suggest/", search_views.suggest_api, name="search_suggest"),
    path("tags/", tag_views.tag_index, name="tag_index"),
    path("tags/<str:tag>/", tag_views.tag_page, name="tag_page"),
    # 分享: a content page's QR code (home.share)
    path("share/qr/<int:page_id>.svg", home_views.qr_code, name="share_qr"),
    path("", include("members.urls")),
    path("", include("learning.urls")),
    path("", include("feedback.urls")),
    path("", include("selfcheck.urls")),
    path("", include("reflections.urls")),
    path("", include("assignments.urls")),
    path("", include("mylearning.urls")),
    path("", include("events.urls")),
    path("", include("offline.urls")),
    path("", include("lectures.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_public_media),
    ]

# Wagtail serves every other path from the page tree; it must come last.
urlpatterns += [path("", include(wagtail_urls))]
