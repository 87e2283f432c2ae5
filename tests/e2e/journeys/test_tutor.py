"""Tutor journeys: work on an assigned request from the dashboard."""

import datetime

import pytest
from django.utils import timezone
from django.utils.text import capfirst

from tests.e2e.journeys.conftest import (
    es,
    exactly,
    list_title,
    open_page_explorer,
    request_in_progress,
)
from tutoria_cms.requests.models import Referral, RequestState, TutoringSession

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def open_actions(page):
    """The request page's header "Actions" menu (Wagtail's more-buttons dropdown)."""
    page.get_by_role("button", name=es("Actions"), exact=True).first.click()


def test_tutor_records_a_session_refers_the_student_and_closes_the_request(site, sign_in):
    from tests.factories import build_site, referral_service

    request = request_in_progress()
    # The institution's services, one no longer offered, and another institution's.
    service = referral_service(request.site, "Orientación educativa")
    referral_service(request.site, "Psicología")
    referral_service(request.site, "Servicio retirado", active=False)
    referral_service(build_site(hostname="otra.example").get_site(), "Servicio de otra institución")
    today = timezone.localdate()
    page = sign_in("tutora.ana")

    page.get_by_role("main").get_by_role("link", name=list_title(request)).click()
    open_actions(page)
    page.get_by_role("link", name=es("Record a session")).click()
    page.get_by_label(exactly(capfirst(es("date")))).fill(today.isoformat())
    page.get_by_label(exactly(capfirst(es("modality")))).select_option(value="in_person")
    page.get_by_label(exactly(capfirst(es("duration (minutes)")))).fill("50")
    page.get_by_role("button", name=es("Save"), exact=True).click()
    page.get_by_text(es("The session was recorded.")).wait_for()

    open_actions(page)
    page.get_by_role("link", name=es("Refer to a service")).click()
    select = page.get_by_label(exactly(es("Service")))
    offered = select.locator("option").all_inner_texts()
    assert "Servicio retirado" not in offered and "Servicio de otra institución" not in offered
    select.select_option(label="Orientación educativa")
    page.get_by_label(exactly(es("Reason for the referral"))).fill("Ansiedad ante los exámenes.")
    page.get_by_role("button", name=es("Save"), exact=True).click()
    page.get_by_text(es("The student was referred.")).wait_for()

    open_actions(page)
    page.get_by_role("link", name=es("Close"), exact=True).click()
    page.get_by_role("button", name=es("Close"), exact=True).click()
    page.get_by_text(es("Done: the request was %(action)s.") % {"action": es("closed")}).wait_for()

    session = TutoringSession.objects.get(request=request)
    assert session.date == today and session.duration_minutes == 50
    assert session.date >= today - datetime.timedelta(days=1)
    referral = Referral.objects.get(request=request)
    assert referral.service == service
    request.refresh_from_db()
    assert request.state == RequestState.CLOSED


