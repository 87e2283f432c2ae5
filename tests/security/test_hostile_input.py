"""Hostile input, form by form: refused with a clear translated message, nothing lost.

Every typed-text field of every form of the suite (public sign-up, requests, tutor profile
and matrix, mentoring, partnerships, exports, the import upload) gets the same four cases:
control characters (a NUL and a BEL), text one character over the limit, text made only of
zero-width characters, and decomposed Unicode (which must be stored composed, NFC). Then,
through the admin in Spanish, the messages people read and what is kept; formula-looking
text in every exporter; replayed POSTs; tutors deactivated or deleted with open requests.
"""

import dataclasses
import datetime
import io
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests import factories
from tests.security.leak_world import build_leak_world

pytestmark = pytest.mark.django_db

NFC_INPUT = "Jose\u0301 Mari\u0301a Nu\u0303n\u0303ez"  # decomposed accents
NFC_OUTPUT = unicodedata.normalize("NFC", NFC_INPUT)
ZERO_WIDTH = "\u200b\u200c\u2060\ufeff"
KINDS = ("nul", "control", "over_long", "zero_width", "nfc")


@pytest.fixture
def world(programme_index, programme, django_capture_on_commit_callbacks):
    from tutoria_cms.requests.models import StudentGroup

    with django_capture_on_commit_callbacks(execute=True):
        world = build_leak_world(programme_index, programme)
    world.extra = {
        "group": StudentGroup.objects.create(
            code="G1",
            name="Grupo 1",
            term=world.class_request.term,
            tutor=world.users["assigned_tutor"],
        ),
    }
    get_resolver().url_patterns  # noqa: B018 (registers the admin viewsets)
    return world


def hostile(kind, limit):
    return {
        "nul": "Ana\x00Lima",
        "control": "Ana\x07Lima",
        "over_long": "x" * (limit + 1),
        "zero_width": ZERO_WIDTH,
        "nfc": NFC_INPUT,
    }[kind]


def viewset_form_class(name):
    from wagtail.admin.viewsets import viewsets

    for viewset in viewsets.viewsets:
        if getattr(viewset, "name", None) == name:
            return viewset.get_form_class()
    raise LookupError(name)


# The forms: how to build each with a value in its typed field ------------------------------


@dataclasses.dataclass
class FormCase:
    id: str
    field: str
    limit: int
    build: object  # (world, value) -> bound form


def _requests_forms():
    from tutoria_cms.requests import forms

    today = timezone.localdate().isoformat()
    return [
        FormCase(
            "request.deny_reason",
            "reason",
            5000,
            lambda w, v: forms.TransitionForm({"reason": v}, action="deny"),
        ),
        FormCase(
            "request.redirect_regular_class",
            "regular_class",
            200,
            lambda w, v: forms.TransitionForm(
                {"reason": "Hay grupo ordinario.", "regular_class": v}, action="redirect"
            ),
        ),
        FormCase(
            "request.disclosure",
            "description",
            5000,
            lambda w, v: forms.DisclosureForm({"description": v, "reasons": ["health"]}),
        ),
        FormCase(
            "request.session_notes",
            "private_notes",
            5000,
            lambda w, v: forms.SessionForm(
                {
                    "date": today,
                    "modality": "video",
                    "attention_type": "individual",
                    "duration_minutes": 30,
                    "private_notes": v,
                }
            ),
        ),
        FormCase(
            "request.referral_reason",
            "reason",
            5000,
            lambda w, v: forms.ReferralForm({"reason": v}, site=w.support_request.site),
        ),
        FormCase(
            "request.referral_service_name",
            "name",
            100,
            lambda w, v: viewset_form_class("tutoria_referral_services")(
                {"name": v, "site": w.support_request.site_id, "active": "on", "order": 0},
                for_user=w.users["superuser"],
            ),
        ),
        FormCase(
            "request.referral_outcome",
            "outcome_notes",
            5000,
            lambda w, v: forms.ReferralUpdateForm({"status": "sent", "outcome_notes": v}),
        ),
        FormCase(
            "request.group_topic",
            "topic",
            200,
            lambda w, v: forms.GroupSessionForm(
                {"date": today, "topic": v, "modality": "video", "duration_minutes": 60},
                group=w.extra["group"],
            ),
        ),
        FormCase(
            "request.class_session_topic",
            "topic",
            200,
            lambda w, v: forms.ClassSessionForm(
                {"date": today, "topic": v, "modality": "in_person", "duration_minutes": 90}
            ),
        ),
        FormCase(
            "request.report_progress",
            "progress",
            5000,
            lambda w, v: forms.ReportForm({"progress": v}),
        ),
        FormCase(
            "request.review_comment", "comment", 5000, lambda w, v: forms.ReviewForm({"comment": v})
        ),
        FormCase(
            "request.group_name",
            "name",
            150,
            lambda w, v: viewset_form_class("tutoria_groups")(
                {"code": "G1", "name": v, "term": w.class_request.term_id}
            ),
        ),
    ]


