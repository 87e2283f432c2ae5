"""Statistical disclosure control of sensitive counts (issue #15, item 3).

The differencing attack: two exports whose date ranges differ by one day, and so by exactly
one request, used to show that request's reason category as the one count that moved
(small-cell suppression hides small counts, not small differences). Here both exports go
through the export form and the download, as the quality office makes them.
"""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.requests.conftest import make_student
from tutoria_cms.academics.models import Term
from tutoria_cms.accreditation import disclosure
from tutoria_cms.accreditation.context import build_context
from tutoria_cms.accreditation.models import ExportJob
from tutoria_cms.core import roles
from tutoria_cms.core.choices import TutoringReason
from tutoria_cms.core.institutions import default_site
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind, TutoringRequest

pytestmark = pytest.mark.django_db

EXPORT = reverse("tutoria_accreditation:export")


# The rounding helper ---------------------------------------------------------------------------


def test_random_rounding_gives_multiples_of_five_next_to_the_value():
    for value in range(0, 200):
        rounded = disclosure.random_round(value, ("cell", "x"))
        assert rounded % 5 == 0
        assert value - 5 < rounded < value + 5


def test_zero_and_multiples_of_five_stay_as_they_are():
    assert disclosure.random_round(0, ("c",)) == 0
    assert disclosure.random_round(None, ("c",)) is None
    for value in (5, 10, 35, 1000):
        assert disclosure.random_round(value, ("c",)) == value


def test_rounding_is_deterministic_per_cell_and_value():
    """Asking again never gives a fresh draw (no averaging out)."""
    for value in range(1, 60):
        first = disclosure.random_round(value, ("site", "prog", "reason_health"))
        for _again in range(3):
            assert disclosure.random_round(value, ("site", "prog", "reason_health")) == first


def test_rounding_depends_on_the_key_the_cell_and_the_value():
    """Different cells (and keys) draw differently: over many values some roundings differ,
    values over the threshold are rounded too, and the rounding is unbiased on average."""
    values = range(1, 400)
    a = [disclosure.random_round(v, ("reason_health",), key=b"k1") for v in values]
    b = [disclosure.random_round(v, ("reason_emotional",), key=b"k1") for v in values]
    c = [disclosure.random_round(v, ("reason_health",), key=b"k2") for v in values]
    assert a != b and a != c
    assert any(r != v for r, v in zip(a, values, strict=True) if v > 5)
    assert abs(sum(a) - sum(values)) / len(values) < 1  # unbiased: mean error well under 1


def test_rounding_key_comes_from_the_secret_key(settings):
    first = disclosure.rounding_key()
    settings.SECRET_KEY = "another-secret-key-for-the-rounding-test-0123456789"
    assert disclosure.rounding_key() != first
    assert settings.SECRET_KEY.encode() not in disclosure.rounding_key()


def test_released_terms_are_whole_and_ended():
    class T:
        def __init__(self, code, start, end):
            self.code, self.starts_on, self.ends_on = code, start, end

    d = datetime.date
    t1 = T("1", d(2026, 2, 1), d(2026, 6, 30))
    t2 = T("2", d(2026, 8, 1), d(2026, 12, 15))
    terms = [t2, t1]
    assert disclosure.released_terms(terms, None, None, d(2027, 1, 1), False) == [t1, t2]
    # t2 has not ended (today is its last day: not over yet; "as of" that day: over).
    assert disclosure.released_terms(terms, None, None, d(2026, 12, 15), False) == [t1]
    assert disclosure.released_terms(terms, None, None, d(2026, 12, 15), True) == [t1, t2]
    # A range cutting a term leaves it out.
    assert disclosure.released_terms(terms, d(2026, 2, 2), None, d(2027, 1, 1), False) == [t2]
    assert disclosure.released_terms(terms, None, d(2026, 12, 14), d(2027, 1, 1), False) == [t1]


# The differencing attack ------------------------------------------------------------------------


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _export(client, filters):
    """The workbook the export form makes for ``filters``, as downloaded."""
    response = client.post(EXPORT, filters)
    assert response.status_code == 302, response.content[:2000]
    job = ExportJob.objects.order_by("-pk").first()
    assert job.status == ExportJob.Status.DONE, job.error
    download = client.get(reverse("tutoria_accreditation:download", args=[job.pk]))
    assert download.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))


def _sensitive_cells(book):
    """{indicator key: value} of the reason and referral counts on the Summary."""
    cells = {}
    for row in book["Summary"].iter_rows(values_only=True):
        key = row[-1] if row else None
        if isinstance(key, str) and (key.startswith("reason_") or key.startswith("referrals")):
            cells[key] = row[2]
    return cells


