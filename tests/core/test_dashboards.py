"""Each role's admin home page: its work queue first (counts that match the data, links
that open the filtered listing or the object for that role), alerts before indicators,
nothing for the roles it does not concern, and a number of queries that does not grow
with the data.

Scenario (``world``), counted by hand; term 2026-1 (ended 30 June 2026), today's date real:

- ``submitted``: support request, submitted (coordination: 1 to put under review);
- ``review`` and ``review_old``: under review; ``review_old`` submitted 20 days ago
  (board: 2 awaiting decision; coordination: 2 under review, 1 overdue);
- ``approved``: support request approved, no tutor (coordination: 1 without a tutor);
- ``running``: in progress, tutor1, term 2026-1, no session, one new referral;
- ``running_met``: in progress, tutor1, a session yesterday, a referral attended;
- ``orphan``: in progress, tutor2, whose account is then deactivated (1 alert);
- tutor1: 2 open requests, 1 due a session (``running``), 2 reports due (``running`` and
  ``running_met`` to prepare for 2026-1);
- orientation: 1 new referral, 1 attended;
- communications: the editor's page in moderation (1) and a draft of theirs (1); the
  moderator has 1 page to review;
- quality office: one export of theirs, listed with a link to it.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tutoria_cms.accreditation.models import ExportJob
from tutoria_cms.core import roles
from tutoria_cms.programmes.models import TutoringProgrammePage
from tutoria_cms.requests import services
from tutoria_cms.requests.models import ReferralStatus, RequestKind, TutoringRequest

pytestmark = pytest.mark.django_db

HOME = reverse("wagtailadmin_home")


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def make_request(number, coordinator, term=None):
    student = factories.make_student(number)
    return services.create_request(
        kind=RequestKind.SUPPORT,
        student=student,
        user=coordinator,
        term=term,
        reasons=["emotional"],
    )


def build_requests(term, coordinator, board, orientation, tutor, other_tutor, prefix="A"):
    """The scenario's requests (see the module docstring); ``prefix`` makes a second copy."""

    def walk(request, *actions):
        actors = {"submit": coordinator, "review": coordinator, "approve": board}
        actors["start"] = coordinator
        return factories.walk(request, actors, *actions)

    made = {}
    made["submitted"] = walk(make_request(f"{prefix}00001", coordinator), "submit")
    made["review"] = walk(make_request(f"{prefix}00002", coordinator), "submit", "review")
    made["review_old"] = walk(make_request(f"{prefix}00003", coordinator), "submit", "review")
    # Submitted 20 days ago: its decision was due 5 days ago (15 days, the default level).
    TutoringRequest.objects.filter(pk=made["review_old"].pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=20),
        due_on=timezone.localdate() - datetime.timedelta(days=5),
    )
    made["approved"] = walk(
        make_request(f"{prefix}00004", coordinator), "submit", "review", "approve"
    )
    for key, number, who in (
        ("running", "00005", tutor),
        ("running_met", "00006", tutor),
        ("orphan", "00007", other_tutor),
    ):
        request = make_request(f"{prefix}{number}", coordinator, term=term)
        request = services.assign_tutor(request, who, coordinator)
        made[key] = walk(request, "submit", "review", "approve", "start")
    services.refer(made["running"], tutor, reason="Needs orientation")
    services.record_session(
        made["running_met"],
        tutor,
        date=timezone.localdate() - datetime.timedelta(days=1),
        modality="video",
        duration_minutes=45,
    )
    referral = services.refer(made["running_met"], tutor, reason="Needs help")
    services.update_referral(referral, orientation, status=ReferralStatus.ATTENDED)
    return made


