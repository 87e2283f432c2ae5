"""The demo loader builds both institutions in code, idempotently."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Site, WorkflowPage

from tutoria_cms.programmes.models import TutoringProgrammePage
from tutoria_cms.workshops.models import GroupWorkshopPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def logins_file(tmp_path):
    return tmp_path / "logins.json"


def load(logins_file, capsys):
    call_command("load_tutoria_demo", logins_file=str(logins_file))
    return capsys.readouterr().out


def snapshot():
    from tutoria_cms.requests.models import TutoringRequest

    return (
        list(TutoringRequest.objects.order_by("pk").values_list("pk", "state")),
        list(Page.objects.order_by("path").values_list("path", "title", "live")),
        list(Site.objects.order_by("hostname").values_list("hostname", "port", "root_page_id")),
        list(get_user_model().objects.order_by("username").values_list("username", "password")),
    )


def test_two_sites_in_their_languages_with_programmes_and_workshops(logins_file, capsys):
    output = load(logins_file, capsys)
    mx = Site.objects.get(hostname="localhost", port=8000)
    br = Site.objects.get(hostname="127.0.0.1", port=8000)
    assert mx.is_default_site
    assert mx.root_page.locale.language_code == "es"
    assert br.root_page.locale.language_code == "pt-br"
    for site in (mx, br):
        programmes = TutoringProgrammePage.objects.live().descendant_of(site.root_page)
        kinds = set(programmes.values_list("kind", flat=True))
        assert {"action_plan", "peer_mentoring"} <= kinds
        workshops = GroupWorkshopPage.objects.live().descendant_of(site.root_page)
        assert workshops.count() >= 4
        assert all(w.workshop_sessions.exists() for w in workshops)
        assert WorkflowPage.objects.filter(page=site.root_page).exists()
    mentoring = TutoringProgrammePage.objects.get(slug="mentoria-entre-pares")
    assert mentoring.stages[0].value["title"] == "Orientação do programa e pareamento"
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()
    logins = json.loads(logins_file.read_text())
    assert f"admin                  {logins['admin']}" in output
    tutor_logins = [name for name in logins if name.startswith(("mx.", "br."))]
    assert len(tutor_logins) >= 16
    assert all(logins[name] in output for name in tutor_logins)
    from tutoria_cms.tutors.models import TutorProfilePage

    for site in (mx, br):
        assert TutorProfilePage.objects.live().descendant_of(site.root_page).count() >= 8
    estudio = GroupWorkshopPage.objects.get(slug="tecnicas-de-estudio", locale__language_code="es")
    assert [block.block_type for block in estudio.facilitators] == ["tutor"]
    assert estudio.facilitators[0].value["tutor"].specific.user.username == "mx.ana"
    assert get_user_model().objects.get(username="admin").check_password(logins["admin"])


def test_running_twice_changes_nothing(logins_file, capsys):
    first_output = load(logins_file, capsys)
    before = snapshot()
    second_output = load(logins_file, capsys)
    assert snapshot() == before
    assert "(0 " in second_output
    logins = json.loads(logins_file.read_text())
    assert logins["coordinacion"] in first_output and logins["coordinacion"] in second_output


def test_demo_pages_render_in_their_language(logins_file, capsys, client):
    load(logins_file, capsys)
    mx = client.get("/", HTTP_HOST="localhost:8000")
    br = client.get("/", HTTP_HOST="127.0.0.1:8000")
    assert mx.status_code == br.status_code == 200
    assert "Programas de tutoría" in mx.text and 'lang="es"' in mx.text
    assert "Programas de tutoria" in br.text and 'lang="pt-br"' in br.text
    workshop = GroupWorkshopPage.objects.get(slug="tecnicas-de-estudo")
    page = client.get(workshop.get_url(), HTTP_HOST="127.0.0.1:8000")
    assert page.status_code == 200 and "Matrícula" in page.text or "matrícula" in page.text


def test_requests_in_every_state_on_both_sites(logins_file, capsys):
    from tutoria_cms.requests.models import RequestState, TutoringRequest

    load(logins_file, capsys)
    for site in Site.objects.filter(port=8000):
        programme_ids = TutoringProgrammePage.objects.descendant_of(site.root_page).values("pk")
        states = set(
            TutoringRequest.objects.filter(programme__in=programme_ids).values_list(
                "state", flat=True
            )
        )
        assert states == {state for state, _label in RequestState.choices}, site
    denied = TutoringRequest.objects.filter(state="denied").first()
    assert denied.verdict["eligible"] is False and denied.decision_reason
    assert TutoringRequest.objects.filter(state="in_progress").first().referrals.exists()


def test_previous_term_outcomes_for_the_indicators(logins_file, capsys):
    from tutoria_cms.academics.models import TermStanding

    load(logins_file, capsys)
    standings = TermStanding.objects.select_related("term")
    assert standings.count() == 16  # the eight students of each site's academic records
    (term,) = {standing.term for standing in standings}
    assert term.ends_on < timezone.localdate()  # outcomes of a term that has ended
    assert standings.filter(failed_components__gte=1).exists()
    assert standings.filter(lagging=True).exists() and standings.filter(dropped_out=True).exists()
