"""WSGI entry point (gunicorn config.wsgi).

Production refuses to start without its own SECRET_KEY or with DEBUG on (a local demo or
test server opts out explicitly with ALLOW_INSECURE_KEY=1), and behind a proxy (HTTPS=1)
that TRUSTED_PROXIES does not name.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from config.startup import (
    refuse_unknown_proxy,
    refuse_unsafe_production,
    refuse_unshared_ratelimit,
    settle_for_serving,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

refuse_unsafe_production()
application = get_wsgi_application()
refuse_unshared_ratelimit(settings.CACHES)
refuse_unknown_proxy(settings)
settle_for_serving()
