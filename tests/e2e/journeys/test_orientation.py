"""Orientation-service journey: a new referral, from the dashboard to its outcome."""

import re

import pytest

from tests import factories
from tests.e2e.journeys.conftest import es, exactly, list_title, request_in_progress
from tutoria_cms.core import roles
from tutoria_cms.requests import services
from tutoria_cms.requests.models import Referral, ReferralStatus

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_orientation_accepts_a_referral_and_records_its_outcome(site, sign_in):
    request = request_in_progress()
    factories.UserFactory(username="orientacion", groups=[roles.ORIENTATION])
    services.refer(request, request.assigned_tutor, reason="Ansiedad ante los exámenes.")
    page = sign_in("orientacion")

    page.get_by_role("main").get_by_role(
        "link", name=re.compile(re.escape(es("new referrals")))
    ).click()
    page.get_by_role("main").get_by_role("link", name=list_title(request)).click()
    referrals = page.get_by_role("region", name=es("Referrals"))
    referrals.get_by_role("link", name=es("Follow-up")).click()
    page.get_by_label(exactly(es("Status"))).select_option(value=ReferralStatus.ATTENDED)
    page.get_by_role("button", name=es("Save"), exact=True).click()
    page.get_by_text(es("The referral was updated.")).wait_for()
    assert es("Attended") in referrals.inner_text()
    referrals.get_by_role("link", name=es("Follow-up")).click()
    page.get_by_label(exactly(es("Status"))).select_option(value=ReferralStatus.CLOSED)
    page.get_by_label(exactly(es("Outcome notes"))).fill("Atendida en tres sesiones; alta.")
    page.get_by_role("button", name=es("Save"), exact=True).click()
    page.get_by_text(es("The referral was updated.")).wait_for()
    assert "Atendida en tres sesiones; alta." in referrals.inner_text()

    referral = Referral.objects.get(request=request)
    assert referral.status == ReferralStatus.CLOSED
    assert referral.outcome_notes == "Atendida en tres sesiones; alta."
