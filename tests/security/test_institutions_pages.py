"""Institutions kept apart in their pages (issue #13): communications staff edit, moderators
publish and approve, tutors add their profile only in the institutions where they hold the
role; the page permissions are held by each institution's groups on its own pages
(``core.institution_groups``), and follow memberships and roles at once."""

import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission, TaskState, Workflow, WorkflowPage
from wagtail.permission_policies.pages import PagePermissionPolicy

from tests import factories
from tests.programmes.test_admin import programme_form
from tutoria_cms.core import institution_groups, roles
from tutoria_cms.core.models import InstitutionGroup, InstitutionMembership
from tutoria_cms.programmes.models import TutoringProgrammePage

pytestmark = pytest.mark.django_db

ADMIN_HOME = "/admin/"
LOGIN = "/admin/login/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def refused(response):
    """Wagtail's refusals: 403, a redirect to the admin home (``permission_denied``), or to the
    login page (without any role, no admin access)."""
    return response.status_code == 403 or (
        response.status_code == 302
        and (response["Location"] == ADMIN_HOME or response["Location"].startswith(LOGIN))
    )


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def add_programme_url(parent):
    return reverse(
        "wagtailadmin_pages:add", args=("tutoria_programmes", "tutoringprogrammepage", parent.pk)
    )


def add_profile_url(directory):
    return reverse(
        "wagtailadmin_pages:add", args=("tutoria_tutors", "tutorprofilepage", directory.pk)
    )


def can_edit(user, page):
    """Wagtail's answer, for a fresh copy of ``user`` (as the next request has)."""
    user = type(user).objects.get(pk=user.pk)
    return page.permissions_for_user(user).can_edit()


@pytest.fixture
def sites(mx_home, br_home):
    return mx_home.get_site(), br_home.get_site()


@pytest.fixture
def pages(mx_home, br_home):
    mx_index = factories.build_programme_index(mx_home, title="Programas")
    br_index = factories.build_programme_index(br_home, title="Programas BR")
    return {
        "mx_index": mx_index,
        "mx_programme": factories.build_programme(mx_index, title="PAT México"),
        "br_index": br_index,
        "br_programme": factories.build_programme(br_index, title="Programa Brasil"),
        "mx_directory": factories.build_tutor_index(mx_home, title="Tutores"),
        "br_directory": factories.build_tutor_index(br_home, title="Docentes-tutores"),
    }


@pytest.fixture
def people(sites):
    mx, br = sites
    both = factories.UserFactory(
        username="both", groups=[roles.COMMUNICATIONS, roles.COORDINATION], sites=[mx, br]
    )
    InstitutionMembership.objects.get(user=both, site=mx).roles.set(
        [Group.objects.get(name=roles.COMMUNICATIONS)]
    )
    InstitutionMembership.objects.get(user=both, site=br).roles.set(
        [Group.objects.get(name=roles.COORDINATION)]
    )
    return {
        "mx_communications": factories.UserFactory(
            username="com_mx", groups=[roles.COMMUNICATIONS], sites=[mx]
        ),
        "mx_moderator": factories.UserFactory(
            username="mod_mx", groups=[roles.COMMUNICATIONS_MODERATORS], sites=[mx]
        ),
        "br_moderator": factories.UserFactory(
            username="mod_br", groups=[roles.COMMUNICATIONS_MODERATORS], sites=[br]
        ),
        "br_communications": factories.UserFactory(
            username="com_br", groups=[roles.COMMUNICATIONS], sites=[br]
        ),
        "mx_tutor": factories.UserFactory(username="tutor_mx", groups=[roles.TUTORS], sites=[mx]),
        "both": both,
    }


# Communications ---------------------------------------------------------------------------------


def test_communications_edit_and_create_under_their_institution(pages, people):
    client = client_for(people["mx_communications"])
    assert client.get(edit_url(pages["mx_programme"])).status_code == 200
    add_subpage = reverse("wagtailadmin_pages:add_subpage", args=[pages["mx_index"].pk])
    # One page type may go there: Wagtail goes straight to its form.
    response = client.get(add_subpage)
    assert response.status_code == 302
    assert response["Location"] == add_programme_url(pages["mx_index"])
    assert client.get(add_programme_url(pages["mx_index"])).status_code == 200
    response = client.post(add_programme_url(pages["mx_index"]), programme_form(slug="nuevo"))
    assert response.status_code == 302
    created = TutoringProgrammePage.objects.get(slug="nuevo")
    assert created.get_parent().pk == pages["mx_index"].pk


