"""Events' reactions to editors' work, wired in ``EventsConfig.ready``."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.signals import page_published

from core.content_version import bump
from events.models import ForumEventPage, Registration
from events.registration import refill_after_publish


@receiver(page_published, sender=ForumEventPage, dispatch_uid="events-refill-on-publish")
def refill_on_publish(sender, instance, **kwargs) -> None:
    """An editor may have raised the capacity: the waiting list moves up at once."""
    refill_after_publish(instance)


@receiver(pre_delete, sender=ForumEventPage, dispatch_uid="events-keep-event-title")
def keep_event_title(sender, instance, **kwargs) -> None:
    """A deleted event keeps its registrations (``on_delete=SET_NULL``) and they its title."""
    Registration.objects.filter(event_id=instance.pk).update(event_title=instance.title)


@receiver(post_save, sender=Registration, dispatch_uid="events-places-changed")
@receiver(post_delete, sender=Registration, dispatch_uid="events-places-gone")
def places_changed(**kwargs) -> None:
    """Anonymous visitors see places left and the waiting list: kept pages are forgotten."""
    bump()
