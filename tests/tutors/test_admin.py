"""Framework viewsets, the directory setting and the history view, in the admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tutoria_cms.tutors import services
from tutoria_cms.tutors.models import Competency, Dimension, TutorDirectorySettings

pytestmark = pytest.mark.django_db


def test_coordinators_manage_frameworks_with_inline_rows(client, framework, coordinator, tutor_a):
    edit = reverse("tutoria_competency_frameworks:edit", args=[framework.pk])
    dimension = Dimension.objects.get(code="human")
    dimension_edit = reverse("tutoria_competency_dimensions:edit", args=[dimension.pk])
    client.force_login(coordinator)
    html = client.get(edit, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'name="levels-TOTAL_FORMS" value="4"' in html
    assert 'name="dimensions-TOTAL_FORMS" value="3"' in html
    assert "Escala de niveles" in html  # the admin in the admin's language
    html = client.get(dimension_edit).content.decode()
    assert 'name="competencies-TOTAL_FORMS" value="6"' in html
    listing = client.get(reverse("tutoria_competency_frameworks:index")).content.decode()
    assert "good-tutor" in listing
    client.force_login(tutor_a)
    assert client.get(edit)["Location"] == "/admin/"


def test_coordinators_choose_the_site_framework(client, mx_home, framework, coordinator):
    site = mx_home.get_site()
    url = reverse(
        "wagtailsettings:edit", args=["tutoria_tutors", "tutordirectorysettings", site.pk]
    )
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    assert services.framework_for_site(site) == framework  # the only one installed
    TutorDirectorySettings.objects.update_or_create(site=site, defaults={"framework": None})
    assert services.framework_for_site(site) == framework


def test_history_view_shows_the_matrix_as_of_a_date(client, profile_a, tutor_a):
    services.self_assess(
        profile_a,
        Competency.objects.get(code="guidance"),
        user=tutor_a,
        level=3,
        evidence="Informe 2025",
    )
    client.force_login(tutor_a)
    url = reverse("tutoria_tutors:assessment_history", args=[profile_a.pk])
    today = timezone.localdate()
    html = client.get(url, {"as_of": today.isoformat()}, HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert "The matrix as of" in html and "3 of 4" in html and "Informe 2025" in html
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    html = client.get(url, {"as_of": yesterday}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 of 4" not in html
    html = client.get(url, {"as_of": "not-a-date"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Give the date as YYYY-MM-DD." in html
