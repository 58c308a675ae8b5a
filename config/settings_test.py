"""Test settings: the same settings, with fast hashing and throwaway media."""

import tempfile

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test process writes uploads and renditions to its own temporary folder.
MEDIA_ROOT = tempfile.mkdtemp(prefix="hongke-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="hongke-test-static-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests change pages straight through the ORM, which a kept page would hide: the anonymous
# page cache is off here and switched on by the tests about it (tests/core/test_page_cache.py).
PAGE_CACHE_ENABLED = False
# Saving a lecture queues its transcoding: here nothing runs it, so unrelated tests never
# start ffmpeg. Tests of the transcoder run it themselves or override TASKS.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "media": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["media"]},
}
