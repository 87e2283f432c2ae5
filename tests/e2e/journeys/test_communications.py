"""Communications journeys: programme and workshop pages, through the moderation workflow."""

import re

import pytest
from django.utils.text import capfirst
from wagtail.models import Site, WorkflowState

from tests import factories
from tests.e2e.journeys.conftest import es, exactly, open_page_explorer
from tutoria_cms.core import roles
from tutoria_cms.programmes.models import TutoringProgrammePage
from tutoria_cms.workshops.models import GroupWorkshopPage

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SITE_TITLE = "Universidad de Ejemplo"
# The StreamField's "+" button is drawn by Wagtail's JavaScript, translated by its own
# client-side catalogue (not Django's): its Spanish text is written here.
INSERT_BLOCK = "Insertar un bloque"


@pytest.fixture
def programmes(site):
    """The programme index of the Mexican site, whose tree is under its institution's
    moderation workflow (created with the site)."""
    return factories.build_programme_index(site, title="Programas")


def explore(page, *titles):
    """From the sidebar's page explorer, down the tree through the listings' explore links."""
    site_link = page.get_by_role("link", name=re.compile(rf"^{SITE_TITLE}")).first
    open_page_explorer(page, site_link)
    site_link.click()
    for title in titles:
        name = es("Explore child pages of '%(title)s'") % {"title": title}
        page.get_by_role("link", name=name).click()


def fill_date_or_time(page, field, value):
    """Type into a date/time field, then leave it with Tab, as a person does.

    Wagtail's picker closes on Tab (not always on Escape) but opens after a short delay, so
    it may open again once the field is left: leave again until no picker is shown, since an
    open one covers the footer's buttons.
    """
    field.fill(value)
    pickers = page.locator(".xdsoft_datetimepicker:visible")
    for _attempt in range(5):
        field.press("Tab")
        page.wait_for_timeout(300)
        if pickers.count() == 0:
            return
        field.focus()
    raise AssertionError("the date/time picker stays open")


def wait_for_autosave(page):
    """Wait until Wagtail's autosave (after each pause in the typing) reads "Saved", or has
    stayed idle for a while, as a person would before submitting: a submission racing an
    autosave of a new page made two requests create the same page (on the test server, one
    SQLite connection for both)."""
    indicator = page.locator("#w-autosave-indicator")
    saving = indicator.get_by_text(es("Saving…"))
    saved = indicator.get_by_text(es("Saved"), exact=True)
    for _second in range(15):
        page.wait_for_timeout(1000)  # longer than the autosave's pause (500 ms)
        saving.wait_for(state="hidden")
        if saved.is_visible():
            return
    # On a slow machine the autosave may not have started at all (the indicator stays idle):
    # then no autosave is in flight, and nothing races the submission either.


def submit_to_moderation(page):
    workflow_name = roles.content_workflow(Site.objects.get(site_name=SITE_TITLE)).name
    workflow = es("Submit to %(workflow_name)s") % {"workflow_name": workflow_name}
    page.get_by_role("button", name=es("More actions")).click()
    page.get_by_role("button", name=workflow).click()


def test_editor_creates_a_programme_page_and_submits_it(programmes, sign_in):
    factories.UserFactory(username="comunicacion", groups=[roles.COMMUNICATIONS])
    page = sign_in("comunicacion")

    explore(page)
    add = es("Add a child page to '%(title)s'") % {"title": "Programas"}
    page.get_by_role("link", name=add).click()
    page.get_by_role("textbox", name=exactly(es("Title"))).fill("Programa de Acción Tutorial")
    stages = page.get_by_role("region", name=capfirst(es("stages of the cycle")))
    stages.get_by_role("button", name=INSERT_BLOCK).click()
    stages.get_by_role("textbox", name=exactly(es("Stage"))).fill("Diagnóstico")
    stages.get_by_role("textbox", name=exactly(es("Description"))).fill(
        "Entrevista inicial con cada estudiante."
    )
    activity = stages.get_by_role("region", name=re.compile(rf"^{es('Activity')}"))
    activity.get_by_role("textbox").fill("Aplicar el cuestionario de hábitos de estudio")
    body = page.get_by_role("region", name=capfirst(es("body")))
    body.get_by_role("button", name=INSERT_BLOCK).click()
    page.get_by_role("option", name=es("Paragraph")).click()
    body.get_by_role("textbox").click()  # a rich-text editor: typed, key by key
    page.keyboard.type("La tutoría acompaña tu trayectoria.")
    wait_for_autosave(page)
    submit_to_moderation(page)

    # Wagtail's autosave has created the page as a draft: the submission is of that page.
    messages = [
        es(message) % {"page_title": "Programa de Acción Tutorial"}
        for message in (
            "Page '%(page_title)s' created and submitted for moderation.",
            "Page '%(page_title)s' has been submitted for moderation.",
        )
    ]
    page.get_by_text(re.compile("|".join(re.escape(m) for m in messages))).wait_for()
    programme = TutoringProgrammePage.objects.get(title="Programa de Acción Tutorial")
    assert programme.get_parent().pk == programmes.pk and not programme.live
    state = programme.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by.username == "comunicacion"
    draft = programme.latest_revision.as_object()
    (stage,) = draft.stages
    assert stage.value["title"] == "Diagnóstico"
    assert list(stage.value["activities"]) == ["Aplicar el cuestionario de hábitos de estudio"]
    (paragraph,) = draft.body
    assert "La tutoría acompaña tu trayectoria." in paragraph.value.source


