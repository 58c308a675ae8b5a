"""Images and documents in a restricted collection (or under one) never leave through another
object's API fields: a nested image or document is null, a rendition is null, a StreamField's
chooser value is null, a virtual tour's picture or audio guide is null.

The walk finds every APIField of every page model that can nest an image or a document (a
foreign key, a rendition of one, or a StreamField with an image or document chooser anywhere
in its blocks), so a field added later is covered without touching this test."""

import io
import uuid
from types import SimpleNamespace

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ForeignKey
from PIL import Image as PILImage
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Collection, CollectionViewRestriction

from home.kinds import all_kinds
from home.models import HomePage
from tests.factories import (
    KIND_PAGE_FACTORIES,
    RevolutionarySitePageFactory,
    page_factory_for,
)

pytestmark = pytest.mark.django_db

Image, Document = get_image_model(), get_document_model()
MEDIA = (Image, Document)


def png(width=200, height=100) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "red").save(buffer, "PNG")
    return SimpleUploadedFile("neibu-tupian.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def collection():
    """A sub-collection of a collection only logged-in users may see (restrictions cover
    sub-collections); nothing is restricted until the test says so."""
    root = Collection.get_first_root_node()
    parent = root.add_child(name="内部资料")
    return parent.add_child(name="内部讲稿")


def restrict(collection) -> None:
    CollectionViewRestriction.objects.create(
        collection=collection.get_parent(), restriction_type=CollectionViewRestriction.LOGIN
    )


@pytest.fixture
def media(collection):
    image = Image.objects.create(title="内部图片标题", file=png(), collection=collection)
    document = Document.objects.create(
        title="内部文件标题",
        file=SimpleUploadedFile("neibu-wenjian.pdf", b"%PDF-1.4 secret"),
        collection=collection,
    )
    return {Image: image, Document: document}


def page_models():
    return [HomePage] + [m for kind in all_kinds() for m in (kind.model, kind.index_model)]


def page_of(model):
    """A new page of ``model`` made by its factory, or the site's only one (the home page, a
    section)."""
    if model in KIND_PAGE_FACTORIES:
        return page_factory_for(model)()
    return model.objects.get()


def media_model(block):
    if isinstance(block, blocks.ChooserBlock) and block.model_class in MEDIA:
        return block.model_class
    return None


def sample(block, media):
    """A raw value for ``block`` holding the test's image or document in every chooser."""
    if model := media_model(block):
        return media[model].pk
    if isinstance(block, blocks.StreamBlock):
        return [
            {"type": name, "value": sample(child, media)}
            for name, child in block.child_blocks.items()
        ]
    if isinstance(block, blocks.ListBlock):
        return [sample(block.child_block, media)]
    if isinstance(block, blocks.StructBlock):
        return {name: sample(child, media) for name, child in block.child_blocks.items()}
    return block.get_prep_value(block.get_default())


def slots(block, data):
    """(model, value) for every chooser of an image or document in a block's API data."""
    if isinstance(block, blocks.StreamBlock):
        for item in data or []:
            yield from slots(block.child_blocks[item["type"]], item["value"])
    elif isinstance(block, blocks.ListBlock):
        for item in data or []:
            yield from slots(block.child_block, item)
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from slots(child, (data or {}).get(name))
    elif model := media_model(block):
        yield model, data


def has_media_chooser(block) -> bool:
    placeholder = SimpleNamespace(pk=1)
    return any(True for _ in slots(block, sample(block, dict.fromkeys(MEDIA, placeholder))))


def media_api_fields():
    """(page model, API field, how): "fk" (an image or document), "rendition" (of one), or
    "stream" (a StreamField with a chooser of one). Custom serializers (the tour) have their
    own test below."""
    for model in page_models():
        for api_field in model.api_fields:
            serializer = api_field.serializer
            if isinstance(serializer, ImageRenditionField):
                yield model, api_field.name, "rendition"
                continue
            try:
                field = model._meta.get_field(api_field.name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, ForeignKey) and field.related_model in MEDIA:
                yield model, api_field.name, "fk"
            elif isinstance(field, StreamField) and serializer is None:
                if has_media_chooser(field.stream_block):
                    yield model, api_field.name, "stream"


def fill(page, name, how, media) -> None:
    if how == "rendition":
        return  # its source, the cover image, is filled as an "fk" field
    field = page._meta.get_field(name)
    if how == "fk":
        setattr(page, name, media[field.related_model])
    else:
        setattr(page, name, sample(field.stream_block, media))
    page.save(clean=False)


def shown(client, page, name, how=None):
    fields = f"{name}(*)" if how == "fk" else name or "*"
    response = client.get(f"/api/v2/pages/{page.pk}/", {"fields": fields})
    assert response.status_code == 200
    return response.json().get(name), response.content.decode()


def test_the_walk_finds_the_fields_this_site_has():
    found = {(model.__name__, name, how) for model, name, how in media_api_fields()}
    assert ("MicroLecturePage", "media_file", "fk") in found
    assert ("MicroLecturePage", "attachments", "stream") in found
    assert ("MicroLecturePage", "cover_thumbnail", "rendition") in found
    assert ("ExemplarStoryPage", "portrait", "fk") in found
    assert ("ForumEventPage", "materials", "stream") in found


def check(client, page, name, how, media, private: bool) -> None:
    value, text = shown(client, page, name, how)
    field = page._meta.get_field(name) if how != "rendition" else None
    if how == "stream":
        values = [v for _model, v in slots(field.stream_block, value)]
        assert values, (page, name)
        expected = [None] * len(values) if private else None
        assert values == expected if private else all(v is not None for v in values), (page, name)
    elif private:
        assert value is None, (page, name)
    else:
        assert value is not None, (page, name)
    if private:
        for secret in ("内部图片标题", "内部文件标题", "neibu-"):
            assert secret not in text, (page, name)


def test_every_api_field_leaves_out_media_of_a_restricted_collection(client, collection, media):
    fields = list(media_api_fields())
    pages = {}
    for model, name, how in fields:
        if model not in pages:
            pages[model] = page_of(model)
        page = pages[model]
        fill(page, name, how, media)
    for model, name, how in fields:
        check(client, pages[model], name, how, media, private=False)
    restrict(collection)
    for model, name, how in fields:
        check(client, pages[model], name, how, media, private=True)
    for page in pages.values():
        _value, text = shown(client, page, None)
        for secret in ("内部图片标题", "内部文件标题", "neibu-"):
            assert secret not in text, page


def tour_item(value):
    return {"type": "item", "id": str(uuid.uuid4()), "value": value}


def tour_spot(**fields):
    value = {"yaw": 0, "pitch": 0, "label": "热点", "text": "", "image": None}
    value.update({"artefact": None, "scene": None}, **fields)
    return tour_item(value)


def tour_scene(panorama, hotspots, **fields):
    value = {"title": "序厅", "panorama": panorama.pk, "yaw": 0, "pitch": 0, "audio": None}
    value.update({"transcript": "", "hotspots": hotspots}, **fields)
    return tour_item(value)


def site_with_a_tour():
    """A site whose tour has two panoramas, an audio guide and a hotspot with a picture."""
    panoramas = [Image.objects.create(title=f"全景{n}", file=png(400, 200)) for n in (1, 2)]
    picture = Image.objects.create(title="说明图", file=png())
    audio = Document.objects.create(title="讲解", file=SimpleUploadedFile("guide.mp3", b"ID3"))
    first = tour_scene(
        panoramas[0],
        [tour_spot(text="油灯", image=picture.pk), tour_spot(label="去二", scene=2)],
        audio=audio.pk,
        transcript="这里是序厅。",
    )
    second = tour_scene(panoramas[1], [tour_spot(label="回序厅", scene=1)], title="主展厅")
    tour = [{"type": "tour", "value": {"intro": "", "scenes": [first, second]}}]
    site = RevolutionarySitePageFactory(tour=tour)
    site.full_clean()  # a tour an editor could save
    return site


def test_a_tour_leaves_out_pictures_and_audio_of_a_restricted_collection(client, collection):
    site = site_with_a_tour()
    ids = {Image: set(), Document: set()}
    for block in site.tour:
        for model, value in slots(block.block, block.block.get_api_representation(block.value)):
            if value:
                ids[model].add(value)
    assert len(ids[Image]) == 3 and len(ids[Document]) == 1, ids
    for model, pks in ids.items():
        model.objects.filter(pk__in=pks).update(collection=collection)
    before = client.get(f"/api/v2/pages/{site.pk}/", {"fields": "tour"}).json()["tour"]
    assert before["scenes"][0]["panorama"] is not None
    restrict(collection)
    after = client.get(f"/api/v2/pages/{site.pk}/", {"fields": "tour"}).json()["tour"]
    for scene in after["scenes"]:
        assert scene["panorama"] is None and scene["preview"] is None and scene["audio"] is None
        assert all(spot["image"] is None for spot in scene["hotspots"])
