"""One "world" for the security tests, built once per test module.

Every role of DESIGN.md section 2 (the groups of ``tutoria_cms.core.roles``) has an account,
plus a student (an account with no group, linked to student A's record: the mentee of
pair A), a tutor with nothing assigned yet, and two tutors with
work: ``tutor`` owns every "A" object (request, profile, pair, group, report, class) and
``other_tutor`` owns the "B" ones, so that object-level refusals are tested between two
tutors who both reach the listings.

The world is built inside a transaction that is rolled back when the module ends; each test
runs in a savepoint inside it (pytest-django's ``db``), so POSTs leave nothing behind.

Strings in ``SECRETS`` are confidential: ``SECRETS[text]`` is the set of roles that may read
them. Every response to anybody else must not contain them, whatever the view.
"""

import datetime
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from tests import factories
from tutoria_cms.academics.models import CurricularComponent, StudentRecord, Term
from tutoria_cms.core import roles

ROLES = (
    "anonymous",
    "student",
    "communications",
    "moderators",
    "tutor",
    "other_tutor",
    "new_tutor",
    "coordination",
    "board",
    "orientation",
    "quality",
)

# Confidential texts of the world -> the roles that may read them.
DISCLOSURE_A = "CONFIDENTIAL-DISCLOSURE-A"
DISCLOSURE_B = "CONFIDENTIAL-DISCLOSURE-B"
REFERRAL_REASON = "CONFIDENTIAL-REFERRAL-REASON"
SESSION_NOTES = "CONFIDENTIAL-SESSION-NOTES"
MENTOR_NOTES = "CONFIDENTIAL-MENTOR-NOTES"
EVIDENCE_A = "CONFIDENTIAL-EVIDENCE-A"
REPORT_A = "CONFIDENTIAL-REPORT-A"
SECRETS = {
    # requests/permissions.py: the assigned tutor, and the orientation service once referred.
    DISCLOSURE_A: {"tutor", "orientation"},
    REFERRAL_REASON: {"tutor", "orientation"},
    SESSION_NOTES: {"tutor", "orientation"},
    # Request B is referred too.
    DISCLOSURE_B: {"other_tutor", "orientation"},
    # mentoring/permissions.py: a meeting's private notes are the mentor's alone.
    MENTOR_NOTES: {"tutor"},
    # tutors/permissions.py: the whole matrix (evidence included): the tutor and coordinators.
    EVIDENCE_A: {"tutor", "coordination"},
    # An end-of-term report: its tutor and coordination.
    REPORT_A: {"tutor", "coordination"},
}
# Personal data that a refusal must not show either (besides SECRETS).
PERSONAL = (
    "Maria da Silva",
    "Bruno Borges",
    "Elena Mentee",
    "Ernesto Mentee",
    "Rita Registrante",
    "registrante@example.edu",
    "Celia Certificada",
)


# The second institution (issue #13): the same world, built by the same code, on its own Site,
# with its own staff (members of it only), its own students and its own confidential texts.
# Institution "a" is the world the tests always had; "b" is the other one. No text of one
# contains a text of the other (a check for one must not fire on the other's).
INSTITUTIONS = ("a", "b")


def secret_of(text, institution):
    """The confidential ``text`` of institution A as institution ``institution`` writes it."""
    return text if institution == "a" else text.replace("CONFIDENTIAL-", "XINST-PRIVADO-")


# The text of the deliverable document (a file) of each institution's agreement (its title is
# ``secret_of("CONFIDENTIAL-DELIVERABLE-TITLE", institution)``: documents are records too).
FILE_TEXT = {"a": "CONFIDENTIAL-DELIVERABLE-FILE-A", "b": "XINST-PRIVADO-DELIVERABLE-FILE"}

# Per institution: the confidential texts (-> their readers, roles of that institution).
SECRETS_OF = {
    institution: {secret_of(text, institution): readers for text, readers in SECRETS.items()}
    for institution in INSTITUTIONS
}

