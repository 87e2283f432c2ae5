"""Communications staff create and submit programme pages through the Wagtail admin."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.programmes.models import TutoringProgrammePage

pytestmark = pytest.mark.django_db


def programme_form(**overrides):
    data = {
        "title": "Programa de Acción Tutorial",
        "slug": "pat",
        "kind": "action_plan",
        "introduction": rich_text("<p>Acompañamiento.</p>"),
        "objectives": rich_text(""),
        "purpose": rich_text(""),
        "needs_addressed": rich_text(""),
        "attention_types": ["group", "individual"],
        "modalities": ["in_person", "telephone"],
        "pillars": ["know"],
        "target_population": "Licenciatura",
        "coordinator_name": "",
        "coordinator_email": "",
        "coordinator_phone": "",
        "stages": streamfield([]),
        "target_failure_rate": "10",
        "target_lag_rate": "",
        "target_dropout_rate": "",
        "body": streamfield([]),
    }
    data.update(overrides)
    # Checkbox lists are posted as repeated keys; nested_form_data would index them.
    lists = {key: data.pop(key) for key in list(data) if isinstance(data[key], list)}
    return {**nested_form_data(data), **lists}


def add_url(parent):
    return reverse(
        "wagtailadmin_pages:add", args=("tutoria_programmes", "tutoringprogrammepage", parent.pk)
    )


def test_communications_editor_submits_a_programme_for_moderation(client, programme_index):
    # The site's home page is under its institution's moderation workflow.
    editor = factories.UserFactory(groups=[roles.COMMUNICATIONS])
    client.force_login(editor)
    data = programme_form()
    data["action-submit"] = "Submit"
    response = client.post(add_url(programme_index), data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    page = TutoringProgrammePage.objects.get(slug="pat")
    assert page.live is False
    assert page.attention_types == ["group", "individual"]
    assert page.modalities == ["in_person", "telephone"]
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_communications_editor_cannot_publish(client, programme_index):
    editor = factories.UserFactory(groups=[roles.COMMUNICATIONS])
    client.force_login(editor)
    data = programme_form(slug="pat-publish")
    data["action-publish"] = "Publish"
    client.post(add_url(programme_index), data)
    page = TutoringProgrammePage.objects.get(slug="pat-publish")
    assert page.live is False


def test_bad_input_is_refused_with_a_translated_error(client, programme_index):
    editor = factories.UserFactory(groups=[roles.COMMUNICATIONS])
    client.force_login(editor)
    data = programme_form(slug="pat-bad", target_failure_rate="150", modalities=["telepathy"])
    response = client.post(add_url(programme_index), data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "target_failure_rate" in errors and "modalities" in errors
    assert "100" in errors["target_failure_rate"][0]
    assert "telepathy" in errors["modalities"][0] and "opción" in errors["modalities"][0]
    assert not TutoringProgrammePage.objects.filter(slug="pat-bad").exists()


def test_programme_pages_are_searchable(programme_index):
    factories.build_programme(
        programme_index,
        title="Mentoría entre iguales",
        slug="mentoria",
        introduction="<p>Acompañamiento de estudiantes de nuevo ingreso</p>",
    )
    factories.build_programme(programme_index, title="Otro programa", slug="otro")
    results = TutoringProgrammePage.objects.live().search("mentoría")
    assert [page.slug for page in results] == ["mentoria"]


def test_search_page_finds_programmes_of_the_current_site_only(client, programme_index, br_home):
    factories.build_programme(programme_index, title="Mentoría entre iguales", slug="mentoria")
    br_index = factories.build_programme_index(br_home, title="Programas")
    factories.build_programme(br_index, title="Mentoria entre pares", slug="mentoria-br")
    response = client.get("/search/", {"q": "mentoría"}, HTTP_HOST="localhost")
    assert response.status_code == 200
    assert "Mentoría entre iguales" in response.text
    assert "Mentoria entre pares" not in response.text
    response = client.get("/search/", {"q": "mentoria"}, HTTP_HOST="127.0.0.1")
    assert "Mentoria entre pares" in response.text
    assert "Mentoría entre iguales" not in response.text


@pytest.mark.parametrize(
    ("title", "query"),
    [
        # Two words: "tutoria" alone finds every programme ("programa de tutoría" is the
        # page type's name, indexed with every programme).
        ("Tutoría académica", "tutoria academica"),
        ("Tutoria acadêmica", "tutoría académica"),
        ("Orientação educacional", "orientacao"),
    ],
)
def test_search_ignores_accents(programme_index, title, query):
    """People type without accents (or with the other language's): both must find the page."""
    factories.build_programme(programme_index, title=title, slug="accented")
    factories.build_programme(programme_index, title="Otro programa", slug="otro")
    results = TutoringProgrammePage.objects.live().search(query)
    assert [page.slug for page in results] == ["accented"]
