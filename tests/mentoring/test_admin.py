"""Admin per role: who sees which pair and which personal data; actions by POST with CSRF."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.mentoring import services
from tutoria_cms.mentoring.choices import PairStatus
from tutoria_cms.mentoring.models import Goal, Pair

from .conftest import TODAY, smart

pytestmark = pytest.mark.django_db


def client_for(user, **kwargs):
    from wagtail.users.models import UserProfile

    client = Client(**kwargs)
    if user is not None:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()
        client.force_login(user)
    return client


def test_roles_get_their_permissions(db):
    def codenames(name):
        return set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="tutoria_mentoring")
            .values_list("codename", flat=True)
        )

    assert {
        "manage_mentoring",
        "add_participant",
        "change_mentoringprogramme",
        "view_pair",
    } <= codenames(roles.COORDINATION)
    for role in (roles.TUTORS, roles.QUALITY, roles.BOARD, roles.ORIENTATION, roles.COMMUNICATIONS):
        assert codenames(role) == set()


def urls(pair, programme):
    return {
        "index": reverse("tutoria_mentoring_pairs:index"),
        "inspect": reverse("tutoria_mentoring_pairs:inspect", args=[pair.pk]),
        "add_goal": reverse("tutoria_mentoring_pairs:add_goal", args=[pair.pk]),
        "log_meeting": reverse("tutoria_mentoring_pairs:log_meeting", args=[pair.pk]),
        "check_in": reverse("tutoria_mentoring_pairs:check_in", args=[pair.pk]),
        "close": reverse("tutoria_mentoring_pairs:close", args=[pair.pk]),
        "change_mentor": reverse("tutoria_mentoring_pairs:change_mentor", args=[pair.pk]),
        "suggestions": reverse("tutoria_mentoring_pairs:suggestions", args=[programme.pk]),
        "participants": reverse("tutoria_mentoring_participants:index"),
        "programmes": reverse("tutoria_mentoring_programmes:index"),
    }


ALLOWED = {
    "coordinator": {
        "index",
        "inspect",
        "add_goal",
        "log_meeting",
        "check_in",
        "close",
        "change_mentor",
        "suggestions",
        "participants",
        "programmes",
    },
    "mentor_user": {"index", "inspect", "add_goal", "log_meeting", "check_in", "close"},
    "other_mentor_user": {"index"},  # their own pair only: mentor A's pair is not found
    "tutor": set(),
    "quality": set(),
    "board": set(),
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_admin_views_per_role(role, request, pair, pair_b, mentoring):
    user = request.getfixturevalue(role)
    client = client_for(user)
    for name, url in urls(pair, mentoring).items():
        response = client.get(url)
        if name in ALLOWED[role]:
            assert response.status_code == 200, (role, name)
        else:
            assert response.status_code in (302, 403, 404), (role, name, response.status_code)
            if response.status_code == 302:
                assert "mentoring" not in response["Location"], (role, name)


def test_mentor_lists_only_their_pairs(pair, pair_b, mentor_user, other_mentor_user):
    listing = client_for(mentor_user).get(reverse("tutoria_mentoring_pairs:index"))
    text = listing.content.decode()
    assert "Elena Confidencial" in text and "Ernesto Reservado" not in text
    other = client_for(other_mentor_user).get(reverse("tutoria_mentoring_pairs:index"))
    assert "Ernesto Reservado" in other.content.decode()
    assert "Elena Confidencial" not in other.content.decode()


def test_mentee_personal_data_and_private_notes(pair, mentor_user, coordinator, mentoring):
    services.log_meeting(
        pair,
        mentor_user,
        date=TODAY,
        mode="video",
        duration_minutes=40,
        shared_notes="SHARED-NOTE",
        mentor_private_notes="PRIVATE-NOTE",
        today=TODAY,
    )
    url = reverse("tutoria_mentoring_pairs:inspect", args=[pair.pk])
    mentor_page = client_for(mentor_user).get(url).content.decode()
    assert "E001@alumnos.example.edu" in mentor_page and "E001" in mentor_page
    assert "PRIVATE-NOTE" in mentor_page and "SHARED-NOTE" in mentor_page
    coordinator_page = client_for(coordinator).get(url).content.decode()
    assert "E001@alumnos.example.edu" in coordinator_page
    assert "SHARED-NOTE" in coordinator_page and "PRIVATE-NOTE" not in coordinator_page
    # A mentee with an account sees their pair, not the private notes nor the data.
    mentee_user = factories.UserFactory(username="mentee_1", groups=[roles.TUTORS])
    pair.mentee.user = mentee_user
    pair.mentee.save()
    mentee_page = client_for(mentee_user).get(url).content.decode()
    assert "SHARED-NOTE" in mentee_page and "PRIVATE-NOTE" not in mentee_page
    assert "M001@alumnos.example.edu" not in mentee_page
    assert "mentor_a@example.edu" not in mentee_page
    # The coordinator's meeting form has no private notes field.
    form = (
        client_for(coordinator)
        .get(reverse("tutoria_mentoring_pairs:log_meeting", args=[pair.pk]))
        .content.decode()
    )
    assert "mentor_private_notes" not in form
    form = (
        client_for(mentor_user)
        .get(reverse("tutoria_mentoring_pairs:log_meeting", args=[pair.pk]))
        .content.decode()
    )
    assert "mentor_private_notes" in form


def test_mentor_a_refused_on_mentor_b_pair(pair_b, pair, mentor_user):
    client = client_for(mentor_user)
    for name in ("inspect", "add_goal", "log_meeting", "check_in", "close"):
        url = reverse(f"tutoria_mentoring_pairs:{name}", args=[pair_b.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {}).status_code == 404, name
    assert not Goal.objects.filter(pair=pair_b).exists()


def test_suggestions_show_score_and_reasons_and_confirm_with_csrf(
    mentoring,
    mentor_a,
    mentor_b,
    mentee_1,
    mentee_2,
    coordinator,
    django_capture_on_commit_callbacks,
):
    client = client_for(coordinator, enforce_csrf_checks=True)
    url = reverse("tutoria_mentoring_pairs:suggestions", args=[mentoring.pk])
    # Without the CSRF token a POST is refused and nothing is written.
    assert client.post(url).status_code == 403
    assert not Pair.objects.exists()
    page = client.get(url)
    token = (
        page.cookies["csrftoken"].value
        if "csrftoken" in page.cookies
        else client.cookies["csrftoken"].value
    )
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    page = client.get(url).content.decode()
    assert "2 suggested pairs" in page
    assert "Shared goals: técnicas de estudio" in page
    assert "Shared interests: musica" in page
    suggestion = Pair.objects.get(mentee=mentee_1)
    assert str(suggestion.score) in page
    confirm = reverse("tutoria_mentoring_pairs:confirm", args=[suggestion.pk])
    assert client.get(confirm).status_code == 405
    assert client.post(confirm).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == PairStatus.SUGGESTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == url
    suggestion.refresh_from_db()
    assert suggestion.status == PairStatus.CONFIRMED
    other = Pair.objects.get(mentee=mentee_2)
    reject = reverse("tutoria_mentoring_pairs:reject", args=[other.pk])
    client.post(reject, {"csrfmiddlewaretoken": token, "reason": "No"})
    other.refresh_from_db()
    assert other.status == PairStatus.REJECTED and other.rejection_reason == "No"
    # Confirming twice is refused politely.
    response = client.post(confirm, {"csrfmiddlewaretoken": token}, follow=True)
    assert "no longer possible" in response.content.decode()


def test_mentor_cannot_post_coordination_actions(
    mentoring, mentor_a, mentee_1, mentor_user, coordinator
):
    (suggestion,) = services.propose_pairs(mentoring, coordinator)
    client = client_for(mentor_user)
    # A suggestion is not visible to its mentor yet.
    for name in ("confirm", "reject"):
        url = reverse(f"tutoria_mentoring_pairs:{name}", args=[suggestion.pk])
        assert client.post(url).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == PairStatus.SUGGESTED


def test_goal_form_refuses_missing_smart_parts(pair, mentor_user):
    client = client_for(mentor_user)
    url = reverse("tutoria_mentoring_pairs:add_goal", args=[pair.pk])
    data = {key: value for key, value in smart().items() if key != "due_date"}
    data["due_date"] = smart()["due_date"].isoformat()
    response = client.post(url, {**data, "indicator": ""})
    assert response.status_code == 200
    assert "Measurable: give the indicator" in response.content.decode()
    response = client.post(
        url, {**data, "due_date": (TODAY + datetime.timedelta(days=400)).isoformat()}
    )
    assert "within the programme&#x27;s period" in response.content.decode()
    assert not pair.goals.exists()
    response = client.post(url, {**data, "steps": "Paso uno\nPaso dos"})
    assert response.status_code == 302
    assert pair.goals.get().steps.count() == 2


def test_check_in_and_close_through_the_admin(pair, mentor_user):
    goal = services.add_goal(pair, mentor_user, **smart())
    client = client_for(mentor_user)
    response = client.post(
        reverse("tutoria_mentoring_pairs:check_in", args=[pair.pk]),
        {"role": "mentee", "date": TODAY.isoformat(), f"rating_{goal.pk}": "3"},
    )
    assert response.status_code == 200  # the mentor cannot rate as the mentee
    response = client.post(
        reverse("tutoria_mentoring_pairs:check_in", args=[pair.pk]),
        {
            "role": "mentor",
            "date": TODAY.isoformat(),
            f"rating_{goal.pk}": "3",
            f"feedback_{goal.pk}": "Bien",
        },
    )
    assert response.status_code == 302 and goal.check_ins.get().rating == 3
    close = reverse("tutoria_mentoring_pairs:close", args=[pair.pk])
    response = client.post(close, {"final_reflection": "", f"achieved_{goal.pk}": "on"})
    assert response.status_code == 200 and "final reflection" in response.content.decode()
    response = client.post(
        close,
        {"final_reflection": "Cerramos", f"achieved_{goal.pk}": "on", f"value_{goal.pk}": "9"},
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.CLOSED


def test_dashboard_panel(pair, coordinator, mentor_user, tutor):
    pair.confirmed_at = pair.confirmed_at - datetime.timedelta(days=60)
    pair.save()
    pair.meetings.update(date=TODAY - datetime.timedelta(days=53))  # first meeting missed
    home = client_for(coordinator).get(reverse("wagtailadmin_home")).content.decode()
    assert "1 pair at risk" in home and "no meetings" in home
    mentor_home = client_for(mentor_user).get(reverse("wagtailadmin_home")).content.decode()
    assert "has not met recently" in mentor_home and "at risk" not in mentor_home
    assert (
        "Peer mentoring" not in client_for(tutor).get(reverse("wagtailadmin_home")).content.decode()
    )


def test_dashboard_panel_lists_the_users_own_pairs(pair, pair_b, coordinator, mentor_user):
    """A mentor's panel lists their pairs due a meeting only (no risks); coordination's,
    every pair and the pairs at risk."""
    from tutoria_cms.mentoring.panels import MentoringPanel

    day = pair.started_on + datetime.timedelta(days=29)  # neither pair met: due and at risk
    mentor = MentoringPanel(mentor_user, today=day).get_context_data()
    assert mentor["reminders"] == [pair] and mentor["at_risk"] == []
    coordination = MentoringPanel(coordinator, today=day).get_context_data()
    assert coordination["reminders"] == [pair, pair_b]
    assert [p for p, _labels in coordination["at_risk"]] == [pair, pair_b]


@pytest.mark.parametrize("kind", ["programme", "participant"])
def test_deleting_what_pairs_depend_on_is_refused_with_a_message(kind, mentoring, pair):
    """Participants protect their programme, pairs their participants (on_delete=PROTECT);
    Wagtail's reference index does not know those rows: the deletion was a server error."""
    from tutoria_cms.mentoring.models import MentoringProgramme, Participant

    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    target = mentoring if kind == "programme" else pair.mentor
    namespace = f"tutoria_mentoring_{kind}s"
    client = client_for(root)
    response = client.post(reverse(f"{namespace}:delete", args=[target.pk]))
    # Refused by Wagtail when its reference index knows the protecting rows (to the
    # dashboard), else by the database (back to the listing, with a message).
    assert response.status_code == 302
    assert response["Location"] in ("/admin/", reverse(f"{namespace}:index"))
    assert MentoringProgramme.objects.filter(pk=mentoring.pk).exists()
    assert Participant.objects.filter(pk=pair.mentor_id).exists()
    assert Pair.objects.filter(pk=pair.pk).exists()
