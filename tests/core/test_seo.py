"""The description helper (``tutoria_cms.core.seo``): search description, else the page's own
text without markup, on one line, at most 160 characters; never empty."""

import pytest
from django.utils import translation

from sites.home.models import HomePage
from tutoria_cms.core import seo

pytestmark = pytest.mark.django_db


def test_search_description_first(mx_home):
    mx_home.search_description = "  Tutorías\n para todos.  "
    mx_home.introduction = "<p>Otra cosa.</p>"
    assert seo.page_description(mx_home) == "Tutorías para todos."


def test_own_text_without_markup_on_one_line(mx_home):
    mx_home.introduction = "<h2>Bienvenida</h2><p>Tutorías <b>para</b> todos &amp; todas.</p>"
    assert seo.page_description(mx_home) == "Bienvenida Tutorías para todos & todas."


def test_stream_field_text_blocks(mx_home):
    mx_home.body = [
        ("heading", {"text": "Calendario"}),
        ("paragraph", "<p>Inscripciones abiertas.</p>"),
    ]
    mx_home.save()
    page = HomePage.objects.get(pk=mx_home.pk)
    assert "Calendario" in seo.plain_text(page.body)
    assert "Inscripciones abiertas." in seo.plain_text(page.body)
    assert "<" not in seo.plain_text(page.body)
    assert "h2" not in seo.plain_text(page.body)  # the heading level, a choice


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_truncated_to_160_characters_after_a_whole_word(mx_home, language):
    mx_home.introduction = "<p>" + "palabra " * 100 + "</p>"
    with translation.override(language):
        description = seo.page_description(mx_home)
    assert len(description) <= 160
    # Django's own truncation puts a space first in pt-BR (its catalogue's " %(...)s…").
    assert description.startswith("palabra palabra")
    assert description.endswith("palabra…")


def test_title_when_there_is_no_text(mx_home):
    assert seo.page_description(mx_home) == mx_home.title
