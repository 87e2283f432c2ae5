"""The default theme's pages (issue #17, item 1): breadcrumbs below the site's home page,
cards of programmes, workshops and tutors, images as renditions with srcset, sizes and alt
text, data tables in a box of their own that scrolls, and the demo's images."""

import re

import pytest
from django.conf import settings
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from tests import factories

pytestmark = pytest.mark.django_db


def image(title, description=""):
    return Image.objects.create(
        title=title, description=description, file=get_test_image_file(size=(1600, 900))
    )


@pytest.fixture
def pages(mx_home):
    index = factories.build_programme_index(mx_home)
    programme = factories.build_programme(index)
    workshop = factories.build_workshop(programme, capacity=5)
    tutors = factories.build_tutor_index(mx_home)
    tutor = factories.build_tutor_profile(tutors, title="Ana Pérez")
    return {
        "home": mx_home,
        "index": index,
        "programme": programme,
        "workshop": workshop,
        "tutors": tutors,
        "tutor": tutor,
    }


def get(client, page):
    response = client.get(page.url, HTTP_HOST="localhost")
    assert response.status_code == 200
    return response.text


def breadcrumbs(html):
    pattern = r'<nav class="tutoria-breadcrumbs" aria-label="([^"]+)">(.*?)</nav>'
    return re.search(pattern, html, re.S)


def test_breadcrumbs_list_the_ancestors_below_the_home_page(client, pages):
    html = get(client, pages["workshop"])
    nav = breadcrumbs(html)
    assert nav is not None and nav.group(1) == "Ruta de navegación"
    items = re.findall(r"<li[^>]*>(.*?)</li>", nav.group(2), re.S)
    assert items == [
        '<a href="/">Inicio</a>',
        f'<a href="{pages["index"].url}">{pages["index"].title}</a>',
        f'<a href="{pages["programme"].url}">{pages["programme"].title}</a>',
        pages["workshop"].title,
    ]
    assert f'<li aria-current="page">{pages["workshop"].title}</li>' in nav.group(2)
    assert "<ol>" in nav.group(2)
    # A page just below the home page, and the home page itself, need none.
    assert breadcrumbs(get(client, pages["index"])) is None
    assert breadcrumbs(get(client, pages["home"])) is None


def test_the_menu_and_search_box_are_in_the_header(client, pages):
    html = get(client, pages["programme"])
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert 'role="search"' in header and 'type="search"' in header
    assert 'class="site-nav"' in header


def test_programme_and_workshop_images_are_renditions_with_srcset_sizes_and_alt(client, pages):
    programme, workshop = pages["programme"], pages["workshop"]
    programme.image = image("Programa", "Estudiantes en la biblioteca")
    programme.save_revision().publish()
    workshop.image = image("Taller", "Un grupo de estudio")
    workshop.save_revision().publish()
    library, group = "Estudiantes en la biblioteca", "Un grupo de estudio"
    for page, alt in ((programme, library), (workshop, group)):
        html = get(client, page)
        img = re.search(r'<img[^>]*class="tutoria-hero__image"[^>]*>', html).group(0)
        assert f'alt="{alt}"' in img
        assert re.search(r'srcset="[^"]*480w, [^"]*960w, [^"]*1440w"', img)
        assert 'sizes="(min-width: 60rem) 58rem, 100vw"' in img
        assert "/media/images/" in img or "/images/" in img
    # The cards: the programme on its index, the workshop on its programme.
    for page, alt in ((pages["index"], library), (programme, group)):
        html = get(client, page)
        card = re.search(r'<li class="tutoria-card tutoria-card--image">(.*?)</li>', html, re.S)
        assert card is not None, page
        img = re.search(r"<img[^>]*>", card.group(1)).group(0)
        assert f'alt="{alt}"' in img and "400w" in img and "800w" in img and "sizes=" in img


def test_pages_without_images_show_none(client, pages):
    for key in ("programme", "workshop", "index"):
        assert "tutoria-hero" not in get(client, pages[key])
        assert "tutoria-card--image" not in get(client, pages[key])


def test_tutor_cards_and_profile_photo_have_srcset_and_alt(client, pages):
    tutor = pages["tutor"]
    tutor.photo = image("Ana")
    tutor.save_revision().publish()
    html = get(client, pages["tutors"])
    card = re.search(r'<li class="tutoria-card">(.*?)</li>', html, re.S).group(1)
    img = re.search(r"<img[^>]*>", card).group(0)
    assert 'alt=""' in img  # the name is the card's heading, next to it
    assert "160w" in img and "320w" in img and 'sizes="160px"' in img
    html = get(client, tutor)
    img = re.search(r'<img[^>]*class="tutoria-tutor-photo"[^>]*>', html).group(0)
    assert f'alt="{tutor.display_name}"' in img and "240w" in img and "480w" in img


def test_data_tables_scroll_in_their_own_keyboard_reachable_box(client, pages):
    html = get(client, pages["workshop"])
    pattern = r'<div class="tutoria-table-scroll"([^>]*)>\s*<table class="tutoria-sessions"'
    box = re.search(pattern, html)
    assert box is not None
    assert 'tabindex="0"' in box.group(1) and 'role="region"' in box.group(1)
    assert "aria-labelledby" in box.group(1) or "aria-label" in box.group(1)
    css = (settings.BASE_DIR / "sites/static/css/site.css").read_text()
    assert re.search(r"\.tutoria-table-scroll \{[^}]*overflow-x: auto", css)


def test_pages_with_images_stay_within_the_query_budget(client, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.sites.test_query_budget import BUDGET

    pages["programme"].image = image("Programa", "Estudiantes")
    pages["programme"].save_revision().publish()
    pages["workshop"].image = image("Taller", "Grupo")
    pages["workshop"].save_revision().publish()
    pages["tutor"].photo = image("Ana")
    pages["tutor"].save_revision().publish()
    counts = {}
    for key in ("index", "programme", "workshop", "tutors", "tutor"):
        get(client, pages[key])  # makes the renditions (content changed: caches start again)
        get(client, pages[key])  # warms the caches
        with CaptureQueriesContext(connection) as queries:
            html = get(client, pages[key])
        assert "srcset=" in html, key
        counts[key] = len(queries)
    assert max(counts.values()) <= BUDGET, counts
    print(counts)
