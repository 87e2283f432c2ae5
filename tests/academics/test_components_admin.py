"""Settings › Curricular components (#14, item 6): the imported components, read only, and
who made two components equivalent (or undid it), for coordination of their institution."""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests import factories
from tutoria_cms.academics.models import CurricularComponent
from tutoria_cms.core import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def components(mx_home, br_home):
    mx, br = mx_home.get_site(), br_home.get_site()
    calc = CurricularComponent.objects.create(site=mx, code="MAT101", name="Cálculo I", hours=64)
    calc_b = CurricularComponent.objects.create(
        site=mx, code="MAT101B", name="Cálculo diferencial", hours=64
    )
    other = CurricularComponent.objects.create(site=br, code="MAT1", name="Cálculo", hours=60)
    return calc, calc_b, other


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_coordination_lists_its_institutions_components_only(components, mx_home):
    calc, _calc_b, other = components
    coordinator = factories.UserFactory(
        username="coord", groups=[roles.COORDINATION], sites=["localhost"]
    )
    client = client_for(coordinator)
    listing = client.get(reverse("tutoria_curricular_components:index")).content.decode()
    assert "MAT101" in listing and "Cálculo I" in listing
    other_url = reverse("tutoria_curricular_components:inspect", args=[other.pk])
    assert other_url not in listing
    url = reverse("tutoria_curricular_components:inspect", args=[other.pk])
    assert client.get(url).status_code == 404
    url = reverse("tutoria_curricular_components:history", args=[other.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("tutoria_curricular_components:inspect", args=[calc.pk])).status_code
        == 200
    )


def test_components_are_read_only(components):
    for view in ("add", "edit", "delete", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(
                f"tutoria_curricular_components:{view}",
                args=[] if view == "add" else [components[0].pk],
            )


def test_history_shows_who_made_two_components_equivalent(components, mx_home):
    calc, calc_b, _other = components
    coordinator = factories.UserFactory(
        username="coord", groups=[roles.COORDINATION], sites=["localhost"]
    )
    importer = factories.UserFactory(username="importadora", first_name="Irma", last_name="Paz")
    calc._history_user = importer
    calc.equivalents.add(calc_b)
    del calc._history_user
    calc.equivalents.remove(calc_b)
    page = client_for(coordinator).get(
        reverse("tutoria_curricular_components:history", args=[calc.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Equivalent components" in html
    assert "Irma Paz" in html
    assert html.count("MAT101B Cálculo diferencial") == 2  # added, then removed


@pytest.mark.parametrize("role", [roles.TUTORS, roles.QUALITY, roles.COMMUNICATIONS])
def test_other_roles_do_not_reach_the_components(components, role):
    user = factories.UserFactory(username="someone", groups=[role])
    client = client_for(user)
    assert client.get(reverse("tutoria_curricular_components:index")).status_code in (302, 403)
    url = reverse("tutoria_curricular_components:history", args=[components[0].pk])
    assert client.get(url).status_code in (302, 403, 404)
