from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.search import index

from exhibits.browse import active_filters, by_province, facets, filter_sites, query_string
from exhibits.sites_map import allow_tiles, map_enabled, markers
from exhibits.tour import TourBlock, tour_of, tour_problems
from exhibits.tour_api import TourField
from exhibits.tour_display import allow_viewer, viewer_config
from exhibits.tour_media import prefetch_renditions, with_public_audio
from home.kinds import Completion, register_kind
from home.models import (
    ContentIndexPage,
    ContentPage,
    filter_by_tag,
    streamfield_text,
    with_listing_data,
)


class GalleryImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("图片"))
    caption = blocks.CharBlock(label=_("图注"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("展厅图片")


class ArtefactBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("文物名称"), max_length=120)
    image = ImageBlock(label=_("图片"), required=False)
    description = blocks.TextBlock(label=_("介绍"), required=False)

    class Meta:
        icon = "pick"
        label = _("馆藏文物")


class TimelineEntryBlock(blocks.StructBlock):
    date = blocks.CharBlock(label=_("时间"), max_length=40, help_text=_("如 1927年10月"))
    event = blocks.TextBlock(label=_("事件"))

    class Meta:
        icon = "date"
        label = _("大事记")


class RevolutionarySitePage(ContentPage):
    """红色场馆/革命遗址: an online exhibition of a real place."""

    kind = "site"
    kind_label = _("红色场馆")
    completion = Completion.READ

    province = models.CharField(_("省份"), max_length=40, blank=True)
    city = models.CharField(_("城市"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    period = models.CharField(_("历史时期"), max_length=60, blank=True)
    gallery = StreamField([("image", GalleryImageBlock())], verbose_name=_("展厅图片"), blank=True)
    artefacts = StreamField([("artefact", ArtefactBlock())], verbose_name=_("馆藏文物"), blank=True)
    timeline = StreamField([("entry", TimelineEntryBlock())], verbose_name=_("大事记"), blank=True)
    visiting_information = models.TextField(
        _("参观信息"), blank=True, help_text=_("开放时间、预约方式、交通等。")
    )
    tour = StreamField(
        [("tour", TourBlock())],
        verbose_name=_("虚拟参观"),
        blank=True,
        max_num=1,
        help_text=_("360° 全景场景、热点与语音讲解（exhibits.tour）。"),
    )

    content_panels = (
        ContentPage.content_panels
        + [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("province"), FieldPanel("city")]),
                    FieldPanel("address"),
                    FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                    FieldPanel("period"),
                ],
                heading=_("地点与时期"),
            ),
            FieldPanel("gallery"),
            FieldPanel("artefacts"),
            FieldPanel("timeline"),
            FieldPanel("visiting_information"),
            FieldPanel("tour"),
        ]
        + ContentPage.study_panels
    )

    search_fields = ContentPage.search_fields + [index.FilterField("province")]

    api_fields = ContentPage.api_fields + [
        APIField("province"),
        APIField("city"),
        APIField("address"),
        APIField("latitude"),
        APIField("longitude"),
        APIField("period"),
        APIField("gallery"),
        APIField("artefacts"),
        APIField("timeline"),
        APIField("visiting_information"),
        APIField("tour", serializer=TourField()),
    ]

    parent_page_types = ["exhibits.ExhibitIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("红色场馆")
        verbose_name_plural = _("红色场馆")

    def search_text_parts(self) -> list[str]:
        return super().search_text_parts() + [
            self.province,
            self.city,
            self.address,
            self.period,
            streamfield_text(self.timeline),
            streamfield_text(self.artefacts),
            streamfield_text(self.gallery),
        ]

    def clean(self) -> None:
        super().clean()
        problems = tour_problems(self.virtual_tour, len(self.artefacts))
        if problems:
            raise ValidationError({"tour": problems})

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if self.virtual_tour is not None:
            allow_viewer(response)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tour = self.virtual_tour
        if tour is not None and tour.scenes:
            tour = with_public_audio(tour)
            prefetch_renditions(tour)
            context["tour"] = tour
            context["tour_config"] = viewer_config(tour)
        return context

    @property
    def virtual_tour(self):
        """The page's tour (``exhibits.tour.Tour``), or None."""
        return tour_of(self)

    @property
    def place(self) -> str:
        return " ".join(part for part in (self.province, self.city) if part)


@register_kind
class ExhibitIndexPage(ContentIndexPage):
    child_model = RevolutionarySitePage
    section_slug = "sites"
    menu_order = 20
    subpage_types = ["exhibits.RevolutionarySitePage"]

    class Meta:
        verbose_name = _("红色场馆栏目")

    # Browsing by place and period (exhibits.browse) and the map (exhibits.sites_map).
    def filtered(self, request):
        sites = filter_by_tag(self.children(), request.GET.get("tag", ""))
        return filter_sites(sites, active_filters(request))

    def listing(self, request: HttpRequest):
        return with_listing_data(self.filtered(request).order_by("-first_published_at", "-pk"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filters = active_filters(request)
        context["site_filters"] = filters
        context["site_facets"] = facets(self.children(), filters)
        context["filtering"] = any(filters.values())
        # Pagination and the tag chips keep the other filters.
        context["extra_query"] = query_string(filters).lstrip("?")
        context["tag_query"] = query_string(filters, tag="").lstrip("?")
        places = self.filtered(request).only(
            "title", "url_path", "province", "latitude", "longitude"
        )
        places = places.order_by("province", "title")
        if map_enabled():
            context["map_markers"] = markers(places, request)
            context["map_tile_url"] = settings.MAP_TILE_URL
            context["map_attribution"] = settings.MAP_ATTRIBUTION
        else:
            context["sites_by_province"] = by_province(places)
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        allow_tiles(response)
        return response