def _workshop_forms():
    from tutoria_cms.workshops.forms import CertificateCodeForm, WorkshopRegistrationForm

    return [
        # The public certificate verification page (its one typed field, the code).
        FormCase(
            "workshop.certificate_code", "code", 40, lambda w, v: CertificateCodeForm({"code": v})
        ),
        FormCase(
            "workshop.full_name",
            "full_name",
            150,
            lambda w, v: WorkshopRegistrationForm(
                {
                    "student_number": "A12345",
                    "full_name": v,
                    "email": "a@example.edu",
                    "consent": "on",
                }
            ),
        ),
    ]


def _tutor_forms():
    from wagtail.documents import get_document_model

    from tutoria_cms.tutors.forms import DirectoryFilterForm, SelfAssessmentForm
    from tutoria_cms.tutors.models import TutorProfilePage

    def profile_form(world, field, value):
        profile = TutorProfilePage.objects.get(user=world.users["assigned_tutor"])
        form_class = TutorProfilePage.get_edit_handler().get_form_class()
        data = {"title": profile.title, "slug": profile.slug, field: value}
        return form_class(
            data,
            instance=profile,
            parent_page=profile.get_parent(),
            for_user=world.users["assigned_tutor"],
        )

    return [
        FormCase("tutor.profile_title", "title", 255, lambda w, v: profile_form(w, "title", v)),
        FormCase(
            "tutor.profile_department",
            "department",
            200,
            lambda w, v: profile_form(w, "department", v),
        ),
        FormCase(
            "tutor.profile_office_hours",
            "office_hours",
            5000,
            lambda w, v: profile_form(w, "office_hours", v),
        ),
        FormCase(
            "tutor.matrix_evidence",
            "evidence",
            4000,
            lambda w, v: SelfAssessmentForm(
                {"competency": 1, "evidence": v}, documents=get_document_model().objects.none()
            ),
        ),
        FormCase("tutor.directory_search", "q", 100, lambda w, v: DirectoryFilterForm({"q": v})),
        FormCase(
            "tutor.framework_name",
            "name_es",
            200,
            lambda w, v: viewset_form_class("tutoria_competency_frameworks")(
                {"code": "fw", "name_es": v}
            ),
        ),
    ]


