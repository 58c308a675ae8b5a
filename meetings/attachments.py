"""Attachments of a record (minutes, sign-in sheet photos, slides): Wagtail documents kept in
a private collection per branch, "组织生活·<支部>", under one parent "组织生活".

The parent collection carries a ``CollectionViewRestriction`` of type GROUPS naming only
组织部, so Wagtail's own document address refuses everyone else (and the restriction covers
every branch's collection below it); documents in a restricted collection are left out of
the API and of pages' linked media (``home.media_privacy``). The branch's organisers and
组织部 get a file through ``meetings.views.attachment_file``, which checks first.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction

from meetings.models import Meeting, MeetingAttachment

PARENT_NAME = "组织生活"
ORGANISATION_DEPARTMENT = "组织部"


def private_parent() -> Collection:
    """The parent collection of every branch's attachments, restricted to 组织部."""
    root = Collection.get_first_root_node()
    parent = root.get_children().filter(name=PARENT_NAME).first()
    if parent is None:
        parent = root.add_child(name=PARENT_NAME)
    restriction = CollectionViewRestriction.objects.filter(collection=parent).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=parent, restriction_type=BaseViewRestriction.GROUPS
        )
        department = Group.objects.filter(name=ORGANISATION_DEPARTMENT).first()
        if department is not None:
            restriction.groups.add(department)
    return parent


def branch_collection(branch) -> Collection:
    parent = private_parent()
    name = f"{PARENT_NAME}·{branch.name}"
    found = parent.get_children().filter(name=name).first()
    return found or parent.add_child(name=name)


@transaction.atomic
def add_attachment(meeting: Meeting, by, *, title: str, upload) -> MeetingAttachment:
    document_model = get_document_model()
    document = document_model(
        title=title,
        file=upload,
        collection=branch_collection(meeting.branch),
        uploaded_by_user=by,
    )
    document._set_document_file_metadata()
    document.save()
    return MeetingAttachment.objects.create(meeting=meeting, document=document, title=title)
