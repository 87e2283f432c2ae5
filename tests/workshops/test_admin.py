import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import NoReverseMatch, reverse
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.workshops import services
from tutoria_cms.workshops.models import (
    Attendance,
    GroupWorkshopPage,
    WorkshopRegistration,
    WorkshopSession,
)
from tutoria_cms.workshops.wagtail_hooks import (
    workshop_page_header_buttons,
    workshop_page_listing_buttons,
)

Status = WorkshopRegistration.Status


@pytest.fixture
def coordinator(db):
    return factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])


@pytest.fixture
def communications(db):
    return factories.UserFactory(username="comunicacion", groups=[roles.COMMUNICATIONS])


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def held_workshop(programme):
    """A workshop with a session held last week and one next week, 2 confirmed, 1 waiting."""
    workshop = factories.build_workshop(
        programme,
        title="Técnicas de estudio",
        capacity=2,
        sessions=[factories.session_data(days=-7), factories.session_data(days=7)],
    )
    factories.add_registrations(workshop, 2)
    factories.add_registrations(workshop, 1, status=Status.WAITLISTED, start=10)
    return workshop


# Role permissions (data migration) ---------------------------------------------------------------


def group_permissions(name):
    return set(
        Group.objects.get(name=name)
        .permissions.filter(content_type__app_label="tutoria_workshops")
        .values_list("codename", flat=True)
    )


def test_roles_get_their_permissions(db):
    assert group_permissions(roles.COORDINATION) == {
        "view_workshopregistration",
        "cancel_workshopregistration",
        "verify_workshopregistration",
        "record_attendance",
        "view_attendance",
        "issue_certificate",
    }
    assert group_permissions(roles.COMMUNICATIONS) == {"view_workshopregistration"}
    assert group_permissions(roles.COMMUNICATIONS_MODERATORS) == {"view_workshopregistration"}
    assert group_permissions(roles.QUALITY) == set()


# Registrations listing ------------------------------------------------------------------------