def _mentoring_forms():
    from tutoria_cms.mentoring.forms import (
        CheckInForm,
        CloseForm,
        GoalForm,
        MeetingForm,
        ReasonForm,
    )

    today = timezone.localdate().isoformat()

    def check_in(world, value):
        goal = world.pair.goals.get()
        return CheckInForm(
            {
                "role": "mentor",
                "date": today,
                f"rating_{goal.pk}": "3",
                f"feedback_{goal.pk}": value,
            },
            goals=[goal],
            roles=["mentor"],
        )

    return [
        FormCase(
            "mentoring.goal_specific",
            "specific",
            5000,
            lambda w, v: GoalForm({"specific": v, "indicator": "Horas", "target": "5"}),
        ),
        FormCase(
            "mentoring.goal_indicator",
            "indicator",
            200,
            lambda w, v: GoalForm({"specific": "Aprobar", "indicator": v, "target": "5"}),
        ),
        FormCase(
            "mentoring.meeting_shared",
            "shared_notes",
            5000,
            lambda w, v: MeetingForm(
                {"date": today, "mode": "video", "duration_minutes": 30, "shared_notes": v}
            ),
        ),
        FormCase(
            "mentoring.meeting_private",
            "mentor_private_notes",
            5000,
            lambda w, v: MeetingForm(
                {"date": today, "mode": "video", "duration_minutes": 30, "mentor_private_notes": v},
                private_notes=True,
            ),
        ),
        FormCase("mentoring.reason", "reason", 5000, lambda w, v: ReasonForm({"reason": v})),
        FormCase(
            "mentoring.reflection",
            "final_reflection",
            5000,
            lambda w, v: CloseForm({"final_reflection": v}, goals=[]),
        ),
        FormCase("mentoring.check_in_feedback", "feedback", 5000, check_in),
        FormCase(
            "mentoring.participant_goals",
            "goals",
            60,
            lambda w, v: viewset_form_class("tutoria_mentoring_participants")(
                {
                    "programme": w.pair.programme_id,
                    "role": "mentee",
                    "student": w.sen_student.pk,
                    "experience": 0,
                    "goals": v,
                }
            ),
        ),
        FormCase(
            "mentoring.programme_guidelines",
            "guidelines",
            5000,
            lambda w, v: viewset_form_class("tutoria_mentoring_programmes")(
                {"guidelines": v}, instance=w.pair.programme
            ),
        ),
    ]


def _partnership_forms():
    from tutoria_cms.partnerships.forms import CommitmentForm, CompleteStageForm, FulfilmentForm

    today = timezone.localdate().isoformat()
    return [
        FormCase(
            "agreement.title",
            "title",
            255,
            lambda w, v: viewset_form_class("tutoria_agreements")({"title": v}),
        ),
        FormCase(
            "agreement.description",
            "description",
            5000,
            lambda w, v: viewset_form_class("tutoria_agreements")(
                {"title": "Convenio", "description": v}
            ),
        ),
        FormCase(
            "partner.name",
            "name",
            200,
            lambda w, v: viewset_form_class("tutoria_partners")({"name": v, "sector": "private"}),
        ),
        FormCase(
            "stage.notes",
            "notes",
            5000,
            lambda w, v: CompleteStageForm(
                {"notes": v}, user=w.users["coordination"], stage="planning"
            ),
        ),
        FormCase(
            "commitment.description",
            "description",
            5000,
            lambda w, v: CommitmentForm({"party": "partner", "description": v, "due_on": today}),
        ),
        FormCase(
            "fulfilment.report",
            "report",
            10000,
            lambda w, v: FulfilmentForm(
                {"fulfilled_on": today, "report": v}, user=w.users["coordination"]
            ),
        ),
    ]


def _student_forms():
    """The student area's forms (the students' own words)."""
    from tutoria_cms.mentoring.student_area import StudentCheckInForm
    from tutoria_cms.requests import student_forms

    today = timezone.localdate().isoformat()

    def check_in(w, v):
        goals = list(w.pair.goals.all())
        data = {"role": "mentee", "goal": goals[0].pk, "date": today, "rating": 3}
        return StudentCheckInForm({**data, "feedback": v}, goals=goals, roles=["mentee"])

    return [
        FormCase(
            "student.support_request_description",
            "description",
            5000,
            lambda w, v: student_forms.SupportRequestForm(
                {
                    "notice_version": 1,
                    "accept_notice": "on",
                    "reasons": ["health"],
                    "description": v,
                },
                site=w.support_request.site,
                notice_version=1,
            ),
        ),
        FormCase(
            "student.withdraw_reason",
            "reason",
            5000,
            lambda w, v: student_forms.WithdrawForm({"reason": v}),
        ),
        FormCase("student.check_in_feedback", "feedback", 5000, check_in),
    ]


PURPOSE = "Solicitud de acceso de la persona titular"


def _export_forms():
    from tutoria_cms.accreditation.forms import SubjectAccessForm

    return [
        FormCase(
            "subject_access.student_number",
            "student_number",
            20,
            lambda w, v: SubjectAccessForm({"student_number": v, "purpose": PURPOSE}),
        ),
        FormCase(
            "subject_access.purpose",
            "purpose",
            1000,
            lambda w, v: SubjectAccessForm({"student_number": "A1", "purpose": v}),
        ),
    ]


