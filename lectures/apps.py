from django.apps import AppConfig


class LecturesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lectures"

    def ready(self) -> None:
        from lectures import signal_handlers  # noqa: F401  (encodings change what pages show)
