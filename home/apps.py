from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"

    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from home.navigation import forget_menus

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(forget_menus, dispatch_uid=f"forget-menus-{id(signal)}")
        post_delete.connect(forget_menus, sender=Page, dispatch_uid="forget-menus-delete")