def test_moderator_approves_and_publishes_a_programme_page(programmes, sign_in):
    editor = factories.UserFactory(username="comunicacion", groups=[roles.COMMUNICATIONS])
    factories.UserFactory(username="moderacion", groups=[roles.COMMUNICATIONS_MODERATORS])
    programme = TutoringProgrammePage(title="Mentoría entre iguales", live=False)
    programmes.add_child(instance=programme)
    revision = programme.save_revision(user=editor)
    programme.get_workflow().start(programme, editor)
    page = sign_in("moderacion")

    review = page.get_by_role("region", name=es("Awaiting your review"))
    row = review.get_by_role("row", name=re.compile("Mentoría entre iguales"))
    row.get_by_role("button", name=es("Actions")).click()
    row.get_by_role("button", name=es("Approve"), exact=True).click()

    review.wait_for(state="detached")  # nothing awaits review any more
    programme.refresh_from_db()
    assert programme.live and programme.live_revision_id == revision.pk
    state = WorkflowState.objects.for_instance(programme).get()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert state.task_states.get().finished_by.username == "moderacion"


def test_editor_adds_a_session_to_a_workshop(programmes, sign_in):
    factories.UserFactory(username="comunicacion", groups=[roles.COMMUNICATIONS])
    programme = factories.build_programme(programmes, title="Programa de Acción Tutorial")
    workshop = factories.build_workshop(programme, title="Técnicas de estudio")
    page = sign_in("comunicacion")

    explore(page, "Programas", "Programa de Acción Tutorial")
    page.get_by_role("link", name="Técnicas de estudio", exact=True).click()
    page.get_by_role("button", name=es("Add %(label)s") % {"label": es("Session")}).click()
    for label, value in (("date", "2031-03-14"), ("start time", "16:00"), ("end time", "18:00")):
        fill_date_or_time(page, page.get_by_label(exactly(capfirst(es(label)))).last, value)
    page.get_by_label(exactly(capfirst(es("place")))).last.fill("Aula B-12")
    submit_to_moderation(page)

    message = es("Page '%(page_title)s' has been submitted for moderation.")
    page.get_by_text(message % {"page_title": "Técnicas de estudio"}).wait_for()
    workshop = GroupWorkshopPage.objects.get(pk=workshop.pk)
    assert len(workshop.workshop_sessions.all()) == 1  # the live page is unchanged
    draft = workshop.latest_revision.as_object()
    places = sorted((s.date.isoformat(), s.place) for s in draft.workshop_sessions.all())
    assert places[-1] == ("2031-03-14", "Aula B-12") and len(places) == 2
    assert workshop.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_moderator_unpublishes_a_workshop(programmes, sign_in):
    factories.UserFactory(username="moderacion", groups=[roles.COMMUNICATIONS_MODERATORS])
    programme = factories.build_programme(programmes, title="Programa de Acción Tutorial")
    workshop = factories.build_workshop(programme, title="Trabajo cooperativo")
    page = sign_in("moderacion")

    explore(page, "Programas", "Programa de Acción Tutorial")
    more = es("More options for '%(title)s'") % {"title": "Trabajo cooperativo"}
    page.get_by_role("button", name=more).click()
    page.get_by_role("link", name=es("Unpublish"), exact=True).click()
    page.get_by_role("button", name=es("Yes, unpublish it")).click()

    message = es("Page '%(page_title)s' unpublished.") % {"page_title": "Trabajo cooperativo"}
    page.get_by_text(message).wait_for()
    workshop.refresh_from_db()
    assert workshop.live is False


def test_communications_sets_the_logo_and_colours_and_sees_them_on_the_site(site, sign_in, visitor):
    """Settings › Institution: a too-light colour is refused with the reason; a dark one and
    the logo are saved, and the public site shows them."""
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    Image.objects.create(title="Escudo de la universidad", file=get_test_image_file())
    factories.UserFactory(username="comunicacion", groups=[roles.COMMUNICATIONS])
    page = sign_in("comunicacion")
    page.get_by_role("button", name=es("Settings"), exact=True).click()
    page.get_by_role("link", name=capfirst(es("institution")), exact=True).click()
    primary = page.get_by_label(exactly(capfirst(es("primary colour"))))
    primary.fill("#f2a900")
    page.get_by_role("button", name=es("Save")).first.click()
    too_light = es(
        "This colour is too light: its contrast with white is %(ratio)s:1, and at least 4.5:1 "
        "is needed so that text stays readable (WCAG AA). Choose a darker colour."
    ) % {"ratio": "2.01"}
    page.get_by_text(too_light).wait_for()
    primary = page.get_by_label(exactly(capfirst(es("primary colour"))))
    primary.fill("#7a1f3d")
    page.get_by_role("button", name=es("Choose an image")).click()
    page.get_by_role("link", name="Escudo de la universidad").click()
    page.get_by_role("button", name=es("Save")).first.click()
    page.locator(".messages .success").wait_for()

    home = visitor()
    logo = home.locator("header img.site-logo")
    # The logo is decorative: the institution's name beside it is the link's text.
    assert logo.get_attribute("alt") == ""
    assert home.locator("header .site-name a").inner_text() == "Universidad de Ejemplo"
    background = home.locator("header.site-header").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert background == "rgb(122, 31, 61)"
