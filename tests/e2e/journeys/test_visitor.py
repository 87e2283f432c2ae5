"""Visitor journeys: from the public home page, find a workshop, sign up and confirm the
place from the link of the e-mail."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests import factories
from tests.e2e.journeys.conftest import es, pt
from tutoria_cms.workshops.forms import WorkshopRegistrationForm
from tutoria_cms.workshops.models import WorkshopRegistration

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CONFIRMED = "You are registered. We have sent a confirmation to your e-mail address."
WAITLISTED = (
    "The workshop is full, so you are on the waiting list. We have sent you an e-mail, "
    "and will write again if a place becomes free."
)


REQUESTED = (
    "Thank you. If the details are valid, you will receive an e-mail with a link to confirm "
    "your place (at the address on your student record, where the institution has one). No "
    "place is kept until you confirm, within %(hours)s hour.",
    "Thank you. If the details are valid, you will receive an e-mail with a link to confirm "
    "your place (at the address on your student record, where the institution has one). No "
    "place is kept until you confirm, within %(hours)s hours.",
)


def requested(language, hours=48):
    """The answer to any sign-up (the same whatever was typed), as the site shows it."""
    with translation.override(language):
        return translation.ngettext(*REQUESTED, hours) % {"hours": hours}


def confirm_from_email(page, mailoutbox, address, language):
    """Open the link of the last e-mail sent to ``address`` and press its button."""
    translate = es if language == "es" else pt
    message = [m for m in mailoutbox if address in m.to][-1]
    url = re.search(r"https?://\S+\?confirm=\S+", message.body).group(0)
    page.goto("/" + url.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name=translate("Confirm my place")).click()


def form_labels(language):
    with translation.override(language):
        return {name: str(f.label) for name, f in WorkshopRegistrationForm().fields.items()}


def sign_up(page, language, number, name, email):
    """Fill in and send the workshop page's sign-up form, as the student reads it."""
    translate = es if language == "es" else pt
    labels = form_labels(language)
    button = page.get_by_role("button", name=translate("Sign up"))
    form = page.locator("form", has=button)
    form.get_by_label(labels["student_number"], exact=True).fill(number)
    form.get_by_label(labels["full_name"], exact=True).fill(name)
    form.get_by_label(labels["email"], exact=True).fill(email)
    form.get_by_label(labels["consent"], exact=True).check()
    button.click()


def test_visitor_finds_a_workshop_by_search_and_signs_up(site, visitor, mailoutbox):
    programme = factories.build_programme(factories.build_programme_index(site))
    workshop = factories.build_workshop(programme, title="Taller de escritura académica")
    factories.build_workshop(programme, title="Taller de trabajo cooperativo")
    page = visitor()

    search = page.get_by_role("search")
    search.get_by_label(es("Search"), exact=True).fill("escritura")
    search.get_by_role("button", name=es("Search")).click()
    results = page.get_by_role(
        "region", name=es("Results for “%(query)s”") % {"query": "escritura"}
    )
    results.get_by_role("link", name="Taller de escritura académica").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Taller de escritura académica")
    sign_up(page, "es", "a20250042", "Lucía Hernández Soto", "lucia@alumnos.example.edu")

    assert page.get_by_role("status").inner_text() == requested("es")
    registration = WorkshopRegistration.objects.get()
    assert registration.status == WorkshopRegistration.Status.PENDING  # no seat yet
    (link,) = mailoutbox
    assert link.to == ["lucia@alumnos.example.edu"]
    assert "Lucía" not in link.body  # nothing typed by the sender in the e-mail
    confirm_from_email(page, mailoutbox, "lucia@alumnos.example.edu", "es")

    assert page.get_by_role("status").inner_text() == es(CONFIRMED)
    registration.refresh_from_db()
    assert registration.workshop_id == workshop.pk
    assert registration.status == WorkshopRegistration.Status.CONFIRMED
    assert (registration.student_number, registration.language) == ("A20250042", "es")
    assert [m.to for m in mailoutbox] == [["lucia@alumnos.example.edu"]] * 2


