"""Individual classes as the regulation runs them (issue #14, item 2; UFOPA Res. 331/2020,
arts. 241 and 246): no class starts without its designated tutor; the class tutor records the
class's sessions; the in-person share is tracked per class."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.requests.conftest import walk
from tutoria_cms.core import roles
from tutoria_cms.core.choices import Modality
from tutoria_cms.requests import services
from tutoria_cms.requests.models import IndividualClass, InPersonShare, RequestState

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(class_request, coordinator, board):
    """An approved individual-class request: its class is open, no tutor designated yet."""
    return walk(
        class_request,
        {"submit": coordinator, "review": coordinator, "approve": board},
        "submit",
        "review",
        "approve",
    )


# A class cannot start without its tutor (art. 246) ------------------------------------------


def test_a_class_request_cannot_start_without_the_class_tutor(approved, coordinator):
    with pytest.raises(services.TransitionError) as error:
        services.transition(approved, "start", coordinator)
    assert error.value.code == "class_tutor_required"
    approved.refresh_from_db()
    assert approved.state == RequestState.APPROVED


def test_the_refusal_is_translated(approved, coordinator):
    for language, expected in (("pt-br", "docente-tutor da turma"), ("es", "tutor de la clase")):
        with translation.override(language):
            with pytest.raises(services.TransitionError) as error:
                services.transition(approved, "start", coordinator)
            assert expected in str(error.value.messages[0])


def test_a_class_request_starts_once_the_tutor_is_designated(approved, coordinator, tutor):
    services.designate_tutor(IndividualClass.objects.get(), tutor, coordinator)
    assert services.transition(approved, "start", coordinator).state == RequestState.IN_PROGRESS


def test_a_deactivated_class_tutor_does_not_start_the_class(approved, coordinator, tutor):
    services.designate_tutor(IndividualClass.objects.get(), tutor, coordinator)
    tutor.is_active = False
    tutor.save()
    with pytest.raises(services.TransitionError) as error:
        services.transition(approved, "start", coordinator)
    assert error.value.code == "inactive_tutor"


def test_the_start_screen_refuses_a_class_without_tutor(client, approved, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("tutoria_requests:transition", args=[approved.pk, "start"]), follow=True
    )
    approved.refresh_from_db()
    assert approved.state == RequestState.APPROVED
    assert "Designa al tutor de la clase" in response.content.decode()  # the admin speaks es


# The class tutor records the class's sessions ------------------------------------------------


@pytest.fixture
def running(approved, coordinator, tutor):
    """A started class: its tutor designated, its request in progress."""
    individual_class = IndividualClass.objects.get()
    services.designate_tutor(individual_class, tutor, coordinator)
    services.transition(approved, "start", coordinator)
    individual_class.refresh_from_db()
    return individual_class


def session(individual_class, user, minutes=120, modality=Modality.IN_PERSON, day=10):
    return services.record_class_session(
        individual_class,
        user,
        date=datetime.date(2026, 3, day),
        modality=modality,
        duration_minutes=minutes,
    )


def test_the_class_tutor_records_the_class_sessions(running, tutor):
    recorded = session(running, tutor)
    assert recorded.individual_class == running and recorded.site_id == running.site_id
    assert recorded.recorded_by == tutor and recorded.history.get().history_user == tutor


def test_coordination_records_class_sessions_too(running, coordinator):
    assert session(running, coordinator).recorded_by == coordinator


def test_the_requests_assigned_tutor_is_not_the_class_tutor(running, approved, other_tutor):
    """A tutor assigned to one of the class's requests, not designated to the class, records
    no session of the class; nor does the board."""
    approved.assigned_tutor = other_tutor
    approved.save()
    board = factories.UserFactory(username="board2", groups=[roles.BOARD])
    for user in (other_tutor, board):
        with pytest.raises(services.TransitionRefused):
            session(running, user)
    assert not running.sessions.exists()


def test_a_class_tutor_of_another_institution_records_nothing(running, tutor):
    from tutoria_cms.core.models import InstitutionMembership

    other = factories.build_site("es", "other.example.org", title="Otra").get_site()
    InstitutionMembership.objects.filter(user=tutor, site=other).delete()
    running.site = other
    running.save()
    with pytest.raises(services.TransitionRefused):
        session(running, tutor)


def test_class_sessions_only_once_the_class_has_started(approved, coordinator, tutor):
    individual_class = IndividualClass.objects.get()
    services.designate_tutor(individual_class, tutor, coordinator)
    with pytest.raises(services.TransitionError) as error:
        session(individual_class, tutor)
    assert error.value.code == "state"


def test_class_sessions_need_sensible_values(running, tutor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        session(running, tutor, minutes=2)
    with pytest.raises(ValidationError):
        session(running, tutor, modality="carrier_pigeon")


def test_the_class_tutor_records_a_session_through_the_class_page(client, running, tutor):
    client.force_login(tutor)
    page = client.get(reverse("tutoria_classes:inspect", args=[running.pk]))
    url = reverse("tutoria_classes:session", args=[running.pk])
    assert page.status_code == 200 and url in page.text
    assert url in client.get(reverse("tutoria_classes:index")).text
    response = client.post(
        url, {"date": "2026-03-10", "modality": "in_person", "duration_minutes": "90"}
    )
    assert response.status_code == 302
    assert running.sessions.get().duration_minutes == 90


def test_other_tutors_cannot_reach_the_class_session_screen(client, running, other_tutor):
    client.force_login(other_tutor)
    url = reverse("tutoria_classes:session", args=[running.pk])
    assert client.get(url).status_code in (403, 404)
    response = client.post(url, {"date": "2026-03-10", "modality": "video", "duration_minutes": 60})
    assert response.status_code in (403, 404)
    assert client.get(reverse("tutoria_classes:inspect", args=[running.pk])).status_code in (
        403,
        404,
        302,
    )
    assert not running.sessions.exists()


# The in-person share per class (art. 241: 30% of the component's hours) -----------------------


def test_the_in_person_share_counts_only_in_person_sessions(running, tutor):
    session(running, tutor, minutes=180)
    session(running, tutor, minutes=120, modality=Modality.VIDEO, day=11)
    share = running.in_person_share
    assert share.required_hours == 18  # 30% of 60 h
    assert share.in_person_hours == 3 and share.recorded_hours == 5
    assert share.hours_left == 55 and share.needed_hours == 15
    assert share.status == InPersonShare.ON_TRACK and not share.warns
    assert "3 h of 18 h in person" in str(share)


def test_the_share_is_met(running, tutor):
    for day in range(1, 4):
        session(running, tutor, minutes=360, day=day)
    assert running.in_person_share.status == InPersonShare.MET


def test_a_warning_before_the_share_is_lost(running, tutor):
    """42 h at a distance leave 18 h of the component: all of them must be in person."""
    for day in range(1, 8):
        session(running, tutor, minutes=360, modality=Modality.VIDEO, day=day)
    share = running.in_person_share
    assert share.status == InPersonShare.AT_RISK and share.warns
    assert "18 h" in share.warning


def test_a_warning_once_the_share_can_no_longer_be_reached(running, tutor):
    for day in range(1, 9):
        session(running, tutor, minutes=360, modality=Modality.VIDEO, day=day)
    share = running.in_person_share
    assert share.status == InPersonShare.BELOW and share.warns
    assert "no longer" in share.warning


def test_the_class_page_and_listing_show_the_share_and_its_warning(client, running, tutor):
    for day in range(1, 9):
        session(running, tutor, minutes=360, modality=Modality.VIDEO, day=day)
    client.force_login(tutor)
    # The admin speaks Spanish here.
    page = client.get(reverse("tutoria_classes:inspect", args=[running.pk])).text
    assert "0 h de 18 h presenciales" in page and "Ya no se puede alcanzar" in page
    listing = client.get(reverse("tutoria_classes:index")).text
    assert "0 h de 18 h presenciales" in listing and "Ya no se puede alcanzar" in listing


def test_the_dashboard_warns_coordination_and_the_class_tutor(running, tutor, coordinator):
    from tutoria_cms.requests.dashboard import class_share_items, work_items

    assert class_share_items(tutor) == []  # on track: nothing to say
    for day in range(1, 8):
        session(running, tutor, minutes=360, modality=Modality.VIDEO, day=day)
    for user in (tutor, coordinator):
        (item,) = [i for i in work_items(user) if i.key == "classes_in_person_share"]
        assert item.alert and item.count == 1
        assert item.links[0].url == reverse("tutoria_classes:inspect", args=[running.pk])
    other = factories.UserFactory(username="tutor3", groups=[roles.TUTORS])
    board = factories.UserFactory(username="board3", groups=[roles.BOARD])
    for user in (other, board):
        assert class_share_items(user) == []


def test_the_evidence_workbook_shows_the_class_sessions_and_share(running, tutor):
    import io

    import openpyxl

    from tutoria_cms.accreditation.builder import build_workbook
    from tutoria_cms.accreditation.context import build_context

    session(running, tutor, minutes=180)
    session(running, tutor, minutes=120, modality=Modality.VIDEO, day=11)
    buffer = io.BytesIO()
    build_workbook(build_context({}), buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Tutoring sessions"]
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[-2:] == ("Individual teaching class", "In-person share of the class")
    mine = [row for row in rows if row[-2] == str(running)]
    assert len(mine) == 2
    assert {row[-1] for row in mine} == {"3 h of 18 h in person (30% of 60 h)"}


# The tutor's work plan (PIT), art. 241 sole paragraph ----------------------------------------


def test_the_ufopa_text_gives_no_cap_in_hours_for_the_work_plan():
    from tutoria_cms.requests.eligibility import get_rule_set

    ufopa = get_rule_set("ufopa-331-2020")
    assert ufopa.max_work_plan_hours_per_term is None
    assert ufopa.max_classes_per_tutor_per_term == 1  # one component per regular term


def test_the_work_plan_credits_the_in_person_hours_taught(running, tutor, coordinator):
    from tutoria_cms.requests.models import WorkPlanRecord

    record = WorkPlanRecord.objects.get(tutor=tutor, term=running.term)
    assert record.class_hours == 0 and record.classes_credited == 1 and record.hours_cap is None
    session(running, tutor, minutes=180)
    session(running, tutor, minutes=120, modality=Modality.VIDEO, day=11)
    record.refresh_from_db()
    assert float(record.class_hours) == 3.0  # only the in-person hours
    # No more than the class's in-person hours (18 of 60) are credited.
    for day in range(12, 17):
        session(running, coordinator, minutes=300, day=day)
    record.refresh_from_db()
    assert float(record.class_hours) == 18.0
    assert "18 h credited (no cap in hours)" in str(record.display)


def test_a_rule_set_caps_the_work_plan_hours(running, tutor):
    import dataclasses

    from tutoria_cms.requests.eligibility import get_rule_set, register_rule_set
    from tutoria_cms.requests.eligibility.base import _REGISTRY
    from tutoria_cms.requests.models import TutoringRequestSettings, WorkPlanRecord

    capped = dataclasses.replace(
        get_rule_set("ufopa-331-2020"), identifier="test-pit-cap", max_work_plan_hours_per_term=4
    )
    register_rule_set(capped)
    try:
        request_settings = TutoringRequestSettings.for_site(running.site)
        request_settings.rule_set = capped.identifier
        request_settings.save()
        session(running, tutor, minutes=360)
        record = WorkPlanRecord.objects.get(tutor=tutor, term=running.term)
        assert float(record.class_hours) == 4.0 and record.hours_cap == 4
    finally:
        _REGISTRY.pop(capped.identifier, None)


def test_the_work_plan_follows_a_new_designation(running, tutor, other_tutor, coordinator):
    from tutoria_cms.requests.models import WorkPlanRecord

    session(running, tutor, minutes=120)
    services.designate_tutor(running, other_tutor, coordinator)
    mine = WorkPlanRecord.objects.get(tutor=tutor, term=running.term)
    theirs = WorkPlanRecord.objects.get(tutor=other_tutor, term=running.term)
    assert mine.class_hours == 0 and mine.classes_credited == 0
    assert float(theirs.class_hours) == 2.0


def test_the_class_page_shows_the_tutors_work_plan(client, running, tutor):
    session(running, tutor, minutes=120)
    client.force_login(tutor)
    page = client.get(reverse("tutoria_classes:inspect", args=[running.pk])).text
    assert "PIT" in page and "2 h" in page


def test_recording_a_session_that_puts_the_share_at_risk_says_so(client, running, tutor):
    for day in range(1, 7):
        session(running, tutor, minutes=360, modality=Modality.VIDEO, day=day)
    client.force_login(tutor)
    response = client.post(
        reverse("tutoria_classes:session", args=[running.pk]),
        {"date": "2026-03-20", "modality": "video", "duration_minutes": "360"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("(18 h)" in m for m in messages)  # every hour left must now be in person
