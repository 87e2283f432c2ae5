"""Overdue commitments and agreements about to expire: boundaries, command, dashboard panel."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.partnerships import services

from .conftest import TODAY, make_agreement, sign

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_overdue_boundaries(agreement, coordinator):
    def add(description, due_on):
        return services.add_commitment(
            agreement, coordinator, party="partner", description=description, due_on=due_on
        )

    yesterday = add("Vencido ayer", TODAY - DAY)
    add("Vence hoy", TODAY)
    add("Vence mañana", TODAY + DAY)
    fulfilled = add("Cumplido", TODAY - 10 * DAY)
    fulfilled = services.record_fulfilment(
        fulfilled, coordinator, fulfilled_on=TODAY - DAY, report="Ok", today=TODAY
    )
    assert list(services.overdue_commitments(TODAY)) == [yesterday]
    assert yesterday.is_overdue(TODAY) and not fulfilled.is_overdue(TODAY)


def test_expiry_boundaries(coordinator):
    days = services.EXPIRY_WARNING_DAYS
    assert days == 60
    start = TODAY - 400 * DAY

    def signed(title, expires_on):
        return sign(
            make_agreement(title, starts_on=start, expires_on=expires_on),
            coordinator,
            signed_on=start,
        )

    today = signed("Expires today", TODAY)
    last_day = signed("Expires on the last day", TODAY + days * DAY)
    signed("Expires one day too late", TODAY + (days + 1) * DAY)
    signed("Expired yesterday", TODAY - DAY)
    make_agreement("Not signed", starts_on=start, expires_on=TODAY + DAY)
    make_agreement("No expiry")
    assert list(services.expiring_agreements(TODAY)) == [today, last_day]
    assert list(services.expiring_agreements(TODAY, within_days=0)) == [today]


@pytest.fixture
def warnings_data(coordinator):
    agreement = sign(
        make_agreement(
            "Convenio con Becas del Norte", starts_on=TODAY - 300 * DAY, expires_on=TODAY + 5 * DAY
        ),
        coordinator,
        signed_on=TODAY - 300 * DAY,
    )
    services.add_commitment(
        agreement, coordinator, party="partner", description="Entregar equipo", due_on=TODAY - DAY
    )
    return agreement


def test_command_prints_the_warnings(warnings_data, capsys):
    call_command("partnership_warnings", date=TODAY.isoformat(), language="en")
    out = capsys.readouterr().out
    assert "1 overdue commitment:" in out
    assert "Convenio con Becas del Norte (Industrias del Bajío S.A.), Partner" in out
    assert "1 agreement expiring within 60 days:" in out
    call_command("partnership_warnings", date=(TODAY + 6 * DAY).isoformat(), days=60, language="en")
    out = capsys.readouterr().out
    assert "0 agreements expiring" in out
    assert len(mail.outbox) == 0


def test_command_emails_the_coordinators(warnings_data, coordinator, quality, capsys):
    factories.UserFactory(username="inactivo", groups=[roles.COORDINATION], is_active=False)
    call_command("partnership_warnings", date=TODAY.isoformat(), email=True, language="es")
    out = capsys.readouterr().out
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert "Convenio con Becas del Norte" in mail.outbox[0].body
    assert "Convenio" not in mail.outbox[0].subject  # no agreement details in subjects
    assert "1" in mail.outbox[0].subject
    assert "1" in out


def test_dashboard_panel_only_for_coordinators(
    warnings_data, coordinator, quality, communications, monkeypatch
):
    monkeypatch.setattr("tutoria_cms.partnerships.panels.timezone.localdate", lambda: TODAY)
    for user, shown in ((coordinator, True), (quality, False), (communications, False)):
        client = Client()
        client.force_login(user)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert ("partnership-warnings" in html) is shown, user.username
        assert ("Convenio con Becas del Norte" in html) is shown


def test_dashboard_panel_hidden_without_warnings(coordinator):
    client = Client()
    client.force_login(coordinator)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "partnership-warnings" not in html
