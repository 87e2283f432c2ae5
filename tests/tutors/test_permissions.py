"""Ownership and roles: a tutor edits only their own profile and matrix; coordinators validate.

Refusals in the Wagtail admin are a redirect to the admin home with an error message (Wagtail's
``permission_denied``); anonymous visitors are sent to the login page.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowPage
from wagtail.test.utils.form_data import rich_text

from tests import factories
from tutoria_cms.core import institution_groups, roles
from tutoria_cms.tutors import services
from tutoria_cms.tutors.models import Competency, CompetencyAssessment, TutorProfilePage

pytestmark = pytest.mark.django_db

ADMIN_HOME = "/admin/"


def refused(response):
    return response.status_code == 302 and (
        response["Location"] == ADMIN_HOME or "/login/" in response["Location"]
    )


@pytest.fixture
def matrices(profile_a, profile_b, tutor_a, tutor_b):
    guidance = Competency.objects.get(code="guidance")
    services.self_assess(profile_a, guidance, user=tutor_a, level=2, evidence="Secreto de Ana")
    services.self_assess(profile_b, guidance, user=tutor_b, level=3, evidence="Secreto de Bruno")


@pytest.fixture
def people(tutor_a, tutor_b, coordinator):
    return {
        "owner": tutor_a,
        "other_tutor": tutor_b,
        "coordinator": coordinator,
        "communications": factories.build_tutor_user("comms", groups=(roles.COMMUNICATIONS,)),
        "superuser": factories.UserFactory(username="root", is_superuser=True, is_staff=True),
        "anonymous": None,
    }


def urls(profile):
    return {
        "page_edit": reverse("wagtailadmin_pages:edit", args=[profile.pk]),
        "my_matrix": reverse("tutoria_tutors:my_matrix"),
        "profile_matrix": reverse("tutoria_tutors:profile_matrix", args=[profile.pk]),
        "history": reverse("tutoria_tutors:assessment_history", args=[profile.pk]),
        "heat_map": reverse("tutoria_tutors:heat_map"),
    }


ALLOWED = {
    # view:            owner  other  coord  comms  super  anon
    "page_edit": (True, False, False, True, True, False),
    "my_matrix": (True, True, True, True, True, False),
    "profile_matrix": (True, False, True, False, True, False),
    "history": (True, False, True, False, True, False),
    "heat_map": (False, False, True, False, True, False),
}
ROLES = ("owner", "other_tutor", "coordinator", "communications", "superuser", "anonymous")


@pytest.mark.parametrize("view", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, people, profile_a, matrices, view, role):
    user = people[role]
    if user is not None:
        client.force_login(user)
    response = client.get(urls(profile_a)[view])
    allowed = ALLOWED[view][ROLES.index(role)]
    if allowed:
        assert response.status_code == 200, response.get("Location")
    else:
        assert refused(response), response.status_code
    if view in ("profile_matrix", "history") and allowed:
        assert "Secreto de Ana" in response.content.decode()


def test_tutor_a_is_refused_on_b_profile_matrix_and_history(client, tutor_a, profile_b, matrices):
    client.force_login(tutor_a)
    for name, url in urls(profile_b).items():
        if name in ("my_matrix", "heat_map"):
            continue
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert response.redirect_chain[0][0] == ADMIN_HOME, name
        assert "Secreto de Bruno" not in html
        assert "Bruno Salas" not in html or name == "page_edit"
    # Writing is refused too: the page edit and a validation attempt change nothing.
    edit = client.post(urls(profile_b)["page_edit"], {"title": "Hacked", "slug": "hacked"})
    assert refused(edit)
    profile_b.refresh_from_db()
    assert profile_b.title == "Bruno Salas"
    guidance = Competency.objects.get(code="guidance")
    post = client.post(
        urls(profile_b)["profile_matrix"],
        {
            "validation-TOTAL_FORMS": 1,
            "validation-INITIAL_FORMS": 1,
            "validation-0-competency": guidance.pk,
            "validation-0-level": 4,
        },
    )
    assert refused(post)
    assessment = CompetencyAssessment.objects.get(profile=profile_b, competency=guidance)
    assert assessment.validated_level is None


def test_my_matrix_shows_only_my_own(client, tutor_a, profile_a, matrices):
    client.force_login(tutor_a)
    html = client.get(reverse("tutoria_tutors:my_matrix")).content.decode()
    assert "Secreto de Ana" in html and "Secreto de Bruno" not in html


def _matrix_post_data(html, changes):
    """The formset as the browser would send it, with ``changes`` {competency pk: level}."""
    data = dict(re.findall(r'name="(matrix-[A-Z_]+)"[^>]*value="(\d+)"', html))
    data.update(dict(re.findall(r'name="(matrix-[A-Z_]+)" value="(\d+)"', html)))
    pks = re.findall(r'name="matrix-(\d+)-competency" value="(\d+)"', html)
    for index, pk in pks:
        level = changes.get(int(pk), "")
        data[f"matrix-{index}-competency"] = pk
        data[f"matrix-{index}-level"] = level
    return data


def test_tutor_self_assesses_through_the_form_with_csrf(tutor_a, profile_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tutor_a)
    url = reverse("tutoria_tutors:my_matrix")
    html = client.get(url).content.decode()
    guidance = Competency.objects.get(code="guidance")
    data = _matrix_post_data(html, {guidance.pk: 3})
    assert data["matrix-TOTAL_FORMS"] == "13"
    assert client.post(url, data).status_code == 403  # no CSRF token
    data["csrfmiddlewaretoken"] = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', html
    ).group(1)
    response = client.post(url, data)
    assert response.status_code == 302
    assessment = CompetencyAssessment.objects.get(profile=profile_a, competency=guidance)
    assert assessment.self_level == 3
    assert assessment.history.latest().history_user == tutor_a
    assert CompetencyAssessment.objects.filter(profile=profile_a).count() == 1


def test_out_of_scale_level_is_refused_by_the_form(client, tutor_a, profile_a):
    client.force_login(tutor_a)
    url = reverse("tutoria_tutors:my_matrix")
    guidance = Competency.objects.get(code="guidance")
    data = _matrix_post_data(client.get(url).content.decode(), {guidance.pk: 7})
    response = client.post(url, data)
    assert response.status_code == 200
    assert not CompetencyAssessment.objects.exists()


def test_coordinator_validates_another_tutor_but_not_themself(
    client, coordinator, tutor_index, profile_b, matrices
):
    guidance = Competency.objects.get(code="guidance")
    client.force_login(coordinator)
    url = reverse("tutoria_tutors:profile_matrix", args=[profile_b.pk])
    html = client.get(url).content.decode()
    total = re.search(r'name="validation-TOTAL_FORMS" value="(\d+)"', html).group(1)
    data = {"validation-TOTAL_FORMS": total, "validation-INITIAL_FORMS": total}
    for index, pk in re.findall(r'name="validation-(\d+)-competency" value="(\d+)"', html):
        data[f"validation-{index}-competency"] = pk
        data[f"validation-{index}-level"] = 3 if int(pk) == guidance.pk else ""
    assert client.post(url, data).status_code == 302
    validated = CompetencyAssessment.objects.get(profile=profile_b, competency=guidance)
    assert (validated.validated_level, validated.validated_by) == (3, coordinator)

    own = factories.build_tutor_profile(tutor_index, title="Carmen Lozano", user=coordinator)
    url = reverse("tutoria_tutors:profile_matrix", args=[own.pk])
    assert 'name="validation-TOTAL_FORMS"' not in client.get(url).content.decode()
    data = {
        "validation-TOTAL_FORMS": 1,
        "validation-INITIAL_FORMS": 1,
        "validation-0-competency": guidance.pk,
        "validation-0-level": 4,
    }
    client.post(url, data)
    assert not CompetencyAssessment.objects.filter(profile=own).exists()


def _profile_form_data(**extra):
    data = {
        "title": "Ana Ramírez",
        "slug": "ana-ramirez",
        "academic_title": "Dra.",
        "department": "Ciencias",
        "disciplines": "Física",
        "expertise": "Técnicas de estudio",
        "biography": rich_text(""),
        "office_hours": "",
        "place": "",
        "meeting_link": "",
        "capacity": "",
        "contact_email": "",
        "contact_phone": "",
        "comments-TOTAL_FORMS": 0,
        "comments-INITIAL_FORMS": 0,
        "comments-MIN_NUM_FORMS": 0,
        "comments-MAX_NUM_FORMS": 1000,
    }
    data.update(extra)
    return data


def test_tutor_creates_one_profile_of_their_own_and_cannot_publish(
    client, tutor_index, tutor_a, tutor_b
):
    client.force_login(tutor_a)
    add = reverse(
        "wagtailadmin_pages:add", args=["tutoria_tutors", "tutorprofilepage", tutor_index.pk]
    )
    assert client.get(add).status_code == 200
    data = _profile_form_data(
        user=tutor_b.pk,
        modalities=["video", "in_person"],
        tutor_types=["ethical"],
        **{"action-publish": "1"},
    )
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = TutorProfilePage.objects.get(slug="ana-ramirez")
    assert profile.user == tutor_a and profile.owner == tutor_a  # not tutor_b
    assert not profile.live  # no publish permission: a draft
    assert (profile.modalities, profile.tutor_types) == (["video", "in_person"], ["ethical"])
    assert [t.name for t in profile.disciplines.all()] == ["Física"]
    # One profile per tutor: a second one is refused.
    response = client.get(add)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[profile.pk])
    # And the tutor's own page is editable.
    edit = reverse("wagtailadmin_pages:edit", args=[profile.pk])
    assert client.get(edit).status_code == 200


def test_tutor_edits_go_through_moderation(client, mx_home, profile_a, tutor_a):
    workflow = roles.content_workflow(mx_home.get_site())
    assert workflow.workflow_tasks.exists()
    assert WorkflowPage.objects.get(page=mx_home).workflow == workflow
    client.force_login(tutor_a)
    edit = reverse("wagtailadmin_pages:edit", args=[profile_a.pk])
    data = _profile_form_data(
        title="Ana Ramírez (nueva)", slug=profile_a.slug, **{"action-publish": "1"}
    )
    client.post(edit, data)
    profile_a.refresh_from_db()
    assert profile_a.title == "Ana Ramírez"  # the live page did not change
    client.post(
        edit,
        _profile_form_data(
            title="Ana Ramírez (nueva)", slug=profile_a.slug, **{"action-submit": "1"}
        ),
    )
    profile_a.refresh_from_db()
    assert profile_a.title == "Ana Ramírez"
    assert profile_a.workflow_in_progress
    assert profile_a.get_latest_revision_as_object().title == "Ana Ramírez (nueva)"


def test_tutors_hold_add_but_not_publish_on_the_directory(tutor_index, tutor_a):
    """Through their institution's tutors group; the global Tutors group holds no page."""
    tutors = institution_groups.institution_group(tutor_index.get_site(), roles.TUTORS)
    actions = set(
        tutors.page_permissions.filter(page=tutor_index).values_list(
            "permission__codename", flat=True
        )
    )
    assert actions == {"add_page"}
    assert tutors in tutor_a.groups.all()
    assert not Group.objects.get(name=roles.TUTORS).page_permissions.exists()
    assert not tutor_index.permissions_for_user(tutor_a).can_publish_subpage()


def test_editor_assigns_a_profile_and_the_tutor_becomes_its_owner(
    client, people, tutor_index, tutor_b
):
    client.force_login(people["communications"])
    add = reverse(
        "wagtailadmin_pages:add", args=["tutoria_tutors", "tutorprofilepage", tutor_index.pk]
    )
    client.post(add, _profile_form_data(user=tutor_b.pk, slug="bruno", title="Bruno"))
    profile = TutorProfilePage.objects.get(slug="bruno")
    assert profile.user == tutor_b and profile.owner == tutor_b
    other = factories.build_tutor_user("tutor.c")
    client.post(add, _profile_form_data(user=tutor_b.pk, slug="bruno-2", title="Bruno 2"))
    assert not TutorProfilePage.objects.filter(slug="bruno-2").exists()  # one per tutor
    assert other.pk != tutor_b.pk
