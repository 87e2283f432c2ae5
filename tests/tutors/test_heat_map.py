"""The programme's heat map against a hand-computed example."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tutoria_cms.tutors import services
from tutoria_cms.tutors.models import Competency

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(tutor_index, coordinator):
    """Three tutors. Effective level = validated level, else self-assessed level:

    tutor  | didactics | emotional-management | guidance    | family-coordination
    Ana    | 4         |                      | 2 -> 3 (v)  | 1
    Bruno  | 3         |                      | 2           | 2 -> 1 (v)
    Carla  |           | 3                    | 4           |
    """
    plan = {
        "Ana": {"didactics": (4, None), "guidance": (2, 3), "family-coordination": (1, None)},
        "Bruno": {"didactics": (3, None), "guidance": (2, None), "family-coordination": (2, 1)},
        "Carla": {"emotional-management": (3, None), "guidance": (4, None)},
    }
    profiles = {}
    for name, levels in plan.items():
        user = factories.build_tutor_user(name.lower())
        profile = factories.build_tutor_profile(tutor_index, title=name, user=user)
        for code, (own, validated) in levels.items():
            competency = Competency.objects.get(code=code)
            services.self_assess(profile, competency, user=user, level=own)
            if validated is not None:
                services.validate(profile, competency, user=coordinator, level=validated)
        profiles[name] = profile
    return profiles


def test_heat_map_numbers(framework, assessed):
    heat = services.heat_map(framework, [assessed["Ana"], assessed["Bruno"], assessed["Carla"]])
    columns = {c.competency.code: (c.count, c.average) for c in heat.columns}
    assert columns["guidance"] == (3, 3.0)  # (3 + 2 + 4) / 3
    assert columns["didactics"] == (2, 3.5)  # (4 + 3) / 2
    assert columns["family-coordination"] == (2, 1.0)  # (1 + 1) / 2, validated levels count
    assert columns["emotional-management"] == (1, 3.0)
    assert columns["values-education"] == (0, None)
    dimensions = {d.dimension.code: (d.count, d.average) for d in heat.dimensions}
    assert dimensions == {
        "scientific": (2, 3.5),
        "human": (1, 3.0),
        "technical": (5, 2.2),  # (3 + 2 + 4 + 1 + 1) / 5
    }
    per_tutor = {
        row.profile.title: {d.dimension.code: avg for d, avg in row.dimension_averages}
        for row in heat.rows
    }
    assert per_tutor["Ana"] == {"scientific": 4.0, "human": None, "technical": 2.0}
    assert per_tutor["Bruno"] == {"scientific": 3.0, "human": None, "technical": 1.5}
    assert per_tutor["Carla"] == {"scientific": None, "human": 3.0, "technical": 4.0}
    # Lowest averages first; ties at the boundary are all suggested.
    assert [c.competency.code for c in heat.lowest] == [
        "family-coordination",
        "emotional-management",
        "guidance",
    ]
    heat = services.heat_map(framework, assessed.values(), lowest_count=2)
    assert [c.competency.code for c in heat.lowest] == [
        "family-coordination",
        "emotional-management",
        "guidance",
    ]
    heat = services.heat_map(framework, assessed.values(), lowest_count=1)
    assert [c.competency.code for c in heat.lowest] == ["family-coordination"]


def _cell(html, attribute, key):
    match = re.search(rf'data-{attribute}="{re.escape(key)}"[^>]*>(?:<strong>)?([^<]*)<', html)
    assert match, (attribute, key)
    return match.group(1).strip()


def test_heat_map_view_renders_the_numbers_server_side(
    client, framework, assessed, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("tutoria_tutors:heat_map"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    ana = assessed["Ana"].pk
    assert _cell(html, "cell", f"{ana}:guidance") == "3"
    assert _cell(html, "cell", f"{ana}:didactics") == "4"
    assert _cell(html, "average", "guidance") == "3.00"
    assert _cell(html, "count", "family-coordination") == "2"
    assert _cell(html, "dimension-average", "technical") == "2.20"
    assert _cell(html, "dimension-count", "technical") == "5"
    assert _cell(html, "tutor-average", f"{ana}:technical") == "2.00"
    topics = re.findall(r'data-topic="([^"]+)"', html)
    assert topics == ["family-coordination", "emotional-management", "guidance"]
    assert "Suggested topics for tutor training workshops" in html
    assert "background-color" in html


def test_heat_map_view_speaks_the_admin_language(client, framework, assessed, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("tutoria_tutors:heat_map"), HTTP_ACCEPT_LANGUAGE="es").content
    html = html.decode()
    assert "Temas sugeridos para talleres de formación de tutores" in html
    assert _cell(html, "dimension-average", "technical") == "2,20"
    assert "Planificación y seguimiento de la tutoría" in html  # framework text in Spanish


def test_heat_map_cell_colours_keep_the_level_readable():
    from tests.a11y import contrast
    from tutoria_cms.tutors.templatetags.tutoria_tutors_tags import HEAT_STEPS

    # The number is written in every cell: its contrast with the cell must reach 4.5:1.
    assert all(contrast(background, ink) >= 4.5 for background, ink in HEAT_STEPS)
