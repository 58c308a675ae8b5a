"""Hostile input on every URL: no request, however malformed, gets a server error.

Every URL pattern of the project (``get_resolver()``, Wagtail's admin, API and documents
included) and a page of every type in the demo tree is asked with GET and POST, with hostile
query strings, form and JSON bodies and wrong content types (``tests/hostile_walk.py``), as
an anonymous visitor, a member, a branch organiser, an editor and a superuser. Each
parameter of a URL is filled with a real id (so the view runs) and with hostile ones.

Our own URLs get every payload as every user; Wagtail's admin (about 250 patterns) gets one
hostile GET and two hostile POSTs as an anonymous visitor, the editor and the superuser. Any
answer of 500 or more fails the test, listed with the exception it came from. (Wagtail's
own admin code raises on a dozen malformed requests; ``config.admin_guard`` answers those
with 400.)

Order: URLs that change or delete things run last (``order``), each request runs in a
savepoint that a 500 rolls back (on PostgreSQL a failed query would abort the rest), and a
walker logs its user back in when a request logged it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Site,
    UploadedFile,
)

from events.models import EventIndexPage, Registration, RegistrationStatus
from home.models import HomePage
from lectures.models import LectureIndexPage
from members.models import Role
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    ForumEventPageFactory,
    MicroLecturePageFactory,
    UserFactory,
    make_member,
)
from tests.hostile_walk import (
    HUGE_INT,
    Pattern,
    Target,
    Walker,
    all_patterns,
    plain_route,
    quiet_logs,
    report,
    targets_for,
)
from tests.selfcheck.helpers import Quiz, give_questions

pytestmark = pytest.mark.django_db

USERS = ["anonymous", "member", "organiser", "editor", "superuser"]
TAG = "党史"


@dataclass
class World:
    """What the walk fills URLs with: the demo tree plus an object of every kind."""

    users: dict
    ids: dict  # (route prefix, parameter name) → value; prefix "" is the default
    pages: list[str]  # URLs of a live page of every type, and the event's routes
    patterns: list[Pattern]
    regex: dict = field(default_factory=dict)  # regex route → [(fill, URL)]

    def real(self, pattern: Pattern, name: str) -> str:
        """The value for parameter ``name``: the longest matching route prefix wins."""
        best = max((prefix for prefix, key in self.ids if key == name and pattern.route.startswith(prefix)),
                   key=len, default=None)  # fmt: skip
        if best is None:
            raise KeyError(f"no real value for <{name}> in {pattern.route}")
        return str(self.ids[best, name])


def make_users() -> dict:
    branch = BranchFactory(name="敌意测试支部")
    return {
        "anonymous": None,
        "member": make_member("hostile_member", branch=branch, name="成员"),
        "organiser": make_member("hostile_org", branch=branch, role=Role.ORGANISER),
        "editor": UserFactory(username="hostile_editor", groups=["编辑"]),
        "superuser": UserFactory(username="hostile_admin", is_superuser=True, is_staff=True),
    }


def make_event(users: dict):
    """Starts in an hour: the check-in desk is open, and the member has a place."""
    event = ForumEventPageFactory(starts_in=timedelta(hours=1), capacity=5, slug="hostile-forum")
    event.check_in_branches.add(users["organiser"].member_profile.branch)
    event.save()
    registration = Registration.objects.create(
        event=event, member=users["member"], status=RegistrationStatus.CONFIRMED
    )
    return event, registration


def make_restrictions(collection):
    """A password-protected page and collection, for Wagtail's password forms."""
    private = MicroLecturePageFactory(title="加密页面", slug="hostile-private")
    page_restriction = PageViewRestriction.objects.create(
        page=private, restriction_type="password", password="secret"
    )
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="password", password="secret"
    )
    return private, page_restriction, collection_restriction


def make_admin_objects(users: dict, victim) -> dict:
    """One object of each kind Wagtail's admin edits, made for the walk to change or delete."""
    collection = Collection.get_first_root_node().add_child(name="敌意测试集合")
    document = get_document_model().objects.first()
    image = get_image_model().objects.first()
    upload = UploadedFile.objects.create(
        file=ContentFile(b"garbage", name="hostile.bin"), uploaded_by_user=users["superuser"]
    )
    query = Query.get("红船")
    SearchPromotion.objects.create(query=query, page=victim, sort_order=0)
    session = EditingSession.objects.create(
        user=users["editor"],
        content_type=victim.content_type,
        object_id=str(victim.pk),
        last_seen_at=timezone.now(),
    )
    workflow = victim.get_workflow()
    workflow_state = workflow.start(victim, users["editor"])
    return {
        "collection": collection,
        "document": document,
        "image": image,
        "upload": upload,
        "query": query,
        "session": session,
        "workflow": workflow,
        "workflow_state": workflow_state,
        "task_state": workflow_state.current_task_state,
        "redirect": Redirect.objects.create(old_path="/hostile-old", redirect_link="/"),
        "site": Site.objects.create(
            hostname="hostile.example", port=80, root_page=HomePage.objects.get()
        ),
        "group": Group.objects.create(name="敌意测试组"),
        "victim_user": UserFactory(username="hostile_victim"),
    }


