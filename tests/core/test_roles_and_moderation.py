import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, Workflow, WorkflowPage, WorkflowState

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.programmes.models import TutoringProgrammePage

pytestmark = pytest.mark.django_db


def test_every_role_group_exists_with_admin_access():
    for name in roles.ALL_ROLES:
        group = Group.objects.get(name=name)
        assert group.permissions.filter(codename="access_admin").exists(), name


def test_communications_may_edit_but_not_publish_and_moderators_may_publish():
    root = Page.get_first_root_node()
    communications = Group.objects.get(name=roles.COMMUNICATIONS)
    moderators = Group.objects.get(name=roles.COMMUNICATIONS_MODERATORS)

    def perms(group):
        return set(
            group.page_permissions.filter(page=root).values_list("permission__codename", flat=True)
        )

    assert {"add_page", "change_page"} <= perms(communications)
    assert "publish_page" not in perms(communications)
    assert {"add_page", "change_page", "publish_page"} <= perms(moderators)


def test_every_workflow_created_has_its_approval_task():
    workflow = roles.content_workflow()
    tasks = [wt.task.specific for wt in workflow.workflow_tasks.all()]
    assert len(tasks) == 1
    assert list(tasks[0].groups.values_list("name", flat=True)) == [roles.COMMUNICATIONS_MODERATORS]
    for other in Workflow.objects.all():
        assert other.workflow_tasks.exists(), f"workflow {other.name} has no task"


def test_submitted_page_waits_for_a_moderator(programme_index):
    workflow = roles.content_workflow()
    WorkflowPage.objects.create(workflow=workflow, page=programme_index.get_parent())
    editor = factories.UserFactory(groups=[roles.COMMUNICATIONS])
    moderator = factories.UserFactory(groups=[roles.COMMUNICATIONS_MODERATORS])

    page = TutoringProgrammePage(title="Borrador", slug="borrador", live=False)
    programme_index.add_child(instance=page)
    revision = page.save_revision(user=editor)
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


def test_workflow_and_task_are_named_in_the_site_language():
    """The page editor said "Enviar a Tutoring content moderation": Wagtail shows the stored
    names, so they are stored in the site's language (LANGUAGE_CODE, es here)."""
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "es"
    workflow = roles.content_workflow()
    assert workflow.name == "Moderación de contenidos de tutoría"
    assert roles.content_review_task().name == "Revisión de Comunicación"
    assert [wt.task.name for wt in workflow.workflow_tasks.all()] == ["Revisión de Comunicación"]


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

    from tests.security.test_readable import visible_text_nodes

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
