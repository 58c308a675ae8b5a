"""A lecture page shows its encoding (which file plays, the poster): kept pages and shared
fragments are forgotten when an encoding changes, as when a page or document does."""

from django.db.models.signals import post_delete, post_save

from core.content_version import bump
from lectures.models import MediaEncoding

post_save.connect(bump, sender=MediaEncoding, dispatch_uid="content-version-encoding-saved")
post_delete.connect(bump, sender=MediaEncoding, dispatch_uid="content-version-encoding-gone")
