"""Student numbers normalised (helper, model, migration) and unconfirmed sign-ups purged."""

import datetime
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from tests import factories
from tutoria_cms.core.student_numbers import normalise_student_number
from tutoria_cms.workshops import services
from tutoria_cms.workshops.models import WorkshopRegistration

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        "MX-1234",
        "mx-1234",
        "Mx-1234",
        " MX-1234\t",
        "MX\u200b-1234",  # zero-width space (Cf)
        "MX\u00a0-1234",  # no-break space (Zs)
        "\u202eMX-1234",  # right-to-left override (Cf)
        "MX\u00ad-1234",  # soft hyphen (Cf)
        "\uff2d\uff38-\uff11\uff12\uff13\uff14",  # full-width letters and digits (NFKC)
    ],
)
def test_every_way_of_typing_a_number_is_one_student(typed):
    assert normalise_student_number(typed) == "MX-1234"


def test_the_model_stores_the_number_normalised(workshop):
    registration = WorkshopRegistration.objects.create(
        workshop_id=workshop.pk,
        student_number="mx\u200b-1234 ",
        full_name="Ana",
        email=" Ana@Example.edu ",
        status="confirmed",
    )
    registration.refresh_from_db()
    assert (registration.student_number, registration.email) == ("MX-1234", "ana@example.edu")


def test_the_service_refuses_case_variants_of_a_registered_number(workshop):
    services.register(
        workshop, student_number="mx-1", full_name="A", email="a@example.edu", consent=True
    )
    with pytest.raises(services.AlreadyRegistered):
        services.register(
            workshop, student_number="Mx-1", full_name="B", email="b@example.edu", consent=True
        )


def test_the_migration_normalises_and_merges_duplicates(workshop):
    now = timezone.now()
    rows = [
        ("mx-1", "waitlisted", now - datetime.timedelta(hours=3)),
        ("Mx-1", "confirmed", now - datetime.timedelta(hours=2)),
        ("MX-1", "confirmed", now - datetime.timedelta(hours=1)),
        ("mx-2", "cancelled", now),
    ]
    # Written as before the migration (bulk_create skips save(): numbers as typed).
    WorkshopRegistration.objects.bulk_create(
        WorkshopRegistration(
            workshop_id=workshop.pk,
            student_number=number,
            full_name="Alumno",
            email=f"{index}@example.edu",
            status=status,
            created_at=created,
        )
        for index, (number, status, created) in enumerate(rows)
    )
    migration = importlib.import_module(
        "tutoria_cms.workshops.migrations.0005_normalise_student_numbers"
    )
    migration.forwards(apps, None)

    stored = list(
        WorkshopRegistration.objects.order_by("created_at").values_list("student_number", "status")
    )
    # The confirmed one signed up first is kept; the other active ones are cancelled.
    assert stored == [
        ("MX-1", "cancelled"),
        ("MX-1", "confirmed"),
        ("MX-1", "cancelled"),
        ("MX-2", "cancelled"),
    ]
    merged = WorkshopRegistration.history.filter(history_change_reason=migration.REASON)
    assert merged.count() == 2


def test_expired_pending_sign_ups_are_purged_with_their_history(workshop, settings):
    pending = services.request_signup(
        workshop, student_number="A-1", full_name="A", email="a@example.edu", consent=True
    )
    fresh = services.request_signup(
        workshop, student_number="A-2", full_name="B", email="b@example.edu", consent=True
    )
    confirmed = factories.add_registrations(workshop, 1)[0]
    WorkshopRegistration.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=49)
    )
    out = StringIO()
    call_command("purge_workshop_signups", "--dry-run", stdout=out)
    assert "1 " in out.getvalue() and WorkshopRegistration.objects.filter(pk=pending.pk).exists()
    call_command("purge_workshop_signups", stdout=StringIO())
    remaining = set(WorkshopRegistration.objects.values_list("pk", flat=True))
    assert remaining == {fresh.pk, confirmed.pk}
    assert not WorkshopRegistration.history.filter(id=pending.pk).exists()