# Each institution's people: (student number, full name[, e-mail]); a student record's e-mail
# is ``<number>@<domain>``. Institution B's are distinctive strings (numbers included).
SPECS = {
    "a": {
        "hostname": "localhost",
        "title": "Universidad de Ejemplo",
        "language": "es",
        "default": True,
        "username_prefix": "",
        "email_domain": "example.edu",
        "tutors": (("Tomás", "Tutor"), ("Olga", "Otra"), ("Nico", "Nuevo")),
        "people": {
            "student_a": ("2019001", "Maria da Silva"),
            "student_b": ("2019002", "Bruno Borges"),
            "mentor_a": ("M001", "Mentor Tomás"),
            "mentee_a": ("E001", "Elena Mentee"),
            "mentor_b": ("M002", "Mentora Olga"),
            "mentee_b": ("E002", "Ernesto Mentee"),
            "registrant": ("R0001", "Rita Registrante", "registrante@example.edu"),
            "registrant_2": ("R0002", "Raúl Registrante", "raul@example.edu"),
            "certified": ("R0003", "Celia Certificada", "celia@example.edu"),
        },
        "partner": "Industrias del Bajío",
    },
    "b": {
        "hostname": "instb.example.org",
        "title": "Instituto Beta",
        "language": "es",
        "default": False,
        "username_prefix": "b_",
        "email_domain": "instb.example.org",
        "tutors": (("Ulises", "Ugarte"), ("Valeria", "Vidal"), ("Nadia", "Novo")),
        "people": {
            "student_a": ("QB70011", "Quirino Quintela"),
            "student_b": ("QB70012", "Querida Quesada"),
            "mentor_a": ("QBM7001", "Xenia Xisto"),
            "mentee_a": ("QBE7001", "Yago Yunque"),
            "mentor_b": ("QBM7002", "Xavier Xunqueira"),
            "mentee_b": ("QBE7002", "Yolanda Yebra"),
            "registrant": ("QBR7001", "Wanda Wolff", "wanda.wolff@instb.example.org"),
            "registrant_2": ("QBR7002", "Wilma Weiss", "wilma.weiss@instb.example.org"),
            "certified": ("QBR7003", "Winona Wirth", "winona.wirth@instb.example.org"),
        },
        "partner": "Metalúrgica del Sur",
    },
}


def student_email(institution, number):
    return f"{number.lower()}@{SPECS[institution]['email_domain']}"


def personal_of(institution):
    """The personal data of ``institution``'s students: names, numbers (B's: A's numbers are
    too short to be told apart from other text) and e-mails."""
    if institution == "a":
        return PERSONAL
    found = []
    for person in SPECS[institution]["people"].values():
        number, name, *email = person
        found += [number, name, email[0] if email else student_email(institution, number)]
    return tuple(found)


def assert_for_each(items, check):
    """``check(item)`` for every item, failing once with every item that failed and why.

    The sweeps ask one URL of every role in one test: a test per request cost more in
    pytest's own bookkeeping (fixtures, reports to the xdist controller) than the request.
    Each check runs as its own test did: in a savepoint rolled back after it, with an empty
    cache (rate limits, cached pages)."""
    from django.core.cache import cache

    failures = {}
    for item in items:
        cache.clear()
        try:
            with transaction.atomic():
                check(item)
                transaction.set_rollback(True)
        except AssertionError as error:
            failures[item] = str(error).strip() or "assertion failed"
    assert not failures, "\n".join(f"{item}: {why}" for item, why in failures.items())


def others_data(world, institution):
    """What a reader of ``institution`` must never read: the other institution's
    confidential texts, its students' personal data and the text of its files."""
    other = world.institutions["b" if institution == "a" else "a"]
    return (*other.secrets, *other.personal, other.file_text, other.document_title)


def _user(username, *groups, **kwargs):
    return factories.UserFactory(username=username, groups=list(groups), **kwargs)


def _document(title, text=b"deliverable\n", name="deliverable.txt"):
    return get_document_model().objects.create(title=title, file=ContentFile(text, name=name))


def build_world():
    """Institution A (the world of the tests: its attributes are the world's), with
    institution B (``world.b``, the same attributes) beside it."""
    shared = SimpleNamespace(
        superuser=_user("root", is_superuser=True, is_staff=True),
        framework=factories.load_seed_framework(),
        root=Page.get_first_root_node(),
    )
    w = build_institution("a", shared)
    w.b = build_institution("b", shared)
    w.institutions = {"a": w, "b": w.b}
    w.b.institutions = w.institutions
    return w


