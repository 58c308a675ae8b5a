"""Feedback from members and visitors: 对你有帮助吗？ on every content page, and the 意见箱.

* ``PageVote``: one member's vote on one content page (有帮助 / 没帮助 and an optional note
  of at most ``NOTE_LIMIT`` characters). One row per member and page: voting again replaces
  the vote. Personal data: in the member's export and erased with their history.
* ``SuggestionBoxPage``: a page built on Wagtail's form builder. Editors choose the fields;
  submissions are listed (and exported as CSV or XLSX) under the admin's 表单 menu.
  Anonymous submissions are limited per client address (``SUGGESTION_LIMIT`` per
  ``SUGGESTION_WINDOW_SECONDS``); over the limit the answer is 429 and nothing is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel

from core.allowance import spend
from core.ratelimit import client_network

NOTE_LIMIT = 200
SUGGESTION_LIMIT = 5
SUGGESTION_WINDOW_SECONDS = 60 * 60
SUGGESTION_ALLOWANCE = "suggestion-box"


class Helpfulness(models.TextChoices):
    HELPFUL = "helpful", _("有帮助")
    NOT_HELPFUL = "not_helpful", _("没帮助")


class PageVote(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        on_delete=models.CASCADE,
        related_name="page_votes",
    )
    page = models.ForeignKey(
        "home.ContentPage", verbose_name=_("页面"), on_delete=models.CASCADE, related_name="+"
    )
    value = models.CharField(_("评价"), max_length=16, choices=Helpfulness.choices)
    note = models.CharField(_("补充说明"), max_length=NOTE_LIMIT, blank=True)
    created_at = models.DateTimeField(_("首次评价时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最近评价时间"), auto_now=True)

    class Meta:
        verbose_name = _("页面评价")
        verbose_name_plural = _("页面评价")
        constraints = [
            models.UniqueConstraint(fields=["member", "page"], name="feedback_one_vote_per_page")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.page_id} · {self.value}"


class SuggestionFormField(AbstractFormField):
    page = ParentalKey(
        "feedback.SuggestionBoxPage", on_delete=models.CASCADE, related_name="form_fields"
    )


class SuggestionBoxPage(AbstractForm):
    intro = models.TextField(_("说明"), blank=True)
    thank_you_text = models.TextField(_("提交后的感谢语"), blank=True)

    content_panels = AbstractForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("表单字段")),
        FieldPanel("thank_you_text"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    template = "feedback/suggestion_box_page.html"
    landing_page_template = "feedback/suggestion_box_page_landing.html"

    class Meta:
        verbose_name = _("意见箱")
        verbose_name_plural = _("意见箱")

    def serve(self, request, *args, **kwargs):
        """Anonymous posts spend from the client address's allowance first."""
        if (
            request.method == "POST"
            and not request.user.is_authenticated
            and not spend(
                SUGGESTION_ALLOWANCE,
                client_network(request),
                SUGGESTION_LIMIT,
                SUGGESTION_WINDOW_SECONDS,
            )
        ):
            context = self.get_context(request)
            context["form"] = self.get_form(page=self, user=request.user)
            context["rate_limited"] = True
            return TemplateResponse(request, self.get_template(request), context, status=429)
        return super().serve(request, *args, **kwargs)
