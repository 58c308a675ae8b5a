"""Pages reached through another page's API fields (an event's recording, the home page's
featured items) appear only while live and public: a draft or private page is null.

The walk finds every APIField that points at a page, directly or through an inline model,
so a link added later is covered without touching this test."""

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignKey
from modelcluster.fields import ParentalKey
from wagtail.models import Page, PageViewRestriction

from home.kinds import all_kinds
from home.models import HomePage
from tests.factories import (
    KIND_PAGE_FACTORIES,
)

pytestmark = pytest.mark.django_db


def page_link(model, name):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None  # a property or a rendition, not a relation
    if isinstance(field, ForeignKey) and issubclass(field.related_model, Page):
        return field.related_model
    return None


def api_page_links():
    """(page model, API field, inline field or None, linked page model) for every link."""
    models = [HomePage] + [m for kind in all_kinds() for m in (kind.model, kind.index_model)]
    for model in models:
        for api_field in model.api_fields:
            name = api_field.name
            if target := page_link(model, name):
                yield model, name, None, target
                continue
            try:
                relation = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # a property or a rendition, not a relation
            inline = getattr(relation, "related_model", None)
            if inline is not None and isinstance(getattr(relation, "field", None), ParentalKey):
                for inner in getattr(inline, "api_fields", []):
                    if target := page_link(inline, inner.name):
                        yield model, name, inner.name, target


def new_page(model):
    """A new published page of ``model`` (or of a kind of it), made by its factory."""
    for page_model, page_factory in KIND_PAGE_FACTORIES.items():
        if issubclass(page_model, model):
            return page_factory()
    raise AssertionError(f"no factory makes a {model.__name__}: add one to tests/factories.py")


def source_page(model):
    """A page to link from: a new one, or the site's only one (the home page, a section)."""
    if model in KIND_PAGE_FACTORIES:
        return new_page(model)
    return model.objects.get()


def link_to(source, name, inner, target) -> None:
    if inner is None:
        setattr(source, name, target)
        source.save()
    else:
        inline = getattr(source, name).model
        inline.objects.create(**{inner: target, name_of_parent(source, name): source})


def name_of_parent(source, name) -> str:
    return source._meta.get_field(name).field.name


def linked_values(client, source, name, inner):
    data = client.get(f"/api/v2/pages/{source.pk}/", {"fields": f"{name}(*)"}).json()
    value = data[name]
    return [item[inner] for item in value] if inner is not None else [value]


def hide(page, how: str) -> None:
    if how == "draft":
        page.unpublish()
    else:
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def test_every_api_link_to_a_page_is_covered():
    found = {(model.__name__, name, inner) for model, name, inner, _target in api_page_links()}
    # The links this site has today; the walk must find at least these.
    assert ("ForumEventPage", "recording", None) in found
    assert ("HomePage", "featured_items", "page") in found


@pytest.mark.parametrize("how", ["draft", "private"])
def test_a_linked_page_that_is_a_draft_or_private_is_null(client, how):
    links = list(api_page_links())
    assert links
    for model, name, inner, target_model in links:
        source = source_page(model)
        target = new_page(target_model)
        link_to(source, name, inner, target)
        shown = linked_values(client, source, name, inner)
        assert any(value and value["id"] == target.pk for value in shown), (model, name)
        hide(target, how)
        shown = linked_values(client, source, name, inner)
        assert not any(value and value["id"] == target.pk for value in shown), (model, name)
        assert None in shown, (model, name, inner)
        text = client.get(f"/api/v2/pages/{source.pk}/", {"fields": f"{name}(*)"}).content
        assert target.title.encode() not in text
