"""Issue #14, "the record is right": the designated class tutor opens the requests behind
their class (read only, no confidential details), edits and deletes the class's sessions, the
work plan (PIT) records have their listing."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tests.requests.conftest import walk
from tutoria_cms.core import roles
from tutoria_cms.core.choices import Modality
from tutoria_cms.requests import permissions, services
from tutoria_cms.requests.models import IndividualClass, SensitiveRead

pytestmark = pytest.mark.django_db

CONFIDED = "Confided: the student works night shifts"


@pytest.fixture
def approved(student, term, component, coordinator, board):
    request = services.create_request(
        kind="individual_class",
        student=student,
        term=term,
        component=component,
        user=coordinator,
        language="pt-br",
        reasons=[],
        description=CONFIDED,
    )
    return walk(
        request,
        {"submit": coordinator, "review": coordinator, "approve": board},
        "submit",
        "review",
        "approve",
    )


@pytest.fixture
def running(approved, coordinator, tutor):
    """A started class whose designated tutor is ``tutor``; the request is assigned to
    nobody (the class tutor is not its assigned tutor)."""
    individual_class = IndividualClass.objects.get()
    services.designate_tutor(individual_class, tutor, coordinator)
    services.transition(approved, "start", coordinator)
    approved.refresh_from_db()
    assert approved.assigned_tutor_id is None
    individual_class.refresh_from_db()
    return individual_class


# 1. The designated class tutor opens the requests behind their class ---------------------------


def test_the_class_tutor_sees_the_requests_of_their_class(running, approved, tutor):
    assert permissions.can_view(tutor, approved)
    assert list(permissions.visible_requests(tutor)) == [approved]


def test_the_class_tutor_reads_no_confidential_details_and_decides_nothing(
    running, approved, tutor
):
    assert not permissions.can_read_disclosure(tutor, approved)
    assert permissions.available_actions(tutor, approved) == []
    assert not permissions.can_record_work(tutor, approved)
    with pytest.raises(services.TransitionRefused):
        services.transition(approved, "close", tutor)


def test_the_class_tutor_opens_the_request_page(client, running, approved, tutor):
    client.force_login(tutor)
    url = reverse("tutoria_requests:inspect", args=[approved.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.text
    assert CONFIDED not in page
    for action in ("close", "withdraw", "approve"):
        assert reverse("tutoria_requests:transition", args=[approved.pk, action]) not in page
    assert reverse("tutoria_requests:disclosure", args=[approved.pk]) not in page
    assert reverse("tutoria_requests:record_session", args=[approved.pk]) not in page
    assert not SensitiveRead.objects.exists()  # nothing confidential was read
    # The confidential details' screen and the actions stay closed to them.
    assert client.get(reverse("tutoria_requests:disclosure", args=[approved.pk])).status_code in (
        403,
        404,
        302,
    )
    client.post(reverse("tutoria_requests:transition", args=[approved.pk, "close"]))
    approved.refresh_from_db()
    assert approved.state == "in_progress"


def test_the_class_page_links_to_its_requests_for_who_sees_them(
    client, running, approved, tutor, board
):
    request_url = reverse("tutoria_requests:inspect", args=[approved.pk])
    for user in (tutor, board):
        client.force_login(user)
        page = client.get(reverse("tutoria_classes:inspect", args=[running.pk])).text
        assert request_url in page
        assert client.get(request_url).status_code == 200


def test_the_request_page_links_to_its_class(client, running, approved, tutor):
    client.force_login(tutor)
    page = client.get(reverse("tutoria_requests:inspect", args=[approved.pk])).text
    assert reverse("tutoria_classes:inspect", args=[running.pk]) in page


def test_a_former_class_tutor_no_longer_sees_the_request(
    running, approved, tutor, other_tutor, coordinator
):
    services.designate_tutor(running, other_tutor, coordinator)
    assert not permissions.can_view(tutor, approved)
    assert permissions.can_view(other_tutor, approved)


def test_the_class_tutor_sees_no_request_outside_their_institution(running, approved, tutor):
    from tutoria_cms.core import institutions
    from tutoria_cms.core.models import InstitutionMembership

    InstitutionMembership.objects.filter(user=tutor).delete()
    institutions.forget(tutor)
    assert not permissions.can_view(tutor, approved)
    tutor.is_active = False
    tutor.save()
    assert not permissions.visible_requests(tutor).exists()


def test_a_tutor_of_another_class_does_not_see_the_request(running, approved, other_tutor):
    assert not permissions.can_view(other_tutor, approved)
    board2 = factories.UserFactory(username="board9", groups=[roles.BOARD])
    assert permissions.can_view(board2, approved)  # the board, as before


# 2. Class sessions are corrected and deleted ----------------------------------------------------


def record(individual_class, user, minutes=120, modality=Modality.IN_PERSON, day=10):
    return services.record_class_session(
        individual_class,
        user,
        date=datetime.date(2026, 3, day),
        modality=modality,
        duration_minutes=minutes,
    )


def edit_data(**changes):
    return {
        "date": "2026-03-11",
        "modality": "in_person",
        "duration_minutes": "60",
        "topic": "Limits",
        **changes,
    }


def test_the_class_tutor_and_coordination_edit_a_session(running, tutor, coordinator):
    session = record(running, tutor, minutes=120)
    for user, minutes in ((tutor, 90), (coordinator, 60)):
        services.update_class_session(
            session,
            user,
            date=datetime.date(2026, 3, 11),
            modality=Modality.IN_PERSON,
            duration_minutes=minutes,
            topic="Limits",
        )
        session.refresh_from_db()
        assert session.duration_minutes == minutes
        assert session.history.first().history_user == user  # the newest row
        assert running.in_person_share.in_person_minutes == minutes
    assert session.history.count() == 3
    plan = running.tutor.work_plans.get(term=running.term)
    assert plan.class_hours == 1  # the PIT follows the correction


def test_the_class_tutor_deletes_a_session_and_its_history_stays(running, tutor):
    from tutoria_cms.requests.models import ClassSession

    kept = record(running, tutor, minutes=60, day=9)
    session = record(running, tutor, minutes=120)
    session_id = session.pk
    assert running.in_person_share.in_person_minutes == 180
    services.delete_class_session(session, tutor)
    assert list(ClassSession.objects.all()) == [kept]
    deleted = ClassSession.history.filter(id=session_id).order_by("history_id").last()
    assert deleted.history_type == "-" and deleted.history_user == tutor
    assert running.in_person_share.in_person_minutes == 60
    assert running.tutor.work_plans.get(term=running.term).class_hours == 1


def test_others_neither_edit_nor_delete_a_session(running, approved, tutor, other_tutor, board):
    session = record(running, tutor)
    approved.assigned_tutor = other_tutor  # the request's tutor is not the class's
    approved.save()
    for user in (other_tutor, board):
        with pytest.raises(services.TransitionRefused):
            services.update_class_session(
                session, user, date=session.date, modality="video", duration_minutes=5
            )
        with pytest.raises(services.TransitionRefused):
            services.delete_class_session(session, user)
    session.refresh_from_db()
    assert session.duration_minutes == 120


def test_sessions_are_not_changed_once_the_class_is_closed(running, approved, tutor, coordinator):
    session = record(running, tutor)
    services.transition(approved, "close", coordinator)
    with pytest.raises(services.TransitionError) as error:
        services.delete_class_session(session, coordinator)
    assert error.value.code == "state"
    with pytest.raises(services.TransitionError):
        services.update_class_session(
            session, tutor, date=session.date, modality="video", duration_minutes=30
        )
    assert session.__class__.objects.filter(pk=session.pk).exists()


def test_the_class_page_offers_edit_and_delete_to_its_tutor(client, running, tutor):
    session = record(running, tutor)
    client.force_login(tutor)
    page = client.get(reverse("tutoria_classes:inspect", args=[running.pk])).text
    edit = reverse("tutoria_classes:edit_session", args=[session.pk])
    delete = reverse("tutoria_classes:delete_session", args=[session.pk])
    assert edit in page and delete in page
    form = client.get(edit)
    assert form.status_code == 200 and 'value="120"' in form.text
    response = client.post(edit, edit_data(duration_minutes="45"), follow=True)
    session.refresh_from_db()
    assert session.duration_minutes == 45 and session.topic == "Limits"
    assert "Se actualizó la sesión" in response.text  # the admin speaks es
    confirm = client.get(delete)
    assert confirm.status_code == 200 and "¿Eliminar la sesión" in confirm.text
    response = client.post(delete, follow=True)
    assert not running.sessions.exists()
    assert "Se eliminó la sesión" in response.text


def test_the_session_screens_are_closed_to_others(client, running, tutor, other_tutor, board):
    session = record(running, tutor)
    for user in (other_tutor, board):
        client.force_login(user)
        for name in ("edit_session", "delete_session"):
            url = reverse(f"tutoria_classes:{name}", args=[session.pk])
            # Not found (the other tutor), or refused (the board sees the class).
            assert client.get(url).status_code in (302, 403, 404)
            response = client.post(url, edit_data(duration_minutes="5"))
            assert response.status_code in (302, 403, 404)
        page = client.get(reverse("tutoria_classes:inspect", args=[running.pk])).text
        assert reverse("tutoria_classes:edit_session", args=[session.pk]) not in page
    session.refresh_from_db()
    assert session.duration_minutes == 120


def test_a_closed_class_offers_no_session_change(client, running, approved, tutor, coordinator):
    session = record(running, tutor)
    services.transition(approved, "close", coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("tutoria_classes:inspect", args=[running.pk])).text
    assert reverse("tutoria_classes:delete_session", args=[session.pk]) not in page
    response = client.post(reverse("tutoria_classes:delete_session", args=[session.pk]))
    assert response.status_code == 200  # the form, with the refusal
    assert running.sessions.exists()


# 3. The work plan (PIT) records' listing; the record's creation race ---------------------------


def test_the_work_plans_listing_shows_a_tutor_their_own(client, running, tutor, other_tutor):
    from tutoria_cms.requests.models import WorkPlanRecord

    record(running, tutor, minutes=90)
    WorkPlanRecord.objects.create(
        site_id=running.site_id, tutor=other_tutor, term=running.term, class_hours=7
    )
    url = reverse("tutoria_work_plans:index")
    client.force_login(tutor)
    response = client.get(url)
    assert response.status_code == 200
    rows = response.text.split("<tbody")[-1]
    assert "tutor1" in rows and "1,50" in rows  # the admin speaks es
    assert "tutor2" not in rows
    client.force_login(other_tutor)
    rows = client.get(url).text.split("<tbody")[-1]
    assert "tutor2" in rows and "tutor1" not in rows


def test_coordination_reads_every_work_plan_of_its_institution_filtered(
    client, running, tutor, other_tutor, coordinator
):
    from tutoria_cms.requests.models import WorkPlanRecord

    record(running, tutor)
    WorkPlanRecord.objects.create(
        site_id=running.site_id, tutor=other_tutor, term=running.term, class_hours=7
    )
    client.force_login(coordinator)
    url = reverse("tutoria_work_plans:index")
    page = client.get(url).text
    assert "tutor1" in page and "tutor2" in page
    filtered = client.get(url, {"tutor": other_tutor.pk, "term": running.term_id}).text
    assert "tutor2" in filtered and "tutor1 " not in filtered.split("<tbody")[-1]
    # No write screen: the records are kept by the services.
    assert b"/add/" not in client.get(url).content.split(b"<tbody")[-1]


def test_the_work_plans_are_not_another_institutions(client, running, tutor, coordinator):
    from tutoria_cms.requests.models import WorkPlanRecord

    record(running, tutor)
    from tutoria_cms.core import institutions
    from tutoria_cms.core.models import InstitutionMembership

    other = factories.build_site("es", "other.example.org", title="Otra").get_site()
    foreign_tutor = factories.UserFactory(username="tutorx", groups=[roles.TUTORS])
    # Test users belong to every institution by default: not the coordinator, here.
    InstitutionMembership.objects.filter(user=coordinator, site=other).delete()
    institutions.forget(coordinator)
    WorkPlanRecord.objects.create(site=other, tutor=foreign_tutor, term=running.term)
    client.force_login(coordinator)
    url = reverse("tutoria_work_plans:index")
    page = client.get(url).text
    assert "tutor1" in page and "tutorx" not in page
    assert "tutorx" not in client.get(url, {"tutor": foreign_tutor.pk}).text


def test_the_work_plans_are_closed_to_the_board_and_tutors_without_one(
    client, running, tutor, board, other_tutor
):
    record(running, tutor)
    url = reverse("tutoria_work_plans:index")
    for user in (board, other_tutor):
        client.force_login(user)
        assert client.get(url).status_code in (302, 403)


def test_the_work_plans_are_in_the_menu_next_to_the_classes(client, running, tutor):
    record(running, tutor)
    client.force_login(tutor)
    page = client.get(reverse("wagtailadmin_home")).text
    classes = page.find(reverse("tutoria_classes:index"))
    plans = page.find(reverse("tutoria_work_plans:index"))
    assert classes != -1 and plans != -1


def test_a_work_plan_created_meanwhile_is_taken_not_an_error(running, tutor, monkeypatch):
    """Two sessions recorded at once: the other transaction creates the tutor's record between
    this one's look-up and its insert; the unique constraint refuses the second row and the
    other's row is taken (and locked), not a server error."""
    from tutoria_cms.requests.models import WorkPlanRecord

    assert WorkPlanRecord.objects.filter(tutor=tutor).exists()  # "created meanwhile"
    real = WorkPlanRecord.objects.select_for_update
    lookups = []

    def first_lookup_misses(*args, **kwargs):
        lookups.append(args)
        queryset = real(*args, **kwargs)
        return queryset.none() if len(lookups) == 1 else queryset

    monkeypatch.setattr(WorkPlanRecord.objects, "select_for_update", first_lookup_misses)
    record(running, tutor, minutes=120)
    assert len(lookups) == 2  # the look-up, then the row taken after the refused insert
    plan = WorkPlanRecord.objects.get(tutor=tutor)
    assert plan.class_hours == 2