def test_communications_are_refused_on_another_institutions_pages(pages, people):
    client = client_for(people["mx_communications"])
    assert refused(client.get(edit_url(pages["br_programme"])))
    assert refused(client.get(edit_url(pages["br_index"])))
    add_subpage = reverse("wagtailadmin_pages:add_subpage", args=[pages["br_index"].pk])
    assert refused(client.get(add_subpage))
    assert refused(client.get(add_programme_url(pages["br_index"])))
    response = client.post(add_programme_url(pages["br_index"]), programme_form(slug="intruso"))
    assert refused(response)
    assert not TutoringProgrammePage.objects.filter(slug="intruso").exists()
    # An edit posted anyway changes nothing.
    response = client.post(
        edit_url(pages["br_programme"]), programme_form(title="Cambiado", slug="cambiado")
    )
    assert refused(response)
    pages["br_programme"].refresh_from_db()
    assert pages["br_programme"].title == "Programa Brasil"
    assert not pages["br_programme"].has_unpublished_changes


def test_the_page_explorer_shows_nothing_of_another_institution(pages, people, br_home):
    client = client_for(people["mx_communications"])
    response = client.get(reverse("wagtailadmin_explore", args=[br_home.pk]), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("br_index", "br_programme", "br_directory"):
        assert edit_url(pages[key]) not in html, key
    assert reverse("wagtailadmin_pages:add_subpage", args=[br_home.pk]) not in html
    assert "Programas BR" not in html
    # Their own institution's pages are listed, editable.
    response = client.get(reverse("wagtailadmin_explore", args=[pages["mx_index"].pk]))
    assert edit_url(pages["mx_programme"]) in response.content.decode()


def test_the_explorer_root_of_staff_of_one_institution_is_its_home(mx_home, pages, people):
    """Wagtail opens the explorer at the deepest page that holds all of a person's pages."""
    policy = PagePermissionPolicy()
    user = type(people["mx_communications"]).objects.get(pk=people["mx_communications"].pk)
    assert policy.explorable_root_instance(user).pk == mx_home.pk


# Moderation -------------------------------------------------------------------------------------


def submit(page, user):
    page.save_revision(user=user)
    return page.get_workflow().start(page, user)


def test_each_institution_moderates_its_own_pages(pages, people, sites):
    mx, br = sites
    mx_state = submit(pages["mx_programme"], people["mx_communications"])
    br_state = submit(pages["br_programme"], people["br_communications"])
    assert mx_state.workflow == roles.content_workflow(mx)
    assert br_state.workflow == roles.content_workflow(br)
    mx_moderator = people["mx_moderator"]
    reviewable = set(TaskState.objects.reviewable_by(mx_moderator).values_list("pk", flat=True))
    assert reviewable == {mx_state.current_task_state_id}
    br_task = br_state.current_task_state.task.specific
    assert br_task.get_actions(pages["br_programme"], mx_moderator) == []
    assert not pages["br_programme"].permissions_for_user(mx_moderator).can_publish()
    assert pages["mx_programme"].permissions_for_user(mx_moderator).can_publish()


def test_awaiting_your_review_lists_only_the_institutions_pages(pages, people):
    submit(pages["mx_programme"], people["mx_communications"])
    submit(pages["br_programme"], people["br_communications"])
    html = client_for(people["mx_moderator"]).get(ADMIN_HOME).content.decode()
    assert "PAT México" in html
    assert "Programa Brasil" not in html
    html = client_for(people["br_moderator"]).get(ADMIN_HOME).content.decode()
    assert "Programa Brasil" in html
    assert "PAT México" not in html


def test_moderators_cannot_approve_or_publish_another_institutions_page(pages, people):
    br_page = pages["br_programme"]
    state = submit(br_page, people["br_communications"])
    client = client_for(people["mx_moderator"])
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[br_page.pk, "approve", state.current_task_state_id],
    )
    assert refused(client.post(approve, {}))
    assert refused(client.post(edit_url(br_page), {**programme_form(), "action-publish": "1"}))
    br_page.refresh_from_db()
    state.refresh_from_db()
    assert state.status == state.STATUS_IN_PROGRESS
    assert br_page.title == "Programa Brasil"
    assert br_page.get_latest_revision().user == people["br_communications"]
    # Their own institution's moderator approves it.
    response = client_for(people["br_moderator"]).post(approve, {})
    assert response.status_code in (200, 302)
    state.refresh_from_db()
    assert state.status == state.STATUS_APPROVED


