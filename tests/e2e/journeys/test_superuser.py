"""Superuser journeys: grant a custom permission of the suite to a role in Settings › Groups;
unlock a locked-out sign-in in Settings › Login lockouts; turn off the two-step verification
of someone who lost their phone in Settings › Two-step verification."""

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from tests import factories
from tests.e2e.journeys.conftest import es, exactly
from tutoria_cms.core import roles

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_superuser_grants_the_identified_export_to_the_quality_office(site, sign_in):
    factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    calidad = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    assert not calidad.has_perm("tutoria_accreditation.export_identified")
    page = sign_in("admin")

    page.get_by_role("button", name=es("Settings"), exact=True).click()
    page.get_by_role("link", name=es("Groups"), exact=True).click()
    with translation.override("es"):
        quality_label = str(roles.role_label(roles.QUALITY))  # role names shown translated
    page.get_by_role("link", name=quality_label, exact=True).click()
    permission = page.get_by_role("checkbox", name=es("Can export identified student data"))
    assert not permission.is_checked()
    permission.check()
    page.get_by_role("button", name=es("Save"), exact=True).click()

    page.get_by_text(es("Group '%(object)s' updated.") % {"object": roles.QUALITY}).wait_for()
    group = Group.objects.get(name=roles.QUALITY)
    assert group.permissions.filter(
        content_type__app_label="tutoria_accreditation", codename="export_identified"
    ).exists()
    calidad = type(calidad).objects.get(pk=calidad.pk)  # a fresh permission cache
    assert calidad.has_perm("tutoria_accreditation.export_identified")


def test_a_locked_out_tutor_is_unlocked_by_the_superuser_and_signs_in(
    site, sign_in, browsing, settings
):
    """Wrong passwords lock the sign-in (the right one is refused too, in Spanish); the
    superuser finds the lockout in Settings › Login lockouts and unlocks it; then the right
    password signs in."""
    from tests.e2e.journeys.conftest import new_page

    factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    factories.UserFactory(username="tutora.ana", groups=[roles.TUTORS])
    tutor = new_page(browsing)
    tutor.goto("/admin/login/")

    def try_password(password):
        tutor.locator("#id_username").fill("tutora.ana")
        tutor.locator("#id_password").fill(password)
        tutor.get_by_role("button", name=es("Sign in")).click()

    with translation.override("es"):
        paused = translation.ngettext(
            "Too many failed sign-in attempts. Signing in with this username from here is "
            "paused for %(minutes)s minute.",
            "Too many failed sign-in attempts. Signing in with this username from here is "
            "paused for %(minutes)s minutes.",
            30,
        ) % {"minutes": 30}
    assert not paused.startswith("Too many")  # translated
    locked = tutor.get_by_text(paused)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        try_password("no-es-la-clave")
        tutor.locator("#id_password").wait_for()
    try_password("no-es-la-clave")  # the last one allowed: the sign-in is paused
    locked.wait_for()
    tutor.get_by_role("link", name=es("Back to sign in")).click()
    try_password(factories.PASSWORD)  # the right password is refused while paused
    locked.wait_for()
    assert not tutor.url.endswith("/admin/")

    page = sign_in("admin")
    page.get_by_role("button", name=es("Settings"), exact=True).click()
    page.get_by_role("link", name=es("Login lockouts"), exact=True).click()
    row = page.get_by_role("row").filter(has_text="tutora.ana")
    more = es("More options for '%(title)s'").split("%(title)s")[0]
    row.get_by_role("button", name=re.compile("^" + re.escape(more))).click()
    row.get_by_role("link", name=es("Unlock"), exact=True).click()
    page.get_by_role("button", name=es("Yes, unlock")).click()
    page.get_by_role("row").filter(has_text="tutora.ana").wait_for(state="detached")

    tutor.get_by_role("link", name=es("Back to sign in")).click()
    try_password(factories.PASSWORD)
    tutor.wait_for_url("**/admin/")


def test_superuser_turns_off_the_two_step_verification_of_a_tutor_who_lost_her_phone(site, sign_in):
    """Settings › Two-step verification: the tutor's authenticator is removed (and the act
    recorded in Reports › Site history); her next sign-in asks for the password only."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    tutora = factories.UserFactory(username="tutora.ana", groups=[roles.TUTORS])
    TOTPDevice.objects.create(user=tutora, name="Teléfono perdido", confirmed=True)

    page = sign_in("admin")
    page.get_by_role("button", name=es("Settings"), exact=True).click()
    page.get_by_role("link", name=es("Two-step verification"), exact=True).click()
    row = page.get_by_role("row").filter(has_text="tutora.ana")
    more = es("More options for '%(title)s'").split("%(title)s")[0]
    row.get_by_role("button", name=re.compile("^" + re.escape(more))).click()
    row.get_by_role("link", name=es("Turn off"), exact=True).click()
    page.get_by_role("button", name=es("Yes, turn it off")).click()
    message = es("Two-step verification is off for %(username)s.") % {"username": "tutora.ana"}
    page.get_by_text(message).wait_for()
    assert not TOTPDevice.objects.filter(user=tutora).exists()

    page.get_by_role("button", name=es("Reports"), exact=True).click()
    page.get_by_role("link", name=es("Site history"), exact=True).click()
    page.get_by_text(es("Two-step verification turned off by a superuser")).first.wait_for()

    tutor = sign_in("tutora.ana")  # the password alone reaches the dashboard
    assert tutor.url.endswith("/admin/")


def test_superuser_adds_a_referral_service_to_the_institutions_vocabulary(site, sign_in):
    """Settings › Referral services: the institution's services a tutor refers students to
    (a sensitive vocabulary, per institution)."""
    from tutoria_cms.requests.models import ReferralService

    factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    page = sign_in("admin")
    page.get_by_role("button", name=es("Settings"), exact=True).click()
    page.get_by_role("link", name=es("Referral services"), exact=True).click()
    add = es("Add %(model_name)s") % {"model_name": es("referral service")}
    page.get_by_role("link", name=re.compile(re.escape(add), re.IGNORECASE)).first.click()
    page.get_by_role("combobox", name=exactly(es("Institution"))).select_option(index=1)
    page.get_by_role("textbox", name=exactly(es("name").capitalize())).fill("Tutoría entre pares")
    page.get_by_role("button", name=es("Create"), exact=True).click()
    page.get_by_role("row").filter(has_text="Tutoría entre pares").wait_for()
    service = ReferralService.objects.get(name="Tutoría entre pares")
    assert service.site == site.get_site() and service.active
