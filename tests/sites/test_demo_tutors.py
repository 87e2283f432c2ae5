"""The demo tutors: eight per site, varied matrices, working logins, idempotent."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory

from sites.home.demo.tutors import load_demo_tutors
from tests import factories
from tutoria_cms.tutors import services
from tutoria_cms.tutors.models import CompetencyAssessment, TutorProfilePage

pytestmark = pytest.mark.django_db


def sign_in(username, password):
    """authenticate() as the sign-in form calls it: with the request (django-axes needs it)."""
    return authenticate(
        RequestFactory().post("/admin/login/"), username=username, password=password
    )


def test_demo_tutors_per_site_in_the_site_language(mx_home, br_home, coordinator):
    mx_index = factories.build_tutor_index(mx_home, title="Directorio de tutores")
    br_index = factories.build_tutor_index(br_home, title="Docentes-tutores")
    mx_accounts = load_demo_tutors(mx_index, "es", "mx-tutor-", validator=coordinator)
    br_accounts = load_demo_tutors(br_index, "pt-br", "br-tutor-")
    assert len(mx_accounts) >= 8 and len(br_accounts) >= 8
    for username, password in mx_accounts + br_accounts:
        user = authenticate(
            RequestFactory().post("/admin/login/"), username=username, password=password
        )
        assert user is not None and user.groups.filter(name="Tutors").exists()
    mx_profiles = TutorProfilePage.objects.child_of(mx_index).live()
    assert mx_profiles.count() == 8
    assert all(p.owner_id == p.user_id for p in mx_profiles)
    br_bios = " ".join(p.biography for p in TutorProfilePage.objects.child_of(br_index))
    assert "discentes" in br_bios and "alumnos" not in br_bios

    # Varied matrices: tutors differ, and every tutor has strengths and weaker areas.
    matrices = {}
    for profile in mx_profiles:
        levels = tuple(r.level for r in services.public_matrix(profile).rows())
        assert len({level for level in levels if level}) >= 2
        matrices[profile.pk] = levels
    assert len(set(matrices.values())) == 8
    assert CompetencyAssessment.objects.filter(validated_by=coordinator).exists()
    heat = services.heat_map(services.framework_for_page(mx_index), mx_profiles)
    assert heat.lowest


def test_demo_is_idempotent_and_keeps_known_passwords(mx_home):
    index = factories.build_tutor_index(mx_home)
    first = dict(load_demo_tutors(index, "es", "demo-"))
    history = CompetencyAssessment.history.count()
    assessments = CompetencyAssessment.objects.count()
    hashes = dict(get_user_model().objects.values_list("username", "password"))
    second = dict(load_demo_tutors(index, "es", "demo-", passwords=first))
    assert second == first
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes
    third = dict(load_demo_tutors(index, "es", "demo-"))  # passwords forgotten: new ones
    assert all(first[name] != third[name] for name in first)
    second = third
    assert TutorProfilePage.objects.count() == 8
    assert CompetencyAssessment.objects.count() == assessments
    assert CompetencyAssessment.history.count() == history  # nothing changed, nothing written
    for username, password in second.items():
        assert (
            authenticate(
                RequestFactory().post("/admin/login/"), username=username, password=password
            )
            is not None
        )
