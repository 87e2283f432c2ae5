"""The requests app's institution migrations place existing rows: a request and a group by
their programme page's site, every other record by its parent, the rest in the default site."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import factories
from tutoria_cms.academics.models import Term

APP = "tutoria_requests"
BEFORE = [(APP, "0007_request_log_entries")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_placed_in_institutions():
    mx_home = factories.build_site("es", "localhost", title="Universidad", default=True)
    br_home = factories.build_site("pt-br", "127.0.0.1", title="Universidade")
    br_programme = factories.build_programme(factories.build_programme_index(br_home))
    mx_site, br_site = mx_home.get_site(), br_home.get_site()
    student = factories.make_student("M1")
    term = Term.objects.create(
        site=mx_site,
        code="2026-1",
        name="2026/1",
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 6, 30),
        kind="regular",
    )
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE)
        Request = old.get_model(APP, "TutoringRequest")
        Disclosure = old.get_model(APP, "RequestDisclosure")
        Session = old.get_model(APP, "TutoringSession")
        Group = old.get_model(APP, "StudentGroup")
        GroupSession = old.get_model(APP, "GroupSession")
        placed = Request.objects.create(
            kind="support", student_id=student.pk, programme_id=br_programme.pk
        )
        loose = Request.objects.create(kind="support", student_id=student.pk)
        Disclosure.objects.create(request=placed, reasons=[], description="")
        Session.objects.create(
            request=placed, date="2026-03-02", modality="video", duration_minutes=30
        )
        group = Group.objects.create(
            code="G", name="G", term_id=term.pk, programme_id=br_programme.pk
        )
        GroupSession.objects.create(
            group=group, date="2026-03-02", modality="video", duration_minutes=30, topic="t"
        )
        new = migrate(latest)
        Request = new.get_model(APP, "TutoringRequest")
        assert Request.objects.get(pk=placed.pk).site_id == br_site.pk
        assert Request.objects.get(pk=loose.pk).site_id == mx_site.pk
        assert new.get_model(APP, "RequestDisclosure").objects.get().site_id == br_site.pk
        assert new.get_model(APP, "TutoringSession").objects.get().site_id == br_site.pk
        assert new.get_model(APP, "StudentGroup").objects.get().site_id == br_site.pk
        assert new.get_model(APP, "GroupSession").objects.get().site_id == br_site.pk
    finally:
        migrate(latest)
