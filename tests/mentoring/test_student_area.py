"""The student area's "My mentoring": a student sees their own pairs only (as mentee or as
mentor, of the area's institution), never a private note, and adds check-ins in their role."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from tests import factories
from tests.students.conftest import BR_HOST, MX_HOST, signed_in
from tutoria_cms.mentoring import services
from tutoria_cms.mentoring.models import CheckIn, MentoringProgramme, Participant

TODAY = timezone.localdate()


def es(text):
    """``text`` as the Spanish site shows it (its language is the site's)."""
    with translation.override("es"):
        return escape(translation.gettext(text))


def url(page, tail=""):
    return page.relative_url(page.get_site()) + tail


def programme_of(site):
    index = factories.build_programme_index(site.root_page)
    page = factories.build_programme(
        index, title=f"Mentoría {site.hostname}", kind="peer_mentoring"
    )
    return MentoringProgramme.objects.create(
        page=page,
        period_start=TODAY - datetime.timedelta(days=30),
        period_end=TODAY + datetime.timedelta(days=120),
    )


def join(programme, role, record, user=None):
    return Participant.objects.create(
        programme=programme, role=role, student=record, user=user, availability=["mon_am"]
    )


def play(pair, root, mentor_user, tag):
    """A goal with a step, a meeting with shared and private notes, a check-in per role."""
    goal = services.add_goal(
        pair,
        root,
        specific=f"Goal {tag}",
        indicator="Hours of study per week",
        target="10",
        achievable_relevant="It matters.",
        due_date=TODAY + datetime.timedelta(days=40),
        steps=[f"Step {tag}"],
    )
    services.log_meeting(
        pair,
        mentor_user,
        date=TODAY,
        mode="video",
        duration_minutes=45,
        shared_notes=f"Shared note {tag}",
        mentor_private_notes=f"PRIVATE-{tag}",
    )
    yesterday = TODAY - datetime.timedelta(days=1)
    for role in ("mentor", "mentee"):
        services.check_in(
            pair,
            root,
            role=role,
            date=yesterday,
            ratings=[(goal, 3, f"{role.upper()}-FEEDBACK-{tag}")],
        )
    return goal


@pytest.fixture
def world(db):
    from wagtail.models import Site

    factories.build_site("es", MX_HOST, title="Universidad de Ejemplo", default=True)
    factories.build_site("pt-br", BR_HOST, title="Universidade Exemplo")
    mx, br = Site.objects.get(hostname=MX_HOST), Site.objects.get(hostname=BR_HOST)
    root = get_user_model().objects.create_superuser("root", "root@example.edu", "x-root-pass-1")
    mx_programme, br_programme = programme_of(mx), programme_of(br)

    w = type("World", (), {})()
    w.mx, w.br, w.root = mx, br, root
    w.mx_area = factories.build_student_area(mx.root_page, title="Mi espacio")
    w.br_area = factories.build_student_area(br.root_page, title="Minha área")
    # The mentee (an area account) and their mentor (a student too, with an area account and
    # the admin account linked to the mentor participant).
    w.mentee_record = factories.make_student("S100", site=mx, full_name="Valeria Mentee")
    w.mentee = factories.make_student_user(w.mentee_record)
    w.mentor_record = factories.make_student("S900", site=mx, full_name="Andrea Mentora")
    w.mentor = factories.make_student_user(w.mentor_record)
    w.pair = services.pair_manually(
        mx_programme,
        join(mx_programme, "mentor", w.mentor_record, user=w.mentor),
        join(mx_programme, "mentee", w.mentee_record),
        root,
    )
    w.goal = play(w.pair, root, w.mentor, "A")
    # Another pair of the same institution.
    other_mentor_user = factories.UserFactory(username="mentor_o")
    w.other_pair = services.pair_manually(
        mx_programme,
        join(
            mx_programme,
            "mentor",
            factories.make_student("S901", site=mx, full_name="Otro Mentor"),
            user=other_mentor_user,
        ),
        join(mx_programme, "mentee", factories.make_student("S200", site=mx, full_name="Ernesto")),
        root,
    )
    w.other_goal = play(w.other_pair, root, other_mentor_user, "B")
    # The same student number in the other institution: another student, another pair.
    br_mentor_user = factories.UserFactory(username="mentor_br")
    w.br_record = factories.make_student(
        "S100", site=br, full_name="Outra Pessoa", email="s100@exemplo.edu.br"
    )
    w.br_student = factories.make_student_user(
        factories.make_student("S100X", site=br, full_name="Bia")
    )
    w.br_pair = services.pair_manually(
        br_programme,
        join(
            br_programme,
            "mentor",
            factories.make_student("S902", site=br, full_name="Mentor Brasil"),
            user=br_mentor_user,
        ),
        join(br_programme, "mentee", w.br_record),
        root,
    )
    w.br_goal = play(w.br_pair, root, br_mentor_user, "C")
    return w


def test_the_mentee_sees_their_pair_and_nothing_else(world):
    client = signed_in(world.mentee)
    overview = client.get(url(world.mx_area))
    with translation.override("es"):
        summary = translation.ngettext(
            "%(count)d active mentoring pair", "%(count)d active mentoring pairs", 1
        ) % {"count": 1}
    assert summary in overview.content.decode()
    listing = client.get(url(world.mx_area, "mentoring/"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Andrea Mentora" in body
    for foreign in ("Ernesto", "Otro Mentor", "Mentor Brasil", "Outra Pessoa"):
        assert foreign not in body
    detail = client.get(url(world.mx_area, f"mentoring/{world.pair.pk}/"))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Goal A" in body and "Step A" in body and "Shared note A" in body
    assert "MENTEE-FEEDBACK-A" in body  # their own check-in
    assert "MENTOR-FEEDBACK-A" not in body  # not the mentor's
    assert "PRIVATE-" not in body
    for tag in ("B", "C"):
        assert f"Goal {tag}" not in body and f"Shared note {tag}" not in body
    assert "no-store" in detail["Cache-Control"]


def test_a_student_mentor_sees_their_mentee_but_never_private_notes(world):
    body = signed_in(world.mentor).get(url(world.mx_area, f"mentoring/{world.pair.pk}/"))
    body = body.content.decode()
    assert "Valeria Mentee" in body and es("Your mentee") in body
    assert "MENTOR-FEEDBACK-A" in body and "MENTEE-FEEDBACK-A" not in body
    assert "PRIVATE-A" not in body


def test_other_pairs_are_not_found(world):
    client = signed_in(world.mentee)
    for pair in (world.other_pair, world.br_pair):
        assert client.get(url(world.mx_area, f"mentoring/{pair.pk}/")).status_code == 404
        check_in = url(world.mx_area, f"mentoring/{pair.pk}/check-in/")
        assert client.get(check_in).status_code == 404
        response = client.post(
            check_in, {"role": "mentee", "goal": pair.goals.get().pk, "date": TODAY, "rating": 4}
        )
        assert response.status_code == 404
    assert not CheckIn.objects.filter(date=TODAY).exists()


def test_the_same_number_in_another_institution_is_not_included(world):
    # The Brazilian record S100 is in a pair; the Mexican S100 must not see it, nor the
    # Brazilian student's area the Mexican pair.
    body = signed_in(world.mentee).get(url(world.mx_area, "mentoring/")).content.decode()
    assert "Mentor Brasil" not in body
    br_owner = factories.make_student_user(world.br_record)
    body = signed_in(br_owner, BR_HOST).get(url(world.br_area, "mentoring/")).content.decode()
    assert "Mentor Brasil" in body and "Andrea Mentora" not in body
    response = signed_in(br_owner, BR_HOST).get(url(world.br_area, f"mentoring/{world.pair.pk}/"))
    assert response.status_code == 404


def test_the_mentee_adds_a_check_in_listed_first(world):
    client = signed_in(world.mentee)
    check_in = url(world.mx_area, f"mentoring/{world.pair.pk}/check-in/")
    form = client.get(check_in)
    assert form.status_code == 200 and "csrfmiddlewaretoken" in form.content.decode()
    response = client.post(
        check_in,
        {
            "role": "mentee",
            "goal": world.goal.pk,
            "date": TODAY.isoformat(),
            "rating": "4",
            "feedback": "NEWEST-FEEDBACK",
        },
    )
    assert response.status_code == 302
    entry = CheckIn.objects.get(feedback="NEWEST-FEEDBACK")
    assert (entry.rater_role, entry.rating, entry.recorded_by) == ("mentee", 4, world.mentee)
    body = client.get(response["Location"]).content.decode()
    assert es("Your check-in was saved.") in body
    assert body.index("NEWEST-FEEDBACK") < body.index("MENTEE-FEEDBACK-A")


def test_a_refused_check_in_keeps_what_was_typed(world):
    client = signed_in(world.mentee)
    check_in = url(world.mx_area, f"mentoring/{world.pair.pk}/check-in/")
    tomorrow = TODAY + datetime.timedelta(days=1)
    data = {"role": "mentee", "goal": world.goal.pk, "rating": "2", "feedback": "KEEP-ME"}
    response = client.post(check_in, {**data, "date": tomorrow.isoformat()})
    assert response.status_code == 400
    body = response.content.decode()
    assert es("A check-in cannot be dated in the future.") in body and "KEEP-ME" in body
    # The same goal, role and day as an existing check-in.
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = client.post(check_in, {**data, "date": yesterday})
    assert response.status_code == 400
    assert es("Progress on this goal was already rated in this role on that date.") in (
        response.content.decode()
    )
    # Another pair's goal, or the mentor's role, are not choices.
    for wrong in ({"goal": world.other_goal.pk}, {"role": "mentor"}):
        response = client.post(check_in, {**data, "date": TODAY.isoformat(), **wrong})
        assert response.status_code == 400
    assert not CheckIn.objects.filter(feedback="KEEP-ME").exists()


def test_no_check_in_on_a_closed_pair(world):
    services.close_pair(
        world.pair,
        world.root,
        final_reflection="Done.",
        achievements={world.goal.pk: {"achieved": True, "value": 10, "note": ""}},
    )
    client = signed_in(world.mentee)
    assert client.get(url(world.mx_area, f"mentoring/{world.pair.pk}/")).status_code == 200
    assert client.get(url(world.mx_area, f"mentoring/{world.pair.pk}/check-in/")).status_code == 404
    assert es("Your mentoring has ended.") in client.get(url(world.mx_area)).content.decode()


def test_staff_another_institution_and_anonymous_are_kept_out(world):
    path = url(world.mx_area, f"mentoring/{world.pair.pk}/")
    staff = factories.build_tutor_user("tutor1")
    assert signed_in(staff).get(path).status_code == 403
    assert signed_in(world.br_student).get(path).status_code == 403
    response = Client(HTTP_HOST=MX_HOST).get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_service_lets_a_student_rate_only_in_their_own_role(world):
    with pytest.raises(services.MentoringError):
        services.check_in(
            world.pair,
            world.mentee,
            student=world.mentee_record,
            role="mentor",
            date=TODAY,
            ratings=[(world.goal, 3, "")],
        )
    with pytest.raises(services.MentoringError):  # another pair
        services.check_in(
            world.other_pair,
            world.mentee,
            student=world.mentee_record,
            role="mentee",
            date=TODAY,
            ratings=[(world.other_goal, 3, "")],
        )
    (entry,) = services.check_in(
        world.pair,
        world.mentee,
        student=world.mentee_record,
        role="mentee",
        date=TODAY,
        ratings=[(world.goal, 5, "")],
    )
    assert entry.rater_role == "mentee"