FORM_GROUPS = {
    "requests": _requests_forms,
    "workshops": _workshop_forms,
    "tutors": _tutor_forms,
    "mentoring": _mentoring_forms,
    "partnerships": _partnership_forms,
    "exports": _export_forms,
    "students": _student_forms,
}
EXPECTED = {
    "nul": ("caracteres nulos", "caracteres de control"),
    "control": ("caracteres de control",),
    "over_long": ("como máximo", "menos de"),
    "zero_width": ("invisibles",),
}


def typed(case, kind):
    value = hostile(kind, case.limit)
    if case.id == "mentoring.participant_goals" and kind == "over_long":
        value = "x" * (case.limit + 1) + ", lectura"
    return value


def error_field(world, case):
    if case.id == "mentoring.check_in_feedback":
        return f"feedback_{world.pair.goals.get().pk}"
    return case.field


def problems_of(world, case, kind):
    """What is wrong with how ``case``'s form takes the ``kind`` of hostile text (or [])."""
    field = error_field(world, case)
    with translation.override("es"):
        form = case.build(world, typed(case, kind))
        form.is_valid()
        errors = " ".join(str(message) for message in form.errors.get(field, []))
    if kind == "nfc":
        if errors:
            return [f"{case.id}: refused NFC input: {errors}"]
        value = form.cleaned_data.get(field)
        value = value[0] if isinstance(value, list) else value
        expected = NFC_OUTPUT.lower() if case.id == "mentoring.participant_goals" else NFC_OUTPUT
        return [] if value == expected else [f"{case.id}: stored {value!r}, not NFC"]
    if not errors:
        return [f"{case.id}: accepted {kind}"]
    if not any(part in errors for part in EXPECTED[kind]):
        return [f"{case.id}: {kind} refused without a clear Spanish message: {errors}"]
    return []


@pytest.mark.parametrize("group", FORM_GROUPS)
def test_every_typed_field_refuses_hostile_text_and_stores_nfc(world, group):
    """Each form's typed field x {NUL, BEL, one over the limit, zero-width only, NFD}."""
    cases = FORM_GROUPS[group]()
    assert cases
    problems = [
        problem for case in cases for kind in KINDS for problem in problems_of(world, case, kind)
    ]
    assert not problems, "\n".join(problems)


def test_the_export_form_refuses_what_is_not_a_slug(world):
    from tutoria_cms.accreditation.forms import ExportForm

    for value in ("a\x00b", "a\x07b", "x" * 256, ZERO_WIDTH, NFC_INPUT):
        form = ExportForm({"programme": value}, user=world.users["quality"])
        assert not form.is_valid() and "programme" in form.errors, value


def test_new_requests_only_take_a_known_language(world):
    from tutoria_cms.requests.forms import NewRequestForm

    data = {"kind": "support", "student": world.sen_student.pk}
    coordinator = world.users["coordination"]
    for language in ("xx", "es\x07", ""):
        form = NewRequestForm({**data, "language": language}, user=coordinator)
        assert not form.is_valid() and "language" in form.errors
    form = NewRequestForm({**data, "language": "pt-br"}, user=coordinator)
    assert form.is_valid(), form.errors


# The services, which every write goes through (forms bypassed) --------------------------------


def test_mentoring_services_refuse_over_long_text_and_impossible_numbers(world):
    from tutoria_cms.mentoring import services
    from tutoria_cms.mentoring.models import Goal, Meeting

    mentor, pair = world.users["mentor"], world.pair
    today = timezone.localdate()
    meetings = Meeting.objects.count()
    with pytest.raises(ValidationError):
        services.log_meeting(
            pair, mentor, date=today, mode="video", duration_minutes=30, shared_notes="x" * 5001
        )
    assert Meeting.objects.count() == meetings
    goals = Goal.objects.count()
    for target in ("NaN", "Infinity", "1e30", "12345678901", "1.234", "-"):
        with translation.override("es"), pytest.raises(ValidationError) as refused:
            services.add_goal(
                pair,
                mentor,
                specific="Leer",
                indicator="Libros",
                target=target,
                achievable_relevant="Sí",
                due_date=today + datetime.timedelta(days=5),
            )
        assert "target" in refused.value.message_dict, target
    with pytest.raises(ValidationError) as refused:
        services.add_goal(
            pair,
            mentor,
            specific="Leer",
            indicator="x" * 201,
            target="3",
            achievable_relevant="Sí",
            due_date=today + datetime.timedelta(days=5),
        )
    assert "indicator" in refused.value.message_dict
    assert Goal.objects.count() == goals


