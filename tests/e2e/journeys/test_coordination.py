"""Coordination journeys: academic records, agreements and their warnings, requests."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import capfirst
from playwright.sync_api import expect
from wagtail.documents import get_document_model

from tests import factories
from tests.e2e.journeys.conftest import es, exactly
from tutoria_cms.academics.models import StudentRecord
from tutoria_cms.core import roles
from tutoria_cms.partnerships import services as partnership_services
from tutoria_cms.partnerships.choices import Purpose, Sector, Stage
from tutoria_cms.partnerships.models import Agreement, AgreementStage, Partner

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STUDENTS_CSV = (
    "student_number,name,curriculum_hours,completed_hours,email\n"
    "2025001,Lucía Hernández Soto,3000,1200,lucia@alumnos.example.edu\n"
    "2025002,Mario Gómez Ruiz,3000,900,mario@alumnos.example.edu\n"
)


def open_actions(page):
    """The record page's header "Actions" menu (Wagtail's more-buttons dropdown)."""
    page.get_by_role("button", name=es("Actions"), exact=True).first.click()


@pytest.fixture
def coordinacion(db):
    return factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])


def test_coordinator_imports_academic_records(site, coordinacion, sign_in, tmp_path):
    upload = tmp_path / "alumnos.csv"
    upload.write_text(STUDENTS_CSV, encoding="utf-8")
    page = sign_in("coordinacion")

    page.get_by_role("button", name=es("Settings"), exact=True).click()
    page.get_by_role("link", name=es("Import academic records")).click()
    page.get_by_label(re.compile(es("File exported by the academic system"))).set_input_files(
        upload
    )
    page.get_by_role("button", name=es("Preview")).click()

    preview = es("Preview of %(name)s") % {"name": "alumnos.csv"}
    page.get_by_role("heading", name=preview).wait_for()
    assert StudentRecord.objects.count() == 0  # a preview saves nothing
    page.get_by_role("button", name=es("Confirm the import")).click()

    page.get_by_text(es("Import complete. %(counts)s").split("%")[0].strip()).wait_for()
    lucia = StudentRecord.objects.get(student_number="2025001")
    assert lucia.full_name == "Lucía Hernández Soto" and lucia.completed_hours == 1200
    assert StudentRecord.objects.count() == 2


def test_coordinator_acts_on_an_overdue_commitment_by_completing_the_follow_up(
    site, coordinacion, sign_in
):
    today = timezone.localdate()
    partner = Partner.objects.create(name="Industrias del Bajío S.A.", sector=Sector.PRIVATE)
    agreement = partnership_services.create_agreement(
        Agreement(
            partner=partner,
            title="Convenio de prácticas profesionales",
            purposes=[Purpose.INTERNSHIPS],
            starts_on=today - datetime.timedelta(days=200),
            expires_on=today + datetime.timedelta(days=300),
        ),
        coordinacion,
    )
    documents = get_document_model()
    for stage in (Stage.PLANNING, Stage.PROGRAMMING, Stage.EXECUTION):
        deliverable = documents.objects.create(
            title=f"Entregable {stage}", file=ContentFile(b"x", name="entregable.txt")
        )
        partnership_services.complete_stage(
            agreement,
            stage,
            coordinacion,
            deliverable,
            signed_on=today - datetime.timedelta(days=190),
        )
    partnership_services.add_commitment(
        agreement,
        coordinacion,
        party="partner",
        description="Recibir a cinco practicantes",
        due_on=today - datetime.timedelta(days=3),
    )
    documents.objects.create(
        title="Reporte de seguimiento 2026", file=ContentFile(b"x", name="seguimiento.txt")
    )
    page = sign_in("coordinacion")

    warnings = page.get_by_role("region", name=es("Partnerships: warnings"))
    warnings.get_by_role("link", name="Convenio de prácticas profesionales").click()
    page.get_by_role("row", name=re.compile(r"4\.")).get_by_role(
        "link", name=es("Complete"), exact=True
    ).click()
    page.get_by_role("button", name=es("Choose a document")).click()
    page.get_by_role("dialog").get_by_role("link", name="Reporte de seguimiento 2026").click()
    page.get_by_role("button", name=es("Complete the stage")).click()

    label = str(Stage(Stage.FOLLOW_UP).label)
    page.get_by_text(es("Stage “%(stage)s” completed.") % {"stage": es(label)}).wait_for()
    row = AgreementStage.objects.get(agreement=agreement, stage=Stage.FOLLOW_UP)
    assert row.is_completed and row.deliverable.title == "Reporte de seguimiento 2026"


def test_coordinator_runs_the_mentoring_suggestions_and_confirms_a_pair(
    site, coordinacion, sign_in, mailoutbox
):
    from tutoria_cms.academics.models import StudentRecord
    from tutoria_cms.mentoring.choices import PairStatus
    from tutoria_cms.mentoring.models import MentoringProgramme, Pair, Participant

    today = timezone.localdate()
    page_of_programme = factories.build_programme(
        factories.build_programme_index(site),
        title="Mentoría entre iguales",
        kind="peer_mentoring",
        modalities=["in_person"],
    )
    mentoring = MentoringProgramme.objects.create(
        page=page_of_programme,
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=120),
        guidelines="Respeta la confidencialidad y acuerda un horario.",
        mentor_capacity=2,
        meeting_every_days=14,
        check_in_every_days=30,
        minimum_score=30,
    )
    for role, number, name, goals in (
        ("mentor", "M001", "Alicia Mentora", ["técnicas de estudio"]),
        ("mentee", "E001", "Elena Rojas", ["técnicas de estudio"]),
    ):
        student = StudentRecord.objects.create(
            student_number=number,
            full_name=name,
            email=f"{number}@alumnos.example.edu",
            curriculum_hours=3000,
            completed_hours=300,
        )
        Participant.objects.create(
            programme=mentoring,
            role=role,
            student=student,
            goals=goals,
            interests=["música"],
            experience=2 if role == "mentor" else 0,
            availability=["mon_am"],
            languages=["español"],
        )
    page = sign_in("coordinacion")

    page.get_by_role("button", name=es("Peer mentoring"), exact=True).click()
    page.get_by_role("link", name=es("Programme settings"), exact=True).click()
    page.get_by_role("row", name=re.compile("Mentoría entre iguales")).get_by_role(
        "link", name=es("Suggest pairs")
    ).click()
    page.get_by_role("button", name=es("Suggest pairs again")).click()
    page.get_by_text(es("%(count)d pairs suggested.") % {"count": 1}).wait_for()
    row = page.get_by_role("row", name=re.compile("Elena Rojas"))
    assert "Alicia Mentora" in row.inner_text()
    row.get_by_role("button", name=es("Confirm"), exact=True).click()

    page.get_by_text(
        es("Pair confirmed: the first meeting is scheduled and the guidelines are sent to both.")
    ).wait_for()
    pair = Pair.objects.get()
    assert pair.status == PairStatus.CONFIRMED
    assert (pair.mentor.student.full_name, pair.mentee.student.full_name) == (
        "Alicia Mentora",
        "Elena Rojas",
    )


def test_coordinator_creates_a_support_request_and_assigns_a_tutor(site, br_site, sign_in):
    from tutoria_cms.requests.models import RequestState, TutoringRequest

    # A coordinator of the Mexican institution only: the Brazilian site's programme is not theirs.
    factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION], sites=["localhost"])
    programme = factories.build_programme(
        factories.build_programme_index(site), title="Programa de Acción Tutorial"
    )
    factories.build_programme(
        factories.build_programme_index(br_site), title="Programa de Tutoria Acadêmica"
    )
    student = factories.make_student("2025001", full_name="Lucía Hernández Soto")
    factories.UserFactory(
        username="tutora.ana", groups=[roles.TUTORS], first_name="Ana", last_name="Ramírez"
    )
    page = sign_in("coordinacion")

    page.get_by_role("link", name=es("Tutoring requests"), exact=True).click()
    add = es("Add %(model_name)s") % {"model_name": es("tutoring request")}
    page.get_by_role("link", name=add).click()
    page.get_by_role("combobox", name=exactly(capfirst(es("kind")))).select_option(value="support")
    page.get_by_role("combobox", name=exactly(capfirst(es("student")))).select_option(
        label=str(student)
    )
    programme_field = page.get_by_role("combobox", name=exactly(capfirst(es("programme"))))
    offered = programme_field.locator("option").all_inner_texts()
    # Only the programme pages of the coordinator's site (not the other site's, nor the index).
    assert [text for text in offered if text.strip("- ")] == ["Programa de Acción Tutorial"]
    programme_field.select_option(label=programme.title)
    page.get_by_role("button", name=es("Save"), exact=True).click()

    for action, past in (("Submit", "submitted"), ("Start review", "put under review")):
        open_actions(page)
        page.get_by_role("link", name=es(action), exact=True).click()
        page.get_by_role("button", name=es(action), exact=True).click()
        page.get_by_text(es("Done: the request was %(action)s.") % {"action": es(past)}).wait_for()
    open_actions(page)
    page.get_by_role("link", name=es("Assign tutor"), exact=True).click()
    page.get_by_label(exactly(es("Tutor"))).select_option(label="Ana Ramírez (tutora.ana)")
    page.get_by_role("button", name=es("Assign tutor"), exact=True).click()
    page.get_by_text(es("The tutor was assigned.")).wait_for()

    request = TutoringRequest.objects.get(student=student)
    request.refresh_from_db()
    assert request.programme_id == programme.pk
    assert request.state == RequestState.UNDER_REVIEW
    assert request.assigned_tutor.username == "tutora.ana"


def test_coordinator_records_an_individual_class_request_and_sends_it_to_the_board(
    site, br_site, sign_in
):
    from tutoria_cms.academics.models import CurricularComponent, Term
    from tutoria_cms.requests.models import RequestState, TutoringRequest

    factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION], sites=["localhost"])
    factories.UserFactory(username="colegiado", groups=[roles.BOARD], sites=["localhost"])
    mx, br = site.get_site(), br_site.get_site()
    term = Term.objects.create(
        site=mx,
        code="2026-1",
        name="Primavera 2026",
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 6, 30),
    )
    component = CurricularComponent.objects.create(
        site=mx, code="MAT101", name="Cálculo I", hours=60
    )
    # Another institution's records, which this coordinator must not be offered.
    Term.objects.create(
        site=br,
        code="2026-BR",
        name="2026/1",
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 6, 30),
    )
    CurricularComponent.objects.create(site=br, code="BR101", name="Cálculo I", hours=60)
    factories.make_student("2025999", full_name="Maria da Silva", site=br)
    # 2800 of 3000 hours (93 %), a mandatory component, no failures: eligible.
    student = factories.make_student("2025001", full_name="Lucía Hernández Soto")
    page = sign_in("coordinacion")

    page.get_by_role("link", name=es("Tutoring requests"), exact=True).click()
    add = es("Add %(model_name)s") % {"model_name": es("tutoring request")}
    page.get_by_role("link", name=add).click()
    field = {
        name: page.get_by_role("combobox", name=exactly(capfirst(es(name))))
        for name in ("kind", "student", "term", "curricular component")
    }
    field["kind"].select_option(value="individual_class")  # waits for the form
    offered = {
        name: [text for text in select.locator("option").all_text_contents() if text.strip("- ")]
        for name, select in field.items()
        if name != "kind"
    }
    assert offered == {
        "student": [str(student)],
        "term": [str(term)],
        "curricular component": [str(component)],
    }
    field["student"].select_option(label=str(student))
    field["term"].select_option(label=str(term))
    field["curricular component"].select_option(label=str(component))
    page.get_by_role(
        "checkbox", name=capfirst(es("the component (or an equivalent) is offered this term"))
    ).check()
    page.get_by_role(
        "checkbox", name=capfirst(es("its schedule clashes with another mandatory component"))
    ).check()
    page.get_by_role("button", name=es("Save"), exact=True).click()

    for action, past in (("Submit", "submitted"), ("Start review", "put under review")):
        open_actions(page)
        page.get_by_role("link", name=es(action), exact=True).click()
        page.get_by_role("button", name=es(action), exact=True).click()
        page.get_by_text(es("Done: the request was %(action)s.") % {"action": es(past)}).wait_for()

    verdict = f"{es('Eligibility verdict')}: {es('eligible')}"
    page.get_by_role("heading", name=verdict, exact=True).wait_for()
    # Boards judge individual classes: coordination has no Approve action.
    open_actions(page)
    page.get_by_role("link", name=es("Withdraw"), exact=True).wait_for()  # the menu is open
    assert page.get_by_role("link", name=es("Approve"), exact=True).count() == 0
    request = TutoringRequest.objects.get(student=student)
    assert request.state == RequestState.UNDER_REVIEW
    assert (request.kind, request.term_id, request.component_id) == (
        "individual_class",
        term.pk,
        component.pk,
    )
    assert request.component_offered_this_term and request.schedule_clash
    assert request.site_id == mx.pk and request.submitted_at is not None
    assert request.rule_set == "ufopa-331-2020" and request.verdict["eligible"] is True


def test_coordinator_forms_a_group_whose_tutor_records_a_session_with_attendance(
    site, br_site, sign_in
):
    from tutoria_cms.academics.models import Term
    from tutoria_cms.requests.models import GroupSession, StudentGroup

    factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION], sites=["localhost"])
    ana = factories.UserFactory(
        username="tutora.ana",
        groups=[roles.TUTORS],
        first_name="Ana",
        last_name="Ramírez",
        sites=["localhost"],
    )
    mx, br = site.get_site(), br_site.get_site()
    dates = {"starts_on": datetime.date(2026, 2, 2), "ends_on": datetime.date(2026, 6, 30)}
    term = Term.objects.create(site=mx, code="2026-1", name="Primavera 2026", **dates)
    Term.objects.create(site=br, code="2026-BR", name="2026/1", **dates)
    factories.make_student("2025999", full_name="Maria da Silva", site=br)
    lucia = factories.make_student("2025001", full_name="Lucía Hernández Soto")
    mario = factories.make_student("2025002", full_name="Mario Gómez Ruiz")
    today = timezone.localdate()

    page = sign_in("coordinacion")
    page.get_by_role("button", name=es("Tutoring work"), exact=True).click()
    page.get_by_role("link", name=es("Group tutoring"), exact=True).click()
    add = es("Add %(model_name)s") % {"model_name": es("student group")}
    page.get_by_role("link", name=add).click()
    page.get_by_role("textbox", name=exactly(capfirst(es("code")))).fill("ING-1A")
    page.get_by_role("textbox", name=exactly(capfirst(es("name")))).fill("Ingeniería, 1.º A")
    term_field = page.get_by_role("combobox", name=exactly(capfirst(es("term"))))
    offered = [
        text for text in term_field.locator("option").all_text_contents() if text.strip("- ")
    ]
    assert offered == [str(term)]  # not the other institution's
    term_field.select_option(label=str(term))
    page.get_by_role("combobox", name=exactly(capfirst(es("group tutor")))).select_option(
        label="Ana Ramírez (tutora.ana)"
    )
    members = page.get_by_role("listbox", name=exactly(capfirst(es("members"))))
    offered = members.locator("option").all_text_contents()
    assert sorted(offered) == sorted([str(lucia), str(mario)])
    members.select_option(label=[str(lucia), str(mario)])
    page.get_by_role("button", name=es("Create"), exact=True).click()
    page.get_by_role("link", name=re.compile("ING-1A")).wait_for()

    page = sign_in("tutora.ana")
    page.get_by_role("button", name=es("Tutoring work"), exact=True).click()
    page.get_by_role("link", name=es("Group tutoring"), exact=True).click()
    group = StudentGroup.objects.get(code="ING-1A")
    more = es("More options for '%(title)s'") % {"title": str(group)}
    page.get_by_role("button", name=more).click()
    page.get_by_role("link", name=es("Record a group session"), exact=True).click()
    page.get_by_label(exactly(es("Date"))).fill(today.isoformat())
    page.get_by_label(exactly(es("Topic"))).fill("Técnicas de estudio")
    page.get_by_label(exactly(es("Modality"))).select_option(value="in_person")
    page.get_by_label(exactly(es("Duration (minutes)"))).fill("90")
    page.get_by_role("checkbox", name=str(lucia), exact=True).check()
    page.get_by_role("button", name=es("Save"), exact=True).click()
    page.get_by_text(es("The session was recorded.")).wait_for()

    assert (group.site_id, group.term_id, group.tutor_id) == (mx.pk, term.pk, ana.pk)
    assert set(group.members.all()) == {lucia, mario}
    session = GroupSession.objects.get(group=group)
    assert (session.date, session.topic, session.duration_minutes) == (
        today,
        "Técnicas de estudio",
        90,
    )
    assert list(session.attendees.all()) == [lucia] and session.recorded_by == ana


def test_coordinator_designates_the_tutor_of_an_approved_individual_class(site, br_site, sign_in):
    from tests.e2e.journeys.conftest import approved_class_request
    from tutoria_cms.requests.models import RequestState

    coordinator = factories.UserFactory(
        username="coordinacion", groups=[roles.COORDINATION], sites=["localhost"]
    )
    board = factories.UserFactory(username="colegiado", groups=[roles.BOARD], sites=["localhost"])
    ana = factories.UserFactory(
        username="tutora.ana",
        groups=[roles.TUTORS],
        first_name="Ana",
        last_name="Ramírez",
        sites=["localhost"],
    )
    # A tutor of the other institution, whom this class must not be offered.
    factories.UserFactory(
        username="tutor.joao",
        groups=[roles.TUTORS],
        first_name="João",
        last_name="Pereira",
        sites=[br_site.get_site()],
    )
    request, individual_class = approved_class_request(site.get_site(), coordinator, board)
    assert request.state == RequestState.APPROVED
    assert individual_class.tutor is None
    page = sign_in("coordinacion")

    page.get_by_role("button", name=es("Tutoring work"), exact=True).click()
    page.get_by_role("link", name=es("Individual classes"), exact=True).click()
    row = page.get_by_role("row", name=re.compile(re.escape(str(individual_class))))
    assert "18" in row.inner_text()  # in-person hours: 30 % of the component's 60
    more = es("More options for '%(title)s'") % {"title": str(individual_class)}
    row.get_by_role("button", name=more).click()
    page.get_by_role("link", name=es("Designate the tutor"), exact=True).click()
    tutor_field = page.get_by_role("combobox", name=exactly(es("Tutor")))
    tutor_field.wait_for()  # the form has loaded
    offered = [
        text for text in tutor_field.locator("option").all_text_contents() if text.strip("- ")
    ]
    assert offered == ["Ana Ramírez (tutora.ana)"]  # not the other institution's tutor
    tutor_field.select_option(label="Ana Ramírez (tutora.ana)")
    page.get_by_role("button", name=es("Save"), exact=True).click()

    page.get_by_text(es("The tutor was designated.")).wait_for()
    row = page.get_by_role("row", name=re.compile(re.escape(str(individual_class))))
    assert "tutora.ana" in row.inner_text()  # the listing's tutor column
    individual_class.refresh_from_db()
    assert individual_class.tutor == ana
    assert list(individual_class.requests.all()) == [request]

    # The class's history says who designated the tutor.
    row.get_by_role("link", name=str(individual_class)).first.click()
    page.locator("#w-slim-header-buttons").get_by_role("button").click()  # the "…" menu
    page.get_by_role("link", name=es("History"), exact=True).click()
    page.get_by_role("main").get_by_text("tutora.ana").first.wait_for()  # the designation


def test_coordinator_returns_an_end_of_term_report_and_accepts_it_once_corrected(site, sign_in):
    from tests.e2e.journeys.conftest import request_in_progress
    from tutoria_cms.academics.models import Term
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import ReportStatus, TermReport

    today = timezone.localdate()
    term = Term.objects.create(
        site=site.get_site(),
        code="2026-2",
        name="Otoño 2026",
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today + datetime.timedelta(days=30),
    )
    request = request_in_progress(term=term)
    tutor = request.assigned_tutor
    services.record_session(
        request,
        tutor,
        date=today - datetime.timedelta(days=7),
        modality="in_person",
        duration_minutes=60,
    )
    # The tutor has written and submitted the report (their journey: test_tutor.py).
    report = services.prepare_report(term, tutor, tutoring_request=request)
    services.update_report(
        report,
        tutor,
        progress="Mejoró su organización del estudio.",
        difficulties="",
        recommendation="Continuar.",
        outcome="continues",
    )
    report = services.submit_report(report, tutor)
    to_review = re.compile(re.escape(es("end-of-term reports to review")))
    comment = "Detalla la recomendación: frecuencia y temas de las sesiones."

    page = sign_in("coordinacion")
    page.get_by_role("link", name=to_review).click()
    page.get_by_role("link", name=str(report), exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("Mejoró su organización del estudio.")
    open_actions(page)
    page.get_by_role("link", name=es("Review the report"), exact=True).click()
    page.get_by_role("textbox", name=exactly(es("Comment"))).fill(comment)
    page.get_by_role("button", name=es("Return with the comment"), exact=True).click()
    page.get_by_text(es("The report was reviewed.")).wait_for()
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.coordinator_comment == comment

    # The tutor finds the returned report on the dashboard, reads the comment and corrects it.
    page = sign_in("tutora.ana")
    page.get_by_role("main").get_by_role("link", name=str(report), exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(comment)
    open_actions(page)
    page.get_by_role("link", name=es("Edit the report"), exact=True).click()
    page.get_by_label(exactly(es("Recommendation"))).fill(
        "Continuar con tutoría quincenal sobre técnicas de estudio."
    )
    page.get_by_role("button", name=es("Save and submit to the coordinator"), exact=True).click()
    page.get_by_text(es("The report was saved.")).wait_for()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    page = sign_in("coordinacion")
    page.get_by_role("link", name=to_review).click()
    page.get_by_role("link", name=str(report), exact=True).click()
    open_actions(page)
    page.get_by_role("link", name=es("Review the report"), exact=True).click()
    page.get_by_role("button", name=es("Accept"), exact=True).click()
    page.get_by_text(es("The report was reviewed.")).wait_for()

    report = TermReport.objects.get(request=request, term=term)
    assert report.status == ReportStatus.ACCEPTED
    assert report.recommendation == "Continuar con tutoría quincenal sobre técnicas de estudio."
    assert report.reviewed_by.username == "coordinacion" and report.reviewed_at is not None
    # Nothing is left to review: the dashboard's count is back to zero, with no link.
    page.get_by_role("link", name=es("Dashboard")).first.click()
    page.wait_for_url("**/admin/")
    item = page.get_by_role("listitem").filter(has_text=to_review)
    assert item.inner_text().split()[0] == "0"
    assert item.get_by_role("link").count() == 0


def test_coordinator_delivers_a_decision_notice_by_letter(site, sign_in):
    """Art. 248: a student without an e-mail address is told on paper (#14)."""
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import Notification, RequestKind

    coordinator = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    board = factories.UserFactory(username="colegiado", groups=[roles.BOARD])
    request = services.create_request(
        kind=RequestKind.SUPPORT,
        student=factories.make_student("2025077", full_name="Julián Sin Correo", email=""),
        user=coordinator,
        reasons=["academic"],
        language="es",
    )
    people = {"submit": coordinator, "review": coordinator, "approve": board}
    factories.walk(request, people, "submit", "review", "approve")
    notification = Notification.objects.get(request=request)
    assert notification.status == Notification.Status.NO_ADDRESS

    page = sign_in("coordinacion")
    page.locator('[data-work-item="requests_undelivered"] a').first.click()
    page.get_by_role("link", name=re.compile(str(request.pk))).first.click()
    notices = page.get_by_role("region", name=es("Notifications to the student"))
    notices.get_by_role("link", name=es("Print the letter")).click()
    page.get_by_role("heading", name=es("Decision letter")).wait_for()
    assert page.get_by_role("link", name=es("Print the letter")).is_visible()
    page.get_by_role("button", name=es("Mark as delivered")).click()

    page.get_by_text(es("The decision notice is recorded as delivered by letter.")).wait_for()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.LETTER


def test_coordinator_follows_an_overdue_request_from_the_dashboard(site, coordinacion, sign_in):
    """The due-date alert: the dashboard flags the request past its decision date, the link
    lists exactly it (not the one still on time), and its page says how late it is."""
    from django.utils import translation

    from tests.e2e.journeys.conftest import list_title
    from tutoria_cms.requests import deadlines
    from tutoria_cms.requests import services as request_services
    from tutoria_cms.requests.models import RequestKind, TutoringRequest

    today = timezone.localdate()
    requests = []
    for number in ("2019101", "2019102"):
        request = request_services.create_request(
            kind=RequestKind.SUPPORT,
            student=factories.make_student(number),
            user=coordinacion,
            language="es",
            reasons=["academic"],
        )
        factories.walk(
            request, {"submit": coordinacion, "review": coordinacion}, "submit", "review"
        )
        requests.append(request)
    late, on_time = requests
    TutoringRequest.objects.filter(pk=late.pk).update(due_on=today - datetime.timedelta(days=3))
    TutoringRequest.objects.filter(pk=on_time.pk).update(due_on=today + datetime.timedelta(days=5))
    page = sign_in("coordinacion")

    alert = page.locator('[data-work-item="requests_overdue"]')
    assert alert.get_attribute("data-count") == "1"
    label = es("requests past their decision date")
    alert.get_by_role("link", name=re.compile(re.escape(label))).click()
    listing = page.get_by_role("main")
    listing.get_by_role("link", name=list_title(late)).wait_for()
    assert listing.get_by_role("link", name=list_title(on_time)).count() == 0
    listing.get_by_role("link", name=list_title(late)).click()
    with translation.override("es"):
        overdue = deadlines.due_text(today - datetime.timedelta(days=3), today).split(" (")[0]
    page.get_by_text(overdue).first.wait_for()  # "Vencida por 3 días", on its page
    assert f"/inspect/{late.pk}/" in page.url


def test_coordinator_verifies_a_students_identity_for_a_workshop_registration(
    site, coordinacion, sign_in
):
    """#15: a registration made before sign-ups were confirmed by e-mail is linked to the
    student only once coordination has seen the student's identity document."""
    from tutoria_cms.workshops.models import WorkshopRegistration

    programme = factories.build_programme(factories.build_programme_index(site))
    workshop = factories.build_workshop(programme, title="Taller de lectura crítica")
    factories.add_registrations(workshop, 2, verified=False)  # A000000, A000001
    factories.make_student("A000001", full_name="Lucía Hernández Soto")
    registration = WorkshopRegistration.objects.get(student_number="A000001")

    page = sign_in("coordinacion")
    page.get_by_role("button", name=es("Group workshops"), exact=True).click()
    page.get_by_role("link", name=es("Registrations"), exact=True).click()
    more = es("More options for '%(title)s'") % {"title": str(registration)}
    page.get_by_role("button", name=more).click()
    page.get_by_role("link", name=es("Verify identity"), exact=True).click()
    page.get_by_role("button", name=es("Verify identity"), exact=True).click()
    # Nothing happens until the member of staff states the check was made.
    page.get_by_text(
        es("Tick the box to confirm that you checked the student's identity.")
    ).wait_for()
    registration.refresh_from_db()
    assert registration.identity_verified_at is None
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name=es("Verify identity"), exact=True).click()
    message = es("Identity of registration %(registration)s verified.") % {
        "registration": "A000001"
    }
    page.get_by_text(message).wait_for()

    registration.refresh_from_db()
    assert registration.identity_verified_by == coordinacion
    assert registration.full_name == "Lucía Hernández Soto"  # the record's name
    other = WorkshopRegistration.objects.get(student_number="A000000")
    assert other.identity_verified_at is None


