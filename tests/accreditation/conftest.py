"""A small, hand-counted scenario for the evidence tests.

Mexican site (localhost), programme "Programa de Acción Tutorial":
- workshop W1 (capacity 20): sessions 10 days ago 10:00-12:00 (2 h) and 5 days ago
  14:00-15:30 (1.5 h), both in the range [today-20, today]; one more in 30 days (outside);
  registrations: A000000-A000002 confirmed, A000003 waitlisted, A000004 cancelled;
  attendance: session 1: A0, A1 present, A2 absent; session 2: A0 present, A1 absent;
  future session: A0 present (outside the range);
- workshop W2 (draft, never published): one session 3 days ago (not counted).
Brazilian site (127.0.0.1): workshop B1 with one session 2 days ago, 1 confirmed, 1 present.
Tutors (Mexican site, seed framework): Ana (2 levels, 1 validated), Bruno (1 level, none).

In range, localhost: 1 workshop, 2 sessions, 3.5 hours, 3 participants, attendance 3/5 = 60%.
"""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from tutoria_cms.tutors.models import Competency, CompetencyAssessment
from tutoria_cms.workshops.models import Attendance, GroupWorkshopPage, WorkshopRegistration

TODAY = None


def range_filters(**extra):
    today = timezone.localdate()
    return {
        "site": "localhost",
        "date_from": (today - datetime.timedelta(days=20)).isoformat(),
        "date_to": today.isoformat(),
        **extra,
    }


def _attend(session, registration, present):
    return Attendance.objects.create(session=session, registration=registration, present=present)


@pytest.fixture
def scenario(programme, br_programme):
    w1 = factories.build_workshop(
        programme, title="Taller =HYPERLINK(\"http://x\")", capacity=20,
        sessions=[
            factories.session_data(days=-10, start="10:00", end="12:00"),
            factories.session_data(days=-5, start="14:00", end="15:30"),
            factories.session_data(days=30, start="10:00", end="11:00"),
        ],
    )
    regs = factories.add_registrations(w1, 3)
    factories.add_registrations(w1, 1, status="waitlisted", start=3)
    factories.add_registrations(w1, 1, status="cancelled", start=4)
    regs = list(WorkshopRegistration.objects.filter(workshop_id=w1.pk, status="confirmed")
                .order_by("student_number"))
    s1, s2, future = w1.ordered_sessions
    _attend(s1, regs[0], True)
    _attend(s1, regs[1], True)
    _attend(s1, regs[2], False)
    _attend(s2, regs[0], True)
    _attend(s2, regs[1], False)
    _attend(future, regs[0], True)

    draft = GroupWorkshopPage(
        title="Borrador", topic="other", capacity=5,
        workshop_sessions=[],
    )
    programme.add_child(instance=draft)
    from tutoria_cms.workshops.models import WorkshopSession

    WorkshopSession.objects.create(page=draft, **factories.session_data(days=-3))
    GroupWorkshopPage.objects.filter(pk=draft.pk).update(live=False, first_published_at=None)

    b1 = factories.build_workshop(
        br_programme, title="Oficina", sessions=[factories.session_data(days=-2)]
    )
    (b_reg,) = factories.add_registrations(b1, 1, start=100)
    b_reg = WorkshopRegistration.objects.get(workshop_id=b1.pk)
    _attend(b1.ordered_sessions[0], b_reg, True)
    return {"w1": w1, "b1": b1, "registrations": regs}


@pytest.fixture
def tutors(mx_home):
    framework = factories.load_seed_framework()
    index = factories.build_tutor_index(mx_home)
    ana = factories.build_tutor_profile(index, title="Ana Ramírez",
                                        user=factories.build_tutor_user("ana"))
    bruno = factories.build_tutor_profile(index, title="Bruno Salas",
                                          user=factories.build_tutor_user("bruno"))
    competencies = list(Competency.objects.filter(dimension__framework=framework)
                        .order_by("dimension__sort_order", "sort_order", "pk"))
    now = timezone.now()
    CompetencyAssessment.objects.create(profile=ana, competency=competencies[0], self_level=3,
                                        validated_level=2, validated_at=now)
    CompetencyAssessment.objects.create(profile=ana, competency=competencies[1], self_level=2)
    CompetencyAssessment.objects.create(profile=bruno, competency=competencies[0], self_level=4)
    return {"framework": framework, "ana": ana, "bruno": bruno, "competencies": competencies}
