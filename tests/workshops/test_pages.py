import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from tests import factories
from tutoria_cms.workshops.models import WorkshopRegistration

FORM = {
    "student_number": "A-20231234",
    "full_name": "María López",
    "email": "maria@example.edu",
    "consent": "on",
}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def do_post(url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **extra)

    return do_post


def test_get_shows_an_accessible_form(workshop, client):
    response = client.get(workshop.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<main id="main">' in html
    assert '<label for="id_student_number">Número de matrícula</label>' in html
    for name in ("full_name", "email", "consent"):
        assert f'<label for="id_{name}">' in html
        assert f'id="id_{name}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "<script" not in html.split("<main", 1)[1]
    # Headings go h1, then h2 (and h3 inside them), never skipping a level.
    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert "Inscripción" in html


def test_post_registers_and_redirects(workshop, client, post, mailoutbox):
    response = post(workshop.url, FORM)
    assert response.status_code == 302
    assert response["Location"] == f"{workshop.url}?signup=confirmed#registration"
    registration = WorkshopRegistration.objects.get()
    assert registration.student_number == "A-20231234"
    assert registration.language == "es"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("Inscripción confirmada")

    page = client.get(response["Location"]).content.decode()
    assert "Ya estás inscrito" in page or "Quedaste inscrito" in page
    assert 'role="status"' in page


def test_post_on_the_brazilian_site_registers_in_portuguese(br_workshop, post, mailoutbox):
    path = br_workshop.relative_url(br_workshop.get_site())
    response = post(path, FORM, HTTP_HOST="127.0.0.1")
    assert response.status_code == 302
    assert WorkshopRegistration.objects.get().language == "pt-br"
    assert mailoutbox[0].subject == "Inscrição confirmada: Oficina de estudos"


def test_waitlisted_signup_redirects_with_its_status(programme, post, client):
    workshop = factories.build_workshop(programme, capacity=1)
    factories.add_registrations(workshop, 1)
    response = post(workshop.url, FORM)
    assert response["Location"] == f"{workshop.url}?signup=waitlisted#registration"
    assert "lista de espera" in client.get(response["Location"]).content.decode()


def test_post_with_errors_rerenders_with_translated_messages(workshop, post):
    response = post(workshop.url, {**FORM, "student_number": "!", "consent": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "no es un número de matrícula válido" in html
    assert "aceptar el uso de tus datos" in html
    assert 'href="#id_student_number"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="María López"' in html  # what was typed is kept
    assert not WorkshopRegistration.objects.exists()


def test_duplicate_post_is_refused_politely(workshop, post):
    post(workshop.url, FORM)
    again = {**FORM, "email": "MARIA@example.edu", "student_number": "B-1234"}
    response = post(workshop.url, again)
    assert response.status_code == 200
    assert "Ya estás inscrito" in response.content.decode()
    assert WorkshopRegistration.objects.count() == 1


def test_registration_closed_when_every_session_is_past(programme, client, post):
    workshop = factories.build_workshop(
        programme, sessions=[factories.session_data(days=-2), factories.session_data(days=-1)]
    )
    html = client.get(workshop.url).content.decode()
    assert '<form method="post"' not in html
    assert "ya se realizaron todas las sesiones" in html
    response = post(workshop.url, FORM)
    assert response.status_code == 200
    assert not WorkshopRegistration.objects.exists()


def test_full_workshop_without_waiting_list_says_so(programme, client):
    workshop = factories.build_workshop(programme, capacity=1, waiting_list_enabled=False)
    factories.add_registrations(workshop, 1)
    html = client.get(workshop.url).content.decode()
    assert "no tiene lista de espera" in html
    assert 'name="student_number"' not in html


def test_csrf_is_required(workshop):
    response = Client(enforce_csrf_checks=True).post(workshop.url, FORM)
    assert response.status_code == 403
    assert not WorkshopRegistration.objects.exists()


def test_preview_never_registers(workshop):
    request = RequestFactory().post(workshop.url, FORM)
    request.user = AnonymousUser()
    request.is_preview = True
    response = workshop.serve(request)
    response.render()
    assert response.status_code == 200
    assert not WorkshopRegistration.objects.exists()


def test_programme_page_lists_upcoming_workshops(programme, client):
    factories.build_workshop(programme, title="Trabajo cooperativo")
    factories.build_workshop(programme, title="Ya pasó", sessions=[factories.session_data(days=-1)])
    html = client.get(programme.url).content.decode()
    assert "Próximos talleres" in html
    assert "Trabajo cooperativo" in html
    assert "Ya pasó" not in html


def build_programme_with_workshops(index, title, workshops, sessions, registrations):
    programme = factories.build_programme(index, title=title)
    pages = []
    for number in range(workshops):
        page = factories.build_workshop(
            programme,
            title=f"Taller {number}",
            capacity=registrations + 5,
            sessions=[factories.session_data(days=day + 1) for day in range(sessions)],
        )
        factories.add_registrations(page, registrations, start=number * 1000)
        pages.append(page)
    return programme, pages


def count_queries(client, url):
    client.get(url)  # warm caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_pages_render_in_a_bounded_number_of_queries(programme_index, client):
    small, (small_workshop,) = build_programme_with_workshops(
        programme_index, "Pequeño", workshops=1, sessions=1, registrations=1
    )
    large, large_workshops = build_programme_with_workshops(
        programme_index, "Grande", workshops=10, sessions=5, registrations=20
    )
    small_programme_queries = count_queries(client, small.url)
    large_programme_queries = count_queries(client, large.url)
    assert large_programme_queries == small_programme_queries
    assert small_programme_queries <= 25  # routing, site, menu + 4 for the workshops section

    small_workshop_queries = count_queries(client, small_workshop.url)
    large_workshop_queries = count_queries(client, large_workshops[-1].url)
    assert large_workshop_queries == small_workshop_queries
    assert small_workshop_queries <= 25

    html = client.get(large.url).content.decode()
    assert all(page.title in html for page in large_workshops)
