"""Subject access: a mentee's action steps and check-ins are in their workbook sheets."""

import pytest
from django.utils import translation

from tutoria_cms.mentoring import services
from tutoria_cms.mentoring.subject import subject_data

from .conftest import TODAY, smart

pytestmark = pytest.mark.django_db


def test_action_steps_and_check_ins_of_the_students_pairs(pair, mentor_user, coordinator):
    goal = services.add_goal(pair, mentor_user, **smart())
    services.add_action_step(goal, mentor_user, description="Resolver la guía 1")
    services.check_in(
        pair, mentor_user, role="mentor", date=TODAY, ratings=[(goal, 4, "Va muy bien")]
    )
    with translation.override("en"):
        sheets = {
            str(s.title): s for s in subject_data(pair.mentee.student.student_number, coordinator)
        }
    assert [row[1] for row in sheets["Mentoring action steps"].rows] == ["Resolver la guía 1"]
    (check_in,) = sheets["Mentoring check-ins"].rows
    assert check_in[0] == pair.pk and check_in[4:] == (4, "Va muy bien")
