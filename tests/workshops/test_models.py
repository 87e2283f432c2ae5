import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests import factories
from tutoria_cms.programmes.models import ProgrammeIndexPage, TutoringProgrammePage
from tutoria_cms.workshops.models import (
    GroupWorkshopPage,
    GroupWorkshopPageMixin,
    WorkshopSession,
    get_upcoming_workshops,
)


def test_workshop_pages_live_only_under_programmes(mx_home, programme_index, programme):
    assert GroupWorkshopPage.allowed_parent_page_models() == [TutoringProgrammePage]
    assert GroupWorkshopPage.allowed_subpage_models() == []
    assert GroupWorkshopPage.can_create_at(programme)
    assert not GroupWorkshopPage.can_create_at(programme_index)
    assert not GroupWorkshopPage.can_create_at(mx_home)
    assert not GroupWorkshopPage.can_exist_under(ProgrammeIndexPage())
    assert issubclass(GroupWorkshopPage, GroupWorkshopPageMixin)


def session(**kwargs):
    data = factories.session_data()
    data.update(kwargs)
    return WorkshopSession(**data)


def test_session_must_end_after_it_starts():
    bad = session(start_time=datetime.time(12, 0), end_time=datetime.time(11, 0))
    with pytest.raises(ValidationError) as error:
        bad.clean()
    assert "end_time" in error.value.message_dict
    same = session(start_time=datetime.time(12, 0), end_time=datetime.time(12, 0))
    with pytest.raises(ValidationError):
        same.clean()


def test_session_needs_a_place_or_a_video_link():
    with pytest.raises(ValidationError) as error:
        session(place="  ", video_url="").clean()
    assert "place" in error.value.message_dict
    session(place="", video_url="https://meet.example.edu/taller").clean()
    session(place="Aula 3", video_url="").clean()


def test_session_hours():
    assert session(start_time=datetime.time(9, 0), end_time=datetime.time(10, 30)).hours == (
        Decimal("1.50")
    )


def test_workshop_helpers(programme):
    page = factories.build_workshop(
        programme,
        capacity=3,
        sessions=[
            factories.session_data(days=10, start="16:00", end="18:00"),
            factories.session_data(days=-3, start="09:00", end="10:00"),
            factories.session_data(days=2, start="10:00", end="11:30"),
        ],
    )
    page = GroupWorkshopPage.objects.get(pk=page.pk)
    today = timezone.localdate()
    assert [s.date for s in page.ordered_sessions] == [
        today - datetime.timedelta(days=3),
        today + datetime.timedelta(days=2),
        today + datetime.timedelta(days=10),
    ]
    assert [s.date for s in page.upcoming_sessions()] == [
        today + datetime.timedelta(days=2),
        today + datetime.timedelta(days=10),
    ]
    assert page.next_session().date == today + datetime.timedelta(days=2)
    assert page.total_hours() == Decimal("4.50")
    assert page.registration_is_open()
    factories.add_registrations(page, 2)
    page = GroupWorkshopPage.objects.get(pk=page.pk)
    assert page.seats_left() == 1


def test_registration_closes_when_sessions_are_past_or_staff_closes_it(programme):
    past = factories.build_workshop(
        programme, title="Pasado", sessions=[factories.session_data(days=-1)]
    )
    assert not past.registration_is_open()
    with translation.override("es"):
        assert "ya se realizaron todas las sesiones" in str(past.registration_closed_reason())

    today = factories.build_workshop(
        programme, title="Hoy", sessions=[factories.session_data(days=0)]
    )
    assert today.registration_is_open()

    closed = factories.build_workshop(programme, title="Cerrado", registration_open=False)
    assert not closed.registration_is_open()

    draft = factories.build_workshop(programme, title="Borrador")
    draft.unpublish()
    draft.refresh_from_db()
    assert not GroupWorkshopPage.objects.get(pk=draft.pk).registration_is_open()


def test_upcoming_workshops_of_a_programme(programme, programme_index):
    later = factories.build_workshop(
        programme, title="Después", sessions=[factories.session_data(days=20)]
    )
    sooner = factories.build_workshop(
        programme,
        title="Antes",
        sessions=[factories.session_data(days=-5), factories.session_data(days=3)],
    )
    factories.build_workshop(programme, title="Pasado", sessions=[factories.session_data(days=-2)])
    draft = factories.build_workshop(programme, title="Borrador")
    draft.unpublish()
    other_programme = factories.build_programme(programme_index, title="Otro programa")
    factories.build_workshop(other_programme, title="De otro programa")

    workshops = get_upcoming_workshops(programme)
    assert [w.pk for w in workshops] == [sooner.pk, later.pk]
    assert workshops[0].next_session().date == (timezone.localdate() + datetime.timedelta(days=3))
    assert [w.pk for w in get_upcoming_workshops(programme, limit=1)] == [sooner.pk]


def test_search_finds_programmes_and_workshops(programme, client):
    factories.build_workshop(
        programme,
        title="Estilos de aprendizaje",
        introduction="<p>Descubre cómo aprendes mejor con mapas conceptuales.</p>",
    )
    response = client.get("/search/", {"q": "conceptuales"})
    assert response.status_code == 200
    assert "Estilos de aprendizaje" in response.content.decode()

    response = client.get("/search/", {"q": "Acción Tutorial"})
    assert "Programa de Acción Tutorial" in response.content.decode()

    search_fields = {f.field_name for f in GroupWorkshopPage.search_fields}
    assert {"title", "introduction", "audience", "learning_outcomes"} <= search_fields
