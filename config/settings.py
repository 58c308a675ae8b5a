"""Settings for 红课, read from the environment (twelve-factor).

Embedded defaults (SQLite, database search, local memory cache) need no other
server; DATABASE_URL, ELASTICSEARCH_URL and REDIS_URL switch on the bigger parts.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# Management commands (migrate, makemigrations, check…) run without a key; the web
# server refuses to start without one (config/wsgi.py), which is where it matters.
INSECURE_DEVELOPMENT_KEY = "insecure-development-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_DEVELOPMENT_KEY

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# First-party apps from the bottom layer up (docs/architecture.md).
INSTALLED_APPS = [
    "core",
    "audit",
    "members",
    "home",
    "lectures",
    "exhibits",
    "stories",
    "search",
    "learning",
    "feedback",
    "selfcheck",
    "reflections",
    "events",
    "assignments",
    "insights",
    "meetings",
    "mylearning",
    "offline",
    "loaders",
    "demo",
    "recovery",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "rest_framework",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
    # Background work (lectures' transcoding): the database queue, or RQ with REDIS_URL.
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Behind a proxy TRUSTED_PROXIES does not name, nothing is served (core.ratelimit).
    "core.ratelimit.UnknownProxyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole pages for anonymous visitors (core.pagecache): a hit skips everything below,
    # while the security and CSP headers above are added to it as to any response.
    "core.pagecache.AnonymousPageCacheMiddleware",
    # Below the page cache, so a kept page is compressed once (core.compression).
    "core.compression.TextGZipMiddleware",
    # The request's Wagtail Site, kept under the content version (home.fragments).
    "home.middleware.KeptSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers pass these bottom up: the session's end is moved first (members.sessions),
    # then the answer of a logged-in user becomes private, no-store unless shared by design
    # (core.privacy), and the worker is told whose session it belongs to (offline.session).
    "offline.session.SessionHeaderMiddleware",
    "core.privacy.PrivateForMembersMiddleware",
    "members.sessions.IdleExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it sees the view's exception first: malformed admin requests get 400.
    "config.admin_guard.MalformedAdminRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The page script's outbox (learning.js): how often it reports reading time, and its retry
# back-off (doubling from the base up to the cap, with jitter). Tests shorten them.
LEARNING_REPORT_INTERVAL_MS = int(os.environ.get("LEARNING_REPORT_INTERVAL_MS", "30000"))
LEARNING_RETRY_BASE_MS = int(os.environ.get("LEARNING_RETRY_BASE_MS", "2000"))
LEARNING_RETRY_MAX_MS = int(os.environ.get("LEARNING_RETRY_MAX_MS", "300000"))

# Database: SQLite file in the project unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while a page is being published.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    # A transaction takes the write lock when it starts, so two that read and then write
    # (a registration counting free places) queue up instead of failing with "locked".
    options["transaction_mode"] = "IMMEDIATE"
    options.setdefault("timeout", 20)
    # Connections are kept (DB_CONN_MAX_AGE) as on PostgreSQL: opening the file and setting
    # WAL cost more than a kept page's whole answer. Each request still reads the latest
    # commit; restore writes through SQLite's own backup API while the site is stopped.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, otherwise per-process memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A store every worker shares, for the content version below: Redis when there is one,
# otherwise a table in the database (created by core's migration). Never per-process
# memory. Rate limits (logins, shared passwords, check-in codes) count in a table of
# their own, core.models.RateCounter, which nothing culls or evicts.
CACHES["ratelimit"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "hongke_ratelimit",
        # The default (300 entries, then a third culled) would drop the version early.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
)
# Whole pages kept for anonymous visitors (core.pagecache). The version that invalidates
# them, members' shared fragments and the menu (core.content_version) must be one every
# worker reads: the rate-limit store (Redis, else its table in the database). The pages
# themselves: Redis, shared by servers, else each process's memory (correct across workers
# too, since every key carries the shared version).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
CACHES["content_version"] = CACHES["ratelimit"]  # the same shared store, its own alias
CACHES["pagecache"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "hongke-pages",
        # Pages are kept compressed (about 10 KB) or not (about 50 KB): at most ~50 MB a worker.
        "OPTIONS": {"MAX_ENTRIES": 1_000},
    }
)
# Background work (django-tasks). Wagtail queues its own search and reference index updates
# on the "default" backend: they stay immediate, in the request, as before (who may replace
# a file depends on the reference index being current). Lectures' transcoding goes to
# "media": a queue in the database worked by ``manage.py db_worker --backend media``
# (scripts/serve starts one beside gunicorn), or with REDIS_URL an RQ queue worked by
# ``manage.py rqworker --job-class django_tasks_rq.Job media``.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS["media"] = {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["media"]}
    # A long lecture's encodes take minutes: RQ's 180 s default would kill them.
    RQ_QUEUES = {"media": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600}}
else:
    TASKS["media"] = {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["media"]}
# Each ffmpeg run is stopped after this long; a transcode still marked running after four
# times as long is taken as crashed and done again. Threads per ffmpeg run (0: all cores).
TRANSCODE_TIMEOUT_SECONDS = int(os.environ.get("TRANSCODE_TIMEOUT_SECONDS", "1800"))
TRANSCODE_THREADS = int(os.environ.get("TRANSCODE_THREADS", "0"))
# x264's speed for quality trade: veryfast encodes a minute of 1080p in well under a minute
# on 2 cores (benchmarks/transcode_bench.py); superfast is ~15 % quicker, a little larger.
TRANSCODE_PRESET = os.environ.get("TRANSCODE_PRESET", "veryfast")
# Uploaded audio and video larger than this are refused by the document form.
MEDIA_MAX_UPLOAD_MB = int(os.environ.get("MEDIA_MAX_UPLOAD_MB", "2048"))

# Addresses (or networks) of reverse proxies in front of the site, comma separated: the
# client is the last X-Forwarded-For hop that is not one of them. Empty: the peer address.
TRUSTED_PROXIES = [
    proxy.strip() for proxy in os.environ.get("TRUSTED_PROXIES", "").split(",") if proxy.strip()
]

# Search: Elasticsearch when ELASTICSEARCH_URL is set, otherwise the database.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch",
            "URLS": [ELASTICSEARCH_URL],
            "ANALYZER": os.environ.get("ELASTICSEARCH_ANALYZER", "smartcn"),
            "INDEX_PREFIX": os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "hongke_"),
            "TIMEOUT": 5,
        }
    }
else:
    # "simple": our text is already segmented; English stemming would only get in the way.
    WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.database", "SEARCH_CONFIG": "simple"}
    }

# Every path that checks a password goes through the login throttle (members.throttle).
AUTHENTICATION_BACKENDS = ["members.backends.ThrottledModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
STORAGES = {
    # Original pictures get names of their own, so they and their renditions can be served
    # as immutable for a year (config/media.py).
    "default": {"BACKEND": "core.storage.UniqueImageNameStorage"},
    # Compressed, hashed names: phones on slow networks cache them for a year.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Where ``manage.py backup`` writes its archives unless told otherwise (--output).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
# ``restore`` refuses an archive past these caps, read from its tar headers before anything
# is unpacked: a hostile or broken archive cannot fill the disk. ``backup`` warns when its
# archive would need more. The signing key, BACKUP_KEY, is deliberately not a setting: only
# the backup and restore commands read it from their environment (recovery.signing).
RESTORE_MAX_BYTES = int(os.environ.get("RESTORE_MAX_BYTES", str(20 * 1024**3)))
RESTORE_MAX_ENTRIES = int(os.environ.get("RESTORE_MAX_ENTRIES", "200000"))
# On one machine Django serves uploads itself; behind object storage turn this off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Documents and lecture renditions: Django checks who may have them, then either streams
# the file (byte ranges in core.byteranges) or, behind nginx with MEDIA_ACCEL_REDIRECT=1,
# names it in X-Accel-Redirect under SENDFILE_URL, an internal location on MEDIA_ROOT
# (core.sendfile_nginx; README). Wagtail reads SENDFILE_BACKEND only when it is set.
if env_bool("MEDIA_ACCEL_REDIRECT", False):
    SENDFILE_BACKEND = "core.sendfile_nginx"
    SENDFILE_ROOT = str(MEDIA_ROOT)
    SENDFILE_URL = os.environ.get("SENDFILE_URL", "/protected-media/")

# The sites index shows a map only when a tile server is configured (a URL template such as
# https://tiles.example.edu.cn/{z}/{x}/{y}.png); its origin then joins img-src on that page
# only (exhibits.sites_map). Without one the index lists the sites by province.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "").strip()
MAP_ATTRIBUTION = os.environ.get("MAP_ATTRIBUTION", "").strip()

# Mail (assignment reminders): printed to the console until an SMTP server is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "红课 <noreply@localhost>")

WAGTAIL_SITE_NAME = "红课"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "docx",
    "pptx",
    "xlsx",
    "txt",
    "zip",
    "mp4",
    "webm",
    "m4a",
    "mp3",
    "ogg",
    "wav",
    "mov",
    "mkv",
    # Lectures' captions (lectures.captions): WebVTT, or SRT converted to WebVTT when served.
    "vtt",
    "srt",
]
# Types Python's mimetypes gets wrong or leaves to the system's list.
WAGTAILDOCS_CONTENT_TYPES = {
    "mp4": "video/mp4",
    "webm": "video/webm",
    "m4a": "audio/mp4",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "mov": "video/quicktime",
    "mkv": "video/x-matroska",
    "vtt": "text/vtt",
    "srt": "application/x-subrip",
}
# Played or read in the page (a player seeks with byte ranges), not downloaded.
WAGTAILDOCS_INLINE_CONTENT_TYPES = [
    "application/pdf",
    "video/mp4",
    "video/webm",
    "audio/mp4",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "text/vtt",
]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Editors may not move files out of restricted collections or replace published ones.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "home.media_edits.ReviewedDocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "home.media_edits.ReviewedImageForm"
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "png", "gif": "png"}
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 50
TAGGIT_CASE_INSENSITIVE = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The site's own session only. DRF's default Basic authentication would check a
    # username and password sent with any API request: a second login with no login page,
    # no CSRF and a yes/no answer for every guess.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
}

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/learning/"
# A session ends after this many days without a visit (members.sessions moves the end
# forward at most once an hour); 这是公用手机 ends it when the browser closes.
SESSION_IDLE_DAYS = os.environ.get("SESSION_IDLE_DAYS", "7").strip()
if not SESSION_IDLE_DAYS.isdigit() or int(SESSION_IDLE_DAYS) < 1:
    raise ImproperlyConfigured("SESSION_IDLE_DAYS must be a whole number of days, at least 1.")
SESSION_IDLE_DAYS = int(SESSION_IDLE_DAYS)
SESSION_COOKIE_AGE = SESSION_IDLE_DAYS * 24 * 60 * 60

# Content-Security-Policy: everything from our own host, no inline script or style (the
# templates have none), no plugins, no framing by other sites. Wagtail's admin and its page
# previews (under /admin/) need inline scripts and keep Wagtail's own protections.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The service worker (/sw.js, offline reading) and the web app manifest.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Offline reading (offline/): 下载离线 keeps at most this much per member on the phone; a
# page waits this long for the network before showing its saved copy; the worker keeps this
# many pages the member opened.
# 组织生活: the kinds a branch must hold and how often (months between them); the 台账's grid
# shows a gap, and a reminder goes out two weeks before the quarter ends, when one is missing.
MEETING_REQUIREMENTS = {"general": 3, "committee": 1, "group": 1, "lecture": 3}
MEETING_REMINDER_DAYS_BEFORE_QUARTER_END = 14

OFFLINE_DOWNLOAD_CAP_MB = int(os.environ.get("OFFLINE_DOWNLOAD_CAP_MB", "200"))
OFFLINE_NETWORK_TIMEOUT_SECONDS = 4
OFFLINE_MAX_PAGES = 60

# Wagtail's admin shows page previews in a frame of its own: SAMEORIGIN, not DENY, and
# frame-ancestors 'self' in the CSP say the same.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "SAMEORIGIN"
    if env_bool("HTTPS"):
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        SECURE_SSL_REDIRECT = True
        # A year of HTTPS only, subdomains included. Joining browsers' preload lists is a
        # decision for the university's network office: HSTS_PRELOAD=1 once they agree.
        SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
        SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
        if not SECURE_HSTS_PRELOAD:
            SILENCED_SYSTEM_CHECKS.append("security.W021")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
