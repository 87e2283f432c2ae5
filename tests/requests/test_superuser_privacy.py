"""Superusers hold every permission, the orientation service's included, but administer the
site: they read no confidential details, not even of referred requests (permissions.py)."""

import pytest
from django.urls import reverse

from tests import factories
from tests.requests.conftest import walk
from tutoria_cms.requests import permissions, services
from tutoria_cms.requests.services import TransitionRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred(support_request, coordinator, board, tutor):
    request = services.assign_tutor(support_request, tutor, coordinator)
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    request = walk(request, actors, "submit", "review", "approve", "start")
    referral = services.refer(request, tutor, reason="SECRET-REFERRAL-REASON")
    return request, referral


@pytest.fixture
def root(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


def test_a_superuser_reads_no_confidential_details_of_a_referred_request(
    client, referred, root, orientation
):
    request, referral = referred
    assert permissions.can_read_disclosure(orientation, request)  # the control
    assert not permissions.can_read_disclosure(root, request)
    client.force_login(root)
    page = client.get(reverse("tutoria_requests:inspect", args=[request.pk]))
    assert page.status_code == 200
    assert b"CONFIDENTIAL-XYZ" not in page.content
    assert b"SECRET-REFERRAL-REASON" not in page.content
    for name, args in (
        ("disclosure", [request.pk]),
        ("update_referral", [request.pk, referral.pk]),
    ):
        # Refused: Wagtail turns the PermissionDenied into a redirect to the dashboard.
        factories.assert_refused(client.get(reverse(f"tutoria_requests:{name}", args=args)))


def test_a_superuser_cannot_write_a_referral_outcome(referred, root, orientation):
    _request, referral = referred
    with pytest.raises(TransitionRefused):
        services.update_referral(referral, root, status="closed", outcome_notes="x")
    services.update_referral(referral, orientation, status="closed", outcome_notes="ok")
