"""Migration 0019 turns each institution's free-text services into its referral services (the
same text, the same service; empty: the orientation service), and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import factories

APP = "tutoria_requests"
BEFORE = [(APP, "0018_work_plan_records")]
AFTER = [(APP, "0019_referral_services")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_texts_become_each_institutions_services_and_back():
    mx_site = factories.build_site("es", "localhost", title="Universidad", default=True).get_site()
    br_site = factories.build_site("pt-br", "127.0.0.1", title="Universidade").get_site()
    student = factories.make_student("M1")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE)
        Request = old.get_model(APP, "TutoringRequest")
        Referral = old.get_model(APP, "Referral")
        texts = {}
        for site, text in (
            (mx_site, "Psicología"),
            (mx_site, "Psicología"),
            (mx_site, ""),
            (br_site, "Psicología"),
            (br_site, "Serviço social"),
        ):
            request = Request.objects.create(kind="support", student_id=student.pk, site_id=site.pk)
            referral = Referral.objects.create(
                request=request, site_id=site.pk, service=text, reason="r"
            )
            texts[referral.pk] = (site.pk, text)

        new = migrate(AFTER)
        Service = new.get_model(APP, "ReferralService")
        Referral = new.get_model(APP, "Referral")
        assert sorted(Service.objects.values_list("site_id", "name")) == sorted(
            [
                (mx_site.pk, "Psicología"),
                (mx_site.pk, "Orientation service"),
                (br_site.pk, "Psicología"),
                (br_site.pk, "Serviço social"),
            ]
        )
        for referral in Referral.objects.select_related("service"):
            site_id, text = texts[referral.pk]
            assert referral.service.site_id == site_id == referral.site_id
            assert referral.service.name == (text or "Orientation service")

        back = migrate(BEFORE)
        Referral = back.get_model(APP, "Referral")
        assert {r.pk: r.service for r in Referral.objects.all()} == {
            pk: text or "Orientation service" for pk, (_site, text) in texts.items()
        }
    finally:
        migrate(latest)
