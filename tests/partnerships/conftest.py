import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.partnerships import services
from tutoria_cms.partnerships.choices import Purpose, Sector
from tutoria_cms.partnerships.models import Agreement, Partner

TODAY = datetime.date(2025, 3, 10)


def make_document(title="Diagnóstico de potencialidades"):
    return get_document_model().objects.create(
        title=title, file=ContentFile(f"{title}\n".encode(), name="entregable.txt")
    )


def make_agreement(title="Convenio de prácticas", partner=None, user=None, **kwargs):
    if partner is None:
        partner, _created = Partner.objects.get_or_create(
            name=kwargs.pop("partner_name", "Industrias del Bajío S.A."),
            defaults={"sector": kwargs.pop("sector", Sector.PRIVATE)},
        )
    kwargs.setdefault("purposes", [Purpose.INTERNSHIPS, Purpose.SCHOLARSHIPS])
    return services.create_agreement(Agreement(partner=partner, title=title, **kwargs), user)


def complete_up_to(agreement, stage, user, signed_on=TODAY, today=TODAY):
    """Complete every stage up to and including ``stage`` (with deliverables)."""
    from tutoria_cms.partnerships.choices import STAGE_ORDER, Stage

    for code in STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]:
        if code == Stage.FOLLOW_UP and not agreement.commitments.exists():
            services.add_commitment(
                agreement, user, party="partner", description="Recibir practicantes", due_on=today
            )
        services.complete_stage(
            agreement,
            code,
            user,
            make_document(f"Entregable {code}"),
            signed_on=signed_on,
            today=today,
        )
    agreement.refresh_from_db()
    return agreement


def sign(agreement, user, signed_on=TODAY, **kwargs):
    return complete_up_to(agreement, "execution", user, signed_on=signed_on, **kwargs)


@pytest.fixture
def coordinator(db):
    return factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])


@pytest.fixture
def quality(db):
    return factories.UserFactory(username="calidad", groups=[roles.QUALITY])


@pytest.fixture
def communications(db):
    return factories.UserFactory(username="comunicacion", groups=[roles.COMMUNICATIONS])


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tutora", groups=[roles.TUTORS])


@pytest.fixture
def agreement(db, coordinator):
    return make_agreement(
        user=coordinator, starts_on=TODAY, expires_on=TODAY + datetime.timedelta(days=365)
    )


@pytest.fixture
def today():
    return timezone.localdate()
