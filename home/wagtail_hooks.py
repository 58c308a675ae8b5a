"""Wagtail hooks of the content base."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from home.media_edits import may_change_published_files
from home.media_privacy import private_ids
from home.models import KeptViewRestrictions


# Outermost of the serve chain (order below Wagtail's check_view_restrictions, 0): Wagtail's
# privacy check and the share section (home.share) both ask the page for its view
# restrictions; they are read once for the request (or taken from the shared store under
# the content version), and only while it is being served.
@hooks.register("on_serve_page", order=-100)
def read_view_restrictions_once(serve_next):
    def serve(page, request, args, kwargs):
        if not isinstance(page, KeptViewRestrictions):
            return serve_next(page, request, args, kwargs)
        page.remember_view_restrictions(request)
        try:
            return serve_next(page, request, args, kwargs)
        finally:
            page.forget_view_restrictions()

    return serve


# Moving documents or images in bulk (添加到收藏集) follows the edit form's rule
# (home.media_edits): out of a restricted collection only for reviewers and superusers.
@hooks.register("before_bulk_action")
def keep_private_files_in_place(request, action_type, objects, action):
    if action_type != "add_to_collection" or may_change_published_files(request.user):
        return None
    objects = list(objects)
    if not objects or not private_ids(type(objects[0]), [obj.pk for obj in objects]):
        return None
    messages.error(request, _("所选文件中有的在受限的收藏集里：移出须由审核组成员操作。"))
    return redirect(action.next_url)
