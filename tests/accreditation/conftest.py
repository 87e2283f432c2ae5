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

The partnerships (``agreements``) and peer-mentoring (``mentoring_pairs``) scenarios are
described, with their hand counts, in test_partnerships_evidence.py and
test_mentoring_evidence.py.
"""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Site

from tests import factories
from tutoria_cms.core.institutions import default_site
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
        programme,
        title='Taller =HYPERLINK("http://x")',
        capacity=20,
        sessions=[
            factories.session_data(days=-10, start="10:00", end="12:00"),
            factories.session_data(days=-5, start="14:00", end="15:30"),
            factories.session_data(days=30, start="10:00", end="11:00"),
        ],
    )
    regs = factories.add_registrations(w1, 3)
    factories.add_registrations(w1, 1, status="waitlisted", start=3)
    factories.add_registrations(w1, 1, status="cancelled", start=4)
    regs = list(
        WorkshopRegistration.objects.filter(workshop_id=w1.pk, status="confirmed").order_by(
            "student_number"
        )
    )
    s1, s2, future = w1.ordered_sessions
    _attend(s1, regs[0], True)
    _attend(s1, regs[1], True)
    _attend(s1, regs[2], False)
    _attend(s2, regs[0], True)
    _attend(s2, regs[1], False)
    _attend(future, regs[0], True)

    draft = GroupWorkshopPage(
        title="Borrador",
        topic="other",
        capacity=5,
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
    ana = factories.build_tutor_profile(
        index, title="Ana Ramírez", user=factories.build_tutor_user("ana")
    )
    bruno = factories.build_tutor_profile(
        index, title="Bruno Salas", user=factories.build_tutor_user("bruno")
    )
    competencies = list(
        Competency.objects.filter(dimension__framework=framework).order_by(
            "dimension__sort_order", "sort_order", "pk"
        )
    )
    now = timezone.now()
    CompetencyAssessment.objects.create(
        profile=ana, competency=competencies[0], self_level=3, validated_level=2, validated_at=now
    )
    CompetencyAssessment.objects.create(profile=ana, competency=competencies[1], self_level=2)
    CompetencyAssessment.objects.create(profile=bruno, competency=competencies[0], self_level=4)
    return {"framework": framework, "ana": ana, "bruno": bruno, "competencies": competencies}


# Partnerships ---------------------------------------------------------------------------------


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def make_agreement(
    title,
    *,
    site=None,
    partner="Industrias del Bajío S.A.",
    sector="private",
    signed=None,
    starts=None,
    expires=None,
    commitments=(),
    supports=(),
    reference="",
):
    """An agreement through the services; ``signed`` (days from today) completes the stages
    up to the signature; ``commitments``: (due in days, fulfilled in days or None)."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from tutoria_cms.partnerships import services
    from tutoria_cms.partnerships.models import Agreement, Partner

    partner, _created = Partner.objects.get_or_create(name=partner, defaults={"sector": sector})
    agreement = services.create_agreement(
        Agreement(
            partner=partner,
            site=site or Site.objects.get(is_default_site=True),
            title=title,
            reference=reference,
            purposes=["internships", "scholarships"],
            starts_on=days(starts) if starts is not None else None,
            expires_on=days(expires) if expires is not None else None,
        )
    )
    if signed is not None:
        for stage in ("planning", "programming", "execution"):
            document = get_document_model().objects.create(
                title=f"Entregable {stage}", file=ContentFile(b"x\n", name="entregable.txt")
            )
            services.complete_stage(agreement, stage, None, document, signed_on=days(signed))
    for due, fulfilled in commitments:
        commitment = services.add_commitment(
            agreement,
            None,
            party="partner",
            description="Recibir practicantes",
            due_on=days(due),
        )
        if fulfilled is not None:
            services.record_fulfilment(
                commitment,
                None,
                fulfilled_on=days(fulfilled),
                report="Se recibieron cinco practicantes.",
            )
    agreement.supported_pages.add(*supports)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def agreements(programme, br_programme):
    from wagtail.models import Site

    mx = Site.objects.get(hostname="localhost")
    br = Site.objects.get(hostname="127.0.0.1")
    return {
        "a1": make_agreement(
            "Convenio de prácticas",
            site=mx,
            signed=-10,
            starts=-10,
            expires=365,
            reference="CONV-001",
            supports=[programme],
            commitments=[(-5, None), (-3, -4), (30, None)],
        ),
        "a2": make_agreement(
            "Convenio marco",
            partner="Secretaría de Educación",
            sector="public",
            signed=-400,
            starts=-400,
            commitments=[(-100, None), (-90, -30)],
        ),
        "a3": make_agreement(
            "Convenio en preparación", site=mx, partner="Fundación Rural", sector="social"
        ),
        "a4": make_agreement(
            "Convenio vencido",
            site=mx,
            signed=-100,
            starts=-100,
            expires=-50,
            commitments=[(-70, None)],
        ),
        "a5": make_agreement(
            "Convênio de intercâmbio",
            site=br,
            partner="Universidade Parceira",
            sector="educational",
            signed=-5,
            supports=[br_programme],
        ),
    }


