"""es("My requests") in the student area: the student's own requests only, filing (support after
the privacy notice, individual class with its pre-check, peer mentoring), the timeline,
withdrawing; and the permission a student holds on their own request (submit, withdraw)."""

import datetime

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst

from tests import factories
from tests.students.conftest import BR_HOST, MX_HOST, client_for, institutions, signed_in  # noqa: F401
from tutoria_cms.academics.models import CurricularComponent, Term
from tutoria_cms.core import roles
from tutoria_cms.core.models import InstitutionSettings
from tutoria_cms.requests import permissions, services, student_area
from tutoria_cms.requests.models import RequestKind, RequestState, TutoringRequest
from tutoria_cms.requests.student_forms import NOTICE_CHANGED

pytestmark = pytest.mark.django_db

NOTICE = "<p>AVISO-DE-PRIVACIDAD: tus datos se usan solo para la tutoría.</p>"


@pytest.fixture
def areas(institutions):  # noqa: F811
    mx, br = institutions
    return (
        factories.build_student_area(mx.root_page, title="Mi espacio"),
        factories.build_student_area(br.root_page, title="Minha área"),
    )


@pytest.fixture
def notice(institutions):  # noqa: F811
    settings = InstitutionSettings.for_site(institutions[0])
    settings.privacy_notice = NOTICE
    settings.save()
    settings.refresh_from_db()
    assert settings.privacy_notice_version == 1
    return settings


@pytest.fixture
def mx_record(institutions):  # noqa: F811
    return factories.make_student("MX001", site=institutions[0], full_name="Valeria Gómez")


@pytest.fixture
def mx_user(mx_record):
    return factories.make_student_user(mx_record)


@pytest.fixture
def other_record(institutions):  # noqa: F811
    return factories.make_student("MX002", site=institutions[0], full_name="Otro Alumno")


@pytest.fixture
def br_record(institutions):  # noqa: F811
    return factories.make_student("BR001", site=institutions[1], full_name="João Souza")


@pytest.fixture
def coordination(institutions):  # noqa: F811
    return factories.UserFactory(username="coord", groups=[roles.COORDINATION])


@pytest.fixture
def tutor_user(institutions):  # noqa: F811
    return factories.UserFactory(
        username="tutora", first_name="Lucía", last_name="Ramírez", groups=[roles.TUTORS]
    )


def es(text):
    """``text`` as the Mexican site (served in Spanish) shows it."""
    with translation.override("es"):
        return translation.gettext(text)


def section_url(area, tail=""):
    return area.relative_url(area.get_site()) + "requests/" + tail


def support_for(record, user, site):
    return services.create_request(
        kind=RequestKind.SUPPORT,
        student=record,
        user=user,
        site=site,
        reasons=["emotional"],
        description="SECRET-DESCRIPTION",
    )


# -- permissions ---------------------------------------------------------------------------------


def test_a_student_submits_and_withdraws_only_their_own_request(
    mx_record,
    mx_user,
    other_record,
    coordination,
    institutions,  # noqa: F811
):
    own = support_for(mx_record, coordination, institutions[0])
    assert permissions.can_transition(mx_user, own, "submit")
    assert permissions.can_transition(mx_user, own, "withdraw")
    for action in ("review", "approve", "deny", "start", "close", "assign_tutor"):
        assert not permissions.can_transition(mx_user, own, action), action
    others = support_for(other_record, coordination, institutions[0])
    assert not permissions.can_transition(mx_user, others, "submit")
    assert not permissions.can_transition(mx_user, others, "withdraw")


def test_a_member_of_staff_without_the_role_may_not_submit_a_students_request(
    mx_record,
    coordination,
    institutions,  # noqa: F811
):
    request = support_for(mx_record, coordination, institutions[0])
    staff = factories.UserFactory(username="board-member", groups=[roles.BOARD])
    tutor = factories.UserFactory(username="a-tutor", groups=[roles.TUTORS])
    for user in (staff, tutor):
        assert not permissions.can_transition(user, request, "submit")
        assert not permissions.can_transition(user, request, "withdraw")


def test_the_service_lets_the_student_withdraw_but_not_review(
    mx_record,
    mx_user,
    coordination,
    institutions,  # noqa: F811
):
    request = support_for(mx_record, coordination, institutions[0])
    request = services.transition(request, "submit", mx_user)
    with pytest.raises(services.TransitionRefused):
        services.transition(request, "review", mx_user)
    request = services.transition(request, "withdraw", mx_user, reason="ya no lo necesito")
    assert request.state == RequestState.WITHDRAWN


# -- who gets in ---------------------------------------------------------------------------------


