"""A deleted page leaves its title on the reflections written about it."""

from django.db.models.signals import pre_delete

from home.models import ContentPage
from reflections.models import Reflection


def keep_titles(sender, instance, **kwargs) -> None:
    Reflection.objects.filter(page_id=instance.pk).update(page_title=instance.title)


pre_delete.connect(keep_titles, sender=ContentPage, dispatch_uid="reflections-keep-page-titles")
