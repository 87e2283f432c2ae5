"""The public search (sites/home/views.py): it finds what people type.

Pages are indexed with the words visitors use (the page type's name and synonyms, the programme
of a workshop, its facilitators, a tutor's competencies, modalities in every language), accents
and case aside; each result shows its type and a snippet; only the current site's live public
pages are results. Runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

import re

import pytest
from wagtail.models import PageViewRestriction

from tests import factories
from tutoria_cms.core.choices import Modality
from tutoria_cms.tutors import services
from tutoria_cms.tutors.models import Competency

pytestmark = pytest.mark.django_db

MX = "localhost"
BR = "127.0.0.1"


def titles(client, query, host=MX):
    response = client.get("/search/", {"q": query}, HTTP_HOST=host)
    assert response.status_code == 200
    return sorted(re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', response.text))


@pytest.fixture
def mx_programme(mx_home):
    index = factories.build_programme_index(mx_home)
    return factories.build_programme(index, title="Acompañamiento académico")


@pytest.fixture
def br_programme(br_home):
    index = factories.build_programme_index(br_home, title="Programas")
    return factories.build_programme(index, title="Acompanhamento acadêmico")


def test_taller_finds_a_workshop_of_the_mexican_site(client, mx_programme, br_programme):
    factories.build_workshop(mx_programme, title="Técnicas de estudio")
    factories.build_workshop(br_programme, title="Técnicas de estudo")
    assert titles(client, "taller") == ["Técnicas de estudio"]
    assert titles(client, "Talleres") == ["Técnicas de estudio"]
    # The Brazilian site's word, on its site, for its own workshop only.
    assert titles(client, "oficina", host=BR) == ["Técnicas de estudo"]
    assert titles(client, "oficinas", host=BR) == ["Técnicas de estudo"]


def test_a_workshop_is_found_by_its_programme_and_its_facilitators(client, mx_programme):
    factories.build_workshop(
        mx_programme,
        title="Mapas conceptuales",
        facilitators=[("person", {"name": "Rosalía Quintanar", "role": "Psicóloga"})],
    )
    other = factories.build_programme(mx_programme.get_parent(), title="Otro programa")
    factories.build_workshop(other, title="Gestión del tiempo")
    assert titles(client, "Acompañamiento") == ["Acompañamiento académico", "Mapas conceptuales"]
    assert titles(client, "Quintanar") == ["Mapas conceptuales"]
    assert titles(client, "rosalia quintanar") == ["Mapas conceptuales"]


def test_a_workshop_is_found_by_its_modality_in_either_language(client, mx_programme):
    factories.build_workshop(mx_programme, title="Lectura crítica", modality=Modality.VIDEO)
    factories.build_workshop(mx_programme, title="Redacción", modality=Modality.IN_PERSON)
    # "Videollamada" (es) and "videochamada" (pt-BR) both name the modality.
    assert titles(client, "videollamada") == ["Lectura crítica"]
    assert titles(client, "videochamada") == ["Lectura crítica"]


@pytest.mark.parametrize("query", ["tutoria", "TUTORÍA", "Tutoría", "tutoría"])
def test_accents_and_case_do_not_matter(client, mx_home, query):
    index = factories.build_programme_index(mx_home)
    factories.build_programme(index, title="Tutoría entre pares")
    # Found by its type too: "programa de tutoría" names every programme.
    factories.build_programme(index, title="Acompañamiento académico")
    factories.build_tutor_index(mx_home, title="Directorio")
    assert titles(client, query) == ["Acompañamiento académico", "Tutoría entre pares"]


def test_convenio_finds_the_partnerships_page_accents_and_case_aside(client, mx_home, br_home):
    from tutoria_cms.core.models import get_page_model_for

    model = get_page_model_for("partnership_index")
    factories.add_page(mx_home, model(title="Vinculación", slug="vinculacion"))
    factories.add_page(br_home, model(title="Vinculação", slug="vinculacao"))
    for query in ("convenio", "Convênio", "CONVENIOS", "acuerdo"):
        assert titles(client, query) == ["Vinculación"], query
    for query in ("parceria", "convênio", "convenio"):
        assert titles(client, query, host=BR) == ["Vinculação"], query


@pytest.fixture
def framework(db):
    return factories.load_seed_framework()


@pytest.fixture
def tutor_index(mx_home, framework):
    return factories.build_tutor_index(mx_home, title="Directorio de tutorías")


def test_a_tutor_is_found_by_the_competencies_of_the_public_matrix(client, tutor_index):
    tutor = factories.build_tutor_user("tutora.a", first_name="Ana", last_name="Ramírez")
    coordinator = factories.build_tutor_user("coord", groups=("Tutoring coordination",))
    ana = factories.build_tutor_profile(tutor_index, title="Ana Ramírez", user=tutor)
    other = factories.build_tutor_user("tutor.b", first_name="Bruno", last_name="Salas")
    factories.build_tutor_profile(tutor_index, title="Bruno Salas", user=other)
    didactics = Competency.objects.get(code="didactics")
    services.self_assess(ana, didactics, user=tutor, level=3)
    # Self-assessed, not yet published (moderation): not public, not searchable.
    assert titles(client, "didáctica") == []
    ana.save_revision(user=tutor).publish()
    assert titles(client, "didáctica") == ["Ana Ramírez"]
    assert titles(client, "didactica") == ["Ana Ramírez"]
    # A level validated by the coordination is public at once.
    guidance = Competency.objects.get(code="guidance")
    services.validate(ana, guidance, user=coordinator, level=2)
    assert titles(client, "orientación personal") == ["Ana Ramírez"]
    # "tutora", "docente": the page type's words find every profile.
    assert titles(client, "docente") == ["Ana Ramírez", "Bruno Salas"]


def test_results_show_their_type_and_a_snippet(client, mx_programme, br_programme):
    workshop = factories.build_workshop(
        mx_programme,
        title="Estilos de aprendizaje",
        introduction="<p>Descubre <b>cómo aprendes</b> mejor con mapas conceptuales. "
        + "Práctica guiada. " * 30
        + "</p>",
    )
    response = client.get("/search/", {"q": "conceptuales"}, HTTP_HOST=MX)
    html = response.text
    assert '<p class="search-result-type">Taller grupal</p>' in html
    snippet = re.search(r'<p class="search-result-snippet">([^<]*)</p>', html).group(1)
    assert snippet.startswith("Descubre cómo aprendes mejor con mapas conceptuales.")
    assert snippet.endswith("…") and len(snippet) <= 200
    # The editors' search description wins.
    workshop.search_description = "Un taller para aprender a aprender."
    workshop.save_revision().publish()
    html = client.get("/search/", {"q": "conceptuales"}, HTTP_HOST=MX).text
    assert '<p class="search-result-snippet">Un taller para aprender a aprender.</p>' in html
    # In the Brazilian site's language.
    factories.build_workshop(br_programme, title="Estilos de aprendizagem")
    html = client.get("/search/", {"q": "aprendizagem"}, HTTP_HOST=BR).text
    assert '<p class="search-result-type">Oficina</p>' in html
    html = client.get("/search/", {"q": "acompanhamento"}, HTTP_HOST=BR).text
    assert '<p class="search-result-type">Programa de tutoria</p>' in html


def test_only_live_public_pages_of_the_current_site(client, mx_programme, br_programme):
    factories.build_workshop(mx_programme, title="Taller público")
    draft = factories.build_workshop(mx_programme, title="Taller borrador")
    draft.unpublish()
    private = factories.build_workshop(mx_programme, title="Taller privado")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    factories.build_workshop(br_programme, title="Taller do Brasil")
    assert titles(client, "taller") == ["Taller público"]
    assert titles(client, "oficina", host=BR) == ["Taller do Brasil"]
    assert "Taller público" not in titles(client, "Taller", host=BR)


def test_search_text_adds_the_accent_folded_words():
    from tutoria_cms.core.search import fold, search_text

    assert fold("TUTORÍA Convênio Orientação") == "tutoria convenio orientacao"
    assert search_text("Tutoría", ["Convênio", ""], None) == "Tutoría Convênio tutoria convenio"
    assert search_text("taller") == "taller"


def test_update_index_writes_the_same_words(client, mx_programme):
    from io import StringIO

    from django.core.management import call_command

    factories.build_workshop(
        mx_programme,
        title="Mapas mentales",
        facilitators=[("person", {"name": "Rosalía Quintanar"})],
    )
    call_command("update_index", stdout=StringIO(), stderr=StringIO())
    assert titles(client, "taller") == ["Mapas mentales"]
    assert titles(client, "rosalia") == ["Mapas mentales"]
