"""Demo partnerships for both sites, idempotent."""

import pytest

from sites.home.demo.partnerships import load_demo_partnerships
from tests import factories
from tutoria_cms.partnerships import services
from tutoria_cms.partnerships.choices import CurrentStage
from tutoria_cms.partnerships.models import (
    Agreement,
    AgreementStage,
    Commitment,
    Partner,
    PartnershipIndexPage,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(
            Agreement.objects.order_by("reference").values_list(
                "reference", "current_stage", "signed_on"
            )
        ),
        Partner.objects.count(),
        AgreementStage.objects.count(),
        Commitment.objects.count(),
        AgreementStage.history.count(),
        PartnershipIndexPage.objects.count(),
    )


def test_demo_for_both_sites_is_idempotent(mx_home, br_home, programme, client):
    coordinator = factories.UserFactory(username="coordinacion", groups=["Tutoring coordination"])
    assert load_demo_partnerships(mx_home, "es") > 0
    assert load_demo_partnerships(br_home, "pt-br") > 0
    before = snapshot()
    assert load_demo_partnerships(mx_home, "es") == 0
    assert load_demo_partnerships(br_home, "pt-br") == 0
    assert snapshot() == before

    stages = set(Agreement.objects.values_list("current_stage", flat=True))
    assert {
        CurrentStage.PLANNING,
        CurrentStage.PROGRAMMING,
        CurrentStage.FOLLOW_UP,
        CurrentStage.DONE,
    } <= stages
    assert services.overdue_commitments().exists()
    assert services.expiring_agreements().exists()
    assert AgreementStage.history.filter(history_user=coordinator).exists()
    assert (
        Agreement.objects.get(reference="UTB-VIN-2024-07")
        .supported_pages.filter(pk=programme.pk)
        .exists()
    )
    for home, host, text in (
        (mx_home, "localhost", "Convenio de prácticas profesionales"),
        (br_home, "127.0.0.1", "Convênio de estágio supervisionado"),
    ):
        page = PartnershipIndexPage.objects.child_of(home).get()
        response = client.get(page.url, HTTP_HOST=host)
        assert response.status_code == 200 and text in response.content.decode()
