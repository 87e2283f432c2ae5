"""The request workflow keeps institutions apart: staff of one institution cannot list, open
(404), act on, count or be offered another institution's requests, referrals, sessions,
groups, reports and classes; a person of both sees both; superusers see all."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tests.factories import make_student, walk
from tutoria_cms.core import roles
from tutoria_cms.requests import dashboard, permissions, services
from tutoria_cms.requests.forms import NewRequestForm
from tutoria_cms.requests.models import (
    RequestKind,
    SensitiveRead,
    StudentGroup,
    TutoringRequest,
)

pytestmark = pytest.mark.django_db


class World:
    pass


def staff(name, group, sites):
    return factories.UserFactory(username=name, groups=[group], sites=sites)


def running_request(w, side, student, programme):
    coord, board, tutor = (getattr(w, f"{role}_{side}") for role in ("coord", "board", "tutor"))
    request = services.create_request(
        kind=RequestKind.SUPPORT,
        student=student,
        user=coord,
        programme=programme,
        reasons=["emotional"],
        description=f"SECRET-{side.upper()}",
    )
    request = services.assign_tutor(request, tutor, coord)
    actors = {"submit": coord, "review": coord, "approve": board, "start": coord}
    request = walk(request, actors, "submit", "review", "approve", "start")
    services.record_session(
        request, tutor, date=datetime.date(2026, 3, 2), modality="video", duration_minutes=45
    )
    services.refer(request, tutor, reason=f"REFERRAL-{side.upper()}")
    return request


@pytest.fixture
def w(mx_home, br_home, programme, br_programme, term):
    w = World()
    w.a_site, w.b_site = mx_home.get_site(), br_home.get_site()
    for side, site in (("a", w.a_site), ("b", w.b_site)):
        setattr(w, f"coord_{side}", staff(f"coord_{side}", roles.COORDINATION, [site]))
        setattr(w, f"board_{side}", staff(f"board_{side}", roles.BOARD, [site]))
        setattr(w, f"orient_{side}", staff(f"orient_{side}", roles.ORIENTATION, [site]))
        setattr(w, f"tutor_{side}", staff(f"tutor_{side}", roles.TUTORS, [site]))
    w.both = staff("coord_both", roles.COORDINATION, [w.a_site, w.b_site])
    w.root = factories.UserFactory(username="root", is_superuser=True)
    w.req_a = running_request(w, "a", make_student("A1"), programme)
    w.req_b = running_request(w, "b", make_student("ZZB7731"), br_programme)
    w.group_b = StudentGroup.objects.create(
        site=w.b_site, code="GB", name="Grupo B", term=term, tutor=w.tutor_b
    )
    w.report_b = services.prepare_report(term, w.tutor_b, tutoring_request=w.req_b)
    w.referral_b = w.req_b.referrals.get()
    return w


def test_records_take_their_institution(w):
    assert w.req_a.site == w.a_site
    assert w.req_b.site == w.b_site
    for record in (
        w.req_b.disclosure,
        w.req_b.sessions.get(),
        w.referral_b,
        w.report_b,
    ):
        assert record.site_id == w.b_site.pk
    assert SensitiveRead.objects.filter(request=w.req_b).count() == 0 or set(
        SensitiveRead.objects.filter(request=w.req_b).values_list("site_id", flat=True)
    ) == {w.b_site.pk}


@pytest.mark.parametrize("role", ["coord", "board", "orient", "tutor"])
def test_staff_of_a_see_only_a(w, role):
    user = getattr(w, f"{role}_a")
    visible = set(permissions.visible_requests(user).values_list("pk", flat=True))
    assert w.req_a.pk in visible
    assert w.req_b.pk not in visible
    assert not permissions.visible_groups(user).filter(pk=w.group_b.pk).exists()
    assert not permissions.visible_reports(user).filter(pk=w.report_b.pk).exists()
    assert not permissions.can_read_disclosure(user, w.req_b)
    for action in ("submit", "review", "approve", "deny", "close", "assign_tutor"):
        assert not permissions.can_transition(user, w.req_b, action)


@pytest.mark.parametrize("role", ["coord", "board", "orient", "tutor"])
def test_admin_views_of_b_are_not_found_for_a(w, client, role):
    client.force_login(getattr(w, f"{role}_a"))
    listing = client.get(reverse("tutoria_requests:list"))
    assert listing.status_code in (200, 302, 403)
    assert "SECRET-B" not in listing.content.decode()
    assert str(w.req_b.student) not in listing.content.decode()
    for url in (
        reverse("tutoria_requests:inspect", args=[w.req_b.pk]),
        reverse("tutoria_requests:disclosure", args=[w.req_b.pk]),
        reverse("tutoria_requests:transition", args=[w.req_b.pk, "close"]),
        reverse("tutoria_requests:assign", args=[w.req_b.pk]),
        reverse("tutoria_requests:update_referral", args=[w.req_b.pk, w.referral_b.pk]),
        reverse("tutoria_reports:inspect", args=[w.report_b.pk]),
        reverse("tutoria_groups:session", args=[w.group_b.pk]),
    ):
        assert client.get(url).status_code in (404, 403), url
        assert client.post(url, {"reason": "x"}).status_code in (404, 403), url
    assert TutoringRequest.objects.get(pk=w.req_b.pk).state == w.req_b.state


def test_coordinator_of_a_cannot_edit_or_delete_b_group(w, client):
    client.force_login(w.coord_a)
    assert client.get(reverse("tutoria_groups:edit", args=[w.group_b.pk])).status_code == 404
    assert client.post(reverse("tutoria_groups:delete", args=[w.group_b.pk])).status_code == 404
    assert StudentGroup.objects.filter(pk=w.group_b.pk).exists()
    listing = client.get(reverse("tutoria_groups:index"))
    assert "Grupo B" not in listing.content.decode()


def test_orientation_of_a_cannot_read_b_confidential_details(w, client):
    client.force_login(w.orient_a)
    response = client.get(reverse("tutoria_requests:disclosure", args=[w.req_b.pk]))
    assert response.status_code == 404
    client.force_login(w.orient_b)
    response = client.get(reverse("tutoria_requests:disclosure", args=[w.req_b.pk]))
    assert response.status_code == 200
    assert "SECRET-B" in response.content.decode()


def test_services_refuse_actions_on_b(w):
    with pytest.raises(services.TransitionRefused):
        services.transition(w.req_b, "close", w.coord_a)
    with pytest.raises(services.TransitionRefused):
        services.assign_group_tutor(w.group_b, w.tutor_b, w.coord_a)
    with pytest.raises(services.TransitionRefused):
        services.update_referral(w.referral_b, w.orient_a, status="attended")
    # A tutor of A is not assigned to B's request, even by B's coordinator.
    with pytest.raises(services.TransitionError):
        services.assign_tutor(w.req_b, w.tutor_a, w.coord_b)


def _counts(user):
    return {item.key: item.count for item in dashboard.work_items(user)}


def test_dashboards_count_only_own_institution(w, term):
    # One request waiting in each institution.
    for side in ("a", "b"):
        services.create_request(
            kind=RequestKind.SUPPORT,
            student=make_student(f"W{side}"),
            user=getattr(w, f"coord_{side}"),
            site=getattr(w, f"{side}_site"),
        )
    for side in ("a", "b"):
        request = TutoringRequest.objects.get(student__student_number=f"W{side}")
        walk(request, {"submit": getattr(w, f"coord_{side}")}, "submit")
    assert _counts(w.coord_a)["requests_submitted"] == 1
    assert _counts(w.both)["requests_submitted"] == 2
    assert _counts(w.root)["requests_submitted"] == 2
    assert _counts(w.orient_a)["referrals_new"] == 1
    assert _counts(w.orient_b)["referrals_new"] == 1


def test_a_person_of_both_and_superusers_see_both(w):
    for user in (w.both, w.root):
        visible = set(permissions.visible_requests(user).values_list("pk", flat=True))
        assert {w.req_a.pk, w.req_b.pk} <= visible
        assert permissions.visible_groups(user).filter(pk=w.group_b.pk).exists()
    assert permissions.can_transition(w.both, w.req_b, "close")


def test_tutor_choices_are_of_the_request_institution(w):
    from tutoria_cms.requests.views import tutor_candidates

    candidates = set(tutor_candidates(w.req_b))
    assert w.tutor_b in candidates
    assert w.tutor_a not in candidates


def test_subject_export_of_a_holds_nothing_of_b(w):
    from tutoria_cms.requests.subject import subject_data

    sheets = subject_data("ZZB7731", w.coord_a)
    assert sheets == []
    assert subject_data("ZZB7731", w.coord_b)
    assert subject_data("ZZB7731", w.both, site=w.a_site) == []


def test_new_request_form_of_one_institution(w, rf, programme, br_programme):
    form = NewRequestForm(user=w.coord_a, request=None)
    assert "site" not in form.fields
    assert form.institution == w.a_site
    choices = set(form.fields["programme"].queryset)
    assert {p.pk for p in choices} == {programme.pk}


def test_new_request_form_of_several_institutions(w, programme, br_programme):
    student = make_student("N1", site=w.b_site)
    form = NewRequestForm(user=w.both, request=None)
    assert set(form.fields["site"].queryset) == {w.a_site, w.b_site}
    assert {p.pk for p in form.fields["programme"].queryset} == {programme.pk, br_programme.pk}
    data = {
        "kind": RequestKind.SUPPORT,
        "student": student.pk,
        "programme": br_programme.pk,
        "site": w.a_site.pk,
        "language": "es",
        "procedures_compatible": "on",
    }
    form = NewRequestForm(data, user=w.both, request=None)
    assert not form.is_valid()
    assert "programme" in form.errors
    data["site"] = w.b_site.pk
    form = NewRequestForm(data, user=w.both, request=None)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["site"] == w.b_site
    # The student is a record of the request's institution (the same number elsewhere is
    # another student).
    other = make_student("N1", site=w.a_site)
    form = NewRequestForm({**data, "student": other.pk}, user=w.both, request=None)
    assert not form.is_valid() and "student" in form.errors
    # A site the person does not coordinate in is not a choice.
    form = NewRequestForm({**data}, user=w.coord_a, request=None)
    assert "site" not in form.fields


def test_new_request_in_the_admin_goes_to_the_coordinator_institution(w, client, br_programme):
    student = make_student("N2", site=w.b_site)
    client.force_login(w.coord_b)
    response = client.post(
        reverse("tutoria_requests:add"),
        {
            "kind": RequestKind.SUPPORT,
            "student": student.pk,
            "programme": br_programme.pk,
            "language": "pt-br",
            "procedures_compatible": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert TutoringRequest.objects.get(student=student).site == w.b_site
