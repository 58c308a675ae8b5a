"""Transcode lectures' audio and video now, in the foreground: no worker needed.

Every lecture whose renditions are missing or stale (waiting, failed, of an earlier file, or
left running by a crashed worker), or all of them with ``--force``; ``--page ID`` one lecture.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from home.media_checks import is_media_name
from lectures.encoding import encode_document, is_running_elsewhere
from lectures.models import MediaEncoding, MicroLecturePage


class Command(BaseCommand):
    help = "Transcode lectures' audio and video in the foreground (missing or stale only)."

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, help="only the lecture with this page id")
        parser.add_argument(
            "--force", action="store_true", help="encode again even when renditions are current"
        )

    def handle(self, *args, page=None, force=False, verbosity=1, **options):
        lectures = MicroLecturePage.objects.filter(media_file__isnull=False).select_related(
            "media_file"
        )
        if page is not None:
            lectures = lectures.filter(pk=page)
            if not lectures.exists():
                raise CommandError(
                    _("没有 id 为 %(id)s 且带有上传音视频文件的微党课。") % {"id": page}
                )
        done: set[int] = set()
        started = time.monotonic()
        for lecture in lectures.order_by("path"):
            document = lecture.media_file
            if document.pk in done or not is_media_name(document.file.name):
                continue
            done.add(document.pk)
            self.encode(lecture, document, force=force)
        self.stdout.write(
            _("完成：%(count)s 个文件，用时 %(seconds).1f 秒。")
            % {"count": len(done), "seconds": time.monotonic() - started}
        )

    def encode(self, lecture, document, *, force: bool) -> None:
        encoding = MediaEncoding.objects.filter(document=document).first()
        if encoding is not None and not force:
            encoding.document = document
            if encoding.is_current():
                self.report(lecture, encoding, 0.0, _("已是最新"))
                return
            if is_running_elsewhere(encoding):
                self.report(lecture, encoding, 0.0, _("另一进程正在转码，跳过"))
                return
        started = time.monotonic()
        # Failed, waiting or stale rows are done again: this is the operator asking.
        encoding = encode_document(document.pk, force=True)
        self.report(lecture, encoding, time.monotonic() - started, "")

    def report(self, lecture, encoding, seconds: float, note: str) -> None:
        state = encoding.get_state_display() if encoding is not None else "—"
        if encoding is not None and encoding.state == "failed":
            state = f"{state}：{encoding.reason}"
        line = f"{lecture.title}（{lecture.pk}）  {state}  {seconds:.1f}s"
        self.stdout.write(f"{line}  {note}" if note else line)
