from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoadersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "loaders"
    verbose_name = _("批量导入")
