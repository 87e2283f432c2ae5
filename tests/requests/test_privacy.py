"""Confidential reads are logged; retention erases confidential text, keeps the counts."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.requests.conftest import walk
from tutoria_cms.requests import services
from tutoria_cms.requests.models import (
    Referral,
    RequestDisclosure,
    RequestLogEntry,
    SensitiveRead,
    TutoringRequest,
    TutoringSession,
)

pytestmark = pytest.mark.django_db
SECRET = "CONFIDENTIAL-XYZ"


@pytest.fixture
def closed(support_request, coordinator, board, tutor):
    request = services.assign_tutor(support_request, tutor, coordinator)
    actors = {
        "submit": coordinator,
        "review": coordinator,
        "approve": board,
        "start": coordinator,
        "close": tutor,
    }
    request = walk(request, actors, "submit", "review", "approve", "start")
    services.record_session(
        request,
        tutor,
        date=datetime.date(2020, 3, 2),
        modality="video",
        duration_minutes=30,
        private_notes="SECRET-NOTE",
    )
    referral = services.refer(request, tutor, reason="SECRET-REFERRAL")
    services.update_disclosure(
        request, tutor, reasons=["emotional"], description=SECRET + " updated"
    )
    services.update_referral(referral, tutor, status="closed", outcome_notes="SECRET-OUTCOME")
    return walk(request, actors, "close")


def test_reads_of_confidential_details_are_logged(client, closed, tutor, coordinator):
    client.force_login(coordinator)
    client.get(reverse("tutoria_requests:inspect", args=[closed.pk]))
    assert not SensitiveRead.objects.exists()  # coordination sees no confidential details
    client.force_login(tutor)
    client.get(reverse("tutoria_requests:inspect", args=[closed.pk]))
    reads = set(SensitiveRead.objects.values_list("user__username", "what"))
    assert reads == {("tutor1", "disclosure"), ("tutor1", "session_notes"), ("tutor1", "referrals")}
    client.get(reverse("tutoria_requests:disclosure", args=[closed.pk]))
    assert SensitiveRead.objects.filter(what="disclosure").count() == 2


def age(request, years):
    TutoringRequest.objects.filter(pk=request.pk).update(
        updated_at=datetime.datetime(2026 - years, 1, 1, tzinfo=datetime.UTC)
    )


def test_retention_dry_run_changes_nothing_then_apply_erases(closed, capsys):
    age(closed, 10)
    call_command("purge_confidential", "--years", "5")
    out = capsys.readouterr().out
    assert "1 requests past retention: 1 descriptions, 1 session notes, 1 referral texts" in out
    assert "Dry run" in out
    assert RequestDisclosure.objects.get(request=closed).description.startswith(SECRET)
    call_command("purge_confidential", "--years", "5", "--apply")
    disclosure = RequestDisclosure.objects.get(request=closed)
    assert disclosure.description == "" and disclosure.reasons == ["emotional"]  # counts kept
    assert TutoringSession.objects.get(request=closed).private_notes == ""
    assert TutoringSession.objects.get(request=closed).duration_minutes == 30
    referral = Referral.objects.get(request=closed)
    assert (referral.reason, referral.outcome_notes, referral.status) == ("", "", "closed")
    for model, fields in (
        (RequestDisclosure, ["description"]),
        (TutoringSession, ["private_notes"]),
        (Referral, ["reason", "outcome_notes"]),
    ):
        for row in model.history.values_list(*fields):
            assert all(value in ("", None) for value in row), model
    # Logged in the request's audit log, without the text.
    purged = RequestLogEntry.objects.filter(
        object_id=str(closed.pk), action="tutoria_requests.purge_confidential"
    )
    assert purged.count() == 1
    assert SECRET not in str(purged.get().data) + purged.get().message
    # Idempotent: nothing left to erase, nothing logged again.
    call_command("purge_confidential", "--years", "5", "--apply")
    assert (
        "0 descriptions, 0 session notes, 0 referral texts, 0 history rows"
        in capsys.readouterr().out
    )
    assert purged.count() == 1


def test_recent_and_open_requests_are_kept(closed, support_request):
    age(closed, 2)
    counts = services.purge_confidential(TutoringRequest.objects.past_retention(5), dry_run=False)
    assert counts["requests"] == 0
    assert RequestDisclosure.objects.get(request=closed).description.startswith(SECRET)


def test_retention_of_one_institution_leaves_the_others(closed, br_home, capsys):
    age(closed, 10)
    assert closed.site.hostname == "localhost"
    call_command("purge_confidential", "--years", "5", "--site", "127.0.0.1", "--apply")
    assert "0 requests past retention" in capsys.readouterr().out
    assert RequestDisclosure.objects.get(request=closed).description.startswith(SECRET)
    call_command("purge_confidential", "--years", "5", "--site", "localhost", "--apply")
    assert "1 requests past retention" in capsys.readouterr().out
    assert RequestDisclosure.objects.get(request=closed).description == ""
    with pytest.raises(CommandError, match="nowhere.example"):
        call_command("purge_confidential", "--site", "nowhere.example")
