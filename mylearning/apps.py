from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MyLearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mylearning"
    verbose_name = _("我的学习")
