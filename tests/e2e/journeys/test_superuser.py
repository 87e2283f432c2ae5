"""Superuser journey: grant a custom permission of the suite to a role in Settings › Groups."""

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from tests import factories
from tests.e2e.journeys.conftest import es
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
