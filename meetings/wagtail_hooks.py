"""What 组织生活 adds to pages of the apps below it, through their hooks (``home.page_parts``)."""

from wagtail import hooks

from home.page_parts import PAGE_PARTS_HOOK, PagePart, Slot


# 组织生活 beside the organiser's own actions on /branch/ (the page is only ever an organiser's).
@hooks.register(PAGE_PARTS_HOOK)
def branch_link_part() -> list[PagePart]:
    return [PagePart(Slot.BRANCH_ACTIONS, 100, "meetings/includes/branch_link.html")]
