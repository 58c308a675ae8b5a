from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    # Wagtail's own search app is labelled "wagtailsearch", so "search" is free.
    label = "search"
