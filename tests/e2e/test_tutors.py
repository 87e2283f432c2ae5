"""A tutor keeps their competency matrix in a real browser, and cannot open another's."""

import pytest
from django.utils import translation

from tests import factories
from tutoria_cms.tutors import services
from tutoria_cms.tutors.models import Competency, CompetencyAssessment

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REFUSED = "Sorry, you do not have permission to access this area."


def test_tutor_edits_own_matrix_and_is_refused_another_tutors(site, login):
    factories.load_seed_framework()
    index = factories.build_tutor_index(site)
    ana = factories.build_tutor_user("tutora.ana", first_name="Ana", last_name="Ramírez")
    bruno = factories.build_tutor_user("tutor.bruno", first_name="Bruno", last_name="Salas")
    profile_a = factories.build_tutor_profile(index, title="Ana Ramírez", user=ana)
    profile_b = factories.build_tutor_profile(index, title="Bruno Salas", user=bruno)
    guidance = Competency.objects.get(code="guidance")
    services.self_assess(profile_a, guidance, user=ana, level=2, evidence="Informe 2024")
    services.self_assess(profile_b, guidance, user=bruno, level=3, evidence="Secreto de Bruno")
    with translation.override("en"):
        competency_name = guidance.name
    page = login("tutora.ana")

    page.get_by_role("link", name="My competency matrix").click()
    page.wait_for_url("**/admin/tutors/my-matrix/")
    level = page.get_by_label(f"My level in {competency_name}", exact=True)
    assert level.input_value() == "2"
    level.select_option(value="4")
    row = page.get_by_role("row", name=competency_name)
    row.get_by_label("Evidence", exact=True).fill("Informe 2025: 12 tutorados")
    page.get_by_role("button", name="Save my self-assessment").click()

    page.get_by_text("Your self-assessment was saved.").wait_for()
    assert page.get_by_label(f"My level in {competency_name}", exact=True).input_value() == "4"
    assessment = CompetencyAssessment.objects.get(profile=profile_a, competency=guidance)
    assert assessment.self_level == 4
    assert assessment.evidence == "Informe 2025: 12 tutorados"
    assert assessment.history.count() == 2  # the first self-assessment, then this change

    # Another tutor's profile: the editor, the matrix and the history are all refused.
    for url in (
        f"/admin/pages/{profile_b.pk}/edit/",
        f"/admin/tutors/profiles/{profile_b.pk}/matrix/",
        f"/admin/tutors/profiles/{profile_b.pk}/history/",
    ):
        page.goto(url)
        page.wait_for_url("**/admin/")
        page.get_by_text(REFUSED).wait_for()
        assert "Secreto de Bruno" not in page.content(), url
    untouched = CompetencyAssessment.objects.get(profile=profile_b, competency=guidance)
    assert untouched.self_level == 3 and untouched.evidence == "Secreto de Bruno"
