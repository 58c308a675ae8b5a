"""What a web worker does once, before its first request."""

import gc


def settle_for_serving() -> int:
    """Import every view now and keep the start-up objects out of garbage collection.

    Django, Wagtail and their modules leave ~200,000 long-lived objects; without this every
    full collection (one in every dozen or so requests that build big pages) walks them all
    and stalls the request for 150 ms or more. Frozen, a collection takes ~20 ms.
    Returns how many objects were frozen.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads the URLconf and with it the views
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