# Peer mentoring -------------------------------------------------------------------------------

PRIVATE_TEXTS = (
    "NOTA PRIVADA",
    "NOTAS COMPARTIDAS",
    "RETROALIMENTACION",
    "REFLEXION FINAL",
    "LOGRO PERSONAL",
    "Mentora Alicia",
    "Elena Confidencial",
)


def make_student(number, name=None):
    from tutoria_cms.academics.models import StudentRecord

    return StudentRecord.objects.create(
        site=default_site(),
        student_number=number,
        full_name=name or f"Estudiante {number}",
        email=f"{number}@alumnos.example.edu",
        curriculum_hours=3000,
        completed_hours=300,
    )


def make_participant(programme, role, number, name=None):
    from tutoria_cms.mentoring.models import Participant

    return Participant.objects.create(
        programme=programme,
        role=role,
        student=make_student(number, name),
        availability=["mon_am"],
    )


def make_mentoring_programme(page):
    from tutoria_cms.mentoring.models import MentoringProgramme

    return MentoringProgramme.objects.create(
        page=page,
        period_start=days(-120),
        period_end=days(120),
    )


def make_pair(
    programme,
    mentor,
    mentee,
    status,
    *,
    confirmed=None,
    ended=None,
    held=0,
    goals=(),
    scheduled=0,
    cancelled=0,
):
    """A pair written directly (the services date everything "now"); ``confirmed`` and
    ``ended`` in days from today, ``goals`` a list of goal statuses."""
    from tutoria_cms.mentoring.models import CheckIn, Goal, Meeting, Pair

    now = timezone.now()
    pair = Pair.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        status=status,
        confirmed_at=now + datetime.timedelta(days=confirmed) if confirmed is not None else None,
        closed_at=now + datetime.timedelta(days=ended) if ended is not None else None,
        final_reflection="REFLEXION FINAL del par" if status == "closed" else "",
        rejection_reason="",
    )
    for n in range(held):
        Meeting.objects.create(
            pair=pair,
            date=days((confirmed or 0) + n + 1),
            status="held",
            mode="in_person",
            duration_minutes=45,
            is_first=(n == 0),
            shared_notes="NOTAS COMPARTIDAS",
            mentor_private_notes="NOTA PRIVADA del mentor",
        )
    for n in range(scheduled):
        Meeting.objects.create(pair=pair, date=days(3 + n), status="scheduled", mode="video")
    for n in range(cancelled):
        Meeting.objects.create(pair=pair, date=days(-2 - n), status="cancelled", mode="video")
    for n, goal_status in enumerate(goals):
        goal = Goal.objects.create(
            pair=pair,
            specific=f"Meta {n}",
            indicator="horas de estudio",
            target=5,
            achievable_relevant="Tiene tiempo.",
            due_date=days(30),
            status=goal_status,
            achievement_note="LOGRO PERSONAL" if goal_status != "open" else "",
        )
        CheckIn.objects.create(
            pair=pair,
            goal=goal,
            rater_role="mentee",
            date=days(-1),
            rating=3,
            feedback="RETROALIMENTACION del mentee",
        )
    return pair


@pytest.fixture
def mentoring_pairs(programme_index, br_programme):
    mx_page = factories.build_programme(
        programme_index,
        title="Mentoría entre iguales",
        kind="peer_mentoring",
        modalities=["video", "in_person"],
    )
    br_page = factories.build_programme(
        br_programme.get_parent(),
        title="Mentoria entre pares",
        kind="peer_mentoring",
    )
    mx = make_mentoring_programme(mx_page)
    br = make_mentoring_programme(br_page)
    m1 = make_participant(mx, "mentor", "M100001", "Mentora Alicia")
    m2 = make_participant(mx, "mentor", "M100002")
    e = [
        make_participant(mx, "mentee", f"E10000{n}", "Elena Confidencial" if n == 1 else None)
        for n in range(1, 6)
    ]
    p4 = make_pair(mx, m2, e[3], "rematched", confirmed=-50, ended=-15, held=1)
    pairs = {
        "p1": make_pair(
            mx,
            m1,
            e[0],
            "confirmed",
            confirmed=-30,
            held=2,
            goals=["open", "open"],
            scheduled=1,
            cancelled=1,
        ),
        "p2": make_pair(
            mx,
            m1,
            e[1],
            "closed",
            confirmed=-60,
            ended=-5,
            held=3,
            goals=["achieved", "achieved", "not_achieved"],
        ),
        "p3": make_pair(
            mx, m2, e[2], "closed", confirmed=-90, ended=-40, held=1, goals=["achieved"]
        ),
        "p4": p4,
        "p5": make_pair(mx, m1, e[3], "confirmed", confirmed=-15),
        "p6": make_pair(mx, m2, e[4], "suggested"),
        "br": make_pair(
            br,
            make_participant(br, "mentor", "M200001"),
            make_participant(br, "mentee", "E200001"),
            "confirmed",
            confirmed=-3,
            held=1,
        ),
    }
    return {"page": mx_page, "br_page": br_page, "programme": mx, **pairs}
