"""Every action a role may take on a request can be reached from the admin, and its form can
be submitted: the create form has its Save button, and the inspect page links to the
assigned tutor's sessions, referrals and end-of-term report (only for that tutor)."""

import pytest
from django.urls import reverse

from tests import factories
from tests.factories import referral_service, walk
from tests.security.forms import form_data, post_forms
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestState

pytestmark = pytest.mark.django_db


def has_submit_control(html, url):
    forms = post_forms(html, url)
    return bool(forms) and all(count > 0 for count in forms)


@pytest.fixture
def running(support_request, coordinator, board, tutor, term):
    support_request.term = term
    support_request.save()
    request = services.assign_tutor(support_request, tutor, coordinator)
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    return walk(request, actors, "submit", "review", "approve", "start")


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.mark.parametrize("who", ["coordinator", "superuser"])
def test_new_request_form_has_a_save_button(client, request, who, student):
    client.force_login(request.getfixturevalue(who))
    url = reverse("tutoria_requests:add")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert has_submit_control(html, url), "the new request form has no submit control"
    # What a browser would post: the form's own fields, with the required ones filled.
    data = form_data(html, url)
    data.update({"kind": ["support"], "student": [str(student.pk)], "language": ["es"]})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    created = student.tutoring_requests.get()
    assert response["Location"] == reverse("tutoria_requests:inspect", args=[created.pk])
    assert created.state == RequestState.DRAFT


def test_assigned_tutor_reaches_sessions_referrals_and_report(client, running, tutor):
    client.force_login(tutor)
    inspect = client.get(reverse("tutoria_requests:inspect", args=[running.pk])).content.decode()
    session_url = reverse("tutoria_requests:record_session", args=[running.pk])
    refer_url = reverse("tutoria_requests:refer", args=[running.pk])
    report_url = reverse("tutoria_reports:prepare", args=["request", running.pk])
    for url in (session_url, refer_url, report_url):
        assert f'href="{url}"' in inspect, url
        page = client.get(url)
        assert page.status_code == 200
        assert has_submit_control(page.content.decode(), url), url

    response = client.post(
        session_url,
        {"date": "2026-03-02", "modality": "video", "attention_type": "individual",
         "duration_minutes": "45", "private_notes": ""},
    )  # fmt: skip
    assert response.status_code == 302 and running.sessions.count() == 1
    service = referral_service(running.site)
    response = client.post(refer_url, {"service": service.pk, "reason": "Orientación vocacional"})
    assert response.status_code == 302 and running.referrals.count() == 1
    # Once referred, the follow-up of the referral is linked from the page too.
    referral = running.referrals.get()
    inspect = client.get(reverse("tutoria_requests:inspect", args=[running.pk])).content.decode()
    follow_up = reverse("tutoria_requests:update_referral", args=[running.pk, referral.pk])
    assert f'href="{follow_up}"' in inspect


@pytest.mark.parametrize("who", ["coordinator", "board", "orientation", "other_tutor"])
def test_only_the_assigned_tutor_sees_the_tutor_actions(client, request, running, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(reverse("tutoria_requests:inspect", args=[running.pk]))
    html = response.content.decode() if response.status_code == 200 else ""
    for name in ("record_session", "refer"):
        assert reverse(f"tutoria_requests:{name}", args=[running.pk]) not in html
    assert reverse("tutoria_reports:prepare", args=["request", running.pk]) not in html


def test_sessions_and_referrals_are_offered_only_in_progress(
    client, support_request, tutor, coordinator
):
    request = services.assign_tutor(support_request, tutor, coordinator)
    client.force_login(tutor)
    html = client.get(reverse("tutoria_requests:inspect", args=[request.pk])).content.decode()
    assert reverse("tutoria_requests:record_session", args=[request.pk]) not in html
    assert reverse("tutoria_requests:refer", args=[request.pk]) not in html


def test_group_tutor_reaches_the_group_report(client, tutor, term):
    from tutoria_cms.requests.models import StudentGroup

    group = StudentGroup.objects.create(code="1A", name="Grupo A", term=term, tutor=tutor)
    client.force_login(tutor)
    html = client.get(reverse("tutoria_groups:index")).content.decode()
    assert reverse("tutoria_reports:prepare", args=["group", group.pk]) in html
