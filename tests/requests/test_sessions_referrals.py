import datetime

import pytest

from tests.factories import referral_service
from tests.requests.conftest import walk
from tutoria_cms.requests import permissions, services
from tutoria_cms.requests.models import ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(support_request, coordinator, board, tutor):
    request = services.assign_tutor(support_request, tutor, coordinator)
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    return walk(request, actors, "submit", "review", "approve", "start")


def test_assigned_tutor_records_sessions(running, tutor, other_tutor, coordinator):
    session = services.record_session(
        running,
        tutor,
        date=datetime.date(2026, 3, 2),
        modality="video",
        duration_minutes=45,
        private_notes="SECRET-NOTE",
    )
    assert session.history.get().history_user == tutor
    for user in (other_tutor, coordinator):
        with pytest.raises(services.TransitionRefused):
            services.record_session(
                running, user, date=datetime.date(2026, 3, 2), modality="video", duration_minutes=45
            )


def test_sessions_need_sensible_values(running, tutor):
    with pytest.raises(services.ValidationError):
        services.record_session(
            running,
            tutor,
            date=datetime.date(2026, 3, 2),
            modality="carrier_pigeon",
            duration_minutes=45,
        )
    with pytest.raises(services.ValidationError):
        services.record_session(
            running, tutor, date=datetime.date(2026, 3, 2), modality="video", duration_minutes=0
        )


def test_sessions_only_while_in_progress(support_request, tutor, coordinator):
    request = services.assign_tutor(support_request, tutor, coordinator)
    with pytest.raises(services.TransitionError) as error:
        services.record_session(
            request, tutor, date=datetime.date(2026, 3, 2), modality="video", duration_minutes=45
        )
    assert error.value.code == "state"


def test_referral_opens_the_details_to_the_orientation_service(
    running, tutor, orientation, coordinator
):
    assert not permissions.can_read_disclosure(orientation, running)
    assert not permissions.can_view(orientation, running)
    referral = services.refer(running, tutor, reason="Ansiedad ante exámenes")
    assert permissions.can_view(orientation, running)
    assert permissions.can_read_disclosure(orientation, running)
    assert not permissions.can_read_disclosure(coordinator, running)
    services.update_referral(
        referral, orientation, status=ReferralStatus.ATTENDED, outcome_notes="Primera cita"
    )
    referral.refresh_from_db()
    assert referral.status == "attended"
    assert [h.status for h in referral.history.order_by("history_id")] == ["sent", "attended"]
    with pytest.raises(services.TransitionRefused):
        services.update_referral(referral, coordinator, status=ReferralStatus.CLOSED)


def test_referral_needs_a_reason(running, tutor):
    with pytest.raises(services.ValidationError):
        services.refer(running, tutor, reason="  ")


def test_admin_shows_sessions_and_referrals_need_to_know(
    client, running, tutor, coordinator, orientation
):
    from django.urls import reverse

    client.force_login(tutor)
    url = reverse("tutoria_requests:record_session", args=[running.pk])
    response = client.post(
        url,
        {
            "date": "2026-03-02",
            "modality": "video",
            "attention_type": "individual",
            "duration_minutes": "50",
            "private_notes": "SECRET-NOTE",
        },
    )
    assert response.status_code == 302
    service = referral_service(running.site, "SERVICE-PSICOLOGIA")
    response = client.post(
        reverse("tutoria_requests:refer", args=[running.pk]),
        {"reason": "SECRET-REFERRAL", "service": service.pk},
    )
    assert response.status_code == 302
    inspect = reverse("tutoria_requests:inspect", args=[running.pk])
    page = client.get(inspect).text
    assert "SECRET-NOTE" in page and "SECRET-REFERRAL" in page
    assert "SERVICE-PSICOLOGIA" in page
    client.force_login(coordinator)
    page = client.get(inspect).text
    # That a referral exists, and its status; not the service it went to.
    assert 'id="referrals-heading"' in page
    assert "SERVICE-PSICOLOGIA" not in page
    assert "SECRET-NOTE" not in page and "SECRET-REFERRAL" not in page
    client.force_login(orientation)
    page = client.get(inspect).text
    assert "SECRET-REFERRAL" in page and "CONFIDENTIAL-XYZ" in page
    assert "SERVICE-PSICOLOGIA" in page
    referral = running.referrals.get()
    response = client.post(
        reverse("tutoria_requests:update_referral", args=[running.pk, referral.pk]),
        {"status": "follow_up", "outcome_notes": "Seguimiento quincenal"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "follow_up"
