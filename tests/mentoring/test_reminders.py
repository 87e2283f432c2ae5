"""manage.py mentoring_reminders: e-mails mentors once per period; prints pairs at risk."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("mentoring_reminders", *args, stdout=out)
    return out.getvalue()


def test_reminders_are_sent_once_per_period(pair, pair_b):
    mail.outbox.clear()  # the guidelines sent on confirmation
    day_15 = TODAY + datetime.timedelta(days=15)
    assert "0 pairs have not met recently" in run("--date", TODAY.isoformat())
    output = run("--date", day_15.isoformat(), "--dry-run")
    assert "2 pairs have not met recently" in output and "0 reminders sent" in output
    assert mail.outbox == []
    output = run("--date", day_15.isoformat())
    assert "2 reminders sent" in output
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor_a@example.edu", "mentor_b@example.edu"]
    message = next(m for m in mail.outbox if m.to == ["mentor_a@example.edu"])
    assert "15" in message.body and "Elena" not in message.subject
    # Not again within the frequency (14 days), again after it.
    assert "0 reminders sent" in run("--date", (day_15 + datetime.timedelta(days=13)).isoformat())
    assert "2 reminders sent" in run("--date", (day_15 + datetime.timedelta(days=14)).isoformat())


def test_pairs_at_risk_are_listed_without_personal_data(pair):
    output = run("--date", (TODAY + datetime.timedelta(days=29)).isoformat())
    assert f"At risk: {pair} (no meetings)" in output
    assert "Elena" not in output and "E001" not in output