def test_participant_keywords_are_bounded(world):
    from tutoria_cms.mentoring.tags import normalise_tags

    assert normalise_tags(["  Cálculo ", "cálculo", NFC_INPUT]) == ["cálculo", NFC_OUTPUT.lower()]
    with pytest.raises(ValidationError):
        normalise_tags(["x" * 61])
    with pytest.raises(ValidationError):
        normalise_tags([f"tema {n}" for n in range(21)])


# Through the admin and the public site, in Spanish ------------------------------------------


def spanish_client(user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    if user is not None:
        client.force_login(user)
    return client


def test_public_sign_up_refuses_an_invisible_name_in_spanish_and_keeps_what_was_typed(world):
    from tutoria_cms.workshops.forms import WorkshopRegistrationForm
    from tutoria_cms.workshops.models import GroupWorkshopPage, WorkshopRegistration

    workshop = GroupWorkshopPage.objects.get(title="Taller de estudio")
    client = spanish_client()
    data = {
        "student_number": "A12345",
        "full_name": ZERO_WIDTH,
        "email": "ana@example.edu",
        "consent": "on",
    }
    response = client.post(workshop.url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tu nombre está formado solo de caracteres invisibles" in page
    assert 'value="A12345"' in page and 'value="ana@example.edu"' in page
    assert not WorkshopRegistration.objects.exists()
    response = client.post(workshop.url, {**data, "full_name": "Ana\x00"})
    assert response.status_code == 200 and not WorkshopRegistration.objects.exists()
    # Accepted (NFC) by the form; the answer is the same whoever signs up (the institution
    # has student records and A12345 is not one: nothing is stored, nothing tells).
    form = WorkshopRegistrationForm({**data, "full_name": NFC_INPUT})
    assert form.is_valid() and form.cleaned_data["full_name"] == NFC_OUTPUT
    response = client.post(workshop.url, {**data, "full_name": NFC_INPUT})
    assert response.status_code == 302 and "signup=requested" in response["Location"]
    assert not WorkshopRegistration.objects.exists()


def test_admin_disclosure_refuses_control_characters_in_spanish(world):
    from tutoria_cms.requests.models import RequestDisclosure

    request = world.support_request
    before = RequestDisclosure.objects.get(request=request).description
    client = spanish_client(world.users["assigned_tutor"])
    url = reverse("tutoria_requests:disclosure", args=[request.pk])
    response = client.post(url, {"reasons": ["health"], "description": "Duelo\x1b[31m"})
    assert response.status_code == 200
    assert "Quita los caracteres de control" in response.content.decode()
    assert RequestDisclosure.objects.get(request=request).description == before
    client.post(url, {"reasons": ["health"], "description": NFC_INPUT})
    assert RequestDisclosure.objects.get(request=request).description == NFC_OUTPUT


def test_admin_referral_refuses_over_long_reasons_in_spanish(world):
    from tutoria_cms.requests.models import Referral, ReferralService

    client = spanish_client(world.users["assigned_tutor"])
    url = reverse("tutoria_requests:refer", args=[world.support_request.pk])
    count = Referral.objects.count()
    service = ReferralService.objects.get(site=world.support_request.site)
    response = client.post(url, {"service": service.pk, "reason": "x" * 5001})
    page = response.content.decode()
    assert response.status_code == 200 and "como máximo 5000 caracteres" in page
    assert f'value="{service.pk}" selected' in page  # what was chosen is still there
    assert Referral.objects.count() == count


def test_mentoring_meeting_refuses_invisible_notes_in_spanish(world):
    from tutoria_cms.mentoring.models import Meeting

    client = spanish_client(world.users["mentor"])
    url = reverse("tutoria_mentoring_pairs:log_meeting", args=[world.pair.pk])
    count = Meeting.objects.count()
    response = client.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "mode": "video",
            "duration_minutes": "45",
            "shared_notes": ZERO_WIDTH,
            "mentor_private_notes": "Bien",
        },
    )
    assert response.status_code == 200
    assert "formado solo por caracteres invisibles" in response.content.decode()
    assert Meeting.objects.count() == count