def build_institution(institution, shared):  # noqa: PLR0915 -- one world, told in order
    from tutoria_cms.accreditation import services as accreditation
    from tutoria_cms.accreditation.models import ExportJob
    from tutoria_cms.contrib.modeladmin.models import ListingExport
    from tutoria_cms.core.models import InstitutionMembership
    from tutoria_cms.mentoring import services as mentoring
    from tutoria_cms.mentoring.models import MentoringProgramme, Participant
    from tutoria_cms.partnerships import services as partnerships
    from tutoria_cms.partnerships.models import Agreement, Partner, PartnershipIndexPage
    from tutoria_cms.requests import services as requests
    from tutoria_cms.requests.models import (
        ClassSession,
        IndividualClass,
        RequestKind,
        StudentGroup,
    )
    from tutoria_cms.tutors import services as tutors
    from tutoria_cms.tutors.models import Competency
    from tutoria_cms.workshops import certificates
    from tutoria_cms.workshops import services as workshops
    from tutoria_cms.workshops.models import Attendance, WorkshopRegistration

    spec = SPECS[institution]
    people = spec["people"]

    def text(secret):
        return secret_of(secret, institution)

    w = SimpleNamespace(key=institution, spec=spec, superuser=shared.superuser, root=shared.root)
    w.secrets = SECRETS_OF[institution]
    w.personal = personal_of(institution)
    w.file_text = FILE_TEXT[institution]
    today = timezone.localdate()

    # The institution: a Site with its home page --------------------------------------------
    w.home = factories.build_site(
        spec["language"], spec["hostname"], title=spec["title"], default=spec["default"]
    )
    w.site = Site.objects.get(root_page=w.home)
    site = w.site

    # Accounts: members of this institution only --------------------------------------------
    prefix = spec["username_prefix"]

    def account(username, *groups, **kwargs):
        username = prefix + username
        kwargs.setdefault("email", f"{username}@{spec['email_domain']}")
        return _user(username, *groups, sites=[site], **kwargs)

    (t1_first, t1_last), (t2_first, t2_last), (t3_first, t3_last) = spec["tutors"]
    users = {
        "anonymous": None,
        "student": account("student"),
        "communications": account("com", roles.COMMUNICATIONS),
        "moderators": account("mod", roles.COMMUNICATIONS_MODERATORS),
        "tutor": account("tutor1", roles.TUTORS, first_name=t1_first, last_name=t1_last),
        "other_tutor": account("tutor2", roles.TUTORS, first_name=t2_first, last_name=t2_last),
        "new_tutor": account("tutor3", roles.TUTORS, first_name=t3_first, last_name=t3_last),
        "coordination": account("coord", roles.COORDINATION),
        "board": account("board", roles.BOARD),
        "orientation": account("orient", roles.ORIENTATION),
        "quality": account("qual", roles.QUALITY),
    }
    assert set(users) == set(ROLES)
    w.users = users
    tutor, other_tutor = users["tutor"], users["other_tutor"]
    coordinator, board = users["coordination"], users["board"]

    # Public site ------------------------------------------------------------------------------
    w.programme_index = factories.build_programme_index(w.home)
    w.programme = factories.build_programme(w.programme_index)
    w.workshop = factories.build_workshop(
        w.programme,
        capacity=5,
        sessions=[factories.session_data(days=-2), factories.session_data(days=7)],
    )

    def register(workshop, who):
        number, name, email = people[who]
        workshops.register(
            workshop,
            student_number=number,
            full_name=name,
            email=email,
            consent=True,
            language="es",
        )
        return WorkshopRegistration.objects.get(workshop_id=workshop.pk)

    w.registration = register(w.workshop, "registrant")
    w.workshop_2 = factories.build_workshop(
        w.programme,
        title="Taller de escritura",
        sessions=[factories.session_data(days=-1), factories.session_data(days=9)],
    )
    w.registration_2 = register(w.workshop_2, "registrant_2")
    w.attendance = Attendance.objects.create(
        session=w.workshop.ordered_sessions[0], registration=w.registration, present=True
    )
    # A registration whose identity was verified, with attendance, and its workshop
    # attendance certificate (workshops/certificates.py): the certificates' URLs point at them.
    number, name, email = people["certified"]
    workshops.register(
        w.workshop_2, student_number=number, full_name=name, email=email, consent=True
    )
    w.certified_registration = WorkshopRegistration.objects.get(
        workshop_id=w.workshop_2.pk, student_number=number
    )
    WorkshopRegistration.objects.filter(pk=w.certified_registration.pk).update(
        identity_verified_at=timezone.now()
    )
    Attendance.objects.create(
        session=w.workshop_2.ordered_sessions[0],
        registration=w.certified_registration,
        present=True,
    )
    w.certificate, _created = certificates.issue_workshop_certificate(
        w.certified_registration, None
    )
    w.mentoring_page = factories.build_programme(
        w.programme_index,
        title="Mentoría entre iguales",
        kind="peer_mentoring",
        modalities=["in_person"],
    )
    w.partnership_index = factories.add_page(w.home, PartnershipIndexPage(title="Convenios"))
    w.student_area = factories.build_student_area(w.home)
    w.workshop_calendar = factories.build_workshop_calendar(w.home)

    # Tutor directory: profile A (tutor), profile B (other tutor) ------------------------------
    w.framework = shared.framework
    w.tutor_index = factories.build_tutor_index(w.home)
    w.profile_a = factories.build_tutor_profile(
        w.tutor_index, title=f"{t1_first} {t1_last}", user=tutor
    )
    w.profile_b = factories.build_tutor_profile(
        w.tutor_index, title=f"{t2_first} {t2_last}", user=other_tutor
    )
    competency = Competency.objects.filter(dimension__framework=w.framework).first()
    w.assessment = tutors.self_assess(
        w.profile_a, competency, user=tutor, level=3, evidence=text(EVIDENCE_A)
    )
    w.dimension = competency.dimension

    # Academic records -------------------------------------------------------------------------
    w.term = Term.objects.create(
        site=site,
        code="T-NOW",
        name="Current term",
        kind="regular",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=60),
    )
    w.component = CurricularComponent.objects.create(
        site=site, code="MAT101", name="Cálculo I", hours=60
    )

    def student(who):
        number, name, *_email = people[who]
        return StudentRecord.objects.create(
            site=site,
            student_number=number,
            full_name=name,
            email=student_email(institution, number),
            curriculum_hours=3000,
            completed_hours=2800,
        )

    w.student_a = student("student_a")
    w.student_b = student("student_b")
    # The student role's account is student A's, linked as a confirmed institutional e-mail
    # links it (tutoria_cms.students): their student area opens for them only.
    from tutoria_cms.students.models import LinkMethod, StudentAccount

    StudentAccount.objects.create(
        user=users["student"],
        record=w.student_a,
        method=LinkMethod.VERIFIED_EMAIL,
        evidence=w.student_a.email,
    )

    # Requests: A (tutor, referred), B (other tutor), a class request ---------------------------
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}

    def running_request(student_record, assigned, description):
        request = requests.create_request(
            kind=RequestKind.SUPPORT,
            student=student_record,
            user=coordinator,
            term=w.term,
            site=site,
            reasons=["emotional"],
            description=description,
        )
        request = requests.assign_tutor(request, assigned, coordinator)
        for action in ("submit", "review", "approve", "start"):
            request = requests.transition(request, action, actors[action])
        return request

    w.request_a = running_request(w.student_a, tutor, text(DISCLOSURE_A))
    w.request_b = running_request(w.student_b, other_tutor, text(DISCLOSURE_B))
    w.session = requests.record_session(
        w.request_a,
        tutor,
        date=today,
        modality="in_person",
        duration_minutes=60,
        private_notes=text(SESSION_NOTES),
    )
    w.referral = requests.refer(w.request_a, tutor, reason=text(REFERRAL_REASON))
    w.referral_b = requests.refer(w.request_b, other_tutor, reason="Orientación B")
    w.referral_service = w.referral.service
    w.draft_request = requests.create_request(
        kind=RequestKind.SUPPORT,
        student=w.student_b,
        user=coordinator,
        site=site,
        reasons=["family_substance"],
    )
    class_request = requests.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=w.student_a,
        term=w.term,
        component=w.component,
        user=coordinator,
        site=site,
        language="pt-br",
    )
    for action, actor in (("submit", coordinator), ("review", coordinator), ("approve", board)):
        class_request = requests.transition(class_request, action, actor)
    w.individual_class = IndividualClass.objects.get(term=w.term, component=w.component)
    requests.designate_tutor(w.individual_class, tutor, coordinator)
    # A session of the class (stored directly: the class has not started), for the screens
    # that correct or delete it.
    w.class_session = ClassSession.objects.create(
        individual_class=w.individual_class,
        site=site,
        date=w.term.starts_on,
        modality="in_person",
        duration_minutes=60,
        recorded_by=tutor,
    )

    # Groups and end-of-term reports -----------------------------------------------------------
    w.group_a = StudentGroup.objects.create(
        site=site, code="1A", name="Grupo A", term=w.term, tutor=tutor
    )
    w.group_a.members.set([w.student_a])
    w.group_b = StudentGroup.objects.create(
        site=site, code="1B", name="Grupo B", term=w.term, tutor=other_tutor
    )
    w.group_b.members.set([w.student_b])
    w.report_a = requests.prepare_report(w.term, tutor, tutoring_request=w.request_a)
    w.report_a = requests.update_report(
        w.report_a,
        tutor,
        progress=text(REPORT_A),
        difficulties="",
        recommendation="Continuar",
        outcome="continues",
    )
    w.report_b = requests.prepare_report(w.term, other_tutor, group=w.group_b)

    # Peer mentoring: pair A (mentor: tutor; mentee: the student), pair B (other tutor) --------
    w.mentoring = MentoringProgramme.objects.create(
        site=site,
        page=w.mentoring_page,
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=120),
        mentor_capacity=2,
    )

    def participant(role, who, user=None):
        return Participant.objects.create(
            programme=w.mentoring,
            role=role,
            student=student(who),
            user=user,
            availability=["mon_am"],
            languages=["español"],
        )

    w.mentor_a = participant("mentor", "mentor_a", user=tutor)
    w.mentee_a = participant("mentee", "mentee_a", user=users["student"])
    w.mentor_b = participant("mentor", "mentor_b", user=other_tutor)
    w.mentee_b = participant("mentee", "mentee_b")
    w.pair_a = mentoring.pair_manually(w.mentoring, w.mentor_a, w.mentee_a, coordinator)
    w.pair_b = mentoring.pair_manually(w.mentoring, w.mentor_b, w.mentee_b, coordinator)
    w.goal = mentoring.add_goal(
        w.pair_a,
        tutor,
        specific="Aprobar Cálculo I",
        indicator="Calificación",
        target="8",
        achievable_relevant="Tiene tiempo para estudiar.",
        due_date=today + datetime.timedelta(days=40),
        steps=["Resolver la guía"],
    )
    w.step = w.goal.steps.get()
    w.meeting = w.pair_a.meetings.get(is_first=True)
    w.goal_b = mentoring.add_goal(
        w.pair_b,
        other_tutor,
        specific="Aprobar Física",
        indicator="Calificación",
        target="8",
        achievable_relevant="Tiene tiempo.",
        due_date=today + datetime.timedelta(days=40),
        steps=["Repasar"],
    )
    w.step_b = w.goal_b.steps.get()
    w.meeting_b = w.pair_b.meetings.get(is_first=True)
    mentoring.log_meeting(
        w.pair_a,
        tutor,
        date=today,
        mode="in_person",
        duration_minutes=45,
        shared_notes="Primera reunión",
        mentor_private_notes=text(MENTOR_NOTES),
    )

    # Partnerships: partners are shared between institutions, agreements are not --------------
    w.partner = Partner.objects.create(name=spec["partner"], sector="private")
    w.agreement = partnerships.create_agreement(
        Agreement(
            site=site, partner=w.partner, title="Convenio de prácticas", purposes=["internships"]
        ),
        coordinator,
    )
    w.commitment = partnerships.add_commitment(
        w.agreement,
        coordinator,
        party="partner",
        description="Recibir practicantes",
        due_on=today + datetime.timedelta(days=30),
    )
    w.agreement_2 = partnerships.create_agreement(
        Agreement(site=site, partner=w.partner, title="Convenio marco", purposes=["internships"]),
        coordinator,
    )
    w.commitment_2 = partnerships.add_commitment(
        w.agreement_2,
        coordinator,
        party="partner",
        description="Becas",
        due_on=today + datetime.timedelta(days=30),
    )
    # The deliverable of the framework agreement: a document whose file holds a secret.
    w.document_title = secret_of("CONFIDENTIAL-DELIVERABLE-TITLE", institution)
    w.deliverable = _document(
        w.document_title,
        text=f"{w.file_text}\n".encode(),
        name=f"entregable-{institution}.txt",
    )
    partnerships.record_fulfilment(
        w.commitment_2, coordinator, fulfilled_on=today, report="Becas", document=w.deliverable
    )
    w.deliverable.refresh_from_db()

    # Evidence: an export job of the quality office, a listing export --------------------------
    w.job = accreditation.start_export(users["quality"], {"site": spec["hostname"]}, language="en")
    w.job.refresh_from_db()
    if w.job.status != ExportJob.Status.DONE:  # queued for after the (never) commit
        accreditation.run_job(w.job.pk)
        w.job.refresh_from_db()
    assert w.job.status == ExportJob.Status.DONE, w.job.status
    w.listing_export = ListingExport.objects.create(
        user=users["quality"],
        username=users["quality"].username,
        listing="tutoria_requests.tutoringrequest",
        rows=1,
    )
    w.document = _document("Entregable")
    w.membership = InstitutionMembership.objects.filter(user=coordinator).first()
    # A sign-in lockout (Settings › Login lockouts, superusers only).
    w.lockout = AccessAttempt.objects.create(
        username=f"locked.{spec['hostname']}",
        ip_address="203.0.113.9",
        user_agent="test",
        http_accept="",
        path_info="/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    # An authenticator (Settings › Two-step verification, superusers only).
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Of a person of their own: the matrix's users sign in without a code.
    w.two_factor_device = TOTPDevice.objects.create(
        user=factories.UserFactory(username=f"phone.{spec['hostname']}"),
        name="phone",
        confirmed=True,
    )
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once per module and rolled back at its end."""
    with django_db_blocker.unblock(), translation.override("en"):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class Browser:
    """One test client for a module (Django builds its handler once), and one session per
    account, opened when the module starts: the sessions belong to the module's world, so
    whatever a test's requests change in them rolls back with the test. ``as_role`` only
    changes the client's cookie (signing in afresh for each test cost ~17 ms a request)."""

    def __init__(self, world, django_db_blocker, **kwargs):
        self.world = world
        self.client = Client(**kwargs)
        self.sessions = {}
        accounts = [world.superuser] + [
            user
            for institution in world.institutions.values()
            for user in institution.users.values()
            if user is not None
        ]
        with django_db_blocker.unblock():
            for user in accounts:
                self.client.cookies.clear()
                self.client.force_login(user)
                self.sessions[user.pk] = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        self.client.cookies.clear()

    def user(self, role, institution="a"):
        if role == "superuser":
            return self.world.superuser
        return self.world.institutions[institution].users[role]

    def as_role(self, role, institution="a"):
        """The client signed in as ``role`` of ``institution`` ("a": the world's own)."""
        self.client.cookies.clear()
        user = self.user(role, institution)
        if user is not None:
            self.client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[user.pk]
        return self.client


@pytest.fixture(scope="module")
def browser(world, django_db_blocker):
    return Browser(world, django_db_blocker)


def db_state():
    """Every row of the suite's tables (history included), Wagtail's pages, revisions, logs,
    workflow states and documents, and the accounts: what a refused POST must not change."""
    from django.apps import apps
    from wagtail.documents import get_document_model

    from . import inventory

    # The documents: Wagtail's, or the site's own document model (WAGTAILDOCS_DOCUMENT_MODEL).
    tracked = {"wagtailcore", "wagtaildocs", "auth", "wagtailusers"}
    tracked.add(get_document_model()._meta.app_label)
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if inventory.ours(model.__module__) or model._meta.app_label in tracked:
            state[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return state


def changed_tables(before, after):
    return sorted(
        label for label in set(before) | set(after) if before.get(label) != after.get(label)
    )


@pytest.fixture(scope="module")
def csrf_browser(world, django_db_blocker):
    """Like ``browser``, with Django's CSRF checks on (the test client skips them otherwise)."""
    return Browser(world, django_db_blocker, enforce_csrf_checks=True)
