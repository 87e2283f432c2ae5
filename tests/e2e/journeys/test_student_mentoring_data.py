"""Student journey: sign in on the public site, open "My mentoring" and add a check-in, then
open "My data" and download the workbook of what the institution holds about them."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories
from tests.e2e.journeys.conftest import STUDENT_PASSWORD, es, new_page, student_signs_in
from tutoria_cms.mentoring import services
from tutoria_cms.mentoring.models import CheckIn, MentoringProgramme, Participant

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def a_student_in_a_pair(home):
    """Valeria (student MX001, an account with a verified address) is the mentee of Andrea,
    with one goal and a first meeting held."""
    site = home.get_site()
    today = timezone.localdate()
    root = get_user_model().objects.create_superuser("root", "root@example.edu", "x-root-pass-1")
    area = factories.build_student_area(home, title="Mi espacio")
    record = factories.make_student(
        "MX001", site=site, full_name="Valeria Gómez", email="valeria.gomez@example.edu"
    )
    # Signed up and confirmed (the factory adds the verified address allauth signs in by).
    user = factories.make_student_user(record, password=STUDENT_PASSWORD)
    index = factories.build_programme_index(home)
    page = factories.build_programme(index, title="Mentoría entre pares", kind="peer_mentoring")
    programme = MentoringProgramme.objects.create(
        page=page,
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=120),
    )
    mentor = Participant.objects.create(
        programme=programme,
        role="mentor",
        student=factories.make_student("MX900", site=site, full_name="Andrea Salgado"),
        availability=["mon_am"],
    )
    mentee = Participant.objects.create(
        programme=programme, role="mentee", student=record, availability=["mon_am"]
    )
    pair = services.pair_manually(programme, mentor, mentee, root)
    goal = services.add_goal(
        pair,
        root,
        specific="Estudiar con un horario fijo cada semana",
        indicator="Horas de estudio por semana",
        target="10",
        achievable_relevant="Su carga lo permite.",
        due_date=today + datetime.timedelta(days=40),
        steps=["Elaborar un horario semanal"],
    )
    services.log_meeting(
        pair,
        root,
        meeting=pair.meetings.get(is_first=True),
        date=today,
        mode="in_person",
        duration_minutes=45,
        shared_notes="Nos presentamos y revisamos el horario.",
    )
    return area, user, goal


WIDER = """() => [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > 321)
    .map((e) => e.tagName + "." + e.className + "#" + Math.round(e.getBoundingClientRect().right))
    .slice(0, 8)"""


def fits_320(page):
    """Nothing wider than a 320 px screen (tables scroll inside their boxes)."""
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, page.evaluate(WIDER)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_student_adds_a_check_in_and_downloads_their_data(site, browsing, tmp_path):
    area, user, goal = a_student_in_a_pair(site)
    page = student_signs_in(new_page(browsing), user.email, lands=f"**{area.url}")

    # My mentoring: the pair, then a check-in.
    page.get_by_role("link", name=es("My mentoring")).first.click()
    page.get_by_role("heading", name=es("My mentoring")).wait_for()
    assert page.get_by_text("Andrea Salgado").is_visible()
    page.get_by_role("link", name=es("Goals, meetings and check-ins")).click()
    page.get_by_text("Nos presentamos y revisamos el horario.").wait_for()
    fits_320(page)
    page.get_by_role("link", name=es("Add a check-in")).click()
    page.get_by_label(es("Goal"), exact=True).select_option(str(goal.pk))
    page.get_by_label(es("Progress"), exact=True).select_option("4")
    page.get_by_label(es("Feedback"), exact=True).fill("Ya sigo mi horario casi todos los días.")
    page.get_by_role("button", name=es("Save the check-in")).click()
    page.get_by_text(es("Your check-in was saved.")).wait_for()
    assert page.get_by_text("Ya sigo mi horario casi todos los días.").is_visible()
    entry = CheckIn.objects.get(goal=goal)
    assert (entry.rater_role, entry.rating, entry.recorded_by_id) == ("mentee", 4, user.pk)

    # My data: the page, then the workbook.
    page.get_by_role("link", name=es("My data")).first.click()
    page.get_by_role("heading", name=es("How to ask for a correction")).wait_for()
    fits_320(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=es("Download my data (.xlsx spreadsheet)")).click()
    target = tmp_path / "my-data.xlsx"
    download_info.value.save_as(target)
    book = load_workbook(target, read_only=True)
    cells = {
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    assert {"MX001", "Valeria Gómez", "Ya sigo mi horario casi todos los días."} <= cells
    assert "Andrea Salgado" not in cells  # the mentor's record is not the student's data
