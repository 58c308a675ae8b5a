"""The content report's permission: who may read it.

``ContentReport`` has no table (``managed = False``): it exists so that the report has a
model permission, ``insights.view_contentreport``, that groups can be given. Migration 0001
gives it to 编辑 and 审核, the groups that act on content; superusers have it anyway.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentReport(models.Model):
    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = _("内容报告")
        verbose_name_plural = _("内容报告")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
