from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search.utils import normalise_query_string


class ZeroResultQuery(models.Model):
    """Searches that found nothing: tells editors what students look for and we lack.

    Only the words are kept, never who searched.
    """

    query_string = models.CharField(_("搜索词"), max_length=255, unique=True)
    hits = models.PositiveIntegerField(_("次数"), default=0)
    last_searched_at = models.DateTimeField(_("最近一次"), default=timezone.now)

    class Meta:
        verbose_name = _("无结果搜索词")
        verbose_name_plural = _("无结果搜索词")
        ordering = ["-hits", "query_string"]

    def __str__(self) -> str:
        return self.query_string

    @classmethod
    def record(cls, query_string: str) -> None:
        normalised = normalise_query_string(query_string)[:255]
        if not normalised:
            return
        counted = cls.objects.filter(query_string=normalised).update(
            hits=F("hits") + 1, last_searched_at=timezone.now()
        )
        if not counted:
            cls.objects.get_or_create(query_string=normalised, defaults={"hits": 1})
