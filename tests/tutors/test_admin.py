"""Framework viewsets, the directory setting and the history view, in the admin."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tutoria_cms.tutors import services
from tutoria_cms.tutors.models import (
    Competency,
    CompetencyAssessment,
    Dimension,
    TutorDirectorySettings,
)

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


# --- Frameworks that tutors have assessed themselves against (#14 item 9) ---------------------


@pytest.fixture
def assessed(profile_a, tutor_a):
    """One self-assessment, of the "guidance" competency (dimension "human")."""
    competency = Competency.objects.get(code="guidance")
    services.self_assess(profile_a, competency, user=tutor_a, level=3, evidence="Informe")
    return competency


def test_an_assessed_framework_cannot_be_deleted(client, framework, coordinator, assessed):
    client.force_login(coordinator)
    url = reverse("tutoria_competency_frameworks:delete", args=[framework.pk])
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert "no se puede eliminar" in response.content.decode()
    assert Competency.objects.filter(pk=assessed.pk).exists()
    assert CompetencyAssessment.objects.count() == 1
    dimension = reverse("tutoria_competency_dimensions:delete", args=[assessed.dimension_id])
    client.post(dimension, follow=True)
    assert Dimension.objects.filter(pk=assessed.dimension_id).exists()


def test_a_framework_nobody_assessed_can_be_deleted(client, framework, coordinator):
    client.force_login(coordinator)
    url = reverse("tutoria_competency_frameworks:delete", args=[framework.pk])
    assert client.post(url).status_code == 302
    assert not Competency.objects.exists()


# The refusal, as the admin shows it (in the admin's language, English or the site's Spanish).
ASSESSED_REFUSAL = re.compile(
    "tutors have assessed themselves against it|hay tutores que se han autoevaluado con ella"
)


def _without(client, url, prefix, code):
    """The edit form's data as the browser would post it, with the inline row of ``code``
    marked for deletion."""
    from tests.security.forms import form_data

    data = form_data(client.get(url).content.decode(), url)
    index = next(
        key.split("-")[1]
        for key, values in data.items()
        if key.startswith(f"{prefix}-") and key.endswith("-code") and values == [code]
    )
    data[f"{prefix}-{index}-DELETE"] = ["1"]
    return data


def test_an_assessed_competency_cannot_be_removed_from_its_dimension(
    client, framework, coordinator, assessed
):
    client.force_login(coordinator)
    url = reverse("tutoria_competency_dimensions:edit", args=[assessed.dimension_id])
    response = client.post(url, _without(client, url, "competencies", "guidance"))
    assert response.status_code == 200  # the form again, with the reason
    assert ASSESSED_REFUSAL.search(response.content.decode())
    assert Competency.objects.filter(pk=assessed.pk).exists()
    # Another competency of the dimension, which nobody assessed, can be removed.
    other = Competency.objects.filter(dimension_id=assessed.dimension_id).exclude(pk=assessed.pk)
    other = other.first()
    response = client.post(url, _without(client, url, "competencies", other.code))
    assert response.status_code == 302
    assert not Competency.objects.filter(pk=other.pk).exists()


def test_an_assessed_dimension_cannot_be_removed_from_its_framework(
    client, framework, coordinator, assessed
):
    client.force_login(coordinator)
    url = reverse("tutoria_competency_frameworks:edit", args=[framework.pk])
    code = assessed.dimension.code
    response = client.post(url, _without(client, url, "dimensions", code))
    assert response.status_code == 200
    assert ASSESSED_REFUSAL.search(response.content.decode())
    assert Dimension.objects.filter(pk=assessed.dimension_id).exists()


# Page deletion ----------------------------------------------------------------------------------


def _bulk_delete_url(*pages):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    return url + "?" + "&".join(f"id={page.pk}" for page in pages)


def test_a_profile_with_a_competency_matrix_is_not_deleted_alone_or_with_its_directory(
    client, tutor_index, profile_a, profile_b, tutor_a, admin_user
):
    """Deleting a profile deleted its competency assessments (evidence) with it; now the
    profile, its directory and a bulk deletion are refused with a message, and the ORM
    protects the rows too."""
    from django.db.models import ProtectedError
    from wagtail.models import Page

    competency = Competency.objects.order_by("pk").first()
    services.self_assess(profile_a, competency, user=tutor_a, level=2)
    client.force_login(admin_user)
    for page in (profile_a, tutor_index):
        response = client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
        assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
        assert Page.objects.filter(pk=page.pk).exists()
    followed = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "matriz de competencias" in followed
    response = client.post(_bulk_delete_url(profile_a))
    assert response.status_code == 302
    assert CompetencyAssessment.objects.filter(profile=profile_a).count() == 1
    with pytest.raises(ProtectedError):
        Page.objects.get(pk=profile_a.pk).delete()

    # A profile without assessments is deleted as before.
    response = client.post(reverse("wagtailadmin_pages:delete", args=[profile_b.pk]))
    assert response.status_code == 302
    assert not Page.objects.filter(pk=profile_b.pk).exists()
