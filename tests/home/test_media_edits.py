"""Editors bypass no review through files: through the admin's own edit views, an editor
(编辑) may not move a document or image out of a restricted collection, replace a file kept
in one, or replace a file a live page uses; a reviewer (审核) may."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from tests.factories import MicroLecturePageFactory, login

pytestmark = pytest.mark.django_db

Image, Document = get_image_model(), get_document_model()


def png(name="tu.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="wenjian.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), content_type="application/pdf")


@pytest.fixture
def collections():
    root = Collection.get_first_root_node()
    private = root.add_child(name="党委内部")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    return {"root": root, "private": private.add_child(name="会议材料")}


def make(kind, collection):
    if kind == "document":
        return Document.objects.create(title="内部材料", file=pdf("old.pdf"), collection=collection)
    return Image.objects.create(title="内部照片", file=png("old.png"), collection=collection)


def edit(client, kind, obj, **changes):
    url = f"/admin/documents/edit/{obj.pk}/" if kind == "document" else f"/admin/images/{obj.pk}/"
    data = {"title": obj.title, "collection": obj.collection_id, "tags": "", **changes}
    if kind == "image":
        data.update(
            {
                "focal_point_x": "",
                "focal_point_y": "",
                "focal_point_width": "",
                "focal_point_height": "",
                "description": "",
            }
        )
    return client.post(url, data)


def new_file(kind):
    return pdf("new.pdf") if kind == "document" else png("new.png")


@pytest.mark.parametrize("kind", ["document", "image"])
def test_an_editor_cannot_move_a_file_out_of_a_restricted_collection(editor, collections, kind):
    obj = make(kind, collections["private"])
    response = edit(login(editor), kind, obj, collection=collections["root"].pk)
    assert response.status_code == 200
    assert "受限的收藏集" in response.content.decode()
    obj.refresh_from_db()
    assert obj.collection_id == collections["private"].pk


@pytest.mark.parametrize("kind", ["document", "image"])
def test_an_editor_cannot_replace_a_file_in_a_restricted_collection(editor, collections, kind):
    obj = make(kind, collections["private"])
    old_name = obj.file.name
    response = edit(login(editor), kind, obj, file=new_file(kind))
    assert response.status_code == 200
    assert "受限的收藏集" in response.content.decode()
    obj.refresh_from_db()
    assert obj.file.name == old_name


@pytest.mark.parametrize("kind", ["document", "image"])
def test_an_editor_cannot_replace_a_file_a_live_page_uses(editor, collections, kind):
    obj = make(kind, collections["root"])
    field = {"document": "media_file", "image": "poster"}[kind]
    MicroLecturePageFactory(title="在用的讲座", **{field: obj})
    old_name = obj.file.name
    response = edit(login(editor), kind, obj, file=new_file(kind))
    assert response.status_code == 200
    assert "已发布的页面正在使用它" in response.content.decode()
    obj.refresh_from_db()
    assert obj.file.name == old_name


@pytest.mark.parametrize("kind", ["document", "image"])
def test_an_editor_still_edits_an_unused_public_file(editor, collections, kind):
    obj = make(kind, collections["root"])
    response = edit(login(editor), kind, obj, title="新标题", file=new_file(kind))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.title == "新标题" and "new" in obj.file.name


@pytest.mark.parametrize("kind", ["document", "image"])
def test_a_reviewer_may_move_and_replace(reviewer, collections, kind):
    obj = make(kind, collections["private"])
    client = login(reviewer)
    response = edit(client, kind, obj, collection=collections["root"].pk, file=new_file(kind))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.collection_id == collections["root"].pk and "new" in obj.file.name


@pytest.mark.parametrize("kind", ["document", "image"])
def test_an_editor_cannot_move_private_files_in_bulk(editor, collections, kind):
    obj = make(kind, collections["private"])
    app, model = ("wagtaildocs", "document") if kind == "document" else ("wagtailimages", "image")
    url = f"/admin/bulk/{app}/{model}/add_to_collection/?id={obj.pk}"
    response = login(editor).post(url, {"collection": collections["root"].pk})
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.collection_id == collections["private"].pk