def id_table(users: dict, victim, event, registration, assignment, extra: dict) -> dict:
    """(route prefix, parameter) → a real value; prefix "" answers for every route."""
    member = users["member"]
    lectures = LectureIndexPage.objects.get()
    private, page_restriction, collection_restriction = extra["restrictions"]
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    page_model = ("lectures", "micro" + "lecturepage")
    table = {
        # pages, everywhere: the lecture made for the walk (its section as a parent)
        **dict.fromkeys(["page_id", "page_pk", "page_to_move_id", "pk"], victim.pk),
        ("", "parent_page_id"): lectures.pk,
        ("", "destination_id"): HomePage.objects.get().pk,
        ("", "revision_id"): victim.latest_revision_id,
        ("", "content_type_app_name"): page_model[0],
        ("", "content_type_model_name"): page_model[1],
        ("", "app_label"): page_model[0],
        ("", "model_name"): page_model[1],
        ("", "app_name"): "home",
        ("", "action_name"): "approve",
        ("", "action"): "publish",
        ("", "task_state_id"): extra["task_state"].pk,
        ("", "task_id"): extra["task_state"].task_id,
        ("", "workflow_state_id"): extra["workflow_state"].pk,
        ("", "uidb64"): uid,
        ("", "token"): token,
        ("", "tag"): TAG,
        ("", "object_id"): victim.pk,
        ("", "session_id"): extra["session"].pk,
        ("", "uploaded_file_id"): extra["upload"].pk,
        ("", "filter_spec"): "fill-80x80",
        ("", "restriction_id"): collection_restriction.pk,
        ("", "page_view_restriction_id"): page_restriction.pk,
        ("", "assignment_id"): assignment.pk,
        ("", "member_id"): member.pk,
        ("", "year"): 2025,  # the 台账 and grid of a year (meetings)
        ("admin/tag-autocomplete/", "model_name"): "contentpagetag",
        ("admin/workflows/", "pk"): extra["workflow"].pk,
        ("admin/workflows/", "workflow_pk"): extra["workflow"].pk,
        ("admin/workflows/tasks/", "pk"): extra["task_state"].task_id,
        ("admin/workflows/tasks/", "app_label"): "wagtailcore",
        ("admin/workflows/tasks/", "model_name"): "groupapprovaltask",
        ("admin/bulk/", "app_label"): "wagtailimages",
        ("admin/bulk/", "model_name"): "image",
        ("admin/bulk/", "action"): "add_tags",
        ("admin/editing-sessions/", "app_label"): "wagtailcore",
        ("admin/editing-sessions/", "model_name"): "page",
        ("admin/api/main/^pages/", "action_name"): "copy",
        ("_util/", "page_id"): private.pk,
        ("admin/events/", "page_id"): event.pk,
        ("admin/events/registrations/", "pk"): registration.pk,
        ("admin/collections/", "pk"): extra["collection"].pk,
        ("admin/collections/", "collection_id"): extra["collection"].pk,
        ("admin/redirects/", "redirect_id"): extra["redirect"].pk,
        ("admin/searchpicks/", "query_id"): extra["query"].pk,
        ("admin/sites/", "pk"): extra["site"].pk,
        ("admin/users/", "pk"): extra["victim_user"].pk,
        ("admin/groups/", "pk"): extra["group"].pk,
        ("admin/snippets/learning/branch/", "pk"): member.member_profile.branch_id,
        ("admin/snippets/choose/learning/branch/", "pk"): member.member_profile.branch_id,
        ("admin/snippets/learning/memberprofile/", "pk"): member.member_profile.pk,
        ("admin/snippets/choose/learning/memberprofile/", "pk"): member.member_profile.pk,
        ("admin/snippets/learning/assignment/", "pk"): assignment.pk,
        ("admin/snippets/choose/learning/assignment/", "pk"): assignment.pk,
    }
    # A branch meeting (confirmed, with a 补学 and an attachment) of the organiser's branch
    table["branch/meetings/", "meeting_id"] = extra["meeting"].pk
    table["branch/meetings/", "attachment_id"] = extra["attachment"].pk
    # Our document view (config.documents) and lectures' renditions (no encoding: a 404 that
    # still runs the view's checks)
    table["documents/", "document_id"] = extra["document"].pk
    table["documents/", "document_filename"] = extra["document"].filename
    table["lectures/media/", "document_id"] = extra["document"].pk
    table["lectures/media/", "token"] = "0123456789ab"
    table["lectures/media/", "name"] = "360p.mp4"
    for prefix in ["admin/documents/", "api/v2/^documents/", "admin/api/main/^documents/"]:
        for name in ["pk", "document_id", "doc_id"]:
            table[prefix, name] = extra["document"].pk
    for prefix in ["admin/images/", "api/v2/^images/", "admin/api/main/^images/"]:
        for name in ["pk", "image_id"]:
            table[prefix, name] = extra["image"].pk
    return {(key if isinstance(key, tuple) else ("", key)): value for key, value in table.items()}


