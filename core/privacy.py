"""Responses that carry one person's data."""

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


def private(response: HttpResponse) -> HttpResponse:
    """Personal data: never kept by a shared cache or served to the next person at the desk."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response
