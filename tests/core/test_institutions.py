"""The institution scope (core.institutions): who reaches which institution's records."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Site

from tests import factories
from tutoria_cms.core import institutions, roles
from tutoria_cms.core.models import InstitutionMembership

pytestmark = pytest.mark.django_db

MANAGE = "tutoria_requests.manage_tutoringrequest"
DECIDE = "tutoria_requests.decide_tutoringrequest"


@pytest.fixture
def two_sites(mx_home, br_home):
    return Site.objects.get(root_page=mx_home), Site.objects.get(root_page=br_home)


def fresh(user):
    """The user as a new request sees it (no cached answers)."""
    return type(user).objects.get(pk=user.pk)


def test_a_member_reaches_only_their_institution(two_sites):
    mexico, brazil = two_sites
    user = factories.UserFactory(groups=[roles.COORDINATION], sites=[mexico])
    assert institutions.site_ids_for(user, MANAGE) == {mexico.pk}
    assert institutions.holds(user, MANAGE, mexico)
    assert not institutions.holds(user, MANAGE, brazil.pk)
    assert list(institutions.sites_for(user, MANAGE)) == [mexico]
    assert list(institutions.scope(Site.objects.all(), user, MANAGE, field="pk")) == [mexico]


def test_a_permission_the_person_lacks_reaches_nothing(two_sites):
    mexico, _brazil = two_sites
    user = factories.UserFactory(groups=[roles.TUTORS], sites=[mexico])
    assert institutions.site_ids_for(user, MANAGE) == frozenset()
    assert institutions.scope(Site.objects.all(), user, MANAGE, field="pk").count() == 0
    # Belonging without a permission: the institution itself.
    assert institutions.site_ids_for(user) == {mexico.pk}


def test_different_roles_in_different_institutions(two_sites):
    mexico, brazil = two_sites
    user = factories.UserFactory(groups=[roles.COORDINATION, roles.BOARD], sites=[])
    InstitutionMembership.objects.create(user=user, site=mexico).roles.add(
        Group.objects.get(name=roles.COORDINATION)
    )
    InstitutionMembership.objects.create(user=user, site=brazil).roles.add(
        Group.objects.get(name=roles.BOARD)
    )
    user = fresh(user)
    assert institutions.site_ids_for(user, MANAGE) == {mexico.pk}
    assert institutions.site_ids_for(user, DECIDE) == {brazil.pk}


def test_a_role_given_in_a_membership_becomes_one_of_the_persons_roles(two_sites):
    mexico, _brazil = two_sites
    user = factories.UserFactory(sites=[])
    membership = InstitutionMembership.objects.create(user=user, site=mexico)
    membership.roles.add(Group.objects.get(name=roles.BOARD))
    user = fresh(user)
    assert user.groups.filter(name=roles.BOARD).exists()
    assert institutions.site_ids_for(user, DECIDE) == {mexico.pk}


def test_superusers_reach_every_institution_and_others_none(two_sites):
    admin = factories.UserFactory(is_superuser=True)
    assert institutions.site_ids_for(admin, MANAGE) is institutions.ALL
    assert institutions.scope(Site.objects.all(), admin, MANAGE, field="pk").count() == 2
    outsider = factories.UserFactory(groups=[roles.COORDINATION], sites=[])
    assert institutions.scope(Site.objects.all(), outsider, MANAGE, field="pk").count() == 0
    inactive = factories.UserFactory(groups=[roles.COORDINATION], is_active=False)
    assert institutions.site_ids_for(inactive, MANAGE) == frozenset()


def test_institution_for_new_records(two_sites, rf):
    mexico, brazil = two_sites
    one = factories.UserFactory(groups=[roles.COORDINATION], sites=[brazil])
    assert institutions.institution_for_new(one, MANAGE) == brazil
    both = factories.UserFactory(groups=[roles.COORDINATION])
    assert institutions.institution_for_new(both, MANAGE) is None
    request = rf.get("/", HTTP_HOST=mexico.hostname, SERVER_PORT=mexico.port)
    assert institutions.institution_for_new(both, MANAGE, request) == mexico


def test_the_superuser_manages_memberships_in_settings(client, two_sites):
    mexico, _brazil = two_sites
    admin = factories.UserFactory(is_superuser=True)
    person = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION], sites=[])
    client.force_login(admin)
    add = reverse("tutoria_institution_memberships:add")
    response = client.post(
        add,
        {"user": person.pk, "site": mexico.pk, "roles": [Group.objects.get(name=roles.BOARD).pk]},
    )
    assert response.status_code == 302
    membership = InstitutionMembership.objects.get(user=person)
    assert membership.site == mexico
    assert fresh(person).groups.filter(name=roles.BOARD).exists()
    listing = client.get(reverse("tutoria_institution_memberships:index"))
    assert b"coordinacion" in listing.content or person.get_full_name().encode() in listing.content
    # One membership per person and institution: a second is refused with a message.
    again = client.post(add, {"user": person.pk, "site": mexico.pk})
    assert again.status_code == 200 and InstitutionMembership.objects.count() == 1


def test_staff_cannot_manage_memberships(client, two_sites):
    coordinator = factories.UserFactory(groups=[roles.COORDINATION])
    client.force_login(coordinator)
    response = client.get(reverse("tutoria_institution_memberships:index"))
    assert response.status_code in (302, 403)