def test_visitor_signs_up_to_a_full_workshop_and_joins_the_waiting_list(site, visitor, mailoutbox):
    index = factories.build_programme_index(site, title="Programas de tutoría", show_in_menus=True)
    programme = factories.build_programme(index, title="Programa de Acción Tutorial")
    workshop = factories.build_workshop(programme, title="Técnicas de estudio", capacity=2)
    factories.add_registrations(workshop, 2)
    page = visitor()

    page.get_by_role("navigation", name=es("Main menu")).get_by_role(
        "link", name="Programas de tutoría"
    ).click()
    page.get_by_role("link", name="Programa de Acción Tutorial").click()
    page.get_by_role("link", name="Técnicas de estudio").click()
    page.get_by_text(
        es("All the places are taken. If you sign up, you join the waiting list.")
    ).wait_for()
    sign_up(page, "es", "A20250077", "Mario Gómez Ruiz", "mario@alumnos.example.edu")
    assert page.get_by_role("status").inner_text() == requested("es")
    confirm_from_email(page, mailoutbox, "mario@alumnos.example.edu", "es")

    assert page.get_by_role("status").inner_text() == es(WAITLISTED)
    registration = WorkshopRegistration.objects.get(student_number="A20250077")
    assert registration.status == WorkshopRegistration.Status.WAITLISTED
    assert WorkshopRegistration.objects.filter(status="confirmed").count() == 2


def test_visitor_signs_up_on_the_brazilian_site_in_portuguese(br_site, visitor, mailoutbox):
    index = factories.build_programme_index(br_site, title="Programas")
    programme = factories.build_programme(index, title="Programa de tutoria")
    workshop = factories.build_workshop(programme, title="Oficina de escrita acadêmica")
    page = visitor(base_url=br_site.base_url, locale="pt-BR")

    search = page.get_by_role("search")
    search.get_by_label(pt("Search"), exact=True).fill("escrita")
    search.get_by_role("button", name=pt("Search")).click()
    page.get_by_role("link", name="Oficina de escrita acadêmica").click()
    sign_up(page, "pt-br", "2025004217", "João Pereira", "joao@discente.example.edu.br")
    assert page.get_by_role("status").inner_text() == requested("pt-br")
    confirm_from_email(page, mailoutbox, "joao@discente.example.edu.br", "pt-br")

    assert page.get_by_role("status").inner_text() == pt(CONFIRMED)
    registration = WorkshopRegistration.objects.get()
    assert registration.workshop_id == workshop.pk and registration.language == "pt-br"
    assert registration.status == WorkshopRegistration.Status.CONFIRMED


def test_visitor_finds_a_video_workshop_in_the_calendar(site, visitor):
    index = factories.build_programme_index(site, title="Programas de tutoría")
    programme = factories.build_programme(index, title="Programa de Acción Tutorial")
    factories.build_workshop(programme, title="Técnicas de estudio")
    factories.build_workshop(
        programme,
        title="Gestión del tiempo en línea",
        modality="video",
        sessions=[factories.session_data(days=9, place="", video_url="https://v.example/x")],
    )
    factories.build_workshop(
        programme, title="Taller del semestre pasado", sessions=[factories.session_data(days=-30)]
    )
    factories.build_workshop_calendar(site, title="Calendario de talleres", show_in_menus=True)
    page = visitor()

    page.get_by_role("navigation", name=es("Main menu")).get_by_role(
        "link", name="Calendario de talleres"
    ).click()
    expect(page.get_by_role("link", name="Técnicas de estudio")).to_be_visible()
    form = page.get_by_role("form", name=es("Filter the calendar"))
    form.get_by_label(es("Modality")).select_option(label=es("At a distance: video call"))
    form.get_by_role("button", name=es("Show")).click()
    page.wait_for_url("**modality=video**")
    expect(page.get_by_role("link", name="Gestión del tiempo en línea")).to_be_visible()
    assert page.get_by_role("link", name="Técnicas de estudio").count() == 0
    form = page.get_by_role("form", name=es("Filter the calendar"))
    form.get_by_label(es("Show")).select_option(label=es("Past workshops"))
    form.get_by_label(es("Modality")).select_option(label=es("All modalities"))
    form.get_by_role("button", name=es("Show")).click()
    page.get_by_role("link", name="Taller del semestre pasado").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Taller del semestre pasado")