@pytest.fixture
def world(term, coordinator, board, orientation, tutor, other_tutor, programme_index):
    made = build_requests(term, coordinator, board, orientation, tutor, other_tutor)
    other_tutor.is_active = False
    other_tutor.save()

    editor = factories.UserFactory(username="editor", groups=[roles.COMMUNICATIONS])
    moderator = factories.UserFactory(
        username="moderator", groups=[roles.COMMUNICATIONS_MODERATORS]
    )
    submitted_page = TutoringProgrammePage(title="En moderación", slug="en-moderacion", live=False)
    programme_index.add_child(instance=submitted_page)
    submitted_page.owner = editor
    submitted_page.save()
    submitted_page.save_revision(user=editor)
    submitted_page.get_workflow().start(submitted_page, editor)
    draft = TutoringProgrammePage(title="Mi borrador", slug="mi-borrador", live=False)
    programme_index.add_child(instance=draft)
    draft.owner = editor
    draft.save()
    draft.save_revision(user=editor)

    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    job = ExportJob.objects.create(
        requested_by=quality, filters={"site": "localhost"}, status=ExportJob.Status.DONE
    )
    return {
        **made,
        "editor": editor,
        "moderator": moderator,
        "quality": quality,
        "job": job,
        "draft": draft,
        "coordinator": coordinator,
        "board": board,
        "orientation": orientation,
        "tutor": tutor,
    }


