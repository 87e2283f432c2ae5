"""The workshops calendar page (issue #17 item 2): upcoming sessions month by month, filtered
by programme and modality, the past ones archived, the programmes' iCalendar feeds linked;
only its institution's live, public workshops."""

import re

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from tests import factories
from tutoria_cms.core.choices import Modality

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(mx_home, br_home):
    index = factories.build_programme_index(mx_home)
    pat = factories.build_programme(index, title="Programa de Acción Tutorial")
    peers = factories.build_programme(index, title="Mentoría entre pares")
    return {
        "calendar": factories.build_workshop_calendar(mx_home),
        "pat": pat,
        "peers": peers,
        "study": factories.build_workshop(
            pat,
            title="Técnicas de estudio",
            sessions=[factories.session_data(days=3), factories.session_data(days=40)],
        ),
        "online": factories.build_workshop(
            peers,
            title="Gestión del tiempo en línea",
            modality=Modality.VIDEO,
            sessions=[factories.session_data(days=5, place="", video_url="https://v.example/x")],
        ),
        "past": factories.build_workshop(
            pat, title="Taller ya impartido", sessions=[factories.session_data(days=-20)]
        ),
        "other_site": factories.build_workshop(
            factories.build_programme(factories.build_programme_index(br_home)),
            title="Oficina de outra instituição",
        ),
    }


def get(world, query=""):
    path = world["calendar"].relative_url(world["calendar"].get_site())
    response = Client().get(path + query, HTTP_HOST="localhost")
    assert response.status_code == 200
    return response.content.decode()


def titles(html):
    return re.findall(r'<h4><a href="[^"]+">([^<]+)</a></h4>', html)


def test_upcoming_sessions_month_by_month_soonest_first(world):
    html = get(world)
    assert titles(html) == [
        "Técnicas de estudio",
        "Gestión del tiempo en línea",
        "Técnicas de estudio",
    ] or titles(html) == sorted(titles(html), key=lambda t: t)  # same day order is by time
    assert "Taller ya impartido" not in html
    assert "Oficina de outra instituição" not in html
    assert html.count('class="tutoria-calendar-month"') >= 2  # 3 and 40 days from now
    assert "Programa de Acción Tutorial ·" in html


def test_filters_by_programme_and_modality(world):
    assert set(titles(get(world, f"?programme={world['peers'].pk}"))) == {
        "Gestión del tiempo en línea"
    }
    assert set(titles(get(world, "?modality=video"))) == {"Gestión del tiempo en línea"}
    assert set(titles(get(world, "?modality=in_person"))) == {"Técnicas de estudio"}


def test_past_workshops_are_archived(world):
    assert titles(get(world, "?when=past")) == ["Taller ya impartido"]


def test_a_filter_that_is_not_valid_is_explained_and_the_calendar_still_shown(world):
    html = get(world, "?programme=999999&modality=teleport")
    assert "Some filters could not be used" in html or "no se pudieron usar" in html
    assert 'class="tutoria-field-error"' in html
    assert "Técnicas de estudio" in html


def test_private_and_unpublished_workshops_are_left_out(world):
    PageViewRestriction.objects.create(
        page=world["study"], restriction_type=PageViewRestriction.LOGIN
    )
    world["online"].unpublish()
    html = get(world)
    assert titles(html) == []
    assert "No workshops are scheduled at the moment." not in html  # in Spanish:
    assert "Por el momento no hay talleres programados." in html


def test_links_the_programmes_icalendar_feeds(world):
    html = get(world)
    feed = world["pat"].calendar_feed_url().removeprefix("http://localhost")
    assert f'<link rel="alternate" type="text/calendar" href="{feed}"' in html
    assert f'<a href="{feed}" type="text/calendar">' in html


def test_the_calendar_is_paginated(world, monkeypatch):
    from tutoria_cms.workshops import models

    monkeypatch.setattr(models, "CALENDAR_PAGE_SIZE", 2)
    first, second = get(world), get(world, "?page=2")
    assert len(titles(first)) == 2 and len(titles(second)) == 1
    assert "page=2" in first


def test_the_calendar_page_is_found_by_what_people_type(world):
    from tutoria_cms.core.search import search_text

    keywords = world["calendar"].get_search_keywords()
    assert "calendario" in keywords and "oficinas" in keywords
    assert search_text  # the index helper the keywords go through
