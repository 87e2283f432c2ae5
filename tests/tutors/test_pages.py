"""Directory and profile pages: content, matrix rendering, filters, bounded queries."""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tutoria_cms.tutors import services
from tutoria_cms.tutors.models import Competency, TutorIndexPage, TutorProfilePage

pytestmark = pytest.mark.django_db


def assess(profile, user, levels, coordinator=None, validated=()):
    for code, level in levels.items():
        competency = Competency.objects.get(code=code)
        services.self_assess(
            profile, competency, user=user, level=level, evidence=f"Evidencia de {code}"
        )
        if code in validated:
            services.validate(profile, competency, user=coordinator, level=level)
    profile.save_revision(user=user).publish()


def test_page_type_rules():
    assert TutorProfilePage.allowed_parent_page_models() == [TutorIndexPage]
    assert TutorIndexPage.allowed_subpage_models() == [TutorProfilePage]
    assert TutorProfilePage.allowed_subpage_models() == []


def test_profile_page_shows_the_matrix_grouped_by_dimension(
    client, profile_a, tutor_a, coordinator
):
    assess(
        profile_a,
        tutor_a,
        {"guidance": 3, "didactics": 2, "emotional-management": 4},
        coordinator,
        validated={"guidance"},
    )
    html = client.get(profile_a.url).content.decode()
    captions = re.findall(r"<caption>([^<—]*)", html)
    assert [c.strip() for c in captions] == [
        "Cualidades científicas (saber)",
        "Cualidades humanas (ser)",
        "Cualidades técnicas (saber hacer)",
    ]
    assert '<th scope="col">' in html and '<th scope="row">Orientación personal' in html
    guidance_row = html.split("Orientación personal, académica y profesional", 1)[1]
    guidance_row = guidance_row.split("</tr>", 1)[0]
    assert "3 de 4" in guidance_row
    assert 'width="75"' in guidance_row  # the bar: 3 of 4
    assert "Validado" in guidance_row  # marked with text, not only colour
    didactics_row = html.split("Didáctica y estrategias de aprendizaje", 1)[1].split("</tr>")[0]
    assert "2 de 4" in didactics_row and "Autoevaluado" in didactics_row
    assert "Evidencia de" not in html  # evidence is for the tutor and the coordination


def test_unmoderated_self_assessments_are_not_public(client, profile_a, tutor_a):
    services.self_assess(profile_a, Competency.objects.get(code="guidance"), user=tutor_a, level=4)
    html = client.get(profile_a.url).content.decode()
    assert "4 de 4" not in html


def test_public_contact_only_when_the_tutor_chooses(client, tutor_index, tutor_a):
    profile = factories.build_tutor_profile(
        tutor_index,
        title="Ana",
        user=tutor_a,
        contact_email="ana@uni.example",
        contact_phone="+52 55 1234 5678",
    )
    assert "ana@uni.example" not in client.get(profile.url).content.decode()
    profile.show_contact = True
    profile.save_revision().publish()
    html = client.get(profile.url).content.decode()
    assert "mailto:ana@uni.example" in html and "+52 55 1234 5678" in html


@pytest.fixture
def directory(tutor_index, coordinator):
    people = [
        (
            "Ana Ramírez",
            {
                "tutor_types": ["didactic"],
                "modalities": ["in_person"],
                "attention_types": ["group"],
            },
            ["Matemáticas"],
            ["Técnicas de estudio"],
            {"didactics": 4, "cognitive-skills": 4},
        ),
        (
            "Bruno Salas",
            {
                "tutor_types": ["ethical", "interpersonal"],
                "modalities": ["video"],
                "attention_types": ["individual"],
            },
            ["Derecho"],
            ["Orientación vocacional"],
            {"didactics": 1, "guidance": 4},
        ),
        (
            "Carla Nunes",
            {
                "tutor_types": ["cognitive"],
                "modalities": ["video", "in_person"],
                "attention_types": ["group", "individual"],
            },
            ["Matemáticas", "Física"],
            ["Estilos de aprendizaje"],
            {"didactics": 3, "disciplinary-expertise": 2},
        ),
    ]
    profiles = {}
    for title, fields, disciplines, expertise, levels in people:
        user = factories.build_tutor_user(title.split()[0].lower())
        profile = factories.build_tutor_profile(
            tutor_index,
            title=title,
            user=user,
            disciplines=disciplines,
            expertise=expertise,
            **fields,
        )
        assess(profile, user, levels)
        profiles[title.split()[0]] = profile
    return profiles


