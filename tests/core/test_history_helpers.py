"""The history helpers every app goes through (``core.history``): who wrote a row
(``attributed``), what each row changed (``field_changes``, on simple-history's
``diff_against``), the rows "as of" a moment (``rows_as_of``) and the one history table."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests import factories
from tutoria_cms.core.history import (
    FieldChange,
    HistoryEntry,
    attributed,
    field_changes,
    rows_as_of,
)
from tutoria_cms.partnerships.choices import CurrentStage, Purpose, Sector
from tutoria_cms.partnerships.models import Agreement, Partner

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime.datetime(2025, 3, 1, 12, 0))


def at(days):
    return START + datetime.timedelta(days=days)


def save(instance, user, days, **kwargs):
    instance._history_date = at(days)
    attributed(instance, user).save(**kwargs)
    return instance


def partner(name="Industrias del Bajío"):
    return Partner.objects.create(name=name, sector=Sector.PRIVATE)


def agreement(user, title="Convenio A", days=0, **kwargs):
    kwargs.setdefault("purposes", [Purpose.INTERNSHIPS])
    return save(
        Agreement(partner=kwargs.pop("partner", None) or partner(), title=title, **kwargs),
        user,
        days,
    )


@pytest.fixture
def user(db):
    return factories.UserFactory(username="coordinacion", first_name="Ana", last_name="Ruiz")


def test_attributed_sets_the_author_of_the_next_row_of_a_save_and_a_delete(user):
    other = factories.UserFactory(username="otra")
    item = agreement(user)
    assert attributed(item, other) is item
    item.title = "Convenio B"
    item.save()
    item.delete()
    assert [r.history_user for r in Agreement.history.order_by("history_id")] == [
        user,
        other,
        other,
    ]


def test_field_changes_diff_each_row_against_the_previous_row_of_the_same_object(user):
    first = agreement(user, "Convenio A")
    second = agreement(user, "Convenio B", days=1, partner=first.partner)
    first.title = "Convenio A2"
    first.current_stage = CurrentStage.PROGRAMMING  # not editable: diff_against skips it
    save(first, user, 2)
    second.reference = "REF-9"
    save(second, user, 3)
    save(second, user, 4)  # nothing changed
    records = list(Agreement.history.order_by("-history_id"))  # any order
    fields = ("current_stage", "title", "reference")
    with translation.override("en"):
        rows = field_changes(records, fields)
        assert [row.record.history_date for row in rows] == [at(0), at(1), at(2), at(3), at(4)]
        assert [row.created for row in rows] == [True, True, False, False, False]
        # A first row lists its non-empty fields, from nothing; a choice reads as its label.
        assert list(rows[0].changes) == [
            ("current stage", None, "Planning"),
            ("title", None, "Convenio A"),
        ]
        assert [c.name for c in rows[2].changes] == ["current_stage", "title"]
        assert list(rows[2].changes) == [
            ("current stage", "Planning", "Programming"),
            ("title", "Convenio A", "Convenio A2"),
        ]
        assert list(rows[3].changes) == [("reference number", None, "REF-9")]
        assert rows[4].changes == []
    # The editable fields are simple-history's own diff.
    delta = rows[2].record.diff_against(rows[0].record, included_fields=["title", "reference"])
    assert [c.field for c in delta.changes] == ["title"]


def test_field_changes_read_foreign_keys_in_one_query_and_deleted_ones_as_their_id(user):
    item = agreement(user, partner=partner("Alfa"))
    beta, gamma = partner("Beta"), partner("Gamma")
    item.partner = beta
    save(item, user, 1)
    item.partner = gamma
    save(item, user, 2)
    gone = gamma.pk
    records = list(Agreement.history.all())
    Agreement.objects.filter(pk=item.pk).update(partner=beta)  # no row: the history keeps Gamma
    gamma.delete()
    with CaptureQueriesContext(connection) as queries:
        rows = field_changes(records, ("partner",))
    assert len(queries) == 1  # the partners, for every row
    assert [list(row.changes) for row in rows] == [
        [("partner", None, "Alfa")],
        [("partner", "Alfa", "Beta")],
        [("partner", "Beta", f"#{gone}")],
    ]
    shout = field_changes(records, ("partner",), {"partner": lambda p: p.name.upper()})
    assert list(shout[1].changes) == [("partner", "ALFA", "BETA")]


def test_field_changes_entries_and_deletions(user):
    item = agreement(user)
    item._history_date = at(1)
    attributed(item, None).delete()
    rows = field_changes(Agreement.history.all(), ("title",))
    assert rows[-1].deleted and not rows[0].deleted
    entry = rows[0].entry("Agreement")
    assert isinstance(entry, HistoryEntry)
    assert (entry.when, entry.user, entry.created) == (at(0), user, True)
    assert rows[-1].entry("Agreement").user is None
    assert field_changes([], ("title",)) == []


def test_rows_as_of_keeps_the_newest_row_of_each_object_then_and_drops_the_deleted(user):
    a = agreement(user, "A1", days=0)
    b = agreement(user, "B1", days=2, partner=a.partner)
    a.title = "A2"
    save(a, user, 4)
    b._history_date = at(5)
    b.delete()
    history = Agreement.history.all()

    def titles(days, queryset=history):
        return sorted(title for (title,) in rows_as_of(queryset, at(days), ("title",)))

    assert titles(-1) == []  # nothing created yet
    assert titles(0) == ["A1"]
    assert titles(3) == ["A1", "B1"]
    assert titles(4) == ["A2", "B1"]
    assert titles(6) == ["A2"]  # B deleted by then
    assert titles(6, history.filter(title="A1")) == ["A1"]  # the filters choose the rows
    rows = list(rows_as_of(history, at(3)))  # no fields: the history rows themselves
    assert sorted(row.title for row in rows) == ["A1", "B1"]
    assert all(isinstance(row, Agreement.history.model) for row in rows)


def test_rows_as_of_breaks_ties_by_history_id_in_one_query(user):
    item = agreement(user, "First")
    item.title = "Second"
    save(item, user, 0)  # the same history date
    with CaptureQueriesContext(connection) as queries:
        assert list(rows_as_of(Agreement.history.all(), at(0), ("title",))) == [("Second",)]
    assert len(queries) == 1
    # simple-history's own as_of agrees where no two rows share a date.
    item.title = "Third"
    save(item, user, 1)
    assert [a.title for a in Agreement.history.as_of(at(1))] == ["Third"]
    assert list(rows_as_of(Agreement.history.all(), at(1), ("title",))) == [("Third",)]


def test_the_history_table_shows_who_when_what_and_each_change(user):
    entries = [
        HistoryEntry(
            at(1),
            user,
            "Agreement",
            changes=[FieldChange("title", "title", "A1", "A2"), ("reference number", None, "R")],
            created=True,
        ),
        HistoryEntry(at(0), None, "Session", change="Recorded: video", deleted=True),
    ]
    with translation.override("en"):
        html = render_to_string(
            "tutoria_cms/core/admin/includes/history_table.html", {"entries": entries}
        )
        assert '<th scope="col">What</th>' in html and '<th scope="col">Changes</th>' in html
        assert "Ana Ruiz" in html and "System" in html
        assert "Agreement (created)" in html
        assert "<li>Title: A1 → A2</li>" in html and "<li>Reference number: — → R</li>" in html
        assert "Deleted" in html and "Recorded: video" in html
        html = render_to_string(
            "tutoria_cms/core/admin/includes/history_table.html",
            {"entries": [], "subject_heading": "Competency"},
        )
        assert "No changes recorded yet." in html
