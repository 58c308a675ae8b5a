"""What a lecture plays: the transcoder's renditions while they are current, else the
uploaded file itself (so a lecture keeps playing while its encoding waits or has failed).

One rule for the page's player, 下载离线 (``offline``), the API and the rendition view:
a video plays the 360p MP4 (no script needed) and, where the browser can, the HLS stream;
an audio lecture plays its AAC rendition. Rendition URLs carry the first 12 characters of
the source hash, so a replaced file gets new URLs and old ones may be kept for a year.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from lectures.encoding_state import encoding_of

if TYPE_CHECKING:  # lectures.models builds its player from here
    from lectures.models import MediaEncoding

HASH_CHARS = 12
FALLBACK_HEIGHT = 360
CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".jpg": "image/jpeg",
    ".vtt": "text/vtt; charset=utf-8",
}


@dataclass(frozen=True)
class Playback:
    """The URLs a player needs; ``hls_url`` only for a current video encoding with HLS."""

    src: str  # the fallback <source>: 360p MP4, AAC, or the original file
    content_type: str
    hls_url: str = ""
    poster: object = None  # an image: the encoding's frame, when the page has no poster
    current: bool = False


def current_encoding(document) -> MediaEncoding | None:
    encoding = encoding_of(document)
    return encoding if encoding is not None and encoding.is_current() else None


def rendition_url(encoding: MediaEncoding, name: str) -> str:
    return reverse(
        "lectures:rendition",
        args=[encoding.document_id, encoding.source_hash[:HASH_CHARS], name],
    )


def content_type_of(name: str, kind: str = "") -> str:
    extension = posixpath.splitext(name)[1].lower()
    if extension == ".mp4" and kind == "audio":
        return "audio/mp4"
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def kind_of(encoding: MediaEncoding, name: str) -> str:
    return next((r.get("kind", "") for r in encoding.renditions if r.get("name") == name), "")


def _first(renditions: list[dict], kind: str) -> dict | None:
    return next((r for r in renditions if r.get("kind") == kind and r.get("name")), None)


def fallback_mp4(renditions: list[dict]) -> dict | None:
    """The 360p MP4, else the smallest one: it plays on every phone and slow network."""
    mp4s = [r for r in renditions if r.get("kind") == "mp4" and r.get("name")]
    exact = [r for r in mp4s if r.get("height") == FALLBACK_HEIGHT]
    if exact:
        return exact[0]
    return min(mp4s, key=lambda r: r.get("height") or 0, default=None)


def playback_of(document, audio: bool = False) -> Playback | None:
    """How ``document`` plays; None without a document."""
    if document is None:
        return None
    original = Playback(src=document.url, content_type=document.content_type)
    encoding = current_encoding(document)
    if encoding is None:
        return original
    renditions = [r for r in encoding.renditions if isinstance(r, dict)]
    if audio or not encoding.has_video:
        chosen = _first(renditions, "audio")
        if chosen is None:
            return original
        return Playback(
            src=rendition_url(encoding, chosen["name"]),
            content_type="audio/mp4",
            current=True,
        )
    mp4 = fallback_mp4(renditions)
    hls = _first(renditions, "hls")
    if mp4 is None:
        return original
    return Playback(
        src=rendition_url(encoding, mp4["name"]),
        content_type="video/mp4",
        hls_url=rendition_url(encoding, hls["name"]) if hls else "",
        poster=encoding.poster,
        current=True,
    )


def api_renditions(document) -> list[dict] | None:
    """The playable renditions for the API (null when none are current)."""
    encoding = current_encoding(document)
    if encoding is None:
        return None
    return [
        {
            "kind": r.get("kind", ""),
            "width": r.get("width"),
            "height": r.get("height"),
            "bitrate": r.get("bitrate"),
            "url": rendition_url(encoding, r["name"]),
            "content_type": content_type_of(r["name"], r.get("kind", "")),
        }
        for r in encoding.renditions
        if isinstance(r, dict) and r.get("name") in encoding.files
    ]
