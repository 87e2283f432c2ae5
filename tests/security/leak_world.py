"""A small world seeded with distinctive sensitive strings, through the real services.

Every secret is a string that occurs nowhere else (not in templates, catalogues or other
fixtures), so finding it anywhere is a leak unless the reader may read it. Who may read
what follows ``requests/permissions.py`` and ``mentoring/permissions.py``:

- a request's confidential details (disclosure description, session private notes,
  referral reason and outcome notes): the assigned tutor and, once referred, the
  orientation service; nobody else (coordination, boards, superusers included). A
  description since replaced lives only in the history table: nobody reads it;
- a meeting's private notes: the mentor alone;
- a pair's shared notes, check-in feedback and goal texts: the mentor, the mentee (a
  student with an account) and coordination (superusers administer as coordinators);
- a student's date of birth: nobody in the admin (subject access only, identified);
- a student's special educational need: coordination and boards, through the eligibility
  verdict they judge by; nobody else.

The world is built with :func:`build_leak_world` under a programme of the Mexican site
(``test_leaks.py`` builds it once for its module).
"""

import dataclasses
import datetime

from django.contrib.auth.models import Permission
from django.utils import timezone

from tests import factories
from tutoria_cms.academics.models import CurricularComponent, StudentRecord, Term
from tutoria_cms.core import roles
from tutoria_cms.requests.models import ReferralService

# Distinctive strings: none of them occurs in the code, the templates or the catalogues.
DISCLOSURE = "ZZ-SECRET-DEPRESSION-7731"
DISCLOSURE_OLD = "ZZ-SECRET-OLDDISCLOSURE-4410"  # replaced later: lives only in the history
SESSION_NOTES = "ZZ-SECRET-SESSIONNOTE-2294"
REFERRAL_REASON = "ZZ-SECRET-REFERRAL-5582"
REFERRAL_OUTCOME = "ZZ-SECRET-OUTCOME-6619"
# The service a student was referred to: need-to-know (not the board, not coordination); the
# vocabulary's own listing (Settings › Referral services) shows it to who manages it.
REFERRAL_SERVICE = "ZZ-SENSITIVE-SERVICE-3391"
MENTOR_NOTES = "ZZ-SECRET-MENTORNOTE-9043"
SHARED_NOTES = "ZZ-PAIR-SHARED-3317"
CHECKIN_FEEDBACK = "ZZ-PAIR-FEEDBACK-8126"
GOAL_TEXT = "ZZ-PAIR-GOAL-4471"
# The SEN student's date of birth (1901-02-03), as any language of the suite writes it.
BIRTH_DATES = (
    "1901-02-03",
    "03/02/1901",
    "02/03/1901",
    "3 de febrero de 1901",
    "February 3, 1901",
    "Feb. 3, 1901",
    "3 de fevereiro de 1901",
)
# How the SEN flag shows, in every language of the suite (verdict explanation, field label).
SEN_MARKERS = (
    "special educational need",
    "necesidad educativa especial",
    "necessidade educacional especial",
)

CONFIDENTIAL = (DISCLOSURE, DISCLOSURE_OLD, SESSION_NOTES, REFERRAL_REASON, REFERRAL_OUTCOME)
PAIR_TEXTS = (SHARED_NOTES, CHECKIN_FEEDBACK, GOAL_TEXT)


@dataclasses.dataclass
class LeakWorld:
    users: dict
    support_request: object
    class_request: object
    sen_student: object
    pair: object
    # secret -> the roles (keys of ``users``) that may read it
    readers: dict
    # The site's home page and the e-mails sent while building (set by the caller)
    home: object = None
    emails: list = dataclasses.field(default_factory=list)

    def secrets_hidden_from(self, role):
        return sorted(secret for secret, allowed in self.readers.items() if role not in allowed)

    def secrets_readable_by(self, role):
        return sorted(secret for secret, allowed in self.readers.items() if role in allowed)


def _user(username, *groups, **kwargs):
    return factories.UserFactory(username=username, groups=list(groups), **kwargs)


def build_users():
    quality_identified = _user("leak_quality_id", roles.QUALITY)
    quality_identified.user_permissions.add(
        Permission.objects.get(
            codename="export_identified", content_type__app_label="tutoria_accreditation"
        )
    )
    mentee = _user("leak_mentee")  # a student with an account: admin access, no role
    mentee.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    return {
        "mentee": mentee,
        "communications": _user("leak_com", roles.COMMUNICATIONS),
        "moderators": _user("leak_mod", roles.COMMUNICATIONS_MODERATORS),
        "assigned_tutor": _user("leak_tutor", roles.TUTORS),
        "other_tutor": _user("leak_other_tutor", roles.TUTORS),
        "mentor": _user("leak_mentor", roles.TUTORS),
        "coordination": _user("leak_coord", roles.COORDINATION),
        "board": _user("leak_board", roles.BOARD),
        "orientation": _user("leak_orient", roles.ORIENTATION),
        "quality": _user("leak_quality", roles.QUALITY),
        "quality_identified": quality_identified,
        "superuser": _user("leak_admin", is_superuser=True, is_staff=True),
    }


def _student(number, **kwargs):
    values = {
        "full_name": f"Estudiante {number}",
        "email": f"{number.lower()}@alumnos.example.edu",
        "curriculum_hours": 3000,
        "completed_hours": 2700,
    }
    values.update(kwargs)
    return StudentRecord.objects.create(student_number=number, **values)


