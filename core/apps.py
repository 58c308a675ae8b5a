from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.urls import register_converter

        from core.converters import IdConverter

        register_converter(IdConverter, "id")

        from core import signal_handlers  # noqa: F401  (the content version)
        from core.spreadsheet import guard_wagtail_exports

        guard_wagtail_exports()