# Patterns whose routes are regular expressions: example URLs, real and hostile, by hand.
def regex_urls(world_ids: dict, document, image) -> dict[str, list[tuple[str, str]]]:
    victim = world_ids["", "page_id"]
    revision = world_ids["", "revision_id"]
    return {
        r"documents/^(\d+)/(.*)$": [
            ("real", f"/documents/{document.pk}/{document.filename}"),
            ("hostile", f"/documents/{HUGE_INT}/a%00b.pdf"),
            ("hostile:filename", f"/documents/{document.pk}/%00%1b"),
        ],
        "admin/pages/^(?P<pk>\\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\\d+)"
        "\\.\\.\\.(?P<revision_id_b>live|latest|\\d+)/$": [
            ("real", f"/admin/pages/{victim}/revisions/compare/earliest...latest/"),
            ("real", f"/admin/pages/{victim}/revisions/compare/{revision}...live/"),
            ("hostile", f"/admin/pages/{HUGE_INT}/revisions/compare/{HUGE_INT}...{HUGE_INT}/"),
        ],
        "^media/(?P<path>.*)$": [
            ("real", f"/media/{image.file.name}"),
            ("hostile", "/media/original_images/%00/../../settings.py"),
            ("hostile:long", "/media/" + "x" * 5000),
        ],
        # The page tree: every type's URL is in World.pages; these are the misses.
        "^((?:[\\w\\-]+/)*)$": [
            ("hostile", "/lectures/" + "x" * 3000 + "/"),
            ("hostile", "/lectures/no-such-page/"),
            ("hostile", "/events/hostile-forum/check-in/%00/"),
        ],
        "admin/^.*/$": [("hostile", "/admin/no-such-view/"), ("hostile", "/admin/%00%1b/")],
    }


def page_urls(event) -> list[str]:
    """A live page of every type in the demo tree, and every route of two events."""
    urls = []
    pages = Page.objects.live().filter(depth__gt=1)  # the root has no URL
    for content_type_id in pages.values_list("content_type", flat=True).distinct():
        urls.append(pages.filter(content_type=content_type_id).first().specific.url)
    demo_event = EventIndexPage.objects.get().get_children().live().exclude(pk=event.pk).first()
    for forum in [event, demo_event.specific]:
        urls += [forum.url + route for route in ["register/", "cancel/", "ics/", "check-in/",
                                                 "check-in/code/"]]  # fmt: skip
    return urls


# Left out of the walk, each with its reason.
EXCLUDED = {
    # Wagtail's own "failwhale" page raises on purpose, for every admin user, so a site can
    # test its error reporting: a 500 is its whole job.
    "admin/failwhale/": "Wagtail's deliberate test error",
}


# Walked last, in this order, so what they change or delete does not hide other views.
CHANGING = re.compile(r"lock|unpublish|disable|remove|revert|unschedule|convert_alias|move|copy"
                      r"|bulk|release|close|cancel|action|logout")  # fmt: skip


def order(target: Target) -> int:
    route = target.pattern.route
    if "delete" in route and route.startswith("admin/pages/"):
        return 3  # the walk's own lecture goes last of all
    if "delete" in route:
        return 2
    return 1 if CHANGING.search(route) else 0


