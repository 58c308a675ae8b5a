"""What the web server checks before it serves anything."""

import os

from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_production(environ=os.environ) -> None:
    def on(name: str) -> bool:
        return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}

    if on("ALLOW_INSECURE_KEY"):
        return
    if not environ.get("SECRET_KEY"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to serve the site (or ALLOW_INSECURE_KEY=1 locally)."
        )
    if on("DEBUG"):
        raise ImproperlyConfigured(
            "DEBUG must be off to serve the site (or ALLOW_INSECURE_KEY=1 locally)."
        )