def test_partner_form_refuses_nul_in_spanish(world):
    from tutoria_cms.partnerships.models import Partner

    client = spanish_client(world.users["superuser"])
    response = client.post(
        reverse("tutoria_partners:add"), {"name": "Empresa\x00", "sector": "private"}
    )
    assert response.status_code == 200
    assert "caracteres nulos" in response.content.decode()
    assert not Partner.objects.exists()
    client.post(reverse("tutoria_partners:add"), {"name": NFC_INPUT, "sector": "private"})
    assert Partner.objects.get().name == NFC_OUTPUT


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Ana\x07", "Quita los caracteres de control"),
        ("x" * 151, "como máximo 150"),
        (ZERO_WIDTH, "formado solo por caracteres invisibles"),
    ],
    ids=["control", "over_long", "zero_width"],
)
def test_import_upload_previews_the_problems_in_spanish_and_writes_nothing(world, name, message):
    from tutoria_cms.academics.models import StudentRecord

    client = spanish_client(world.users["coordination"])
    count = StudentRecord.objects.count()
    data = f"student_number,name,curriculum_hours,completed_hours\nZ0001,{name},100,10\n"
    upload = io.BytesIO(data.encode())
    upload.name = "alumnos.csv"
    response = client.post(reverse("tutoria_academics_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "fila 2" in page
    assert StudentRecord.objects.count() == count


def test_import_upload_stores_nfc_and_a_replayed_confirmation_changes_nothing(world):
    from tutoria_cms.academics.models import StudentRecord

    client = spanish_client(world.users["coordination"])
    upload = io.BytesIO(
        f"student_number,name,curriculum_hours,completed_hours\nZ0001,{NFC_INPUT},100,10\n".encode()
    )
    upload.name = "alumnos.csv"
    preview = client.post(reverse("tutoria_academics_import"), {"file": upload})
    token = preview.context["token"]
    assert not StudentRecord.objects.filter(student_number="Z0001").exists()  # a preview
    confirm = {"confirm": "1", "token": token}
    client.post(reverse("tutoria_academics_import"), confirm)
    assert StudentRecord.objects.get(student_number="Z0001").full_name == NFC_OUTPUT
    history = StudentRecord.history.filter(student_number="Z0001").count()
    again = client.post(reverse("tutoria_academics_import"), confirm, follow=True)
    assert "La vista previa caducó" in again.content.decode()
    assert StudentRecord.history.filter(student_number="Z0001").count() == history


# Formula-looking text stays text in every exporter ------------------------------------------

FORMULAS = (
    '=HYPERLINK("http://evil.example","clic")',
    "+1-2",
    "@SUM(A1:A2)",
    "-2+3",
    "=1+1",
    "#N/A",
)


def workbook_cells(data):
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_literal(cells, texts):
    found = {cell.value for cell in cells}
    for text in texts:
        assert text in found, text
    for cell in cells:
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if cell.value in texts:
            assert cell.data_type == "s", (cell.coordinate, cell.value)


@pytest.fixture
def formula_world(world):
    """Formula-looking text in a workshop, an agreement, a partner and a student's name."""
    from tests.accreditation.conftest import make_agreement
    from tutoria_cms.academics.models import StudentRecord
    from tutoria_cms.workshops.models import GroupWorkshopPage

    workshop = GroupWorkshopPage.objects.get(title="Taller de estudio")
    workshop.title = FORMULAS[0]
    workshop.save_revision().publish()
    make_agreement(FORMULAS[1], partner=FORMULAS[2], reference=FORMULAS[3], supports=[workshop])
    factories.add_registrations(workshop, 1)
    StudentRecord.objects.filter(pk=world.sen_student.pk).update(full_name=FORMULAS[4])
    return world


def test_evidence_workbook_keeps_formulas_literal(formula_world, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "e.xlsx"
    call_command("export_evidence", "--output", str(path), "--user", "leak_quality")
    assert_literal(workbook_cells(path.read_bytes()), FORMULAS[:4])


def test_evidence_browser_exports_keep_formulas_literal(formula_world):
    client = spanish_client(formula_world.users["quality"])
    cells = []
    for listing in ("agreements", "registrations"):
        response = client.get(reverse(f"evidence_{listing}_modeladmin_index"), {"export": "xlsx"})
        data = b"".join(response.streaming_content) if response.streaming else response.content
        cells += workbook_cells(data)
    assert_literal(cells, FORMULAS[:3])


def test_subject_access_workbook_keeps_formulas_literal(formula_world):
    client = spanish_client(formula_world.users["quality_identified"])
    response = client.post(
        reverse("tutoria_accreditation:subject_access"),
        {"student_number": formula_world.sen_student.student_number, "purpose": PURPOSE},
    )
    assert_literal(workbook_cells(response.content), [FORMULAS[4]])


def test_wagtail_report_xlsx_exports_keep_formulas_literal(formula_world):
    client = spanish_client(formula_world.users["superuser"])
    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "xlsx"})
    data = b"".join(response.streaming_content) if response.streaming else response.content
    cells = workbook_cells(data)
    assert any(FORMULAS[0] in str(cell.value) for cell in cells)
    assert all(cell.data_type != "f" for cell in cells)


# Replayed POSTs --------------------------------------------------------------------------------


def test_a_replayed_denial_is_refused_and_notifies_once(world, django_capture_on_commit_callbacks):
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import Notification, RequestKind, TutoringRequest

    coordinator, board = world.users["coordination"], world.users["board"]
    request = services.create_request(
        kind=RequestKind.SUPPORT, student=world.sen_student, user=coordinator
    )
    for action in ("submit", "review"):
        request = services.transition(request, action, coordinator)
    client = spanish_client(board)
    url = reverse("tutoria_requests:transition", args=[request.pk, "deny"])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"reason": "Fuera de plazo."})
        second = client.post(url, {"reason": "Fuera de plazo."})
    assert first.status_code == 302
    assert second.status_code == 200
    assert "ahora no puede ser" in second.content.decode()
    request = TutoringRequest.objects.get(pk=request.pk)
    assert request.state == "denied"
    assert request.history.filter(history_change_reason="Fuera de plazo.").count() == 1
    assert Notification.objects.filter(request=request).count() == 1


