"""Normalise the student numbers of existing registrations (NFKC, no whitespace or invisible
characters, upper case: ``tutoria_cms.core.student_numbers``), in the registrations and in
their history.

Registrations that become duplicates (``mx1``, ``MX1`` and ``Mx1`` in one workshop, two of
them active) are merged safely: the first active one is kept (a confirmed one before a
waitlisted one, then the earliest) and every other active one is cancelled, with a history row
saying why ("merged: same student number"), so staff can see it in the registration's history.
Nothing is deleted; attendance recorded on a cancelled duplicate stays where it was. A seat
freed this way is not given to the waiting list automatically (staff may promote by
cancelling or by asking the student to sign up again). Existing registrations are not
identity-verified (the public form never checked who typed them), so exports show them
with a pseudonym of their own (docs/privacy.md). Not reversible (the reverse does nothing).
"""

import unicodedata

from django.db import migrations
from django.utils import timezone

INVISIBLE_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp"})
ACTIVE = ("confirmed", "waitlisted")
REASON = "merged: same student number"


def normalise(value):
    # A copy of tutoria_cms.core.student_numbers.normalise_student_number at the time of this
    # migration (a migration must not change when the code does).
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = "".join(
        char
        for char in text
        if not char.isspace() and unicodedata.category(char) not in INVISIBLE_CATEGORIES
    )
    return text.upper()


def forwards(apps, schema_editor):
    Registration = apps.get_model("tutoria_workshops", "WorkshopRegistration")
    History = apps.get_model("tutoria_workshops", "HistoricalWorkshopRegistration")
    groups = {}
    typed = {}
    for registration in Registration.objects.order_by("workshop_id", "created_at", "pk"):
        typed[registration.pk] = registration.student_number
        key = (registration.workshop_id, normalise(registration.student_number))
        groups.setdefault(key, []).append(registration)
    now = timezone.now()
    changed = []
    for (_workshop_id, number), registrations in groups.items():
        active = [r for r in registrations if r.status in ACTIVE]
        active.sort(key=lambda r: (r.status != "confirmed", r.created_at, r.pk))
        for duplicate in active[1:]:
            duplicate.status = "cancelled"
            duplicate.save(update_fields=["status"])
            History.objects.create(
                id=duplicate.pk,
                workshop_id=duplicate.workshop_id,
                student_number=number,
                full_name=duplicate.full_name,
                email=duplicate.email,
                consent=duplicate.consent,
                consent_at=duplicate.consent_at,
                status="cancelled",
                language=duplicate.language,
                created_at=duplicate.created_at,
                history_date=now,
                history_type="~",
                history_change_reason=REASON,
            )
        for registration in registrations:
            if typed[registration.pk] != number:
                registration.student_number = number
                changed.append(registration)
    # Cancelled duplicates first (above), then the numbers: the unique constraint on active
    # registrations holds at every step.
    Registration.objects.bulk_update(changed, ["student_number"], batch_size=500)
    history = []
    for row in History.objects.only("history_id", "student_number").iterator(chunk_size=2000):
        number = normalise(row.student_number)
        if number != row.student_number:
            row.student_number = number
            history.append(row)
    History.objects.bulk_update(history, ["student_number"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("tutoria_workshops", "0004_signup_confirmation")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
