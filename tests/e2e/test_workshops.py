"""Workshop pages in a real browser: an editor submits one, a moderator publishes it, a
student signs up on the public page."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from wagtail.models import WorkflowState

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.workshops.forms import WorkshopRegistrationForm
from tutoria_cms.workshops.models import GroupWorkshopPage, WorkshopRegistration, WorkshopSession

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def exactly(label):
    """A field's accessible name: the label, with Wagtail's "*" when the field is required."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


@pytest.fixture
def programme(site):
    """A published programme under the site, whose tree is under its institution's moderation
    workflow (created with the site)."""
    return factories.build_programme(factories.build_programme_index(site))


def test_communications_editor_creates_and_submits_a_workshop(programme, login):
    factories.UserFactory(username="comunicacion", groups=[roles.COMMUNICATIONS])
    session_day = timezone.localdate() + datetime.timedelta(days=14)
    page = login("comunicacion")

    page.goto(f"/admin/pages/add/tutoria_workshops/groupworkshoppage/{programme.pk}/")
    page.get_by_role("textbox", name=exactly("Title")).fill("Taller de escritura académica")
    page.get_by_label(exactly("Topic")).select_option(label="Study techniques")
    page.get_by_label("Seminar").check()
    page.get_by_label("Learning to do").check()
    page.get_by_role("button", name="Add session").click()
    page.get_by_label(exactly("Date")).fill(session_day.isoformat())
    page.get_by_label(exactly("Start time")).fill("10:00")
    page.get_by_label(exactly("End time")).fill("12:00")
    page.get_by_label(exactly("Place")).fill("Biblioteca central, sala 2")
    page.get_by_label(exactly("Capacity")).fill("25")
    page.get_by_role("button", name="More actions").click()
    # Stored in the site's language, with the institution's name.
    workflow_name = roles.content_workflow(programme.get_site()).name
    page.get_by_role("button", name=f"Submit to {workflow_name}").click()

    page.get_by_text("submitted for moderation").first.wait_for()
    workshop = GroupWorkshopPage.objects.get(title="Taller de escritura académica")
    assert workshop.get_parent().pk == programme.pk
    assert workshop.live is False and workshop.has_unpublished_changes
    state = workshop.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by.username == "comunicacion"
    revision = workshop.latest_revision.as_object()
    assert revision.capacity == 25 and revision.topic == "study_techniques"
    assert revision.formats == ["seminar"] and revision.pillars == ["do"]
    (session,) = revision.workshop_sessions.all()
    assert session.date == session_day and session.place == "Biblioteca central, sala 2"
    assert (session.start_time, session.end_time) == (datetime.time(10), datetime.time(12))


def test_moderator_approves_and_publishes_a_submitted_workshop(programme, login):
    editor = factories.UserFactory(username="comunicacion", groups=[roles.COMMUNICATIONS])
    factories.UserFactory(username="moderacion", groups=[roles.COMMUNICATIONS_MODERATORS])
    workshop = GroupWorkshopPage(
        title="Taller de trabajo cooperativo",
        topic="cooperative_work",
        capacity=10,
        live=False,
        workshop_sessions=[WorkshopSession(**factories.session_data(days=10))],
    )
    programme.add_child(instance=workshop)
    revision = workshop.save_revision(user=editor)
    workshop.get_workflow().start(workshop, editor)
    page = login("moderacion")

    # The dashboard lists it as awaiting the moderator's review, with the task's actions.
    review = page.get_by_role("region", name="Awaiting your review")
    row = review.get_by_role("row", name=re.compile("Taller de trabajo cooperativo"))
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Approve", exact=True).click()

    review.wait_for(state="detached")  # the dashboard reloads: nothing awaits review now
    page.goto(f"/admin/pages/{programme.pk}/")
    row = page.get_by_role("row", name=re.compile("Taller de trabajo cooperativo"))
    assert "LIVE" in row.inner_text().upper()
    workshop.refresh_from_db()
    assert workshop.live is True and workshop.live_revision_id == revision.pk
    assert workshop.current_workflow_state is None
    state = WorkflowState.objects.for_instance(workshop).get()
    assert state.status == WorkflowState.STATUS_APPROVED
    task_state = state.task_states.get()
    assert task_state.status == "approved" and task_state.finished_by.username == "moderacion"
    # The public page is served now.
    page.goto(workshop.relative_url(workshop.get_site()))
    assert page.get_by_role("heading", level=1).inner_text() == "Taller de trabajo cooperativo"


def test_student_signs_up_on_the_public_page_and_confirms_from_the_email(
    programme, page, mailoutbox
):
    workshop = factories.build_workshop(
        programme, title="Taller de técnicas de estudio", capacity=20
    )
    with translation.override("es"):  # the public site speaks the site's language
        fields = WorkshopRegistrationForm().fields
        labels = {name: str(field.label) for name, field in fields.items()}
        sign_up = translation.gettext("Sign up")
        confirm_button = translation.gettext("Confirm my place")
        confirmed = translation.gettext(
            "You are registered. We have sent a confirmation to your e-mail address."
        )

    page.goto(workshop.relative_url(workshop.get_site()))
    assert page.get_by_role("heading", level=1).inner_text() == "Taller de técnicas de estudio"
    form = page.locator("form", has=page.get_by_role("button", name=sign_up))
    form.get_by_label(labels["student_number"], exact=True).fill("A20250042")
    form.get_by_label(labels["full_name"], exact=True).fill("Lucía Hernández Soto")
    form.get_by_label(labels["email"], exact=True).fill("Lucia.Hernandez@alumnos.example.edu")
    form.get_by_label(labels["consent"], exact=True).check()
    form.get_by_role("button", name=sign_up).click()

    page.get_by_role("status").wait_for()
    assert "signup=requested" in page.url
    registration = WorkshopRegistration.objects.get(workshop_id=workshop.pk)
    assert registration.status == WorkshopRegistration.Status.PENDING
    assert workshop.seats_left() == 20  # no seat held before the confirmation
    (message,) = mailoutbox
    assert message.to == ["lucia.hernandez@alumnos.example.edu"]
    link = re.search(r"https?://\S+\?confirm=\S+", message.body).group(0)
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name=confirm_button).click()

    notice = page.get_by_role("status")
    notice.wait_for()
    assert notice.inner_text() == confirmed
    assert "signup=confirmed" in page.url
    registration.refresh_from_db()
    assert registration.student_number == "A20250042"
    assert registration.full_name == "Lucía Hernández Soto"
    assert registration.email == "lucia.hernandez@alumnos.example.edu"
    assert registration.consent and registration.consent_at is not None
    assert registration.status == WorkshopRegistration.Status.CONFIRMED
    assert registration.language == "es"
