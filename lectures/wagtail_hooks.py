from wagtail import hooks

from lectures.admin_views import LectureListingViewSet


@hooks.register("register_admin_viewset")
def register_lecture_listing():
    return LectureListingViewSet()