def test_a_replayed_sign_up_keeps_one_registration(world):
    from tutoria_cms.workshops.models import GroupWorkshopPage, WorkshopRegistration

    workshop = GroupWorkshopPage.objects.get(title="Taller de estudio")
    client = spanish_client()
    data = {
        "student_number": "A12345",
        "full_name": "Ana",
        "email": "ana@example.edu",
        "consent": "on",
    }
    world.extra["signup_student"] = factories.make_student(
        "A12345", site=workshop.get_site(), email="a12345@alumnos.example.edu"
    )
    first = client.post(workshop.url, data)
    again = client.post(workshop.url, data)
    # The same answer both times (no "already registered" to tell anything), one sign-up.
    assert (first.status_code, first["Location"]) == (again.status_code, again["Location"])
    assert WorkshopRegistration.objects.filter(student_number="A12345").count() == 1


def test_a_replayed_meeting_log_of_a_scheduled_meeting_is_refused(world):
    from tutoria_cms.mentoring.models import Meeting

    first = world.pair.meetings.get(is_first=True)
    Meeting.objects.filter(pk=first.pk).update(date=timezone.localdate())
    client = spanish_client(world.users["mentor"])
    url = reverse("tutoria_mentoring_pairs:log_scheduled_meeting", args=[world.pair.pk, first.pk])
    data = {"date": timezone.localdate().isoformat(), "mode": "video", "duration_minutes": "30"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200
    assert "ya está registrada" in again.content.decode()
    assert world.pair.meetings.filter(status="held").count() == 2  # the seeded one + this


# Tutors deactivated or deleted with open requests --------------------------------------------


def test_a_deactivated_tutor_keeps_the_records_and_the_request_can_move_on(world):
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import TutoringRequest

    tutor, coordinator = world.users["assigned_tutor"], world.users["coordination"]
    request = world.support_request
    tutor.is_active = False
    tutor.save()
    client = spanish_client(coordinator)
    page = client.get(reverse("tutoria_requests:inspect", args=[request.pk]))
    assert page.status_code == 200
    assert "La cuenta del tutor asignado está desactivada" in page.content.decode()
    # Nobody else takes the inactive account's place silently, and it cannot be assigned.
    other = world.users["other_tutor"]
    with translation.override("es"):
        with pytest.raises(services.TransitionError) as refused:
            services.assign_tutor(request, tutor, coordinator)
        assert "desactivada" in refused.value.messages[0]
    services.assign_tutor(request, other, coordinator)
    request = TutoringRequest.objects.get(pk=request.pk)
    assert request.assigned_tutor == other
    assert request.sessions.count() == 1 and request.referrals.count() == 1  # nothing lost


def test_starting_with_a_deactivated_tutor_is_refused(world):
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import RequestKind

    coordinator, board = world.users["coordination"], world.users["board"]
    tutor = world.users["other_tutor"]
    request = services.create_request(
        kind=RequestKind.SUPPORT, student=world.sen_student, user=coordinator
    )
    request = services.assign_tutor(request, tutor, coordinator)
    for action, actor in (("submit", coordinator), ("review", coordinator), ("approve", board)):
        request = services.transition(request, action, actor)
    get_user_model().objects.filter(pk=tutor.pk).update(is_active=False)
    with translation.override("es"):
        with pytest.raises(services.TransitionError) as refused:
            services.transition(request, "start", coordinator)
        assert "desactivada" in refused.value.messages[0]


def test_deleting_a_tutor_with_requests_is_refused_with_a_message(world):
    from tutoria_cms.requests.models import TutoringRequest

    tutor = world.users["assigned_tutor"]
    client = spanish_client(world.users["superuser"])
    url = reverse("wagtailusers_users:delete", args=[tutor.pk])
    confirm = client.get(url)
    # Wagtail's own page says what holds the account (its Spanish is partly English).
    assert confirm.status_code == 200
    assert (
        "prevent it from being deleted" in confirm.content.decode()
        or "impiden" in confirm.content.decode()
    )
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=tutor.pk).exists()
    assert TutoringRequest.objects.get(pk=world.support_request.pk).assigned_tutor_id == tutor.pk