def test_registrations_are_read_only_even_for_superusers(held_workshop, admin_user):
    for view in ("add", "edit", "delete", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"workshop_registrations:{view}", args=[] if view == "add" else [1])
    policy = policy_registry.get_by_type(WorkshopRegistration)
    for action in ("add", "change", "delete"):
        assert not policy.user_has_permission(admin_user, action)
    assert policy.user_has_permission(admin_user, "view")

    response = client_for(admin_user).get(reverse("workshop_registrations:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "A000000" in html and "A000010" in html
    assert "/workshop_registrations/new/" not in html
    assert "/workshop_registrations/edit/" not in html
    assert "/workshop_registrations/delete/" not in html
    registration = WorkshopRegistration.objects.first()
    assert reverse("workshop_registrations:inspect", args=[registration.pk]) in html


def test_registrations_filters_search_and_inspect(held_workshop, programme, communications):
    other = factories.build_workshop(programme, title="Otro taller")
    factories.add_registrations(other, 1, start=500)
    client = client_for(communications)
    index = reverse("workshop_registrations:index")

    html = client.get(index, {"workshop": held_workshop.pk}).content.decode()
    assert "A000000" in html and "A000500" not in html
    html = client.get(index, {"status": Status.WAITLISTED}).content.decode()
    assert "A000010" in html and "A000000" not in html
    html = client.get(index, {"q": "A000500"}).content.decode()
    assert "A000500" in html and "A000000" not in html

    registration = WorkshopRegistration.objects.get(student_number="A000000")
    response = client.get(reverse("workshop_registrations:inspect", args=[registration.pk]))
    assert response.status_code == 200
    assert "alumno0@example.edu" in response.content.decode()
    # Communications may look, not cancel.
    assert reverse("workshop_registrations:cancel", args=[registration.pk]) not in (
        response.content.decode()
    )
    # A registration that does not exist is not found (it was a server error).
    missing = WorkshopRegistration.objects.order_by("-pk").first().pk + 1
    response = client.get(reverse("workshop_registrations:inspect", args=[missing]))
    assert response.status_code == 404


def test_registrations_need_the_view_permission(held_workshop):
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    response = client_for(quality).get(reverse("workshop_registrations:index"))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "workshop_registrations" not in response["Location"]


# Cancel action --------------------------------------------------------------------------------


def test_cancel_is_post_only_and_promotes(
    held_workshop, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    confirmed = WorkshopRegistration.objects.get(student_number="A000000")
    waiting = WorkshopRegistration.objects.get(student_number="A000010")
    url = reverse("workshop_registrations:cancel", args=[confirmed.pk])
    client = client_for(coordinator)

    response = client.get(url)
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode().lower()
    confirmed.refresh_from_db()
    assert confirmed.status == Status.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED
    assert confirmed.history.first().history_user == coordinator
    assert [m.to for m in mailoutbox] == [[waiting.email]]


def test_cancel_needs_permission_and_csrf(held_workshop, communications, coordinator):
    registration = WorkshopRegistration.objects.get(student_number="A000000")
    url = reverse("workshop_registrations:cancel", args=[registration.pk])
    response = client_for(communications).post(url)
    assert response.status_code in (302, 403)
    response = client_for(coordinator, enforce_csrf_checks=True).post(url)
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


# Attendance ---------------------------------------------------------------------------------------


def test_attendance_needs_the_permission(held_workshop, communications):
    url = reverse("workshop_attendance:sheet", args=[held_workshop.pk])
    client = client_for(communications)
    assert client.get(url).status_code in (302, 403)
    past = held_workshop.ordered_sessions[0]
    registration = WorkshopRegistration.objects.filter(status=Status.CONFIRMED).first()
    response = client.post(url, {f"present-{past.pk}-{registration.pk}": "on"})
    assert response.status_code in (302, 403)
    assert not Attendance.objects.exists()
    assert client.get(reverse("workshop_attendance:index")).status_code in (302, 403)


def test_attendance_sheet_saves_presence_with_history(held_workshop, coordinator):
    url = reverse("workshop_attendance:sheet", args=[held_workshop.pk])
    past, future = held_workshop.ordered_sessions
    ana, bea = WorkshopRegistration.objects.filter(status=Status.CONFIRMED).order_by("pk")
    waiting = WorkshopRegistration.objects.get(status=Status.WAITLISTED)
    client = client_for(coordinator)

    html = client.get(url).content.decode()
    assert f'name="present-{past.pk}-{ana.pk}"' in html
    assert f'name="present-{future.pk}-{ana.pk}"' not in html  # not held yet
    assert f'name="present-{past.pk}-{waiting.pk}"' not in html  # only confirmed places
    assert client.get(reverse("workshop_attendance:index")).status_code == 200

    response = client.post(url, {f"present-{past.pk}-{ana.pk}": "on"})
    assert response.status_code == 302
    rows = {a.registration_id: a for a in Attendance.objects.filter(session=past)}
    assert rows[ana.pk].present is True
    assert rows[bea.pk].present is False
    assert rows[ana.pk].recorded_by == coordinator
    history = Attendance.history.filter(registration_id=ana.pk)
    assert history.count() == 1 and history.get().history_user == coordinator
    assert not Attendance.objects.filter(session=future).exists()

    html = client.get(url).content.decode()
    assert f'name="present-{past.pk}-{ana.pk}" id="id_present-{past.pk}-{ana.pk}" checked' in html


def test_attendance_buttons_on_workshop_pages_only(held_workshop, programme, coordinator):
    sheet = reverse("workshop_attendance:sheet", args=[held_workshop.pk])
    page = Page.objects.get(pk=held_workshop.pk)
    urls = [button.url for button in workshop_page_listing_buttons(page, coordinator)]
    assert sheet in urls
    urls = [b.url for b in workshop_page_header_buttons(page, coordinator, view_name="edit")]
    assert sheet in urls
    assert list(workshop_page_listing_buttons(Page.objects.get(pk=programme.pk), coordinator)) == []
    nobody = factories.UserFactory(username="nadie")
    assert list(workshop_page_listing_buttons(page, nobody)) == []


def test_admin_menu_shows_group_workshops_to_coordination(coordinator):
    html = client_for(coordinator).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("workshop_attendance:index") in html
    assert reverse("workshop_registrations:index") in html


# Page deletion and edition ------------------------------------------------------------------------


def test_deleting_a_workshop_with_registrations_is_refused(held_workshop, programme, admin_user):
    client = client_for(admin_user)
    for page in (held_workshop, programme):
        url = reverse("wagtailadmin_pages:delete", args=[page.pk])
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
        assert Page.objects.filter(pk=page.pk).exists()
    followed = client.get(response["Location"]).content.decode()
    assert "cannot be deleted" in followed or "no se puede eliminar" in followed

    empty = factories.build_workshop(programme, title="Sin inscripciones")
    response = client.post(reverse("wagtailadmin_pages:delete", args=[empty.pk]))
    assert response.status_code == 302
    assert not Page.objects.filter(pk=empty.pk).exists()


def edit_data(page, sessions, deleted=()):
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "introduction": rich_text(""),
            "topic": page.topic,
            "modality": page.modality,
            "workshop_sessions": inline_formset(
                [
                    {
                        "id": session.pk,
                        "date": session.date.isoformat(),
                        "start_time": session.start_time.strftime("%H:%M"),
                        "end_time": session.end_time.strftime("%H:%M"),
                        "place": session.place,
                        "video_url": session.video_url,
                        "ORDER": str(number),
                        "DELETE": "1" if session in deleted else "",
                    }
                    for number, session in enumerate(sessions)
                ],
                initial=len(sessions),
            ),
            "capacity": page.capacity,
            "waiting_list_enabled": "on",
            "registration_open": "on",
            "facilitators": streamfield([]),
            "audience": "",
            "learning_outcomes": rich_text(""),
            "action-publish": "publish",
        }
    )


def test_a_session_with_attendance_cannot_be_removed(held_workshop, admin_user):
    past, future = held_workshop.ordered_sessions
    registration = WorkshopRegistration.objects.filter(status=Status.CONFIRMED).first()
    services.record_attendance(past, {registration.pk: True}, admin_user)
    client = client_for(admin_user)
    url = reverse("wagtailadmin_pages:edit", args=[held_workshop.pk])

    response = client.post(url, edit_data(held_workshop, [past, future], deleted=[past]))
    assert response.status_code == 200  # the form is shown again, with the error
    assert "attendance recorded" in response.content.decode() or (
        "asistencia registrada" in response.content.decode()
    )
    assert WorkshopSession.objects.filter(pk=past.pk).exists()

    # A session without attendance can go.
    response = client.post(url, edit_data(held_workshop, [past, future], deleted=[future]))
    assert response.status_code == 302
    assert not WorkshopSession.objects.filter(pk=future.pk).exists()
    assert WorkshopSession.objects.filter(pk=past.pk).exists()


def test_editor_creates_a_workshop_with_sessions_in_the_admin(programme, admin_user):
    client = client_for(admin_user)
    url = reverse(
        "wagtailadmin_pages:add",
        args=("tutoria_workshops", "groupworkshoppage", programme.pk),
    )
    assert client.get(url).status_code == 200
    session = factories.session_data(days=5)

    def data(end_time):
        return nested_form_data(
            {
                "title": "Integración de nuevo ingreso",
                "slug": "integracion",
                "introduction": rich_text("<p>Bienvenida.</p>"),
                "topic": "integration",
                "modality": "in_person",
                "workshop_sessions": inline_formset(
                    [
                        {
                            "date": session["date"].isoformat(),
                            "start_time": "10:00",
                            "end_time": end_time,
                            "place": "Auditorio",
                            "video_url": "",
                            "ORDER": "0",
                            "DELETE": "",
                        }
                    ]
                ),
                "capacity": "30",
                "waiting_list_enabled": "on",
                "registration_open": "on",
                "facilitators": streamfield([("person", {"name": "Laura Gómez", "role": ""})]),
                "audience": "Primer semestre",
                "learning_outcomes": rich_text(""),
                "action-publish": "publish",
            }
        )

    response = client.post(url, data(end_time="09:00"))
    assert response.status_code == 200
    assert not WorkshopSession.objects.exists()

    response = client.post(url, data(end_time="12:00"))
    assert response.status_code == 302, response.context["form"].errors
    page = GroupWorkshopPage.objects.get(slug="integracion")
    assert page.get_parent().pk == programme.pk
    assert page.live and page.capacity == 30
    assert [(s.place, s.end_time.hour) for s in page.workshop_sessions.all()] == [("Auditorio", 12)]
    assert page.facilitators[0].value["name"] == "Laura Gómez"