def home_of(user):
    client = client_for(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return client, BeautifulSoup(response.content.decode(), "html.parser")


def queue_of(page):
    """{item key: (count, link or None, [object links])} of the work queue."""
    panel = page.select_one("#tutoria-work-queue-section")
    if panel is None:
        return {}
    items = {}
    for item in panel.select("li[data-work-item]"):
        own = item.find("a", recursive=False)
        items[item["data-work-item"]] = (
            int(item["data-count"]),
            own["href"] if own else None,
            [a["href"] for a in item.select("ul a")],
        )
    return items


def listing_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return len(page.select("table.listing tbody tr"))


def assert_queue(user, expected, follow_rows=True):
    """The work queue shows ``expected`` {key: count}; every link opens, listings show
    exactly the counted rows."""
    client, page = home_of(user)
    queue = queue_of(page)
    assert {key: count for key, (count, _link, _links) in queue.items()} == expected
    for _key, (count, link, links) in queue.items():
        if count:
            assert link or links, _key
        if link:
            if follow_rows:
                assert listing_rows(client, link) == count, link
            else:
                assert client.get(link).status_code == 200, link
        for url in links:
            assert client.get(url).status_code == 200, url
    return client, page, queue


def test_board_queue(world):
    assert_queue(world["board"], {"requests_to_decide": 2, "requests_overdue": 1})


def test_orientation_queue(world):
    assert_queue(
        world["orientation"], {"referrals_new": 1, "referrals_active": 1, "referrals_overdue": 0}
    )


def test_tutor_queue(world):
    _client, _page, queue = assert_queue(
        world["tutor"],
        {
            "tutor_overdue": 0,
            "tutor_requests": 2,
            "tutor_sessions_due": 1,
            "tutor_reports_due": 2,
            # The referral of "running_met" that the orientation service took in.
            "tutor_referral_news": 1,
        },
    )
    news = queue["tutor_referral_news"][2]
    assert news == [reverse("tutoria_requests:inspect", args=[world["running_met"].pk])]
    due = queue["tutor_sessions_due"][2]
    assert due == [reverse("tutoria_requests:inspect", args=[world["running"].pk])]
    assert sorted(queue["tutor_reports_due"][2]) == sorted(
        reverse("tutoria_reports:prepare", args=["request", world[key].pk])
        for key in ("running", "running_met")
    )


def test_coordination_queue_and_alerts_first(world):
    _client, page, queue = assert_queue(
        world["coordinator"],
        {
            "requests_overdue": 1,
            "requests_late_start": 0,
            "requests_inactive_tutor": 1,
            "requests_submitted": 1,
            "requests_under_review": 2,
            "requests_without_tutor": 1,
            "requests_undelivered": 0,
            "reports_to_review": 0,
        },
    )
    html = str(page)
    # The work queue (alerts first), then the indicators.
    alerts = html.index("data-work-alerts")
    assert alerts < html.index('data-work-item="requests_submitted"')
    assert html.index("tutoria-work-queue-section") < html.index("tutoria-indicators-section")
    assert 'data-work-item="requests_overdue"' in html[alerts : html.index("</div>", alerts)]


def test_communications_queues(world):
    _client, _page, queue = assert_queue(
        world["editor"],
        {"own_in_moderation": 1, "own_needs_changes": 0, "own_drafts": 1},
        follow_rows=False,
    )
    assert queue["own_drafts"][2] == [reverse("wagtailadmin_pages:edit", args=[world["draft"].pk])]
    assert_queue(
        world["moderator"],
        {"pages_to_review": 1, "own_in_moderation": 0, "own_needs_changes": 0, "own_drafts": 0},
        follow_rows=False,
    )


def test_the_workflow_report_links_filter(world):
    """The moderation links open Wagtail's workflow report filtered to the counted pages."""
    client, page = home_of(world["editor"])
    link = queue_of(page)["own_in_moderation"][1]
    report = client.get(link).content.decode()
    assert "En moderación" in report
    client, page = home_of(world["moderator"])
    link = queue_of(page)["pages_to_review"][1]
    assert "En moderación" in client.get(link).content.decode()


def test_quality_office_sees_indicators_with_units_and_latest_exports(world):
    client, page = home_of(world["quality"])
    assert queue_of(page) == {}
    panel = page.select_one("#tutoria-indicators-section")
    exports = panel.select("[data-latest-exports] a")
    assert [a["href"] for a in exports] == [
        reverse("tutoria_accreditation:job", args=[world["job"].pk])
    ]
    assert client.get(exports[0]["href"]).status_code == 200
    tables = panel.select("table[data-indicator-group]")
    assert len(tables) > 1  # grouped, one table per section
    for table in tables:
        assert table.caption.get_text(strip=True)
        headers = [th.get_text(strip=True) for th in table.select("thead th")]
        assert headers == ["Indicator", "Value", "Unit"]
    units = {
        row.select("td")[1].get_text(strip=True)
        for table in tables
        for row in table.select("tbody tr")
    }
    assert {"%", "count", "hours"} <= units


@pytest.mark.parametrize(
    ("key", "not_for"),
    [
        ("requests_to_decide", ("coordinator", "orientation", "tutor", "editor", "quality")),
        ("referrals_new", ("coordinator", "board", "tutor", "editor", "quality")),
        ("tutor_requests", ("coordinator", "board", "orientation", "editor", "quality")),
        ("own_drafts", ("coordinator", "board", "orientation", "tutor", "quality")),
        ("requests_without_tutor", ("board", "orientation", "tutor", "editor", "quality")),
    ],
)
def test_other_roles_do_not_see_the_item(world, key, not_for):
    for name in not_for:
        _client, page = home_of(world[name])
        assert key not in queue_of(page), name


def test_an_orientation_user_sees_no_unreferred_request_in_the_listing_filter(world):
    """The listing filters narrow what the role already sees; they never widen it."""
    client = client_for(world["orientation"])
    url = reverse("tutoria_requests:list") + "?attention=no_tutor"
    assert listing_rows(client, url) == 0


ROLES = ["coordinator", "board", "orientation", "tutor", "editor", "moderator", "quality"]


@pytest.mark.parametrize("role", ROLES)
def test_queries_do_not_grow_with_the_data(
    world, term, coordinator, board, tutor, role, django_assert_max_num_queries
):
    user = world[role]
    client = client_for(user)
    with CaptureQueriesContext(connection) as before:
        client.get(HOME)
    # As much again: requests, sessions, referrals, drafts, exports.
    second_tutor = factories.UserFactory(username="tutor3", groups=[roles.TUTORS])
    build_requests(term, coordinator, board, world["orientation"], tutor, second_tutor, prefix="B")
    for _number in range(3):
        ExportJob.objects.create(requested_by=world["quality"], filters={})
    draft = TutoringProgrammePage(title=f"Otro {role}", slug=f"otro-{role}", live=False)
    world["draft"].get_parent().add_child(instance=draft)
    draft.owner = world["editor"]
    draft.save()
    with django_assert_max_num_queries(len(before)):
        response = client.get(HOME)
    assert response.status_code == 200
    with django_assert_max_num_queries(80):
        client.get(HOME)


def test_alert_panels_come_after_the_work_queue_and_before_the_indicators():
    from tutoria_cms.accreditation.wagtail_hooks import IndicatorsPanel
    from tutoria_cms.core.dashboard import WorkQueuePanel
    from tutoria_cms.mentoring.panels import MentoringPanel
    from tutoria_cms.partnerships.panels import PartnershipWarningsPanel

    alerts = (PartnershipWarningsPanel.order, MentoringPanel.order)
    assert WorkQueuePanel.order < min(alerts) and max(alerts) < IndicatorsPanel.order
