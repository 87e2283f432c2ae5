import re
from urllib.parse import unquote

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


def confirmation_link(message):
    """The path and query of the confirmation link in an e-mail (the site's full URL)."""
    (url,) = re.findall(r"https?://\S+\?confirm=\S+", message.body)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def confirm(client, post, link, **extra):
    """Open the e-mail's link (a page with a button) and press the button."""
    page = client.get(link, **extra)
    assert page.status_code == 200
    token = re.search(r'name="confirm_token" value="([^"]+)"', page.content.decode()).group(1)
    return post(link.split("?", 1)[0], {"confirm_token": token}, **extra)


def test_post_asks_for_confirmation_then_the_link_registers(workshop, client, post, mailoutbox):
    response = post(workshop.url, FORM)
    assert response.status_code == 302
    assert response["Location"] == f"{workshop.url}?signup=requested#registration"
    registration = WorkshopRegistration.objects.get()
    assert registration.student_number == "A-20231234"
    assert registration.status == WorkshopRegistration.Status.PENDING
    assert registration.language == "es"
    assert workshop.seats_left() == 2  # a pending sign-up holds no seat
    (message,) = mailoutbox
    assert message.to == ["maria@example.edu"]  # no student records: the typed address
    assert message.subject.startswith("Confirma tu inscripción")
    assert "María" not in message.body  # nothing typed by the sender in the e-mail
    page = client.get(response["Location"]).content.decode()
    assert "Si los datos son válidos" in page and 'role="status"' in page

    link = confirmation_link(message)
    opened = client.get(link)
    assert opened["Cache-Control"] == "no-store"
    assert "Confirmar mi lugar" in opened.content.decode()
    registration.refresh_from_db()
    assert registration.status == WorkshopRegistration.Status.PENDING  # GET changes nothing

    response = confirm(client, post, link)
    assert response["Location"] == f"{workshop.url}?signup=confirmed#registration"
    registration.refresh_from_db()
    assert registration.status == WorkshopRegistration.Status.CONFIRMED
    assert registration.identity_verified_at is None  # no record to verify against
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject.startswith("Inscripción confirmada")
    assert "María" not in mailoutbox[1].body
    page = client.get(response["Location"]).content.decode()
    assert "Ya estás inscrito" in page or "Quedaste inscrito" in page


def test_post_on_the_brazilian_site_registers_in_portuguese(br_workshop, client, post, mailoutbox):
    path = br_workshop.relative_url(br_workshop.get_site())
    response = post(path, FORM, HTTP_HOST="127.0.0.1")
    assert response.status_code == 302
    assert WorkshopRegistration.objects.get().language == "pt-br"
    assert mailoutbox[0].subject == "Confirme sua inscrição: Oficina de estudos"
    confirm(client, post, confirmation_link(mailoutbox[0]), HTTP_HOST="127.0.0.1")
    assert mailoutbox[1].subject == "Inscrição confirmada: Oficina de estudos"


def test_waitlisted_signup_redirects_with_its_status(programme, post, client, mailoutbox):
    workshop = factories.build_workshop(programme, capacity=1)
    factories.add_registrations(workshop, 1)
    post(workshop.url, FORM)
    response = confirm(client, post, confirmation_link(mailoutbox[0]))
    assert response["Location"] == f"{workshop.url}?signup=waitlisted#registration"
    assert "lista de espera" in client.get(response["Location"]).content.decode()


def test_an_expired_link_gets_a_clear_page_and_holds_no_seat(
    workshop, client, post, mailoutbox, settings
):
    post(workshop.url, FORM)
    link = confirmation_link(mailoutbox[0])
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "SIGNUP_CONFIRMATION_HOURS": 0}
    html = client.get(link).content.decode()
    assert "Este enlace de confirmación caducó" in html
    assert 'name="confirm_token"' not in html
    token = unquote(link.split("confirm=", 1)[1])
    response = post(workshop.url, {"confirm_token": token})
    assert response.status_code == 200
    assert "caducó" in response.content.decode()
    assert WorkshopRegistration.objects.get().status == WorkshopRegistration.Status.PENDING


def test_a_changed_or_used_link_gets_a_clear_page(workshop, client, post, mailoutbox):
    post(workshop.url, FORM)
    link = confirmation_link(mailoutbox[0])
    changed = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert "no es válido" in client.get(changed).content.decode()
    confirm(client, post, link)
    html = client.get(link).content.decode()  # the link was used
    assert "no es válido" in html and 'name="confirm_token"' not in html
    assert WorkshopRegistration.objects.filter(status="confirmed").count() == 1


