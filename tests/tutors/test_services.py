"""Self-assessment, validation rules, publication of the matrix and history as of a date."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests import factories
from tutoria_cms.tutors import services
from tutoria_cms.tutors.models import Competency, CompetencyAssessment

pytestmark = pytest.mark.django_db


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime(2025, 3, day, hour, 0))


def competency(code):
    return Competency.objects.get(code=code)


def test_self_assessment_is_recorded_with_its_author(profile_a, tutor_a):
    guidance = competency("guidance")
    services.self_assess(profile_a, guidance, user=tutor_a, level=3, evidence="PAT 2024")
    assessment = CompetencyAssessment.objects.get(profile=profile_a, competency=guidance)
    assert (assessment.self_level, assessment.evidence) == (3, "PAT 2024")
    record = assessment.history.latest()
    assert record.history_user == tutor_a and record.self_level == 3


def test_saving_the_same_self_assessment_twice_writes_no_history(profile_a, tutor_a):
    guidance = competency("guidance")
    services.self_assess(profile_a, guidance, user=tutor_a, level=3)
    services.self_assess(profile_a, guidance, user=tutor_a, level=3)
    assert CompetencyAssessment.history.filter(profile_id=profile_a.pk).count() == 1


@pytest.mark.parametrize("level", [0, 5, 99])
def test_levels_must_exist_in_the_scale(profile_a, tutor_a, coordinator, level):
    with pytest.raises(ValidationError) as error:
        services.self_assess(profile_a, competency("guidance"), user=tutor_a, level=level)
    assert error.value.error_dict["level"][0].code == "level_not_in_scale"
    with pytest.raises(ValidationError) as error:
        services.validate(profile_a, competency("guidance"), user=coordinator, level=level)
    assert error.value.error_dict["level"][0].code == "level_not_in_scale"
    assert not CompetencyAssessment.objects.exists()


def test_only_the_tutor_self_assesses(profile_a, tutor_b, coordinator):
    for user in (tutor_b, coordinator):
        with pytest.raises(PermissionDenied):
            services.self_assess(profile_a, competency("guidance"), user=user, level=2)


def test_coordinator_validates_other_tutors(profile_a, tutor_a, coordinator):
    guidance = competency("guidance")
    services.self_assess(profile_a, guidance, user=tutor_a, level=4)
    assessment = services.validate(profile_a, guidance, user=coordinator, level=3)
    assert assessment.validated_level == 3 and assessment.validated_by == coordinator
    assert assessment.validated_at is not None
    assert assessment.history.latest().history_user == coordinator
    cleared = services.validate(profile_a, guidance, user=coordinator, level=None)
    assert cleared.validated_level is None and cleared.validated_by is None


def test_a_coordinator_cannot_validate_their_own_matrix(tutor_index, coordinator):
    own = factories.build_tutor_profile(tutor_index, title="Carmen Lozano", user=coordinator)
    with pytest.raises(ValidationError) as error:
        services.validate(own, competency("guidance"), user=coordinator, level=2)
    assert error.value.code == "own_matrix"
    assert not CompetencyAssessment.objects.exists()


def test_a_tutor_cannot_validate(profile_a, tutor_a, tutor_b):
    for user in (tutor_a, tutor_b):
        with pytest.raises(PermissionDenied):
            services.validate(profile_a, competency("guidance"), user=user, level=2)


def test_self_assessments_become_public_when_the_profile_is_published(profile_a, tutor_a):
    guidance = competency("guidance")
    services.self_assess(profile_a, guidance, user=tutor_a, level=3)
    public = {row.competency.code: row.level for row in services.public_matrix(profile_a).rows()}
    assert public["guidance"] is None  # not moderated yet
    preview = services.public_matrix(profile_a, preview=True)
    assert {r.competency.code: r.level for r in preview.rows()}["guidance"] == 3
    profile_a.save_revision(user=tutor_a).publish()
    public = {row.competency.code: row.level for row in services.public_matrix(profile_a).rows()}
    assert public["guidance"] == 3


def test_matrix_as_of_a_past_date(profile_a, tutor_a, coordinator):
    guidance, didactics = competency("guidance"), competency("didactics")
    with mock.patch("django.utils.timezone.now", return_value=at(1)):
        services.self_assess(profile_a, guidance, user=tutor_a, level=2)
    with mock.patch("django.utils.timezone.now", return_value=at(5)):
        services.self_assess(profile_a, guidance, user=tutor_a, level=3)
        services.self_assess(profile_a, didactics, user=tutor_a, level=1)
    with mock.patch("django.utils.timezone.now", return_value=at(6)):
        services.validate(profile_a, guidance, user=coordinator, level=4)
    with mock.patch("django.utils.timezone.now", return_value=at(8)):
        CompetencyAssessment.objects.get(competency=didactics).delete()

    def levels(when):
        rows = services.matrix_as_of(profile_a, when).rows()
        return {
            r.competency.code: (r.self_level, r.validated_level)
            for r in rows
            if r.self_level is not None or r.validated_level is not None
        }

    assert levels(datetime.date(2025, 2, 28)) == {}
    assert levels(datetime.date(2025, 3, 1)) == {"guidance": (2, None)}
    assert levels(datetime.date(2025, 3, 4)) == {"guidance": (2, None)}
    assert levels(datetime.date(2025, 3, 5)) == {"guidance": (3, None), "didactics": (1, None)}
    assert levels(at(6, 13)) == {"guidance": (3, 4), "didactics": (1, None)}
    assert levels(datetime.date(2025, 3, 9)) == {"guidance": (3, 4)}  # didactics deleted on 8
    as_of_6 = services.matrix_as_of(profile_a, datetime.date(2025, 3, 6))
    row = next(r for r in as_of_6.rows() if r.competency.code == "guidance")
    assert row.level == 4 and row.validated and row.validated_by == coordinator


def test_history_lists_who_changed_what(profile_a, tutor_a, coordinator):
    guidance = competency("guidance")
    with mock.patch("django.utils.timezone.now", return_value=at(1)):
        services.self_assess(profile_a, guidance, user=tutor_a, level=2)
    with mock.patch("django.utils.timezone.now", return_value=at(2)):
        services.validate(profile_a, guidance, user=coordinator, level=3)
    newest, oldest = services.assessment_history(profile_a)
    assert (newest.user, newest.when) == (coordinator, at(2))
    with translation.override("en"):
        changed = {str(label): (old, new) for label, old, new in newest.changes}
        assert changed["validated level"] == (None, 3)
        assert "self-assessed level" not in changed
        assert oldest.user == tutor_a
        assert {str(label): new for label, _old, new in oldest.changes}["self-assessed level"] == 2
