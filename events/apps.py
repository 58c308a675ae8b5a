from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = _("论坛活动")

    def ready(self) -> None:
        from wagtail.signals import page_published

        from events.models import ForumEventPage

        page_published.connect(
            refill_on_publish, sender=ForumEventPage, dispatch_uid="events-refill-on-publish"
        )


def refill_on_publish(sender, instance, **kwargs) -> None:
    """An editor may have raised the capacity: the waiting list moves up at once."""
    from events.registration import refill_after_publish

    refill_after_publish(instance)
