"""A web worker's start-up: views loaded and long-lived objects kept out of collections."""

import gc

from config.startup import settle_for_serving


def test_settling_freezes_the_start_up_objects():
    gc.unfreeze()
    try:
        frozen = settle_for_serving()
        assert frozen == gc.get_freeze_count()
        # Django, Wagtail and the project's views: far more than a bare interpreter holds.
        assert frozen > 50_000
    finally:
        gc.unfreeze()
