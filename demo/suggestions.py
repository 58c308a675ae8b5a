"""The demo's 意见箱: a form-builder page under the home page with three fields."""

from __future__ import annotations

from feedback.models import SuggestionBoxPage, SuggestionFormField
from home.models import HomePage

SLUG = "yijianxiang"
CATEGORIES = "内容建议\n网站使用问题\n活动建议\n其他"


def suggestion_box(home: HomePage) -> SuggestionBoxPage | None:
    """The demo's box, or None when it is still to be made (it is made once, never changed)."""
    existing = home.get_children().filter(slug=SLUG).first()
    return existing.specific if existing is not None else None


def new_suggestion_box() -> SuggestionBoxPage:
    page = SuggestionBoxPage(
        title="意见箱",
        slug=SLUG,
        intro="对红课的内容、活动或网站有什么想法？写在这里，编辑会认真阅读。不登录也可以提交。",
        thank_you_text="谢谢！你的意见已经收到。需要回复的，我们会按你留下的联系方式联系你。",
    )
    page.form_fields = [
        SuggestionFormField(
            sort_order=0,
            label="意见类别",
            field_type="dropdown",
            required=True,
            choices=CATEGORIES,
        ),
        SuggestionFormField(sort_order=1, label="内容", field_type="multiline", required=True),
        SuggestionFormField(
            sort_order=2,
            label="联系方式",
            field_type="singleline",
            required=False,
            help_text="手机号或邮箱，需要回复时填写。",
        ),
    ]
    return page