def names(client, index, query=""):
    html = client.get(index.url + query).content.decode()
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["Ana Ramírez", "Bruno Salas", "Carla Nunes"]),
        ("?tutor_type=ethical", ["Bruno Salas"]),
        ("?modality=video", ["Bruno Salas", "Carla Nunes"]),
        ("?attention_type=group", ["Ana Ramírez", "Carla Nunes"]),
        ("?" + urlencode({"discipline": "matemáticas"}), ["Ana Ramírez", "Carla Nunes"]),
        ("?discipline=unknown&modality=video", ["Bruno Salas", "Carla Nunes"]),
        ("?q=salas", ["Bruno Salas"]),
        ("?q=vocacional", ["Bruno Salas"]),  # by expertise
        ("?q=estilos", ["Carla Nunes"]),
        # scientific: Ana (4+4)/2=4, Bruno 1/1=1, Carla (3+2)/2=2.5
        ("?dimension=scientific&min_level=3", ["Ana Ramírez"]),
        ("?dimension=scientific&min_level=2", ["Ana Ramírez", "Carla Nunes"]),
        ("?dimension=technical&min_level=4", ["Bruno Salas"]),
        ("?dimension=scientific&min_level=2&modality=video", ["Carla Nunes"]),
        ("?modality=carrier_pigeon", ["Ana Ramírez", "Bruno Salas", "Carla Nunes"]),  # ignored
    ],
)
def test_directory_filters_and_search(client, tutor_index, directory, query, expected):
    assert names(client, tutor_index, query) == expected


def test_directory_strength_uses_validated_levels(client, tutor_index, directory, coordinator):
    bruno = directory["Bruno"]
    services.validate(bruno, Competency.objects.get(code="didactics"), user=coordinator, level=4)
    assert names(client, tutor_index, "?dimension=scientific&min_level=3") == [
        "Ana Ramírez",
        "Bruno Salas",
    ]


def test_directory_hides_drafts_and_paginates(client, tutor_index, directory):
    tutor_index.tutors_per_page = 2
    tutor_index.save_revision().publish()
    draft = TutorProfilePage(title="Zoe Borrador", live=False)
    tutor_index.add_child(instance=draft)
    assert names(client, tutor_index) == ["Ana Ramírez", "Bruno Salas"]
    # two results fit one page: a page number past the end shows the last page
    assert names(client, tutor_index, "?modality=video&page=2") == ["Bruno Salas", "Carla Nunes"]
    html = client.get(tutor_index.url + "?page=2").content.decode()
    assert re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html) == ["Carla Nunes"]
    assert "page=1" in html and 'rel="prev"' in html
    assert names(client, tutor_index, "?page=99") == ["Carla Nunes"]


def _count_queries(client, url):
    client.get(url)  # warm caches (site root paths, settings rows)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_tutors(index, count, start=0):
    for number in range(start, start + count):
        user = factories.build_tutor_user(f"extra{number}")
        profile = factories.build_tutor_profile(
            index,
            title=f"Tutor {number:02d}",
            user=user,
            disciplines=[f"Disciplina {number}"],
            expertise=["Tutoría", f"Tema {number}"],
            modalities=["video"],
        )
        assess(profile, user, {"guidance": 1 + number % 4, "didactics": 2})


def test_directory_queries_do_not_grow_with_the_number_of_tutors(client, tutor_index):
    _add_tutors(tutor_index, 2)
    url = tutor_index.url + "?q=Tutor&dimension=technical&min_level=1&modality=video"
    few = _count_queries(client, url)
    _add_tutors(tutor_index, 10, start=2)
    assert len(names(client, tutor_index, "?q=Tutor&dimension=technical&min_level=1")) == 12
    assert _count_queries(client, url) == few


def test_profile_queries_do_not_grow_with_the_matrix(
    client, tutor_index, tutor_a, tutor_b, coordinator
):
    empty = factories.build_tutor_profile(tutor_index, title="Sin matriz", user=tutor_a)
    full = factories.build_tutor_profile(
        tutor_index,
        title="Con matriz",
        user=tutor_b,
        disciplines=["A", "B", "C"],
        expertise=["D", "E"],
    )
    empty.disciplines.add("A", "B", "C")
    empty.expertise.add("D", "E")
    empty.save_revision().publish()
    levels = {c.code: 1 + i % 4 for i, c in enumerate(Competency.objects.all())}
    assess(full, tutor_b, levels, coordinator, validated=set(list(levels)[:5]))
    assert _count_queries(client, full.url) == _count_queries(client, empty.url)


def test_copying_a_profile_gives_a_profile_of_nobody(client, profile_a, tutor_a):
    """Wagtail's "Copy" on a tutor profile (a server error when the copy kept the account,
    one tutor's only): the copy is a draft profile without an account; the original keeps it."""
    from wagtail.models import Page

    superuser = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:copy", args=[profile_a.pk])
    response = client.post(
        url,
        {
            "new_title": "Copia de perfil",
            "new_slug": "copia-de-perfil",
            "new_parent_page": profile_a.get_parent().pk,
            "copy_subpages": False,
            "publish_copies": False,
            "alias": False,
        },
    )
    assert response.status_code == 302
    copy = Page.objects.get(slug="copia-de-perfil").specific
    assert copy.user is None and not copy.live
    profile_a.refresh_from_db()
    assert profile_a.user == tutor_a