# Forms whose typed text the sweep above does not type into, and why.
NOT_SWEPT = {
    "tutoria_cms.requests.student_forms.IndividualClassRequestForm": (
        "no typed text (the term and component from the records, yes/no answers)"
    ),
    "tutoria_cms.requests.forms.NewRequestForm": "no typed text (choices and yes/no only)",
    "tutoria_cms.mentoring.forms.MentorForm": "its typed text is ReasonForm's, swept above",
    "tutoria_cms.accreditation.forms.ExportForm": (
        "its one typed field, a programme slug, has its own test below"
    ),
    "tutoria_cms.workshops.forms.GroupWorkshopPageForm": (
        "not swept: a bound page form needs every inline formset of the editor; it cleans "
        "with the same CleanTextFormMixin"
    ),
}


def _forms_of_the_suite():
    import contextlib
    import importlib

    from django.apps import apps as django_apps

    from tutoria_cms.core.forms import CleanTextFormMixin

    for app in django_apps.get_app_configs():
        if app.name.startswith("tutoria_cms."):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app.name}.forms")
    found, todo = set(), list(CleanTextFormMixin.__subclasses__())
    while todo:
        form_class = todo.pop()
        todo += form_class.__subclasses__()
        if form_class.__module__.startswith("tutoria_cms."):
            found.add(f"{form_class.__module__}.{form_class.__qualname__}")
    return found


def test_the_sweep_covers_every_form_that_cleans_typed_text(world):
    """A new form of the suite with typed text fails here until the sweep types into it."""
    swept = set()
    for group in FORM_GROUPS.values():
        for case in group():
            for klass in type(case.build(world, "x")).__mro__:
                swept.add(f"{klass.__module__}.{klass.__qualname__}")
    missing = _forms_of_the_suite() - swept - set(NOT_SWEPT)
    assert not missing, sorted(missing)