def test_the_answer_is_the_same_for_registered_unknown_and_new(workshop, client, post, mailoutbox):
    """No enumeration: a registered number, a registered e-mail and a new sign-up all get
    the same redirect and the same page."""
    post(workshop.url, FORM)
    confirm(client, post, confirmation_link(mailoutbox[0]))
    answers = set()
    for data in (
        FORM,  # the same student again
        {**FORM, "student_number": "B-1234", "email": "MARIA@example.edu"},  # e-mail taken
        {**FORM, "student_number": "C-5678", "email": "nuevo@example.edu"},  # new
    ):
        response = post(workshop.url, data)
        answers.add((response.status_code, response["Location"]))
    assert answers == {(302, f"{workshop.url}?signup=requested#registration")}
    # Only the new one was e-mailed (2 e-mails of the first sign-up, 1 link now).
    assert [m.to for m in mailoutbox[2:]] == [["nuevo@example.edu"]]


def test_a_pending_sign_up_blocks_nobody(workshop, client, post, mailoutbox):
    """Someone typing another student's number does not block that student."""
    post(workshop.url, {**FORM, "email": "mallory@example.com"})
    post(workshop.url, FORM)
    assert WorkshopRegistration.objects.filter(status="pending").count() == 2
    confirm(client, post, confirmation_link(mailoutbox[1]))
    real = WorkshopRegistration.objects.get(status="confirmed")
    assert real.email == "maria@example.edu"
    # The outsider's link now finds the number registered and takes nothing.
    response = confirm(client, post, confirmation_link(mailoutbox[0]))
    assert response.status_code == 200
    assert WorkshopRegistration.objects.filter(status="confirmed").count() == 1


def test_case_and_invisible_variants_are_one_student(workshop, client, post, mailoutbox):
    for index, number in enumerate(("mx-2023\u200b1234", "MX-20231234", "Mx-2023 1234")):
        post(workshop.url, {**FORM, "student_number": number, "email": f"s{index}@example.edu"})
    assert set(WorkshopRegistration.objects.values_list("student_number", flat=True)) == {
        "MX-20231234"
    }
    for message in mailoutbox[:3]:
        confirm(client, post, confirmation_link(message))
    assert WorkshopRegistration.objects.filter(status="confirmed").count() == 1


def test_with_student_records_the_link_goes_to_the_record_address(
    workshop, client, post, mailoutbox, mx_home
):
    factories.make_student(
        "A-20231234",
        site=mx_home.get_site(),
        email="Maria.Record@uni.example.edu",
        full_name="María Record",
    )
    # Unknown to the records: same answer, nothing stored, nothing sent.
    response = post(workshop.url, {**FORM, "student_number": "Z-99999"})
    assert response["Location"] == f"{workshop.url}?signup=requested#registration"
    assert not WorkshopRegistration.objects.exists() and not mailoutbox
    # Known: the link goes to the record's address, whatever was typed.
    response = post(workshop.url, {**FORM, "email": "mallory@example.com", "full_name": "X"})
    assert response["Location"] == f"{workshop.url}?signup=requested#registration"
    (message,) = mailoutbox
    assert message.to == ["maria.record@uni.example.edu"]
    confirm(client, post, confirmation_link(message))
    registration = WorkshopRegistration.objects.get()
    assert registration.status == "confirmed"
    assert registration.identity_verified_at is not None
    assert (registration.email, registration.full_name) == (
        "maria.record@uni.example.edu",
        "María Record",
    )


def test_too_many_attempts_are_refused_keeping_what_was_typed(workshop, post, settings):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "SIGNUP_RATE_PER_ADDRESS": 2}
    for number in ("A-1001", "A-1002"):
        assert post(workshop.url, {**FORM, "student_number": number}).status_code == 302
    response = post(workshop.url, {**FORM, "student_number": "A-1003"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Demasiados intentos" in html
    assert 'value="A-1003"' in html and 'value="María López"' in html
    assert WorkshopRegistration.objects.count() == 2


def test_the_workshop_limit_counts_every_address(workshop, post, settings):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "SIGNUP_RATE_PER_WORKSHOP": 1}
    post(workshop.url, FORM, REMOTE_ADDR="10.0.0.1")
    response = post(workshop.url, {**FORM, "student_number": "B-2"}, REMOTE_ADDR="10.0.0.2")
    assert "Demasiados intentos" in response.content.decode()


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
