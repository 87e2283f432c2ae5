"""Referral services: each institution's vocabulary (Settings › Referral services), the
referral's service chosen from it, shown only to need-to-know roles, counted (never listed per
referral) in pseudonymised exports; the migration from the free text and back."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories
from tests.factories import referral_service, walk
from tutoria_cms.requests import services
from tutoria_cms.requests.forms import ReferralForm
from tutoria_cms.requests.models import Referral, ReferralService, ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(support_request, coordinator, board, tutor):
    request = services.assign_tutor(support_request, tutor, coordinator)
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    return walk(request, actors, "submit", "review", "approve", "start")


@pytest.fixture
def elsewhere(db):
    """Another institution, with a service of its own."""
    home = factories.build_site("pt-br", "outra.example", title="Outra Universidade")
    return referral_service(home.get_site(), "Psicologia (outra)")


# The form and the service: the request's institution's active services only -----------------


def test_the_form_offers_only_the_institutions_active_services(running, elsewhere):
    own = referral_service(running.site, "Psicología")
    retired = referral_service(running.site, "Retirado", active=False)
    offered = list(ReferralForm(site=running.site).fields["service"].queryset)
    assert offered == [own]
    for refused in (elsewhere, retired):
        form = ReferralForm({"service": refused.pk, "reason": "Ansiedad"}, site=running.site)
        assert not form.is_valid() and "service" in form.errors


def test_another_institutions_service_posted_is_refused(client, running, tutor, elsewhere):
    client.force_login(tutor)
    response = client.post(
        reverse("tutoria_requests:refer", args=[running.pk]),
        {"service": elsewhere.pk, "reason": "Ansiedad"},
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_the_service_refuses_another_institutions_or_an_inactive_service(running, tutor, elsewhere):
    retired = referral_service(running.site, "Retirado", active=False)
    for refused in (elsewhere, retired):
        with pytest.raises(ValidationError):
            services.refer(running, tutor, reason="Ansiedad", service=refused)
    assert not Referral.objects.exists()


def test_a_referral_without_a_service_goes_to_the_institutions_first_one(running, tutor):
    second = referral_service(running.site, "B", order=2)
    first = referral_service(running.site, "A", order=1)
    assert services.refer(running, tutor, reason="Otra").service == first != second


def test_an_institution_without_services_gets_its_orientation_service(running, tutor):
    referral = services.refer(running, tutor, reason="Ansiedad")
    assert referral.service.name == "Orientation service"
    assert referral.service.site == running.site


def test_a_service_with_referrals_is_protected(running, tutor):
    from django.db.models import ProtectedError

    service = referral_service(running.site)
    services.refer(running, tutor, reason="Ansiedad", service=service)
    with pytest.raises(ProtectedError):
        service.delete()


# Who reads the service -------------------------------------------------------------------------


def test_board_and_coordination_see_the_referral_but_not_its_service(
    client, running, tutor, coordinator, board, orientation
):
    """Fails on the old code: the request page showed the service to everybody."""
    service = referral_service(running.site, "ZZ-SERVICE-NAME")
    services.refer(running, tutor, reason="Ansiedad", service=service)
    url = reverse("tutoria_requests:inspect", args=[running.pk])
    for reader in (tutor, orientation):
        client.force_login(reader)
        assert "ZZ-SERVICE-NAME" in client.get(url).content.decode(), reader
    for outsider in (board, coordinator):
        client.force_login(outsider)
        page = client.get(url).content.decode()
        assert 'id="referrals-heading"' in page, outsider  # that a referral exists
        assert "ZZ-SERVICE-NAME" not in page, outsider


def test_a_referrals_label_never_names_its_service(running, tutor):
    referral = services.refer(
        running, tutor, reason="Ansiedad", service=referral_service(running.site, "Psicología")
    )
    assert "Psicología" not in str(referral)


# Exports -----------------------------------------------------------------------------------------


def referral_rows(identified, monkeypatch):
    """The sheet's rows, the release by whole ended terms and the rounding left out (they are
    tested in tests/accreditation/test_disclosure.py): the shape of the sheet only."""
    from tutoria_cms.accreditation.context import ExportContext
    from tutoria_cms.requests.evidence import ReferralsSource

    monkeypatch.setattr(ExportContext, "sensitive_context", lambda self: self)
    monkeypatch.setattr(ExportContext, "round_sensitive", lambda self, cell, value: value)
    context = ExportContext(identified=identified, small_cell_threshold=3)
    return list(ReferralsSource().rows(context))


def test_pseudonymised_exports_count_referrals_per_service_with_suppression(
    running, tutor, orientation, monkeypatch
):
    """Fails on the old code: the sheet listed each service and status as typed."""
    psychology = referral_service(running.site, "Psicología")
    social = referral_service(running.site, "Trabajo social")
    for status in ("attended", "closed", "closed"):
        referral = services.refer(running, tutor, reason="r", service=psychology)
        services.update_referral(referral, orientation, status=status)
    services.refer(running, tutor, reason="r", service=social)
    rows = referral_rows(identified=False, monkeypatch=monkeypatch)
    assert rows == [("Psicología", "All statuses", 3), ("Trabajo social", "All statuses", "< 3")]
    identified = referral_rows(identified=True, monkeypatch=monkeypatch)
    assert ("Psicología", str(ReferralStatus.CLOSED.label), "< 3") in identified
    assert ("Trabajo social", str(ReferralStatus.SENT.label), "< 3") in identified


def test_subject_access_lists_the_students_referral_with_its_service(running, tutor, coordinator):
    from tutoria_cms.requests.subject import subject_data

    services.refer(
        running, tutor, reason="Ansiedad", service=referral_service(running.site, "Psicología")
    )
    sheets = {str(sheet.title): sheet for sheet in subject_data("2019001", coordinator)}
    assert [row[1] for row in sheets["Referrals"].rows] == ["Psicología"]


# Settings › Referral services: per institution --------------------------------------------------


@pytest.fixture
def manager(mx_home, br_home):
    """Manages the referral services of the Mexican institution only."""
    group, _created = Group.objects.get_or_create(name="Referral services managers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="tutoria_requests", codename__endswith="_referralservice"
        ),
        Permission.objects.get(codename="access_admin"),
    )
    user = factories.UserFactory(username="services", sites=[mx_home.get_site()])
    user.groups.add(group)
    return user


def test_the_permissions_are_offered_in_the_group_editor():
    from wagtail import hooks

    offered = set()
    for fn in hooks.get_hooks("register_permissions"):
        offered |= set(fn().values_list("codename", flat=True))
    assert {"add_referralservice", "change_referralservice", "delete_referralservice"} <= offered


def test_the_vocabulary_is_managed_per_institution(client, manager, mx_home, br_home):
    own = referral_service(mx_home.get_site(), "Psicología MX")
    other = referral_service(br_home.get_site(), "Psicologia BR")
    client.force_login(manager)
    index = client.get(reverse("tutoria_referral_services:index")).content.decode()
    assert "Psicología MX" in index and "Psicologia BR" not in index
    for name in ("edit", "delete", "inspect", "history", "usage"):
        url = reverse(f"tutoria_referral_services:{name}", args=[other.pk])
        assert client.get(url).status_code == 404, name
        own_url = reverse(f"tutoria_referral_services:{name}", args=[own.pk])
        assert client.get(own_url).status_code == 200, name
    add = reverse("tutoria_referral_services:add")
    form = client.get(add).content.decode()
    assert "Universidade Exemplo" not in form
    response = client.post(add, {"site": br_home.get_site().pk, "name": "Intruso", "order": 0})
    assert response.status_code == 200 and not ReferralService.objects.filter(name="Intruso")
    response = client.post(
        add, {"site": mx_home.get_site().pk, "name": "Trabajo social", "active": "on", "order": 3}
    )
    assert response.status_code == 302
    created = ReferralService.objects.get(name="Trabajo social")
    assert created.site == mx_home.get_site() and created.order == 3
    edit = reverse("tutoria_referral_services:edit", args=[created.pk])
    response = client.post(
        edit, {"site": br_home.get_site().pk, "name": "Trabajo social", "order": 4}
    )
    created.refresh_from_db()
    assert response.status_code == 302 and created.site == mx_home.get_site()
    assert created.order == 4 and not created.active
    response = client.post(reverse("tutoria_referral_services:delete", args=[created.pk]))
    assert response.status_code == 302 and not ReferralService.objects.filter(pk=created.pk)


def test_roles_without_the_permission_do_not_reach_the_vocabulary(client, coordinator, mx_home):
    client.force_login(coordinator)
    assert client.get(reverse("tutoria_referral_services:index")).status_code in (302, 403)


def test_an_institution_without_services_still_refers_to_its_orientation_service(
    client, running, tutor
):
    client.force_login(tutor)
    url = reverse("tutoria_requests:refer", args=[running.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"service": "", "reason": "Ansiedad"})
    assert response.status_code == 302
    assert running.referrals.get().service.name == "Orientation service"