def test_coordinator_issues_a_workshop_certificate_that_a_visitor_verifies(
    site, coordinacion, sign_in, browsing
):
    """#16: coordination issues the attendance certificate of a verified registration from
    Group workshops › Registrations and downloads its PDF; someone holding the certificate
    checks its code on the institution's public verification page."""
    from tests.e2e.journeys.conftest import new_page
    from tutoria_cms.workshops.models import Attendance, Certificate, WorkshopRegistration

    programme = factories.build_programme(factories.build_programme_index(site))
    workshop = factories.build_workshop(
        programme,
        title="Taller de lectura crítica",
        sessions=[factories.session_data(days=-2), factories.session_data(days=6)],
    )
    factories.add_registrations(workshop, 1)  # A000000, identity verified
    registration = WorkshopRegistration.objects.get(student_number="A000000")
    Attendance.objects.create(
        session=workshop.ordered_sessions[0], registration=registration, present=True
    )

    page = sign_in("coordinacion")
    page.get_by_role("button", name=es("Group workshops"), exact=True).click()
    page.get_by_role("link", name=es("Registrations"), exact=True).click()
    more = es("More options for '%(title)s'") % {"title": str(registration)}
    page.get_by_role("button", name=more).click()
    page.get_by_role("link", name=es("Issue certificate"), exact=True).click()
    page.get_by_role("button", name=es("Issue certificate"), exact=True).click()
    certificate = Certificate.objects.get()
    issued = es("Certificate %(code)s issued.") % {"code": certificate.grouped_code}
    page.get_by_text(issued).wait_for()

    open_actions(page)
    download_label = es("Download certificate %(code)s") % {"code": certificate.grouped_code}
    with page.expect_download() as caught:
        page.get_by_role("link", name=download_label).click()
    download = caught.value
    assert download.suggested_filename == f"certificate-{certificate.code}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Someone given the certificate types its printed address, then its code as printed.
    visitor = new_page(browsing)
    visitor.goto("/certificates/verify/")
    visitor.get_by_label(es("Verification code")).fill(certificate.grouped_code.lower())
    visitor.get_by_role("button", name=es("Check"), exact=True).click()
    visitor.get_by_role("heading", name=es("Valid certificate")).wait_for()
    facts = visitor.locator(".tutoria-certificate").inner_text()
    for fact in ("Alumno 0", "Taller de lectura crítica", "Universidad de Ejemplo"):
        assert fact in facts
    assert "A000000" not in visitor.content()  # the student number is not shown

    # A mistyped code: nothing but "not found or no longer valid".
    visitor.get_by_label(es("Verification code")).fill("AAAA-BBBB-CCCC-DDDD")
    visitor.get_by_role("button", name=es("Check"), exact=True).click()
    visitor.get_by_text(
        es(
            "No valid certificate has this code: it was not found or is no longer valid. "
            "Check the code as printed on the certificate."
        )
    ).wait_for()
    assert "Alumno 0" not in visitor.content()


def test_coordinator_reads_who_made_two_components_equivalent(site, coordinacion, sign_in):
    """#14: Settings › Curricular components, the component's history: the equivalences'
    changes (simple-history's many-to-many snapshots) with who made them."""
    from tutoria_cms.academics.models import CurricularComponent

    institution = site.get_site()
    calc = CurricularComponent.objects.create(
        site=institution, code="MAT101", name="Cálculo I", hours=64
    )
    twin = CurricularComponent.objects.create(
        site=institution, code="MAT101B", name="Cálculo diferencial", hours=64
    )
    calc._history_user = coordinacion
    calc.equivalents.add(twin)

    page = sign_in("coordinacion")
    page.get_by_role("button", name=es("Settings"), exact=True).click()
    page.get_by_role("link", name=es("Curricular components"), exact=True).click()
    page.get_by_role("link", name=re.compile("MAT101$|Cálculo I")).first.click()
    open_actions(page)
    page.get_by_role("link", name=es("History"), exact=True).first.click()
    section = page.get_by_role("region", name=es("Equivalent components"))
    section.get_by_text("MAT101B Cálculo diferencial").wait_for()
    assert "coordinacion" in section.inner_text() or coordinacion.get_full_name() in (
        section.inner_text()
    )