def _requests(users, programme):
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import RequestKind

    coordinator, board = users["coordination"], users["board"]
    tutor = users["assigned_tutor"]
    student = _student("LK2019001")
    request = services.create_request(
        kind=RequestKind.SUPPORT,
        student=student,
        user=coordinator,
        programme=programme,
        reasons=["emotional", "health"],
        description=DISCLOSURE_OLD,
    )
    request = services.assign_tutor(request, tutor, coordinator)
    for action, actor in (
        ("submit", coordinator),
        ("review", coordinator),
        ("approve", board),
        ("start", coordinator),
    ):
        request = services.transition(request, action, actor, reason="")
    services.update_disclosure(request, tutor, reasons=["emotional"], description=DISCLOSURE)
    services.record_session(
        request,
        tutor,
        date=timezone.localdate() - datetime.timedelta(days=2),
        modality="video",
        duration_minutes=45,
        private_notes=SESSION_NOTES,
    )
    service = ReferralService.objects.create(site=request.site, name=REFERRAL_SERVICE)
    referral = services.refer(request, tutor, reason=REFERRAL_REASON, service=service)
    services.update_referral(
        referral, users["orientation"], status="follow_up", outcome_notes=REFERRAL_OUTCOME
    )
    # A denied request: its decision is not confidential (the board and the student read it).
    denied = services.create_request(
        kind=RequestKind.SUPPORT,
        student=_student("LK2019002"),
        user=coordinator,
        programme=programme,
        reasons=["family_substance"],
    )
    for action, actor, reason in (
        ("submit", coordinator, ""),
        ("review", coordinator, ""),
        ("deny", board, "Fuera del periodo de solicitudes."),
    ):
        denied = services.transition(denied, action, actor, reason=reason)

    # An individual-class request of a student with a special educational need, judged.
    term = Term.objects.create(
        code="LK-2026-1",
        name="2026/1",
        kind="regular",
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 6, 30),
    )
    component = CurricularComponent.objects.create(code="LK-MAT101", name="Cálculo I", hours=60)
    sen_student = _student(
        "LK2019003", special_educational_need=True, date_of_birth=datetime.date(1901, 2, 3)
    )
    class_request = services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=sen_student,
        term=term,
        component=component,
        user=coordinator,
        programme=programme,
        language="es",
    )
    for action in ("submit", "review"):
        class_request = services.transition(class_request, action, coordinator)
    return request, class_request, sen_student


def _mentoring(users, programme_index):
    from tutoria_cms.mentoring import services
    from tutoria_cms.mentoring.models import MentoringProgramme, Participant

    today = timezone.localdate()
    page = factories.build_programme(
        programme_index,
        title="Mentoría entre iguales",
        kind="peer_mentoring",
        modalities=["video"],
    )
    programme = MentoringProgramme.objects.create(
        page=page,
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=120),
        guidelines="Acuerden un horario.",
    )
    mentor = Participant.objects.create(
        programme=programme,
        role="mentor",
        student=_student("LKM001"),
        user=users["mentor"],
        goals=["cálculo"],
        availability=["mon_am"],
        languages=["español"],
    )
    mentee = Participant.objects.create(
        programme=programme,
        role="mentee",
        student=_student("LKE001"),
        user=users["mentee"],
        goals=["cálculo"],
        availability=["mon_am"],
        languages=["español"],
    )
    coordinator, mentor_user = users["coordination"], users["mentor"]
    pair = services.pair_manually(
        programme, mentor, mentee, coordinator, now=timezone.now() - datetime.timedelta(days=20)
    )
    services.log_meeting(
        pair,
        mentor_user,
        date=today - datetime.timedelta(days=10),
        mode="video",
        duration_minutes=40,
        shared_notes=SHARED_NOTES,
        mentor_private_notes=MENTOR_NOTES,
    )
    goal = services.add_goal(
        pair,
        mentor_user,
        specific=GOAL_TEXT,
        indicator="Horas de estudio por semana",
        target="6",
        achievable_relevant="Tiene tiempo.",
        due_date=today + datetime.timedelta(days=30),
    )
    services.check_in(
        pair, mentor_user, role="mentor", date=today, ratings=[(goal, 3, CHECKIN_FEEDBACK)]
    )
    return pair


def _public_pages(users, home, programme):
    """The tutor directory with the assigned tutor's profile, and a workshop."""
    index = factories.build_tutor_index(home)
    factories.build_tutor_profile(index, title="Dra. Tutora Asignada", user=users["assigned_tutor"])
    factories.build_workshop(programme, title="Taller de estudio")


def build_leak_world(programme_index, programme):
    users = build_users()
    request, class_request, sen_student = _requests(users, programme)
    pair = _mentoring(users, programme_index)
    _public_pages(users, programme_index.get_parent().specific, programme)
    confidential_readers = {"assigned_tutor", "orientation"}
    readers = dict.fromkeys(CONFIDENTIAL, confidential_readers)
    readers[DISCLOSURE_OLD] = set()  # replaced: only the history table holds it
    readers[MENTOR_NOTES] = {"mentor"}
    readers[REFERRAL_SERVICE] = {"assigned_tutor", "orientation", "superuser"}
    for secret in PAIR_TEXTS:
        readers[secret] = {"mentor", "mentee", "coordination", "superuser"}
    for written in BIRTH_DATES:
        readers[written] = set()
    for marker in SEN_MARKERS:
        readers[marker] = {"coordination", "board", "superuser"}
    return LeakWorld(
        users=users,
        support_request=request,
        class_request=class_request,
        sen_student=sen_student,
        pair=pair,
        readers=readers,
    )