def test_tutor_updates_matrix_and_profile_and_submits_the_profile(site, sign_in):
    from django.utils import translation
    from wagtail.models import WorkflowState

    from tests import factories
    from tests.e2e.journeys.conftest import exactly
    from tutoria_cms.core import roles
    from tutoria_cms.tutors.models import Competency, CompetencyAssessment, TutorProfilePage

    factories.load_seed_framework()
    index = factories.build_tutor_index(site, title="Tutores")
    ana = factories.build_tutor_user("tutora.ana", first_name="Ana", last_name="Ramírez")
    profile = factories.build_tutor_profile(index, title="Ana Ramírez", user=ana)
    guidance = Competency.objects.get(code="guidance")
    with translation.override("es"):
        competency = str(guidance.name)
    page = sign_in("tutora.ana")

    page.get_by_role("link", name=es("My competency matrix")).click()
    level = es("My level in %(competency)s") % {"competency": competency}
    page.get_by_label(level, exact=True).select_option(value="3")
    page.get_by_role("row", name=competency).get_by_label(es("Evidence"), exact=True).fill(
        "Informe 2025: 12 tutorados"
    )
    page.get_by_role("button", name=es("Save my self-assessment")).click()
    page.get_by_text(
        es(
            "Your self-assessment was saved. It becomes public when your profile is next "
            "published, after moderation."
        )
    ).wait_for()

    # The page explorer opens at the tutor's own area (Wagtail's JavaScript, its own catalogue).
    own_profile = page.get_by_role("link", name="Editar 'Ana Ramírez'")
    open_page_explorer(page, own_profile)
    own_profile.click()
    page.get_by_label(exactly(capfirst(es("office hours")))).fill("Martes de 10:00 a 12:00")
    page.get_by_role("button", name=es("More actions")).click()
    page.get_by_role(
        "button",
        name=es("Submit to %(workflow_name)s")
        % {"workflow_name": roles.content_workflow(site.get_site()).name},
    ).click()

    message = es("Page '%(page_title)s' has been submitted for moderation.")
    page.get_by_text(message % {"page_title": "Ana Ramírez"}).wait_for()
    assessment = CompetencyAssessment.objects.get(profile=profile, competency=guidance)
    assert assessment.self_level == 3 and assessment.evidence == "Informe 2025: 12 tutorados"
    profile = TutorProfilePage.objects.get(pk=profile.pk)
    assert profile.latest_revision.as_object().office_hours == "Martes de 10:00 a 12:00"
    state = profile.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by.username == "tutora.ana"


def test_tutor_fills_in_and_submits_the_end_of_term_report(site, sign_in):
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
    for days_ago, minutes in ((14, 50), (7, 40)):
        services.record_session(
            request,
            request.assigned_tutor,
            date=today - datetime.timedelta(days=days_ago),
            modality="in_person",
            duration_minutes=minutes,
        )
    page = sign_in("tutora.ana")

    # The term ends within a month: the dashboard lists the report as due, to prepare.
    page.get_by_role("main").get_by_role("link", name=list_title(request)).click()
    page.get_by_role("heading", name=es("End-of-term report")).wait_for()
    page.get_by_role("button", name=es("Prepare the report"), exact=True).click()
    page.get_by_label(exactly(es("Progress", "term report"))).fill(
        "Mejoró su organización del estudio y aprobó el segundo parcial."
    )
    page.get_by_label(exactly(es("Difficulties"))).fill("Ansiedad ante los exámenes.")
    page.get_by_label(exactly(es("Recommendation"))).fill("Continuar con tutoría quincenal.")
    page.get_by_label(exactly(es("Outcome"))).select_option(label=es("Continues"))
    page.get_by_role("button", name=es("Save and submit to the coordinator"), exact=True).click()

    page.get_by_text(es("The report was saved.")).wait_for()
    summary = page.get_by_role("region", name=es("From the records"))
    assert summary.get_by_role("definition").nth(0).inner_text().strip() == "2"
    assert summary.get_by_role("definition").nth(1).inner_text().strip() in ("1.5", "1,5")
    report = TermReport.objects.get(request=request, term=term)
    assert report.tutor.username == "tutora.ana" and report.status == ReportStatus.SUBMITTED
    assert report.progress.startswith("Mejoró su organización")
    assert report.difficulties == "Ansiedad ante los exámenes."
    assert report.recommendation == "Continuar con tutoría quincenal."
    assert report.outcome == "continues" and report.submitted_at is not None
    assert report.summary["sessions"] == 2 and report.summary["hours"] == 1.5


