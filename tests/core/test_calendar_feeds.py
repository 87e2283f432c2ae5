"""The private, revocable calendar feed: ``/calendar/<secret>.ics`` with the person's own
sessions and workshops (no student's name, reasons or notes), and the account's screen that
creates, replaces and revokes it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.users.models import UserProfile

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.core.models import CalendarFeedToken
from tutoria_cms.requests import services
from tutoria_cms.requests.models import (
    ClassSession,
    GroupSession,
    IndividualClass,
    RequestKind,
    StudentGroup,
    TutoringSession,
)

pytestmark = pytest.mark.django_db

SCREEN = "/admin/calendar-feed/"
STUDENT_NAME = "Maria da Silva"
SECRET_TEXTS = ("CONFIDENTIAL-XYZ", "PRIVATE-NOTES-QQQ", "TOPIC-CONFIDENTIAL-WWW")


def feed_path(secret):
    return f"/calendar/{secret}.ics"


def read(client, secret):
    response = client.get(feed_path(secret), HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    return response, Calendar.from_ical(response.content)


def uids(calendar):
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


@pytest.fixture
def world(mx_home, student, term, component, coordinator, tutor, other_tutor):
    """Sessions of ``tutor`` (tutoring, class, group) and of ``other_tutor``."""
    today = timezone.localdate()

    def support_request(assigned):
        request = services.create_request(
            kind=RequestKind.SUPPORT,
            student=student,
            user=coordinator,
            reasons=["emotional"],
            description="CONFIDENTIAL-XYZ family matter",
        )
        return services.assign_tutor(request, assigned, coordinator)

    mine = TutoringSession.objects.create(
        request=support_request(tutor),
        date=today + datetime.timedelta(days=2),
        modality="in_person",
        duration_minutes=60,
        private_notes="PRIVATE-NOTES-QQQ",
    )
    theirs = TutoringSession.objects.create(
        request=support_request(other_tutor),
        date=today,
        modality="video",
        duration_minutes=30,
        private_notes="PRIVATE-NOTES-QQQ",
    )
    individual_class = IndividualClass.objects.create(term=term, component=component, tutor=tutor)
    class_session = ClassSession.objects.create(
        individual_class=individual_class,
        date=today,
        modality="video",
        duration_minutes=90,
        topic="TOPIC-CONFIDENTIAL-WWW",
    )
    group = StudentGroup.objects.create(code="G1", name="Grupo uno", term=term, tutor=tutor)
    group.members.add(student)
    group_session = GroupSession.objects.create(
        group=group,
        date=today - datetime.timedelta(days=3),
        topic="TOPIC-CONFIDENTIAL-WWW",
        modality="in_person",
        duration_minutes=45,
    )
    return {
        "mine": mine,
        "theirs": theirs,
        "class_session": class_session,
        "group_session": group_session,
    }


def test_private_feed_has_the_tutors_sessions_and_no_student_data(client, world, tutor):
    UserProfile.objects.update_or_create(user=tutor, defaults={"preferred_language": "en"})
    _token, secret = CalendarFeedToken.objects.issue(tutor)
    response, calendar = read(client, secret)
    assert uids(calendar) == {
        f"tutoring-session-{world['mine'].pk}@localhost",
        f"class-session-{world['class_session'].pk}@localhost",
        f"group-session-{world['group_session'].pk}@localhost",
    }
    by_uid = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    event = by_uid[f"tutoring-session-{world['mine'].pk}@localhost"]
    assert str(event["SUMMARY"]) == "Tutoring session · In person · 60 min"
    assert event.decoded("DTSTART") == world["mine"].date  # all-day: the date recorded
    assert event.decoded("DTEND") == world["mine"].date + datetime.timedelta(days=1)
    assert "DESCRIPTION" not in event
    group_event = by_uid[f"group-session-{world['group_session'].pk}@localhost"]
    assert str(group_event["SUMMARY"]).startswith("Group tutoring session")
    class_event = by_uid[f"class-session-{world['class_session'].pk}@localhost"]
    assert str(class_event["SUMMARY"]).startswith("Individual class session")
    text = response.content.decode()
    for secret_text in (STUDENT_NAME, "2019001", "Grupo uno", "Cálculo", *SECRET_TEXTS):
        assert secret_text not in text


def test_private_feed_speaks_the_persons_admin_language(client, world, tutor):
    UserProfile.objects.update_or_create(user=tutor, defaults={"preferred_language": "pt-br"})
    _token, secret = CalendarFeedToken.objects.issue(tutor)
    _response, calendar = read(client, secret)
    assert str(calendar["X-WR-CALNAME"]) == "Minha agenda de tutoria"
    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert "Sessão de tutoria · Presencial · 60 min" in summaries


def test_private_feed_does_not_show_another_tutors_sessions(client, world, tutor, other_tutor):
    _token, secret = CalendarFeedToken.objects.issue(other_tutor)
    _response, calendar = read(client, secret)
    assert uids(calendar) == {f"tutoring-session-{world['theirs'].pk}@localhost"}


def test_private_feed_leaves_out_institutions_the_tutor_left(client, world, tutor):
    from tutoria_cms.core.models import InstitutionMembership

    InstitutionMembership.objects.filter(user=tutor).delete()
    tutor = type(tutor).objects.get(pk=tutor.pk)
    _token, secret = CalendarFeedToken.objects.issue(tutor)
    _response, calendar = read(client, secret)
    assert uids(calendar) == set()


def test_private_feed_has_the_workshops_the_tutor_facilitates(client, programme, tutor):
    index = factories.build_tutor_index(programme.get_parent().get_parent())
    profile = factories.build_tutor_profile(index, title="Tutora Uno", user=tutor)
    other = factories.build_tutor_profile(
        index, title="Tutora Dos", user=factories.UserFactory(username="t2", groups=[roles.TUTORS])
    )
    led = factories.build_workshop(
        programme,
        title="Taller que facilito",
        facilitators=[("tutor", {"tutor": profile, "role": "Facilitadora"})],
    )
    factories.build_workshop(
        programme,
        title="Taller de otra",
        facilitators=[("tutor", {"tutor": other, "role": "Facilitadora"})],
    )
    _token, secret = CalendarFeedToken.objects.issue(tutor)
    _response, calendar = read(client, secret)
    (session,) = led.ordered_sessions
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"workshop-session-{session.pk}@localhost"
    assert str(event["SUMMARY"]) == "Taller que facilito"


def test_revoked_unknown_and_malformed_tokens_are_404(client, tutor):
    token, secret = CalendarFeedToken.objects.issue(tutor)
    assert client.get(feed_path(secret)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    CalendarFeedToken.objects.revoke(tutor)
    for path in (feed_path(secret), feed_path("x" * 43), feed_path("x" * 300)):
        response = client.get(path)
        assert response.status_code == 404
        assert b"BEGIN:VCALENDAR" not in response.content


def test_a_new_token_replaces_the_old_one(client, tutor):
    _first, old = CalendarFeedToken.objects.issue(tutor)
    _second, new = CalendarFeedToken.objects.issue(tutor)
    assert client.get(feed_path(old)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200
    assert CalendarFeedToken.objects.filter(user=tutor, revoked_at__isnull=True).count() == 1


def test_inactive_account_has_no_feed(client, tutor):
    _token, secret = CalendarFeedToken.objects.issue(tutor)
    tutor.is_active = False
    tutor.save()
    assert client.get(feed_path(secret)).status_code == 404


def test_only_a_hash_of_the_secret_is_stored(tutor):
    token, secret = CalendarFeedToken.objects.issue(tutor)
    assert len(secret) >= 40
    assert secret not in token.token_hash
    assert CalendarFeedToken.objects.for_token(secret) == token


def test_account_menu_offers_the_calendar_feed(client, tutor):
    client.force_login(tutor)
    account = client.get(reverse("wagtailadmin_account"), HTTP_ACCEPT_LANGUAGE="en")
    assert SCREEN in account.content.decode()
    assert "Calendar feed" in account.content.decode()


def test_screen_creates_shows_once_replaces_and_revokes(client, world, tutor):
    client.force_login(tutor)
    page = client.get(SCREEN, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "You have no calendar feed." in page.content.decode()

    response = client.post(SCREEN, {"action": "create"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    page = client.get(SCREEN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    url = re.search(r'id="calendar-feed-url"[^>]*value="([^"]+)"', page).group(1)
    assert url.startswith("http://testserver/calendar/") and url.endswith(".ics")
    path = url.removeprefix("http://testserver")
    _response, calendar = read(client, path.removeprefix("/calendar/").removesuffix(".ics"))
    assert f"tutoring-session-{world['mine'].pk}@localhost" in uids(calendar)
    # Shown once: the secret is not stored.
    again = client.get(SCREEN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "calendar-feed-url" not in again
    assert "Your calendar feed is active" in again

    client.post(SCREEN, {"action": "create"})
    assert client.get(path).status_code == 404  # replaced
    assert CalendarFeedToken.objects.filter(user=tutor, revoked_at__isnull=True).count() == 1

    response = client.post(SCREEN, {"action": "revoke"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert not CalendarFeedToken.objects.filter(user=tutor, revoked_at__isnull=True).exists()
    page = client.get(SCREEN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You have no calendar feed." in page


def test_screen_acts_only_on_ones_own_feed(client, tutor, other_tutor):
    _token, secret = CalendarFeedToken.objects.issue(other_tutor)
    client.force_login(tutor)
    client.post(SCREEN, {"action": "revoke"})
    client.post(SCREEN, {"action": "create"})
    assert client.get(feed_path(secret)).status_code == 200


def test_screen_needs_admin_access(client, student):
    response = client.get(SCREEN)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    client.force_login(factories.UserFactory(username="plain"))  # no admin access
    client.post(SCREEN, {"action": "create"})
    assert not CalendarFeedToken.objects.exists()


def test_the_feed_only_reads(client, tutor):
    _token, secret = CalendarFeedToken.objects.issue(tutor)
    assert client.post(feed_path(secret)).status_code == 405
    assert client.head(feed_path(secret)).status_code == 200
