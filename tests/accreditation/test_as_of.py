"""Exports "as of" a date: history-tracked sheets rebuilt from simple-history, the rest current."""

import datetime

from django.utils import timezone

from tests import factories
from tests.accreditation.conftest import range_filters
from tests.accreditation.test_evidence import sheet_rows, workbook
from tutoria_cms.tutors.models import CompetencyAssessment
from tutoria_cms.workshops.models import Attendance, WorkshopRegistration


def test_attendance_registrations_and_matrix_as_of_a_date(scenario, tutors):
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    for registration in WorkshopRegistration.objects.all():
        registration.save()  # the fixture bulk-inserted them: give them a history record
    for model in (Attendance, WorkshopRegistration, CompetencyAssessment):
        model.history.all().update(history_date=eight_days_ago)
    # Today: one absence corrected to present, one new registration, one new validation.
    absent = Attendance.objects.get(
        session=scenario["w1"].ordered_sessions[0], registration=scenario["registrations"][2]
    )
    absent.present = True
    absent.save()
    factories.add_registrations(scenario["w1"], 1, start=50)
    new = WorkshopRegistration.objects.get(student_number="A000050")
    new.save()  # bulk_create wrote no history: save once so that it has some (today)
    bruno = CompetencyAssessment.objects.get(profile=tutors["bruno"])
    bruno.validated_level = 3
    bruno.save()

    as_of = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    past, _result = workbook(range_filters(as_of=as_of))
    now, _result = workbook(range_filters())

    def present_count(book):
        return sum(1 for row in sheet_rows(book, "Workshop attendance") if row["Present"])

    assert present_count(now) == 4 and present_count(past) == 3
    assert len(sheet_rows(now, "Workshop registrations")) == 6
    assert len(sheet_rows(past, "Workshop registrations")) == 5

    def bruno_validated(book):
        return [
            r["Validated level"]
            for r in sheet_rows(book, "Competency matrix")
            if r["Tutor"] == "Bruno Salas" and r["Self-assessed level"] == 4
        ]

    assert bruno_validated(now) == [3] and bruno_validated(past) == [None]
    provenance = dict(past["Provenance"].iter_rows(min_row=2, values_only=True))
    assert "rebuilt from the change history" in provenance["Data: Workshop attendance"]
    assert "rebuilt from the change history" in provenance["Data: Competency matrix"]
    assert provenance["Data: Workshops"].startswith("current data")
