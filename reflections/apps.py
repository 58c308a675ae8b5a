from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reflections"
    verbose_name = _("学习心得")

    def ready(self) -> None:
        from reflections import signal_handlers  # noqa: F401
