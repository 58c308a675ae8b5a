from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assignments"
    verbose_name = _("支部学习任务")

    def ready(self) -> None:
        from assignments import signal_handlers  # noqa: F401