# Tutors -----------------------------------------------------------------------------------------


def test_tutors_add_their_profile_only_under_their_institutions_directory(pages, people):
    client = client_for(people["mx_tutor"])
    assert client.get(add_profile_url(pages["mx_directory"])).status_code == 200
    assert refused(client.get(add_profile_url(pages["br_directory"])))
    mx_tutors = institution_groups.institution_group(pages["mx_directory"].get_site(), roles.TUTORS)
    br_tutors = institution_groups.institution_group(pages["br_directory"].get_site(), roles.TUTORS)
    assert set(mx_tutors.page_permissions.values_list("page", flat=True)) == {
        pages["mx_directory"].pk
    }
    assert set(br_tutors.page_permissions.values_list("page", flat=True)) == {
        pages["br_directory"].pk
    }
    assert not Group.objects.get(name=roles.TUTORS).page_permissions.exists()


def test_a_directory_moved_to_another_institution_follows_it(pages, people):
    directory = pages["br_directory"]
    directory.move(pages["mx_index"].get_parent(), pos="last-child")
    directory.refresh_from_db()
    client = client_for(people["mx_tutor"])
    assert client.get(add_profile_url(directory)).status_code == 200


# People of several institutions, and changes --------------------------------------------------


def test_a_person_of_both_institutions_edits_only_where_communications_applies(pages, people):
    client = client_for(people["both"])
    assert client.get(edit_url(pages["mx_programme"])).status_code == 200
    assert refused(client.get(edit_url(pages["br_programme"])))


def test_a_membership_roles_change_applies_at_once(pages, people, sites):
    _mx, br = sites
    both = people["both"]
    membership = InstitutionMembership.objects.get(user=both, site=br)
    communications = Group.objects.get(name=roles.COMMUNICATIONS)
    membership.roles.add(communications)
    assert can_edit(both, pages["br_programme"])
    assert client_for(both).get(edit_url(pages["br_programme"])).status_code == 200
    membership.roles.remove(communications)
    assert not can_edit(both, pages["br_programme"])
    membership.roles.clear()  # no roles named: all of the person's roles apply
    assert can_edit(both, pages["br_programme"])
    membership.delete()
    assert not can_edit(both, pages["br_programme"])
    assert can_edit(both, pages["mx_programme"])
    InstitutionMembership.objects.create(user=both, site=br)
    assert can_edit(both, pages["br_programme"])


def test_a_change_of_groups_applies_at_once(pages, people):
    user = people["mx_communications"]
    communications = Group.objects.get(name=roles.COMMUNICATIONS)
    user.groups.remove(communications)
    assert not can_edit(user, pages["mx_programme"])
    assert refused(client_for(user).get(edit_url(pages["mx_programme"])))
    user.groups.add(communications)
    assert can_edit(user, pages["mx_programme"])
    # From the group's side too.
    communications.user_set.remove(user)
    assert not can_edit(user, pages["mx_programme"])
    communications.user_set.add(user)
    assert can_edit(user, pages["mx_programme"])
    communications.user_set.clear()
    assert not can_edit(user, pages["mx_programme"])
    user.groups.set([communications])
    assert can_edit(user, pages["mx_programme"])
    user.groups.clear()
    assert not can_edit(user, pages["mx_programme"])
    assert not can_edit(user, pages["br_programme"])


def test_a_new_institution_comes_with_its_groups_and_workflow(people):
    person = factories.UserFactory(username="everywhere", groups=[roles.COMMUNICATIONS])
    home = factories.build_site("es", "uni3.example", title="Universidad Tres")
    site = home.get_site()
    group = institution_groups.institution_group(site, roles.COMMUNICATIONS)
    assert group.name == "Communications · Universidad Tres"
    assert person in group.user_set.all()  # a member of every site (UserFactory's default)
    assert people["mx_communications"] not in group.user_set.all()
    index = factories.build_programme_index(home)
    assert can_edit(person, index)
    assert not can_edit(people["mx_communications"], index)
    assert WorkflowPage.objects.get(page=home).workflow == roles.content_workflow(site)
    # Renamed with its site; gone with it.
    site.site_name = "Universidad 3"
    site.save()
    group.refresh_from_db()
    assert group.name == "Communications · Universidad 3"
    assert roles.content_workflow(site).name.endswith("· Universidad 3")
    workflow_pk = roles.content_workflow(site).pk
    group_ids = list(InstitutionGroup.objects.filter(site=site).values_list("group", flat=True))
    site.delete()
    assert not Group.objects.filter(pk__in=group_ids).exists()
    assert not Workflow.objects.filter(pk=workflow_pk).exists()


