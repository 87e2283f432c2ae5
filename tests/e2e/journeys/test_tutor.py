"""Tutor journeys: work on an assigned request from the dashboard."""

import datetime

import pytest
from django.utils import timezone

from tests.e2e.journeys.conftest import es, request_in_progress
from tutoria_cms.requests.models import Referral, RequestState, TutoringSession

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.xfail(
    strict=True,
    reason="the tutor's dashboard lists no assigned requests, and the request page has no "
    "'Record a session' / 'Refer to a service' links (dashboard and request-page work)",
)
def test_tutor_records_a_session_refers_the_student_and_closes_the_request(site, sign_in):
    request = request_in_progress()
    today = timezone.localdate()
    page = sign_in("tutora.ana")

    page.get_by_role("main").get_by_role("link", name=request.get_list_title()).click()
    page.get_by_role("link", name=es("Record a session")).click()
    page.get_by_label(es("Date"), exact=True).fill(today.isoformat())
    page.get_by_label(es("Duration (minutes)")).fill("50")
    page.get_by_role("button", name=es("Save"), exact=True).click()
    page.get_by_text(es("The session was recorded.")).wait_for()

    page.get_by_role("link", name=es("Refer to a service")).click()
    page.get_by_label(es("Service")).fill("Orientación educativa")
    page.get_by_label(es("Reason for the referral")).fill("Ansiedad ante los exámenes.")
    page.get_by_role("button", name=es("Save"), exact=True).click()
    page.get_by_text(es("The student was referred.")).wait_for()

    page.get_by_role("navigation", name=es("Actions")).get_by_role(
        "button", name=es("Actions")
    ).click()
    page.get_by_role("link", name=es("Close"), exact=True).click()
    page.get_by_role("button", name=es("Close"), exact=True).click()
    page.get_by_text(es("Done: the request was %(action)s.") % {"action": es("closed")}).wait_for()

    session = TutoringSession.objects.get(request=request)
    assert session.date == today and session.duration_minutes == 50
    assert session.date >= today - datetime.timedelta(days=1)
    referral = Referral.objects.get(request=request)
    assert referral.service == "Orientación educativa"
    request.refresh_from_db()
    assert request.state == RequestState.CLOSED
