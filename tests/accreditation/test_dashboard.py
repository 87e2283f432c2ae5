"""The Indicators page and the admin home panel: who sees them, the competency heat map the
tutors app contributes through the evidence hook, and the admin's language.

Heat map (``tutors`` fixture, Mexican site): levels are the validated level, else the
self-assessed one:

    competency   Ana Ramírez      Bruno Salas   average
    first        2 (3, v. 2)      4             3.00
    second       2                -             2.00
    the others   -                -             -
    average      2.00             4.00
"""

import pytest
from django.urls import reverse
from wagtail import hooks

from tests import factories
from tests.accreditation.test_admin import INDICATORS, client_for
from tutoria_cms.accreditation.context import build_context
from tutoria_cms.accreditation.registry import EVIDENCE_HOOK, get_sources
from tutoria_cms.core import roles
from tutoria_cms.core.evidence import HeatMap

HOME = reverse("wagtailadmin_home")


def heat_maps(filters):
    context = build_context(filters)
    return [
        chart
        for source in get_sources()
        for chart in source.charts(context)
        if isinstance(chart, HeatMap)
    ]


def test_the_tutors_app_contributes_the_heat_map(tutors):
    (heat,) = heat_maps({"site": "localhost"})
    first, second, *others = heat.rows
    competencies = tutors["competencies"]
    assert heat.title == "Competency heat map"
    assert heat.columns == ["Ana Ramírez", "Bruno Salas"]
    assert (first.label, first.values, first.summary) == (competencies[0].name, [2, 4], 3.0)
    assert (second.label, second.values, second.summary) == (competencies[1].name, [2, None], 2.0)
    assert len(others) == len(competencies) - 2
    assert all(row.values == [None, None] and row.summary is None for row in others)
    assert heat.column_summaries == [2.0, 4.0]
    assert first.group == competencies[0].dimension.name
    assert [value for value, _label in heat.scale] == [1, 2, 3, 4]
    assert "Levels of 2 tutors in 13 competencies" in heat.description


def test_without_a_site_one_heat_map_per_site_with_tutors(tutors, br_home):
    (heat,) = heat_maps({})  # the Brazilian site has no tutor profile
    assert heat.title == "Competency heat map: Universidad de Ejemplo"


def test_a_site_without_tutors_says_so(tutors, br_home):
    (heat,) = heat_maps({"site": "127.0.0.1"})
    assert heat.rows == [] and heat.empty_text == "There are no published tutor profiles yet."


def section(page, marker):
    start = page.index(marker)
    return page[start : page.index("</section>", start)]


def test_the_heat_map_on_the_indicators_page_is_accessible(tutors):
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    page = client_for(quality).get(INDICATORS, {"site": "localhost"}).content.decode()
    block = section(page, 'data-chart="competency_heat_map_')
    svg = block[block.index("<svg") : block.index("</svg>")]
    assert 'role="img"' in svg and 'class="tutoria-heat-map-chart"' in svg
    assert 'aria-labelledby="heat-competency_heat_map_' in svg
    assert ">Competency heat map</title>" in svg
    assert "Levels of 2 tutors in 13 competencies" in svg  # the <desc>
    # Every cell writes its value (colour is not the only carrier): 2, 4, the averages and
    # the dash of a cell not assessed.
    for text in (">2</text>", ">4</text>", ">3.00</text>", ">–</text>"):
        assert text in svg
    competency = tutors["competencies"][0].name_en
    assert f"{competency} · Ana Ramírez: 2</title>" in svg
    table = block[block.index('<table class="listing tutoria-heat-table">') :]
    assert '<th scope="col">Ana Ramírez</th>' in table
    assert f'<th scope="row">{competency}</th><td>2</td><td>4</td><td>3.00</td>' in table
    assert '<span class="w-sr-only">not assessed</span>' in table


def test_the_heat_map_comes_only_through_the_hook(tutors):
    original = hooks._hooks[EVIDENCE_HOOK]
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    try:
        hooks._hooks[EVIDENCE_HOOK] = [
            (fn, order)
            for fn, order in original
            if not fn.__module__.startswith("tutoria_cms.tutors.")
        ]
        page = client_for(quality).get(INDICATORS, {"site": "localhost"}).content.decode()
        assert "tutoria-heat-map-chart" not in page
    finally:
        hooks._hooks[EVIDENCE_HOOK] = original
    page = client_for(quality).get(INDICATORS, {"site": "localhost"}).content.decode()
    assert "tutoria-heat-map-chart" in page


@pytest.mark.parametrize(
    ("language", "heat_title", "chart_title"),
    [
        ("es", "Mapa de calor de competencias", "Solicitudes por estado"),
        ("pt-br", "Mapa de calor de competências", "Solicitações por situação"),
    ],
)
def test_the_charts_speak_the_admin_language(tutors, language, heat_title, chart_title):
    coordinator = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    page = (
        client_for(coordinator, language=language)
        .get(INDICATORS, {"site": "localhost"})
        .content.decode()
    )
    assert f">{heat_title}</title>" in page
    assert f">{chart_title}</title>" in page
    assert ">Competency heat map<" not in page and ">Requests by state<" not in page


ROLES = [
    (roles.QUALITY, True),
    (roles.COORDINATION, True),
    (roles.TUTORS, False),
    (roles.COMMUNICATIONS, False),
    (roles.COMMUNICATIONS_MODERATORS, False),
    (roles.BOARD, False),
    (roles.ORIENTATION, False),
]


@pytest.mark.parametrize(("role", "sees"), ROLES)
def test_who_sees_the_panel_and_the_page(tutors, role, sees):
    user = factories.UserFactory(username="someone", groups=[role])
    client = client_for(user)
    home = client.get(HOME).content.decode()
    assert ('data-indicator="workshops_held"' in home) is sees
    assert ("Tutoring indicators" in home) is sees
    response = client.get(INDICATORS, {"site": "localhost"})
    if sees:
        assert response.status_code == 200
        assert "tutoria-heat-map-chart" in response.content.decode()
    else:
        assert response.status_code in (302, 403)
        assert b"tutoria-heat-map-chart" not in response.content


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("es", "Indicadores de tutoría"),
        ("pt-br", "Indicadores de tutoria"),
    ],
)
def test_the_panel_speaks_the_admin_language(tutors, language, heading):
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    home = client_for(quality, language=language).get(HOME).content.decode()
    assert heading in home


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (INDICATORS, "Indicadores"),
        ("/admin/evidence/", "Libros de evidencias"),
    ],
)
def test_admin_pages_name_themselves_in_the_header(tutors, path, title):
    """Wagtail shows the breadcrumbs as the header: the page's own title ends them."""
    from bs4 import BeautifulSoup

    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    page = client_for(quality, language="es").get(path).content.decode()
    header = BeautifulSoup(page, "html.parser").select_one("header")
    assert title in header.get_text(" ", strip=True)
