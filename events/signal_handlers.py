"""Events' reactions to editors' work, wired in ``EventsConfig.ready``."""

from django.dispatch import receiver
from wagtail.signals import page_published

from events.models import ForumEventPage
from events.registration import refill_after_publish


@receiver(page_published, sender=ForumEventPage, dispatch_uid="events-refill-on-publish")
def refill_on_publish(sender, instance, **kwargs) -> None:
    """An editor may have raised the capacity: the waiting list moves up at once."""
    refill_after_publish(instance)