# 6. The classes' listing reads the rule set and the sessions once, not per row ------------------


def add_classes(term, tutor, count, start=0):
    from tutoria_cms.academics.models import CurricularComponent
    from tutoria_cms.core.choices import Modality as M
    from tutoria_cms.requests.models import ClassSession

    for number in range(start, start + count):
        component = CurricularComponent.objects.create(
            site=term.site, code=f"N{number:03d}", name=f"Componente {number}", hours=60
        )
        individual_class = IndividualClass.objects.create(
            site=term.site, term=term, component=component, tutor=tutor
        )
        for day in (1, 2):
            ClassSession.objects.create(
                individual_class=individual_class,
                site=term.site,
                date=datetime.date(2026, 3, day),
                modality=M.IN_PERSON if day == 1 else M.VIDEO,
                duration_minutes=60,
            )


def test_the_classes_listing_queries_do_not_grow_with_its_rows(
    client, term, coordinator, tutor, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("tutoria_classes:index")
    client.force_login(coordinator)
    add_classes(term, tutor, 1)
    client.get(url)  # warm the caches (content types, settings...)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    add_classes(term, tutor, 6, start=1)
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        page = client.get(url)
    assert page.status_code == 200 and "N006" in page.text
    assert "1 h de 18 h presenciales" in page.text  # the share from the prefetched sessions


def test_date_fields_render_iso_dates_for_the_browsers_date_picker():
    """With the locale's format (10/03/2026) an <input type="date"> shows nothing: editing a
    session would lose its date (the browser journey caught it)."""
    import datetime

    from django.utils import translation

    from tutoria_cms.requests.forms import ClassSessionForm

    with translation.override("es"):
        form = ClassSessionForm(initial={"date": datetime.date(2026, 3, 10)})
        html = str(form["date"])
    assert 'type="date"' in html and 'value="2026-03-10"' in html
