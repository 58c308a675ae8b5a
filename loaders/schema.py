"""The file format's vocabulary: which types a line may have, their keys, and parsers.

The kinds themselves (page model, section, label) come from the registry in
``home.kinds``; this module adds what the import file calls each key, how its value is
parsed and which keys a line must have.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from wagtail.models import Page

from home.kinds import Kind, all_kinds
from home.models import ContentPage
from loaders.body import parse_body
from loaders.lecture_files import LECTURE_FILE_KEYS
from loaders.parsers import (
    Parser,
    parse_aware_datetime,
    parse_capacity,
    parse_completion,
    parse_coordinate,
    parse_optional_integer,
    parse_optional_text,
    parse_questions,
    parse_required_text,
    parse_slug,
    parse_tags,
    parse_topic,
    parse_url,
)

# The file's field names per kind, beside those every kind has; the kinds themselves (model,
# section, label) come from the registry in home.kinds.
KIND_PARSERS: dict[str, dict[str, Parser]] = {
    "lecture": {
        "speaker": parse_optional_text,
        "duration_seconds": parse_optional_integer,
        "video_url": parse_url,
        "transcript": parse_optional_text,
    },
    "site": {
        "province": parse_optional_text,
        "city": parse_optional_text,
        "address": parse_optional_text,
        "latitude": parse_coordinate,
        "longitude": parse_coordinate,
        "period": parse_optional_text,
    },
    "story": {
        "person": parse_optional_text,
        "organisation": parse_optional_text,
        "category": parse_optional_text,
    },
    "event": {
        "starts_at": parse_aware_datetime,
        "ends_at": parse_aware_datetime,
        "venue": parse_optional_text,
        "online_url": parse_url,
        "capacity": parse_capacity,
    },
}
KIND_REQUIRED: dict[str, frozenset[str]] = {"event": frozenset({"starts_at"})}
# Keys naming files beside the import file, and a site's artefacts its tour points at
# (loaders.tours): checked with the line, stored only when the file is written; left out of
# a line, they leave the page as it is (null removes).
COMMON_FILE_KEYS = frozenset({"cover"})
# A lecture's media_kind sits with its media: when left out it follows from the media file.
KIND_FILE_KEYS: dict[str, frozenset[str]] = {
    "site": frozenset({"tour", "artefacts"}),
    "lecture": LECTURE_FILE_KEYS,
}


@dataclass(frozen=True)
class ContentKind:
    """What the file calls a kind, which page model it becomes and where it lives."""

    kind: Kind
    parsers: dict[str, Parser]
    required: frozenset[str] = frozenset()
    file_keys: frozenset[str] = frozenset()

    def knows(self, key: str) -> bool:
        """Whether the key belongs to this kind alone (not to every kind)."""
        return key in self.parsers or key in self.file_keys

    @property
    def name(self) -> str:
        return self.kind.name

    @property
    def model(self) -> type[ContentPage]:
        return self.kind.model

    @property
    def index_model(self) -> type[Page]:
        return self.kind.index_model

    @property
    def index_title(self) -> str:
        return str(self.kind.label)

    @property
    def index_slug(self) -> str:
        return self.kind.section_slug


COMMON_PARSERS: dict[str, Parser] = {
    "slug": parse_slug,
    "title": parse_required_text,
    "summary": parse_optional_text,
    "body": parse_body,
    "tags": parse_tags,
    "topic": parse_topic,
    # 学习自测 and 学完标准; pages done by attendance (events) take neither (loaders.planner).
    "questions": parse_questions,
    "completion": parse_completion,
}
COMMON_REQUIRED = frozenset({"type", "slug", "title", "body"})
# Keys the file names differently from the page's field; every other key is the field's name.
FIELD_NAMES = {"questions": "self_check", "completion": "completion_policy"}
KEY_NAMES = {field: key for key, field in FIELD_NAMES.items()}


def model_field_name(key: str) -> str:
    """The page field a key of the file fills."""
    return FIELD_NAMES.get(key, key)


@cache
def content_kinds() -> dict[str, ContentKind]:
    """Every registered kind the file format knows, by name, in menu order."""
    return {
        kind.name: ContentKind(
            kind,
            KIND_PARSERS[kind.name],
            KIND_REQUIRED.get(kind.name, frozenset()),
            KIND_FILE_KEYS.get(kind.name, frozenset()),
        )
        for kind in all_kinds()
        if kind.name in KIND_PARSERS
    }


def kind_names() -> str:
    return "、".join(content_kinds())
