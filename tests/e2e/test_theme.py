"""The default theme in a real browser at 320 px wide (issue #17, item 1): no public page
type is wider than the screen (data tables scroll inside their own box, which the keyboard
reaches), with the institution's logo, long contact lines and images on the pages."""

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from tests import factories
from tests.e2e.conftest import server_idle

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTH = 320


def image(title):
    return Image.objects.create(
        title=title, description=title, file=get_test_image_file(size=(1600, 900))
    )


@pytest.fixture
def public_pages(site):
    from tutoria_cms.core.models import InstitutionSettings
    from tutoria_cms.partnerships.models import PartnershipIndexPage

    settings_row = InstitutionSettings.for_site(Site.objects.get(root_page=site))
    settings_row.logo = image("Logo")
    settings_row.primary_colour = "#7a1f3d"
    settings_row.contact = (
        "Coordinación Institucional de Tutorías y Acompañamiento Académico\n"
        "coordinacion.institucional.de.tutorias@universidad-de-ejemplo.example.edu"
    )
    settings_row.data_controller = "Universidad de Ejemplo, Avenida Universidad 100, León"
    settings_row.privacy_notice = "<p>Tratamos tus datos solo para acompañarte.</p>"
    settings_row.save()
    index = factories.build_programme_index(site, title="Programas de tutoría y mentoría")
    programme = factories.build_programme(
        index, title="Programa Institucional de Acción Tutorial", image=image("Programa")
    )
    workshop = factories.build_workshop(
        programme,
        title="Taller de técnicas de estudio y organización del tiempo",
        capacity=5,
        image=image("Taller"),
        sessions=[
            factories.session_data(days=7, place="Edificio de Ciencias Sociales, aula 204-B"),
            factories.session_data(days=14, place="", video_url="https://meet.example.edu/x"),
        ],
    )
    tutors = factories.build_tutor_index(site)
    tutor = factories.build_tutor_profile(
        tutors, department="Facultad de Ciencias Económico-Administrativas"
    )
    tutor.photo = image("Tutora")
    tutor.save_revision().publish()
    partnerships = factories.add_page(site, PartnershipIndexPage(title="Convenios"))
    return {
        "home": "/",
        "programme index": index.url,
        "programme": programme.url,
        "workshop": workshop.url,
        "tutor directory": tutors.url,
        "tutor profile": tutor.url,
        "partnerships": partnerships.url,
        "search": "/search/?q=taller",
        "privacy": "/privacy/",
        "not found": "/no-such-page/",
    }


def test_no_public_page_is_wider_than_a_320_px_screen(browsing, public_pages):
    page = browsing.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 640})
    wider = {}
    for name, path in public_pages.items():
        page.goto(path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            wider[name] = width
        assert page.locator("img.site-logo").count() == 1, name
        assert page.locator("footer a[href='/privacy/']").count() == 1, name
    with server_idle():
        pass
    assert wider == {}, f"wider than {WIDTH} px: {wider}"


def test_the_sessions_table_scrolls_in_its_own_box_reached_by_keyboard(browsing, public_pages):
    page = browsing.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 640})
    page.goto(public_pages["workshop"])
    box = page.locator(".tutoria-table-scroll").first
    assert box.get_attribute("tabindex") == "0"
    assert box.evaluate("element => getComputedStyle(element).overflowX") == "auto"
    box.focus()
    assert page.evaluate("document.activeElement.classList.contains('tutoria-table-scroll')")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
