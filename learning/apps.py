from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
    verbose_name = _("学习")

    def ready(self) -> None:
        # Connects the reading list's cache invalidation in every process, including
        # management commands such as publish_scheduled that never load the URLs.
        from learning import signal_handlers  # noqa: F401
