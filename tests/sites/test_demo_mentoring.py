"""Demo peer mentoring for both sites, idempotent, with the whole cycle."""

import pytest

from sites.home.demo.mentoring import load_demo_mentoring
from tests import factories
from tutoria_cms.mentoring import services
from tutoria_cms.mentoring.choices import PairStatus
from tutoria_cms.mentoring.models import CheckIn, Goal, Meeting, Pair, Participant

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Pair.objects.order_by("pk").values_list("mentor_id", "mentee_id", "status")),
        Participant.objects.count(),
        Goal.objects.count(),
        Meeting.objects.count(),
        CheckIn.objects.count(),
        Pair.history.count(),
    )


def test_demo_for_both_sites_is_idempotent(mx_home, br_home):
    coordinator = factories.UserFactory(username="coordinacion", groups=["Tutoring coordination"])
    pages = []
    for home, title in ((mx_home, "Mentoría entre iguales"), (br_home, "Mentoria entre pares")):
        index = factories.build_programme_index(home, title="Programas")
        page = factories.build_programme(index, title=title, kind="peer_mentoring")
        factories.build_workshop(page, title="Taller para mentores")
        pages.append(page)
    assert load_demo_mentoring(pages[0], "es") > 0
    assert load_demo_mentoring(pages[1], "pt-br") > 0
    before = snapshot()
    assert load_demo_mentoring(pages[0], "es") == 0
    assert load_demo_mentoring(pages[1], "pt-br") == 0
    assert snapshot() == before
    for site in (mx_home.get_site(), br_home.get_site()):
        statuses = set(Pair.objects.for_site(site).values_list("status", flat=True))
        assert {PairStatus.SUGGESTED, PairStatus.CONFIRMED, PairStatus.CLOSED} <= statuses
        assert services.closed_pairs_count(site=site) == 1
        assert services.goals_met_count(site=site) == 1
        assert services.active_pairs_count(site=site) == 3
    assert Goal.objects.filter(workshops__isnull=False).exists()
    assert Pair.history.filter(history_user=coordinator).exists()
    at_risk = services.pairs_at_risk()
    assert len(at_risk) == 2 and all("no_meeting" in reasons for _pair, reasons in at_risk)
    assert Participant.objects.filter(student__full_name="Larissa Oliveira Santos").exists()