def test_tutor_reads_the_outcome_of_a_referral_the_service_closed(site, sign_in):
    from django.utils import translation

    from tests import factories
    from tutoria_cms.core import roles
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import ReferralStatus, SensitiveRead

    request = request_in_progress()
    orientation = factories.UserFactory(username="orientacion", groups=[roles.ORIENTATION])
    referral = services.refer(request, request.assigned_tutor, reason="Ansiedad ante los exámenes.")
    services.update_referral(
        referral,
        orientation,
        status=ReferralStatus.CLOSED,
        outcome_notes="Atendida en tres sesiones; alta.",
    )
    page = sign_in("tutora.ana")

    # The dashboard lists the request under "open requests" and under the referral's news.
    page.get_by_role("main").get_by_role("link", name=list_title(request)).first.click()
    referrals = page.get_by_role("region", name=es("Referrals"))
    row = referrals.get_by_role("row").filter(has_text="Atendida en tres sesiones; alta.")
    with translation.override("es"):
        closed = str(ReferralStatus.CLOSED.label)
    assert row.get_by_role("cell").nth(1).inner_text().strip() == closed
    assert "Ansiedad ante los exámenes." in row.inner_text()
    # Reading the referral's confidential text is logged (need-to-know, with a trace).
    assert SensitiveRead.objects.filter(user__username="tutora.ana", what="referrals").exists()


def test_class_tutor_records_corrects_and_deletes_a_class_session(site, sign_in):
    """The designated tutor of an individual class records its sessions: from the menu to the
    class listing, the row's actions, the form; the class page then counts the in-person
    hours against the rule set's share. A mistake is corrected, then the session deleted,
    from the class page."""
    import re

    from tests import factories
    from tests.e2e.journeys.conftest import approved_class_request
    from tutoria_cms.core import roles
    from tutoria_cms.requests import services

    coordinator = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    board = factories.UserFactory(username="colegiado", groups=[roles.BOARD])
    ana = factories.UserFactory(
        username="tutora.ana", groups=[roles.TUTORS], first_name="Ana", last_name="Ramírez"
    )
    request, individual_class = approved_class_request(site.get_site(), coordinator, board)
    services.designate_tutor(individual_class, ana, coordinator)
    services.transition(request, "start", coordinator)
    page = sign_in("tutora.ana")

    page.get_by_role("button", name=es("Tutoring work"), exact=True).click()
    page.get_by_role("link", name=es("Individual classes"), exact=True).click()
    row = page.get_by_role("row", name=re.compile(re.escape(str(individual_class))))
    more = es("More options for '%(title)s'") % {"title": str(individual_class)}
    row.get_by_role("button", name=more).click()
    page.get_by_role("link", name=es("Record a class session"), exact=True).click()
    page.get_by_label(exactly(es("Date"))).fill("2026-03-10")
    page.get_by_label(exactly(es("Modality"))).select_option(value="in_person")
    page.get_by_label(exactly(es("Duration (minutes)"))).fill("120")
    page.get_by_role("button", name=es("Save"), exact=True).click()
    page.get_by_text(es("The session was recorded.")).first.wait_for()

    session = individual_class.sessions.get()
    assert session.date == datetime.date(2026, 3, 10) and session.duration_minutes == 120
    assert session.modality == "in_person" and session.recorded_by == ana

    # A mistake: the class page's sessions table corrects the session, then deletes it.
    sessions = page.get_by_role("table").filter(has_text=es("Edit"))
    sessions.get_by_role("link", name=re.compile("^" + re.escape(es("Edit")) + r"\s")).click()
    page.get_by_label(exactly(es("Duration (minutes)"))).fill("90")
    page.get_by_role("button", name=es("Save"), exact=True).click()
    page.get_by_text(es("The session was updated.")).first.wait_for()
    session.refresh_from_db()
    assert session.duration_minutes == 90
    assert session.history.count() == 2  # recorded, then corrected: both kept

    sessions = page.get_by_role("table").filter(has_text=es("Delete"))
    sessions.get_by_role("link", name=re.compile("^" + re.escape(es("Delete")) + r"\s")).click()
    page.get_by_role("button", name=es("Yes, delete"), exact=True).click()
    page.get_by_text(es("The session was deleted.")).first.wait_for()
    assert not individual_class.sessions.exists()
