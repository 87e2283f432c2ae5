import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage, WorkflowState

from tests import factories
from tutoria_cms.core import institution_groups, roles
from tutoria_cms.programmes.models import TutoringProgrammePage

pytestmark = pytest.mark.django_db


def test_every_role_group_exists_with_admin_access():
    for name in roles.ALL_ROLES:
        group = Group.objects.get(name=name)
        assert group.permissions.filter(codename="access_admin").exists(), name


def page_perms(group, page):
    return set(
        group.page_permissions.filter(page=page).values_list("permission__codename", flat=True)
    )


def test_communications_may_edit_but_not_publish_and_moderators_may_publish(mx_home):
    """On their institution's root page, through its groups; the global role groups hold no
    page permission (at the tree root or anywhere)."""
    site = mx_home.get_site()
    communications = institution_groups.institution_group(site, roles.COMMUNICATIONS)
    moderators = institution_groups.institution_group(site, roles.COMMUNICATIONS_MODERATORS)
    assert communications.name == "Communications · Universidad de Ejemplo"
    assert page_perms(communications, mx_home) == {
        "add_page",
        "change_page",
        "lock_page",
        "unlock_page",
    }
    assert page_perms(moderators, mx_home) == {
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
    }
    for name in roles.ALL_ROLES:
        assert not GroupPagePermission.objects.filter(group__name=name).exists(), name


def test_every_workflow_created_has_its_approval_task(mx_home, br_home):
    for home in (mx_home, br_home):
        site = home.get_site()
        workflow = roles.content_workflow(site)
        assert WorkflowPage.objects.get(page=home).workflow == workflow
        tasks = [wt.task.specific for wt in workflow.workflow_tasks.all()]
        assert tasks == [roles.content_review_task(site)]
        assert list(tasks[0].groups.all()) == [
            institution_groups.institution_group(site, roles.COMMUNICATIONS_MODERATORS)
        ]
    for other in Workflow.objects.all():
        assert other.workflow_tasks.exists(), f"workflow {other.name} has no task"


def test_submitted_page_waits_for_a_moderator(programme_index):
    editor = factories.UserFactory(groups=[roles.COMMUNICATIONS])
    moderator = factories.UserFactory(groups=[roles.COMMUNICATIONS_MODERATORS])

    page = TutoringProgrammePage(title="Borrador", slug="borrador", live=False)
    programme_index.add_child(instance=page)
    revision = page.save_revision(user=editor)
    assert page.get_workflow() == roles.content_workflow(programme_index.get_site())
    state = page.get_workflow().start(page, editor)
    page.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert page.live is False

    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(page, editor) == []
    assert "approve" in [name for name, *_ in task.get_actions(page, moderator)]
    task.on_action(task_state, moderator, "approve")
    page.refresh_from_db()
    assert page.live is True
    assert page.live_revision_id == revision.pk


def test_workflow_and_task_are_named_in_the_site_language(mx_home, br_home):
    """The page editor said "Enviar a Tutoring content moderation": Wagtail shows the stored
    names, so each institution's are stored in its site's language, with its name."""
    mx, br = mx_home.get_site(), br_home.get_site()
    workflow = roles.content_workflow(mx)
    assert workflow.name == "Moderación de contenidos de tutoría · Universidad de Ejemplo"
    assert roles.content_review_task(mx).name == "Revisión de Comunicación · Universidad de Ejemplo"
    assert [wt.task.name for wt in workflow.workflow_tasks.all()] == [
        "Revisión de Comunicación · Universidad de Ejemplo"
    ]
    assert roles.content_workflow(br).name == (
        "Moderação de conteúdos de tutoria · Universidade Exemplo"
    )
    assert roles.content_review_task(br).name == "Revisão da Comunicação · Universidade Exemplo"


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("es", "Coordinación de tutorías", "Tutoring coordination"),
        ("pt-br", "Coordenação de tutoria", "Tutoring coordination"),
    ],
)
def test_role_groups_show_translated_names_in_the_users_admin(client, language, shown, hidden):
    """Group names are identifiers used in code: people see the translated role names."""
    from django.urls import reverse
    from wagtail.users.models import UserProfile

    from tests.security.readability import visible_text_nodes

    admin = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = language
    profile.save()
    client.force_login(admin)
    group = Group.objects.get(name=roles.COORDINATION)
    listing = " | ".join(
        visible_text_nodes(client.get(reverse("wagtailusers_groups:index")).content.decode())
    )
    assert shown in listing and hidden not in listing
    for url in (
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_users:edit", args=[admin.pk]),
    ):
        # The group checkboxes (in the "Roles" tab, hidden until chosen).
        html = client.get(url).content.decode()
        labels = re.findall(r'name="groups"[^>]*>\s*([^<]+?)\s*</label>', html)
        assert shown in labels and hidden not in labels, (url, labels)
    # The identifier stays.
    group.refresh_from_db()
    assert group.name == roles.COORDINATION