def test_superusers_are_left_alone(pages, sites):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    root.groups.add(Group.objects.get(name=roles.COMMUNICATIONS))
    InstitutionMembership.objects.create(user=root, site=sites[1])
    assert set(root.groups.values_list("name", flat=True)) == {roles.COMMUNICATIONS}
    client = client_for(root)
    assert client.get(edit_url(pages["br_programme"])).status_code == 200
    assert client.get(edit_url(pages["mx_programme"])).status_code == 200


def test_institution_groups_are_not_offered_as_roles(people, sites):
    admin = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(admin)
    for url in (
        reverse("wagtailusers_users:edit", args=[people["both"].pk]),
        reverse("tutoria_institution_memberships:add"),
    ):
        html = client.get(url).content.decode()
        assert "Comunicación ·" not in html and "Communications ·" not in html, url


def test_saving_a_person_in_the_users_admin_keeps_their_institution_groups(people, pages):
    """The users' form offers the role groups only: saving it keeps the institution groups
    that follow from them."""
    admin = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    user = people["mx_communications"]
    before = set(user.groups.values_list("pk", flat=True))
    response = client_for(admin).post(
        reverse("wagtailusers_users:edit", args=[user.pk]),
        {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "password1": "",
            "password2": "",
            "is_active": "on",
            "groups": [Group.objects.get(name=roles.COMMUNICATIONS).pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(user.groups.values_list("pk", flat=True)) == before
    assert can_edit(user, pages["mx_programme"])


# The data migration -----------------------------------------------------------------------------

BEFORE = [("tutoria_core", "0004_institution_memberships")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def root_codenames(group):
    return set(
        GroupPagePermission.objects.filter(group=group, page__depth=1).values_list(
            "permission__codename", flat=True
        )
    )


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_gives_each_institution_its_pages_and_back():
    mx_home = factories.build_site("es", "localhost", title="Universidad", default=True)
    br_home = factories.build_site("pt-br", "127.0.0.1", title="Universidade")
    mx, br = mx_home.get_site(), br_home.get_site()
    mx_page = factories.build_programme(factories.build_programme_index(mx_home))
    mx_directory = factories.build_tutor_index(mx_home)
    br_directory = factories.build_tutor_index(br_home)
    editor = factories.UserFactory(username="ed_mx", groups=[roles.COMMUNICATIONS], sites=[mx])
    moderator = factories.UserFactory(
        username="mod_mx", groups=[roles.COMMUNICATIONS_MODERATORS], sites=[mx]
    )
    both = factories.UserFactory(
        username="both", groups=[roles.COMMUNICATIONS, roles.TUTORS], sites=[mx, br]
    )
    InstitutionMembership.objects.get(user=both, site=br).roles.set(
        [Group.objects.get(name=roles.TUTORS)]
    )
    communications = Group.objects.get(name=roles.COMMUNICATIONS)
    moderators = Group.objects.get(name=roles.COMMUNICATIONS_MODERATORS)
    tutors = Group.objects.get(name=roles.TUTORS)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)
        # Backwards: the install-wide grants and workflow of before, and no institution group.
        assert root_codenames(communications) == {
            "add_page",
            "change_page",
            "lock_page",
            "unlock_page",
        }
        assert "publish_page" in root_codenames(moderators)
        assert set(tutors.page_permissions.values_list("page", flat=True)) == {
            mx_directory.pk,
            br_directory.pk,
        }
        assert not Group.objects.filter(name__contains=" · ").exists()
        legacy = roles.legacy_content_workflow()
        assert legacy is not None and legacy.active
        assert legacy.name == "Moderación de contenidos de tutoría"
        assert WorkflowPage.objects.get(page=mx_home).workflow_id == legacy.pk
        assert WorkflowPage.objects.get(page=br_home).workflow_id == legacy.pk
        (task,) = [wt.task.specific for wt in legacy.workflow_tasks.all()]
        assert list(task.groups.all()) == [moderators]
        # A page in moderation in the install-wide workflow, as before.
        mx_page = TutoringProgrammePage.objects.get(pk=mx_page.pk)
        mx_page.save_revision(user=editor)
        state = Workflow.objects.get(pk=legacy.pk).start(mx_page, editor)

        migrate(latest)
        # Forwards: each institution's groups, grants, members and workflow.
        assert root_codenames(communications) == set()
        assert root_codenames(moderators) == set()
        assert not tutors.page_permissions.exists()
        for site, home, directory in ((mx, mx_home, mx_directory), (br, br_home, br_directory)):
            site_communications = institution_groups.institution_group(site, roles.COMMUNICATIONS)
            site_moderators = institution_groups.institution_group(
                site, roles.COMMUNICATIONS_MODERATORS
            )
            site_tutors = institution_groups.institution_group(site, roles.TUTORS)
            assert site_communications.name == f"Communications · {site.site_name}"
            assert set(
                site_communications.page_permissions.values_list("page", "permission__codename")
            ) == {(home.pk, f"{a}_page") for a in ("add", "change", "lock", "unlock")}
            assert ("publish_page",) in site_moderators.page_permissions.filter(
                page=home
            ).values_list("permission__codename")
            assert set(site_tutors.page_permissions.values_list("page", flat=True)) == {
                directory.pk
            }
            workflow = roles.content_workflow(site)
            assert WorkflowPage.objects.get(page=home).workflow_id == workflow.pk
            assert list(roles.content_review_task(site).groups.all()) == [site_moderators]
        mx_groups = {
            role: institution_groups.institution_group(mx, role) for role in roles.PAGE_ROLES
        }
        br_groups = {
            role: institution_groups.institution_group(br, role) for role in roles.PAGE_ROLES
        }
        assert set(editor.groups.all()) == {communications, mx_groups[roles.COMMUNICATIONS]}
        assert mx_groups[roles.COMMUNICATIONS_MODERATORS] in moderator.groups.all()
        assert set(both.groups.all()) == {
            communications,
            tutors,
            mx_groups[roles.COMMUNICATIONS],
            mx_groups[roles.TUTORS],
            br_groups[roles.TUTORS],
        }
        # The page in moderation moved to its institution's workflow; the old one is gone.
        state.refresh_from_db()
        assert state.workflow_id == roles.content_workflow(mx).pk
        assert state.current_task_state.task_id == roles.content_review_task(mx).pk
        assert roles.legacy_content_workflow() is None
        task = roles.content_review_task(mx)
        moderator = type(moderator).objects.get(pk=moderator.pk)
        task.on_action(state.current_task_state, moderator, "approve")
        mx_page.refresh_from_db()
        assert mx_page.live_revision_id == mx_page.latest_revision_id
        assert can_edit(editor, mx_page)
        assert not can_edit(editor, br_directory)
    finally:
        # Whatever failed, the next tests find the latest schema.
        migrate(latest)


def test_sync_command_repairs_the_groups(pages, people, sites):
    from django.core.management import call_command

    mx, _br = sites
    group = institution_groups.institution_group(mx, roles.COMMUNICATIONS)
    # What loading data without signals leaves: grants and members missing.
    group.page_permissions.all().delete()
    Group.user_set.through.objects.filter(group=group).delete()
    assert not can_edit(people["mx_communications"], pages["mx_programme"])
    out = io.StringIO()
    call_command("sync_institution_groups", stdout=out)
    assert "2 institution(s)" in out.getvalue()
    assert can_edit(people["mx_communications"], pages["mx_programme"])
    assert not can_edit(people["mx_communications"], pages["br_programme"])


def test_people_and_institutions_can_be_deleted(pages, people, sites, br_home):
    _mx, br = sites
    group_ids = list(InstitutionGroup.objects.filter(site=br).values_list("group", flat=True))
    people["both"].delete()
    people["br_moderator"].delete()
    # A Site goes with its root page, its groups and its workflow with it.
    br_home.delete()
    assert not Group.objects.filter(pk__in=group_ids).exists()
    assert not InstitutionMembership.objects.filter(site_id=br.pk).exists()
    assert can_edit(people["mx_communications"], pages["mx_programme"])