def make_meeting(users: dict, victim):
    """A confirmed meeting of the organiser's branch: the member absent (so a 补学 exists),
    the lecture studied, an attachment in the branch's private collection."""
    from meetings import records
    from meetings.attachments import add_attachment

    organiser, member = users["organiser"], users["member"]
    meeting = records.save_draft(
        organiser.member_profile.branch,
        organiser,
        fields={
            "kind": "general",
            "starts_at": timezone.now() - timedelta(days=1),
            "place": "敌意测试会议室",
            "online_link": "",
            "host": organiser,
            "recorder": None,
            "topics": "敌意测试议题",
            "minutes": "",
            "event": None,
            "makeup_reflection": False,
        },
        attendance={member.pk: ("absent", "")},
        materials=[victim],
        resolutions=[{"text": "敌意测试决议", "owner": organiser, "due_on": None}],
    )
    records.confirm(meeting, organiser)
    upload = ContentFile(b"%PDF-1.4 hostile", name="hostile.pdf")
    return meeting, add_attachment(meeting, organiser, title="敌意测试附件", upload=upload)


def build_world() -> World:
    users = make_users()
    victim = MicroLecturePageFactory(title="敌意测试微党课", slug="hostile-lecture", tags=[TAG])
    give_questions(victim, Quiz(), policy="view")  # so the self-check view reads the bodies
    event, registration = make_event(users)
    branch = users["organiser"].member_profile.branch
    assignment = AssignmentFactory(branch=branch, title="敌意测试任务", pages=[victim])
    extra = make_admin_objects(users, victim)
    extra["restrictions"] = make_restrictions(extra["collection"])
    extra["meeting"], extra["attachment"] = make_meeting(users, victim)
    ids = id_table(users, victim, event, registration, assignment, extra)
    world = World(users, ids, page_urls(event), all_patterns())
    world.regex = regex_urls(ids, extra["document"], extra["image"])
    return world


def plan(world: World) -> list[Target]:
    """Every pattern's URLs (pages of every type for the page tree), changing ones last."""
    targets = []
    for pattern in world.patterns:
        if pattern.route in EXCLUDED:
            continue
        if pattern.route in world.regex:
            targets += [Target(pattern, url, kind) for kind, url in world.regex[pattern.route]]
            if pattern.name == "wagtail_serve":
                targets += [Target(pattern, url, "real") for url in world.pages]
        else:
            assert plain_route(pattern.route), f"add example URLs for {pattern.route}"
            targets += targets_for(pattern, world.real)
    return sorted(targets, key=order)


@pytest.fixture
def targets():
    world = build_world()
    return world, plan(world)


def is_admin(target: Target) -> bool:
    return target.pattern.route.startswith("admin/")


def walk(walker: Walker, targets: list[Target], full: bool) -> None:
    with quiet_logs():
        for target in targets:
            if full and target.fill == "real":
                walker.full(target.url)
            else:
                walker.short(target.url)
    slowest = ", ".join(f"{url} {seconds:.1f}s" for url, seconds in walker.seconds.most_common(5))
    print(f"\n{walker.label}: {len(targets)} URLs, {walker.requests} requests; slowest: {slowest}")


def test_every_pattern_is_walked(targets):
    world, planned = targets
    walked = {target.pattern.route for target in planned}
    missing = [p.route for p in world.patterns if p.route not in walked | set(EXCLUDED)]
    assert not missing
    assert len(world.patterns) > 250  # Wagtail's admin, the API and ours are all there


@pytest.mark.parametrize("user", USERS)
def test_site_urls_survive_hostile_input(targets, user):
    """Every URL outside the admin, with every payload, as every kind of user."""
    world, planned = targets
    walker = Walker(user, world.users[user])
    walk(walker, [t for t in planned if not is_admin(t)], full=True)
    assert not walker.failures, report(walker.failures)


ADMIN_PARTS = {
    "pages": lambda route: route.startswith(("admin/pages/", "admin/api/", "admin/choose")),
    "rest": lambda route: not route.startswith(("admin/pages/", "admin/api/", "admin/choose")),
}


@pytest.mark.parametrize("part", ADMIN_PARTS)
@pytest.mark.parametrize("user", ["anonymous", "editor", "superuser"])
def test_admin_urls_survive_hostile_input(targets, user, part):
    """Wagtail's admin: a hostile GET and two hostile POSTs on every URL."""
    world, planned = targets
    mine = [t for t in planned if is_admin(t) and ADMIN_PARTS[part](t.pattern.route)]
    walker = Walker(user, world.users[user])
    walk(walker, mine, full=False)
    assert not walker.failures, report(walker.failures)
