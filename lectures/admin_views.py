"""The 微党课 listing in the admin menu, with a 转码状态 column and filter."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from lectures.models import EncodingState, MicroLecturePage
from lectures.panels import state_label

NOT_ENCODED = "none"


class EncodingStateFilter(django_filters.ChoiceFilter):
    def filter(self, queryset, value):
        if not value:
            return queryset
        if value == NOT_ENCODED:
            return queryset.filter(media_file__isnull=False, media_file__encoding__isnull=True)
        return queryset.filter(media_file__encoding__state=value)


class LectureFilterSet(PageFilterSet):
    encoding_state = EncodingStateFilter(
        label=_("转码状态"),
        choices=[*EncodingState.choices, (NOT_ENCODED, _("尚未转码"))],
        empty_label=_("全部"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = MicroLecturePage
        fields = []


class LectureIndexView(IndexView):
    def get_base_queryset(self):
        # The state column reads each row's file and encoding: joined, not a query a row.
        return (
            super()
            .get_base_queryset()
            .select_related("media_file", "media_file__encoding", for_specific_subqueries=True)
        )


class LectureListingViewSet(PageListingViewSet):
    model = MicroLecturePage
    index_view_class = LectureIndexView
    filterset_class = LectureFilterSet
    icon = "media"
    menu_label = _("微党课")
    menu_order = 150
    add_to_admin_menu = True
    # URL names under "lecture_listing": the namespace "lectures" is the site's own.
    name = "lecture_listing"
    url_prefix = "lectures"
    columns = [
        *PageListingViewSet.columns,
        Column("encoding_state", label=_("转码状态"), accessor=state_label),
    ]