def _request(student, reasons, day, programme, coordinator):
    request = services.create_request(
        kind=RequestKind.SUPPORT,
        student=student,
        programme=programme,
        reasons=reasons,
        user=coordinator,
    )
    created = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    TutoringRequest.objects.filter(pk=request.pk).update(created_at=created)
    return request


@pytest.fixture
def ended_term(db):
    today = timezone.localdate()
    return Term.objects.create(
        site=default_site(),
        code="T-ENDED",
        name="Ended term",
        starts_on=today - datetime.timedelta(days=120),
        ends_on=today - datetime.timedelta(days=30),
        kind="regular",
    )


@pytest.mark.parametrize("where", ["inside_term", "day_before_term", "day_after_term"])
@pytest.mark.parametrize("identified", [False, True])
def test_two_exports_one_day_apart_do_not_reveal_the_extra_requests_reason(
    programme, ended_term, where, identified
):
    """Background: 6 "academic" and 6 "health" requests spread over the term; the extra one
    ("health") is created on the only day one range has and the other has not. Whatever
    sensitive count the two workbooks show, none differs between them."""
    coordinator = factories.UserFactory(username="coord", groups=[roles.COORDINATION])
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    if identified:
        quality.user_permissions.add(
            Permission.objects.get(
                codename="export_identified", content_type__app_label="tutoria_accreditation"
            )
        )
    start, end = ended_term.starts_on, ended_term.ends_on
    for n in range(6):
        day = start + datetime.timedelta(days=2 + n)
        _request(make_student(f"A{n}"), ["academic"], day, programme, coordinator)
        _request(make_student(f"H{n}"), ["health"], day, programme, coordinator)
    extra_day, short, long = {
        "inside_term": (
            start + datetime.timedelta(days=40),
            (start, start + datetime.timedelta(days=39)),
            (start, start + datetime.timedelta(days=40)),
        ),
        "day_before_term": (
            start - datetime.timedelta(days=1),
            (start, end),
            (start - datetime.timedelta(days=1), end),
        ),
        "day_after_term": (
            end + datetime.timedelta(days=1),
            (start, end),
            (start, end + datetime.timedelta(days=1)),
        ),
    }[where]
    _request(make_student("TARGET"), ["health"], extra_day, programme, coordinator)

    client = _client(quality)
    filters = {"site": "localhost"}
    if identified:
        filters["identified"] = "on"
    before = _sensitive_cells(
        _export(client, {**filters, "date_from": short[0], "date_to": short[1]})
    )
    after = _sensitive_cells(_export(client, {**filters, "date_from": long[0], "date_to": long[1]}))
    assert set(before) >= {f"reason_{code}" for code in TutoringReason.values}
    changed = {key for key in before if before[key] != after.get(key)}
    assert not changed, (before, after)


def test_whole_ended_terms_are_released_rounded(programme, ended_term):
    """A range covering the ended term shows its reasons rounded to base 5 (7 "academic"
    requests: 5 or 10), with the method on the Provenance sheet and a note on the Summary."""
    coordinator = factories.UserFactory(username="coord", groups=[roles.COORDINATION])
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    for n in range(7):
        day = ended_term.starts_on + datetime.timedelta(days=n)
        _request(make_student(f"A{n}"), ["academic"], day, programme, coordinator)
    book = _export(
        _client(quality),
        {
            "site": "localhost",
            "date_from": ended_term.starts_on - datetime.timedelta(days=3),
            "date_to": ended_term.ends_on + datetime.timedelta(days=3),
        },
    )
    cells = _sensitive_cells(book)
    assert cells["reason_academic"] in (5, 10)
    assert cells["reason_health"] == "< 5"
    context = build_context({"site": "localhost"})
    assert cells["reason_academic"] == context.round_sensitive(("reason_academic",), 7)
    provenance = {row[0]: row[1] for row in book["Provenance"].iter_rows(values_only=True)}
    assert "random rounding to base 5" in provenance["Sensitive counts: disclosure control"]
    assert provenance["Sensitive counts: terms released"].startswith("T-ENDED (")
    notes = [
        row[5]
        for row in book["Summary"].iter_rows(values_only=True)
        if row[-1] == "reason_academic"
    ]
    assert "whole terms ended" in notes[0]


def test_a_range_without_a_whole_ended_term_withholds_sensitive_counts(programme, ended_term):
    context = build_context(
        {
            "site": "localhost",
            "date_from": ended_term.starts_on + datetime.timedelta(days=1),
            "date_to": ended_term.ends_on,
        }
    )
    assert context.sensitive_context() is None
    from tutoria_cms.accreditation.builder import collect_indicators

    got = {i.key: i for i in collect_indicators(context)}
    assert got["reason_academic"].value is None
    assert "Withheld" in str(got["reason_academic"].unavailable)
    assert got["referrals"].value is None
