"""Closed loops with deadlines (#14 item 8): requests and referrals carry due dates from each
institution's service levels; the overdue ones reach the responsible role's dashboard (of
their institution only) and a daily digest e-mail, once a day."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from tests import factories
from tests.requests.conftest import walk
from tutoria_cms.core import roles
from tutoria_cms.requests import dashboard, deadlines, services
from tutoria_cms.requests.models import (
    Notification,
    OverdueDigest,
    Referral,
    ReferralStatus,
    RequestKind,
    TutoringRequest,
    TutoringRequestSettings,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def set_language(user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def backdate(record, days_late):
    """Make ``record`` overdue by ``days_late`` days (its due date in the past)."""
    type(record).objects.filter(pk=record.pk).update(due_on=today() - days_late * DAY)
    record.refresh_from_db()
    return record


# --- Due dates from the service levels --------------------------------------------------------


def test_a_request_is_due_by_the_default_service_levels(support_request, coordinator, board):
    assert support_request.due_on is None  # a draft is nobody's to-do yet
    request = walk(support_request, {"submit": coordinator}, "submit")
    assert request.due_on == today() + 15 * DAY
    request = walk(request, {"review": coordinator}, "review")
    assert request.due_on == today() + 15 * DAY  # the decision is due from submission
    request = walk(request, {"approve": board}, "approve")
    assert request.due_on == today() + 10 * DAY  # to start
    request = services.assign_tutor(request, factories.build_tutor_user("t9"), coordinator)
    request = walk(request, {"start": coordinator}, "start")
    assert request.due_on is None


def test_a_denied_request_has_no_due_date(support_request, coordinator, board):
    request = walk(support_request, {"submit": coordinator, "review": coordinator}, "submit")
    request = walk(request, {"review": coordinator}, "review")
    request = services.transition(request, "deny", board, reason="No")
    assert request.due_on is None


@override_settings(TUTORIA_CMS={"DECISION_DAYS": 7, "START_DAYS": 3})
def test_the_suite_defaults_come_from_settings(support_request, coordinator, board):
    request = walk(support_request, {"submit": coordinator}, "submit")
    assert request.due_on == today() + 7 * DAY
    request = walk(request, {"review": coordinator, "approve": board}, "review", "approve")
    assert request.due_on == today() + 3 * DAY


def test_an_institution_sets_its_own_service_levels(support_request, coordinator, board, tutor):
    levels = TutoringRequestSettings.for_site(support_request.site)
    levels.decision_days = 2
    levels.referral_accept_days = 1
    levels.referral_close_days = 30
    levels.save()
    request = walk(support_request, {"submit": coordinator}, "submit")
    assert request.due_on == today() + 2 * DAY
    request = services.assign_tutor(request, tutor, coordinator)
    actors = {"review": coordinator, "approve": board, "start": coordinator}
    request = walk(request, actors, "review", "approve")
    assert request.due_on == today() + 10 * DAY  # not set: the suite's default
    request = walk(request, actors, "start")
    referral = services.refer(request, tutor, reason="Needs help")
    assert referral.due_on == today() + 1 * DAY
    orientation = factories.UserFactory(username="orient2", groups=[roles.ORIENTATION])
    referral = services.update_referral(referral, orientation, status=ReferralStatus.ATTENDED)
    assert referral.due_on == today() + 30 * DAY
    backdate(referral, 0)
    referral = services.update_referral(referral, orientation, status=ReferralStatus.FOLLOW_UP)
    assert referral.due_on == today()  # the closure is due from when it was taken in
    referral = services.update_referral(referral, orientation, status=ReferralStatus.CLOSED)
    assert referral.due_on is None


def test_the_migration_backfills_open_rows(support_request, coordinator):
    import importlib

    from django.apps import apps

    request = walk(support_request, {"submit": coordinator}, "submit")
    TutoringRequest.objects.filter(pk=request.pk).update(
        due_on=None, submitted_at=timezone.now() - 20 * DAY
    )
    migration = importlib.import_module("tutoria_cms.requests.migrations.0013_due_dates")
    migration.backfill_due_dates(apps, None)
    request.refresh_from_db()
    assert request.due_on == today() - 5 * DAY


def test_the_due_date_in_spanish_and_portuguese():
    due = datetime.date(2026, 12, 1)
    from django.utils import translation

    with translation.override("es"):
        assert deadlines.due_text(due, due - DAY) == "Vence el 01/12/2026"
        assert deadlines.due_text(due, due + 3 * DAY).startswith("Con 3 días de retraso")
    with translation.override("pt-br"):
        assert deadlines.due_text(due, due + DAY).startswith("Com 1 dia de atraso")


# --- Two institutions, each role's dashboard ----------------------------------------------------


@pytest.fixture
def world(mx_home, br_home):
    """In each institution (``mx``: localhost, ``br``: 127.0.0.1) a coordinator, a board member,
    an orientation service and a tutor; in each, a request past its decision date, one
    approved and past its start date (assigned to the tutor) and one in progress with a
    referral past its due date."""
    made = {}
    for key, host in (("mx", "localhost"), ("br", "127.0.0.1")):
        site = (mx_home if key == "mx" else br_home).get_site()
        people = {
            role: factories.UserFactory(username=f"{key}-{role}", groups=[group], sites=[host])
            for role, group in (
                ("coordinator", roles.COORDINATION),
                ("board", roles.BOARD),
                ("orientation", roles.ORIENTATION),
                ("tutor", roles.TUTORS),
            )
        }
        actors = {
            "submit": people["coordinator"],
            "review": people["coordinator"],
            "approve": people["board"],
            "start": people["coordinator"],
        }

        def new(number, site=site, people=people, key=key):
            student = factories.make_student(f"{key.upper()}{number}", site=site)
            return services.create_request(
                kind=RequestKind.SUPPORT, student=student, user=people["coordinator"], site=site
            )

        undecided = backdate(walk(new("001"), actors, "submit", "review"), 3)
        late = services.assign_tutor(new("002"), people["tutor"], people["coordinator"])
        late = backdate(walk(late, actors, "submit", "review", "approve"), 2)
        running = services.assign_tutor(new("003"), people["tutor"], people["coordinator"])
        running = walk(running, actors, "submit", "review", "approve", "start")
        referral = services.refer(running, people["tutor"], reason="ZZ-SECRET-REASON")
        backdate(referral, 4)
        made[key] = {**people, "undecided": undecided, "late": late, "running": running}
    Notification.objects.update(status=Notification.Status.SENT)
    return made


def queue(user):
    return {item.key: item for item in dashboard.work_items(user)}


def test_coordination_sees_its_institutions_overdue_requests(world):
    items = queue(world["mx"]["coordinator"])
    assert items["requests_overdue"].count == 1 and items["requests_overdue"].alert
    assert items["requests_late_start"].count == 1
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world["mx"]["coordinator"])
    listing = client.get(items["requests_late_start"].url).content.decode()
    assert reverse("tutoria_requests:inspect", args=[world["mx"]["late"].pk]) in listing
    assert reverse("tutoria_requests:inspect", args=[world["br"]["late"].pk]) not in listing
    assert "referrals_overdue" not in items  # not the orientation service's


def test_the_board_sees_late_decisions_only(world):
    items = queue(world["br"]["board"])
    assert items["requests_overdue"].count == 1
    assert "requests_late_start" not in items and "referrals_overdue" not in items


def test_the_orientation_service_sees_its_overdue_referrals(world):
    items = queue(world["mx"]["orientation"])
    assert items["referrals_overdue"].count == 1 and items["referrals_overdue"].alert
    assert "requests_overdue" not in items
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world["mx"]["orientation"])
    listing = client.get(items["referrals_overdue"].url).content.decode()
    assert reverse("tutoria_requests:inspect", args=[world["mx"]["running"].pk]) in listing
    assert reverse("tutoria_requests:inspect", args=[world["br"]["running"].pk]) not in listing
    assert "ZZ-SECRET" not in listing


def test_a_tutor_sees_their_overdue_requests_only(world):
    items = queue(world["mx"]["tutor"])
    overdue = items["tutor_overdue"]
    assert overdue.count == 1
    assert [link.url for link in overdue.links] == [
        reverse("tutoria_requests:inspect", args=[world["mx"]["late"].pk])
    ]
    assert "2 days" in overdue.links[0].note
    assert "requests_overdue" not in items and "referrals_overdue" not in items
    # A tutor of another institution, or without late requests, sees none of these.
    assert queue(world["br"]["tutor"])["tutor_overdue"].links[0].url != overdue.links[0].url
    other = factories.UserFactory(username="mx-tutor2", groups=[roles.TUTORS], sites=["localhost"])
    assert queue(other)["tutor_overdue"].count == 0


def test_the_dashboard_panel_shows_no_confidential_text(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world["mx"]["orientation"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-work-item="referrals_overdue"' in home
    assert "ZZ-SECRET" not in home


@pytest.mark.parametrize(
    ("language", "text"), [("es", "Con 2 días de retraso"), ("pt-br", "Com 2 dias de atraso")]
)
def test_the_request_page_says_how_late_it_is(world, language, text):
    coordinator = world["mx"]["coordinator"]
    set_language(coordinator, language)
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("tutoria_requests:inspect", args=[world["mx"]["late"].pk]))
    assert text in page.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("es", "Con 4 días de retraso"), ("pt-br", "Com 4 dias de atraso")]
)
def test_the_referral_pages_say_how_late_it_is(world, language, text):
    orientation = world["mx"]["orientation"]
    set_language(orientation, language)
    client = Client()
    client.force_login(orientation)
    running = world["mx"]["running"]
    page = client.get(reverse("tutoria_requests:inspect", args=[running.pk])).content.decode()
    assert text in page
    referral = Referral.objects.get(request=running)
    url = reverse("tutoria_requests:update_referral", args=[running.pk, referral.pk])
    assert text in client.get(url).content.decode()


# --- The daily digest -------------------------------------------------------------------------


def digests_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_the_digest_is_sent_once_a_day_with_only_the_recipients_items(world):
    mail.outbox.clear()
    call_command("send_overdue_digest")
    mx = world["mx"]
    # Coordination: the late decision and the late start; the board: the late decision;
    # the orientation service: the referral; the tutor: their late start.
    expected = {
        "coordinator": [mx["undecided"], mx["late"]],
        "board": [mx["undecided"]],
        "orientation": [mx["running"]],
        "tutor": [mx["late"]],
    }
    others = [world["br"][key] for key in ("undecided", "late", "running")]
    for role, requests in expected.items():
        (message,) = digests_to(mx[role])
        body = message.body
        for request in requests:
            assert reverse("tutoria_requests:inspect", args=[request.pk]) in body
        for request in [*others, mx["undecided"], mx["late"], mx["running"]]:
            if request not in requests:
                assert reverse("tutoria_requests:inspect", args=[request.pk]) not in body
        assert "ZZ-SECRET" not in body + message.subject
    assert len(mail.outbox) == 8  # four roles in each of the two institutions
    call_command("send_overdue_digest")
    assert len(mail.outbox) == 8  # not twice the same day
    assert OverdueDigest.objects.filter(status=OverdueDigest.Status.SENT).count() == 8
    # The next day, again (still overdue).
    call_command("send_overdue_digest", "--date", (today() + DAY).isoformat())
    assert len(mail.outbox) == 16


def test_the_digest_speaks_the_recipients_language(world):
    set_language(world["br"]["tutor"], "pt-br")
    set_language(world["mx"]["tutor"], "es")
    mail.outbox.clear()
    call_command("send_overdue_digest")
    (br,) = digests_to(world["br"]["tutor"])
    (mx,) = digests_to(world["mx"]["tutor"])
    assert br.subject == "Tutoria: 1 item com prazo vencido"
    assert "Com 2 dias de atraso" in br.body
    assert mx.subject == "Tutoría: 1 asunto con plazo vencido"
    assert "Con 2 días de retraso" in mx.body


def test_a_dry_run_sends_nothing(world, capsys):
    mail.outbox.clear()
    call_command("send_overdue_digest", "--dry-run")
    assert mail.outbox == []
    assert not OverdueDigest.objects.exists()
    out = capsys.readouterr().out
    assert f"#{world['mx']['coordinator'].pk} a digest of 2 items" in out


def test_a_failed_digest_is_recorded_and_sent_by_a_later_run(world):
    mail.outbox.clear()
    with mock.patch("tutoria_cms.requests.tasks.send_mail", side_effect=OSError("down")):
        call_command("send_overdue_digest")
    assert mail.outbox == []
    failed = OverdueDigest.objects.filter(status=OverdueDigest.Status.FAILED)
    assert failed.count() == 8 and set(failed.values_list("last_error", flat=True)) == {"OSError"}
    assert not OverdueDigest.objects.filter(status=OverdueDigest.Status.SENT).exists()
    call_command("send_overdue_digest")
    assert len(mail.outbox) == 8
    call_command("send_overdue_digest")
    assert len(mail.outbox) == 8
    assert set(OverdueDigest.objects.values_list("attempts", flat=True)) == {2}


def test_nobody_without_overdue_items_gets_a_digest(world):
    for key in ("mx", "br"):
        for record in ("undecided", "late"):
            TutoringRequest.objects.filter(pk=world[key][record].pk).update(due_on=today())
    Referral.objects.update(due_on=today())
    mail.outbox.clear()
    call_command("send_overdue_digest")
    assert mail.outbox == []


def test_the_command_help_works_in_spanish():
    from django.core.management import load_command_class
    from django.utils import translation

    with translation.override("es"):
        command = load_command_class("tutoria_cms.requests", "send_overdue_digest")
        text = command.create_parser("manage.py", "send_overdue_digest").format_help()
    assert "--dry-run" in text and "plazo vencido" in text