def test_the_list_shows_only_the_students_own_requests_newest_first(
    areas,
    mx_record,
    mx_user,
    other_record,
    coordination,
    institutions,  # noqa: F811
):
    first = support_for(mx_record, coordination, institutions[0])
    second = services.create_request(
        kind=RequestKind.PEER_MENTORING,
        student=mx_record,
        user=coordination,
        site=institutions[0],
        mentoring_role="mentee",
    )
    services.transition(second, "submit", coordination)
    others = support_for(other_record, coordination, institutions[0])
    response = signed_in(mx_user).get(section_url(areas[0]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"requests/{first.pk}/" in body and f"requests/{second.pk}/" in body
    assert f"requests/{others.pk}/" not in body
    assert body.index(f"requests/{second.pk}/") < body.index(f"requests/{first.pk}/")
    assert "SECRET-DESCRIPTION" not in body
    assert 'class="tutoria-table-scroll"' in body


def test_the_overview_says_how_many_requests_are_open(
    areas,
    mx_record,
    mx_user,
    coordination,
    institutions,  # noqa: F811
):
    support_for(mx_record, coordination, institutions[0])
    support_for(mx_record, coordination, institutions[0])
    body = signed_in(mx_user).get(areas[0].relative_url(institutions[0])).content.decode()
    assert es("My requests") in body
    with translation.override("es"):
        expected = translation.ngettext("%(count)d open request", "%(count)d open requests", 2)
    assert expected % {"count": 2} in body


def test_another_students_request_is_not_found(
    areas,
    mx_user,
    other_record,
    br_record,
    coordination,
    institutions,  # noqa: F811
):
    others = support_for(other_record, coordination, institutions[0])
    elsewhere = support_for(br_record, coordination, institutions[1])
    client = signed_in(mx_user)
    for request in (others, elsewhere):
        for tail in (f"{request.pk}/", f"{request.pk}/withdraw/"):
            assert client.get(section_url(areas[0], tail)).status_code == 404
        assert client.post(section_url(areas[0], f"{request.pk}/withdraw/")).status_code == 404
    others.refresh_from_db()
    assert others.state == RequestState.DRAFT


def test_staff_and_students_of_the_other_institution_are_refused(
    areas,
    mx_user,
    br_record,
    tutor_user,
    institutions,  # noqa: F811
):
    br_user = factories.make_student_user(br_record)
    assert signed_in(br_user).get(section_url(areas[0])).status_code == 403
    assert signed_in(tutor_user).get(section_url(areas[0])).status_code == 403
    assert signed_in(mx_user, BR_HOST).get(section_url(areas[1])).status_code == 403
    anonymous = client_for(MX_HOST).get(section_url(areas[0], "new/support/"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


# -- a support request ---------------------------------------------------------------------------


def test_without_a_privacy_notice_the_student_cannot_file(areas, mx_user):
    client = signed_in(mx_user)
    response = client.get(section_url(areas[0], "new/support/"))
    assert response.status_code == 200
    assert es(str(student_area.NO_NOTICE)) in response.content.decode()
    assert "<form" not in response.content.decode().split("tutoria-area-content")[1]
    response = client.post(
        section_url(areas[0], "new/support/"),
        {"notice_version": "0", "accept_notice": "on", "reasons": ["academic"]},
    )
    assert response.status_code == 200
    assert not TutoringRequest.objects.exists()


def test_the_notice_must_be_accepted_and_nothing_typed_is_lost(areas, mx_user, notice):
    client = signed_in(mx_user)
    response = client.get(section_url(areas[0], "new/support/"))
    assert "AVISO-DE-PRIVACIDAD" in response.content.decode()
    response = client.post(
        section_url(areas[0], "new/support/"),
        {"notice_version": "1", "reasons": ["academic"], "description": "Mi texto largo"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert es("Accept the privacy notice to file a request.") in body
    assert "Mi texto largo" in body
    assert (
        'value="academic" checked' in body
        or 'checked value="academic"' in body
        or ('value="academic"' in body and "checked" in body)
    )
    assert not TutoringRequest.objects.exists()


def test_a_support_request_is_filed_submitted_and_records_the_notice(
    areas, mx_record, mx_user, notice
):
    client = signed_in(mx_user)
    with translation.override("es"):
        response = client.post(
            section_url(areas[0], "new/support/"),
            {
                "notice_version": "1",
                "accept_notice": "on",
                "reasons": ["academic", "emotional"],
                "description": "Necesito apoyo",
            },
        )
    assert response.status_code == 302
    request = TutoringRequest.objects.get()
    assert request.student == mx_record
    assert request.kind == RequestKind.SUPPORT
    assert request.state == RequestState.SUBMITTED
    assert request.created_by == mx_user
    assert request.site == areas[0].get_site()
    assert request.privacy_notice_version == 1
    assert request.privacy_notice_accepted_at is not None
    assert sorted(request.disclosure.reasons) == ["academic", "emotional"]
    assert request.disclosure.description == "Necesito apoyo"
    assert response["Location"].endswith(f"requests/{request.pk}/")


def test_a_notice_changed_while_reading_must_be_accepted_again(areas, mx_user, notice):
    notice.privacy_notice = "<p>Nueva versión</p>"
    notice.save()
    response = signed_in(mx_user).post(
        section_url(areas[0], "new/support/"),
        {"notice_version": "1", "accept_notice": "on", "reasons": ["academic"]},
    )
    assert response.status_code == 200
    assert es(str(NOTICE_CHANGED)) in response.content.decode()
    assert not TutoringRequest.objects.exists()


def test_coordination_sees_the_accepted_notice_version_on_the_request(
    areas, mx_user, notice, coordination
):
    signed_in(mx_user).post(
        section_url(areas[0], "new/support/"),
        {"notice_version": "1", "accept_notice": "on", "reasons": ["academic"]},
    )
    request = TutoringRequest.objects.get()
    admin = client_for(MX_HOST)
    admin.force_login(coordination)
    response = admin.get(f"/admin/tutoria/requests/inspect/{request.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert capfirst(es("privacy notice version accepted")) in body
    assert capfirst(es("privacy notice accepted at")) in body
    assert request in TutoringRequest.objects.filter(state=RequestState.SUBMITTED)


# -- the timeline --------------------------------------------------------------------------------


def test_the_timeline_shows_the_decision_and_the_tutor_never_staff_data(
    areas,
    mx_record,
    mx_user,
    coordination,
    tutor_user,
    institutions,  # noqa: F811
):
    request = support_for(mx_record, coordination, institutions[0])
    request = services.transition(request, "submit", mx_user)
    request = services.transition(request, "review", coordination)
    request = services.transition(
        request, "approve", coordination, reason="RAZONES-DE-LA-DECISION claras"
    )
    request = services.assign_tutor(request, tutor_user, coordination)
    request = services.transition(request, "start", coordination)
    services.refer(request, tutor_user, reason="REFERRAL-REASON-SECRET")
    services.record_session(
        request,
        tutor_user,
        date=datetime.date.today(),
        modality="in_person",
        attention_type="individual",
        duration_minutes=60,
        private_notes="SESSION-NOTES-SECRET",
    )
    response = signed_in(mx_user).get(section_url(areas[0], f"{request.pk}/"))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Submitted",
        "Under review",
        "Decision: approved",
        "Tutor assigned",
        "Tutoring started",
        "RAZONES-DE-LA-DECISION",
        "Lucía Ramírez",
    ):
        assert es(text) in body, text
    for secret in (
        "REFERRAL-REASON-SECRET",
        "SESSION-NOTES-SECRET",
        "SECRET-DESCRIPTION",
        "coord@example.edu",
        "Ana Pérez",
    ):
        assert secret not in body, secret


def test_the_timeline_of_a_class_request_shows_the_verdict(
    areas,
    mx_record,
    mx_user,
    coordination,
    institutions,  # noqa: F811
):
    term, component = class_records(institutions[0])
    request = services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=mx_record,
        term=term,
        component=component,
        user=mx_user,
        site=institutions[0],
        language="en",
    )
    request = services.transition(request, "submit", mx_user)
    board = factories.UserFactory(username="board1", groups=[roles.BOARD])
    request = services.transition(request, "review", coordination)
    request = services.transition(request, "deny", board, reason="NO-CUMPLE motivos")
    body = signed_in(mx_user).get(section_url(areas[0], f"{request.pk}/")).content.decode()
    assert es("Decision: denied") in body and "NO-CUMPLE motivos" in body
    assert es("Eligibility verdict") in body
    for result in request.verdict["results"]:
        assert result["citation"] in body


# -- withdrawing ---------------------------------------------------------------------------------


def test_withdrawing_asks_first_and_takes_an_optional_reason(
    areas,
    mx_record,
    mx_user,
    coordination,
    institutions,  # noqa: F811
):
    request = support_for(mx_record, coordination, institutions[0])
    request = services.transition(request, "submit", coordination)
    client = signed_in(mx_user)
    url = section_url(areas[0], f"{request.pk}/withdraw/")
    response = client.get(url)
    assert response.status_code == 200
    assert es("Yes, withdraw it") in response.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    response = client.post(url, {"reason": "Ya encontré apoyo"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN
    assert request.history.first().history_user == mx_user
    body = client.get(section_url(areas[0], f"{request.pk}/")).content.decode()
    assert es("Withdrawn") in body
    assert es("Withdraw this request") not in body


def test_a_closed_request_cannot_be_withdrawn(
    areas,
    mx_record,
    mx_user,
    coordination,
    institutions,  # noqa: F811
):
    request = support_for(mx_record, coordination, institutions[0])
    request = factories.walk(
        request,
        dict.fromkeys(("submit", "review", "deny"), coordination),
        "submit",
        "review",
        "deny",
        reason="motivos",
    )
    response = signed_in(mx_user).post(section_url(areas[0], f"{request.pk}/withdraw/"))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.DENIED


# -- an individual-class request -----------------------------------------------------------------


def class_records(site):
    term = Term.objects.create(
        site=site,
        code="2026-1",
        name="2026/1",
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 6, 30),
        kind="regular",
    )
    component = CurricularComponent.objects.create(
        site=site, code="MAT101", name="Cálculo I", hours=60
    )
    return term, component


def class_data(term, component, **extra):
    return {
        "term": str(term.pk),
        "component": str(component.pk),
        "schedule_clash": "on",
        "procedures_compatible": "on",
        **extra,
    }


def test_the_precheck_shows_the_boards_verdict_then_the_student_confirms(
    areas,
    mx_record,
    mx_user,
    institutions,  # noqa: F811
):
    term, component = class_records(institutions[0])
    client = signed_in(mx_user)
    url = section_url(areas[0], "new/class/")
    assert client.get(url).status_code == 200
    response = client.post(url, class_data(term, component, check="1"))
    assert response.status_code == 200
    body = response.content.decode()
    assert not TutoringRequest.objects.exists()
    # The same engine, rule set and wording as the board's: services.judge on the same facts.
    draft = TutoringRequest(
        site=institutions[0],
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=mx_record,
        term=term,
        component=component,
        schedule_clash=True,
        language="es",
    )
    rule_set, verdict = services.judge(draft)
    assert str(rule_set) in body
    for result in verdict.results:
        assert result.citation in body
        assert escape(str(result.explanation)) in body
    assert es("Confirm and send my request") in body
    response = client.post(url, class_data(term, component, confirm="1"))
    assert response.status_code == 302
    request = TutoringRequest.objects.get()
    assert request.state == RequestState.SUBMITTED
    assert request.created_by == mx_user
    assert (request.term, request.component, request.schedule_clash) == (term, component, True)


def test_going_back_from_the_precheck_keeps_what_was_chosen(
    areas,
    mx_user,
    institutions,  # noqa: F811
):
    term, component = class_records(institutions[0])
    response = signed_in(mx_user).post(
        section_url(areas[0], "new/class/"), class_data(term, component, back="1")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert es("Check my request") in body
    assert f'value="{component.pk}" selected' in body
    assert not TutoringRequest.objects.exists()


def test_a_duplicate_class_request_is_refused_with_the_services_message(
    areas,
    mx_record,
    mx_user,
    coordination,
    institutions,  # noqa: F811
):
    term, component = class_records(institutions[0])
    existing = services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=mx_record,
        term=term,
        component=component,
        user=coordination,
        site=institutions[0],
    )
    services.transition(existing, "submit", coordination)
    response = signed_in(mx_user).post(
        section_url(areas[0], "new/class/"), class_data(term, component, confirm="1")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert es("The student already has an open request for this component this term.") in body
    assert f'value="{component.pk}" selected' in body
    assert TutoringRequest.objects.count() == 1


def test_a_records_of_another_institution_cannot_be_chosen(
    areas,
    mx_user,
    institutions,  # noqa: F811
):
    term, component = class_records(institutions[1])
    response = signed_in(mx_user).post(
        section_url(areas[0], "new/class/"), class_data(term, component, confirm="1")
    )
    assert response.status_code == 200
    assert not TutoringRequest.objects.exists()


def test_no_class_requests_where_the_site_takes_none(areas, mx_user, institutions):  # noqa: F811
    from tutoria_cms.requests.models import NO_INDIVIDUAL_CLASSES, TutoringRequestSettings

    settings = TutoringRequestSettings.for_site(institutions[0])
    settings.rule_set = NO_INDIVIDUAL_CLASSES
    settings.save()
    client = signed_in(mx_user)
    assert client.get(section_url(areas[0], "new/class/")).status_code == 404
    assert "new/class/" not in client.get(section_url(areas[0])).content.decode()


# -- a peer-mentoring request --------------------------------------------------------------------


def test_a_peer_mentoring_request(areas, mx_user):
    client = signed_in(mx_user)
    url = section_url(areas[0], "new/mentoring/")
    response = client.post(url, {})
    assert response.status_code == 200
    assert es("Choose whether you would be a mentee or a mentor.") in response.content.decode()
    response = client.post(url, {"mentoring_role": "mentor"})
    assert response.status_code == 302
    request = TutoringRequest.objects.get()
    assert (request.kind, request.mentoring_role, request.state) == (
        RequestKind.PEER_MENTORING,
        "mentor",
        RequestState.SUBMITTED,
    )
