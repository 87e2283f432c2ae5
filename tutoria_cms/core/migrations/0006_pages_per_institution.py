"""Page permissions and moderation per institution (issue #13).

Before: Communications and Communications moderators held their page permissions at the tree
root (0001), so every institution's communications staff edited (and its moderators published
and approved) every institution's pages; Tutors held "add" on every tutor directory; and one
install-wide workflow ("Tutoring content moderation") was approved by the global moderators.

After, for every Site (``core.institution_groups`` does the same for Sites created later):

- one group per page-holding role and institution ("Communications · <institution>", an
  ``InstitutionGroup`` row), holding the page permissions on that Site's root page only
  (communications: add, change, lock, unlock; moderators: and publish); the tree-root grants
  of the global groups are removed;
- the Tutors group's "add" on each directory page moves to the tutors group of the directory's
  institution;
- the institution groups' members: the people of each institution holding the role there
  (in the role group, and their membership names no roles or names it);
- the institution's own workflow, whose group approval task is approved by its moderators
  group, replaces the install-wide one on the Site's root page (and wherever else that one was
  assigned inside the Site's tree); pages in moderation move to their institution's workflow.
  The install-wide workflow is deleted when nothing was ever moderated in it, else disabled.

Backwards restores the tree-root grants, the Tutors' directory grants and the install-wide
workflow (pages in moderation go back to it) and removes the institution groups and workflows.
"""

import sys

import swapper
from django.conf import settings
from django.db import migrations
from django.utils import translation

from tutoria_cms.core import roles

# 0001's tree-root grants (restored backwards), as they were.
ROOT_PAGE_PERMS = {
    roles.COMMUNICATIONS: ["add", "change", "lock", "unlock"],
    roles.COMMUNICATIONS_MODERATORS: ["add", "change", "publish", "lock", "unlock"],
}
SITE_ROOT_ACTIONS = ROOT_PAGE_PERMS  # what each institution's groups hold on its root page
PAGE_ROLES = (roles.COMMUNICATIONS, roles.COMMUNICATIONS_MODERATORS, roles.TUTORS)
SEPARATOR = " · "
STEPLEN = 4  # treebeard's path step (wagtail pages)
IN_FLIGHT = ("in_progress", "needs_changes")


class Models:
    def __init__(self, apps):
        page_app, page_model = swapper.split(swapper.get_model_name("wagtailcore", "Page"))
        self.page_app, self.page_model_name = page_app, page_model.lower()
        self.Page = apps.get_model(page_app, page_model)
        get = apps.get_model
        self.Group = get("auth", "Group")
        self.ContentType = get("contenttypes", "ContentType")
        self.Site = get("wagtailcore", "Site")
        self.GroupPagePermission = get("wagtailcore", "GroupPagePermission")
        self.Workflow = get("wagtailcore", "Workflow")
        self.WorkflowTask = get("wagtailcore", "WorkflowTask")
        self.WorkflowPage = get("wagtailcore", "WorkflowPage")
        self.WorkflowContentType = get("wagtailcore", "WorkflowContentType")
        self.WorkflowState = get("wagtailcore", "WorkflowState")
        self.Task = get("wagtailcore", "Task")
        self.TaskState = get("wagtailcore", "TaskState")
        self.GroupApprovalTask = get("wagtailcore", "GroupApprovalTask")
        self.InstitutionGroup = get("tutoria_core", "InstitutionGroup")
        self.InstitutionWorkflow = get("tutoria_core", "InstitutionWorkflow")
        self.InstitutionMembership = get("tutoria_core", "InstitutionMembership")
        self.apps = apps

    def page_permission(self, action):
        return roles.ensure_permission(
            self.apps,
            self.page_app,
            self.page_model_name,
            f"{action}_{self.page_model_name}",
            f"Can {action} page",
        )

    def role(self, name):
        return self.Group.objects.get_or_create(name=name)[0]

    def legacy_workflow(self):
        names = roles.names_in_every_language(roles.CONTENT_WORKFLOW, roles.CONTENT_WORKFLOW_LABEL)
        return self.Workflow.objects.filter(name__in=names).order_by("pk").first()

    def group_approval_type(self):
        return self.ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )[0]

    def base_page_type(self):
        return self.ContentType.objects.get_or_create(
            app_label=self.page_app, model=self.page_model_name
        )[0]


def institution_name(site):
    return site.site_name or site.hostname


def site_language(site):
    locale = getattr(site.root_page, "locale", None)
    if locale is not None:
        try:
            return translation.get_supported_language_variant(locale.language_code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


def group_name(m, role_name, site):
    for candidate in (
        f"{role_name}{SEPARATOR}{institution_name(site)}",
        f"{role_name}{SEPARATOR}{site.hostname}:{site.port}",
    ):
        candidate = candidate[:150]
        if not m.Group.objects.filter(name=candidate).exists():
            return candidate
    return f"{role_name}{SEPARATOR}{site.hostname}:{site.port} #{site.pk}"[-150:]


def ancestor_paths(path):
    return [path[:end] for end in range(STEPLEN, len(path) + 1, STEPLEN)]


def sites_of_path(m, path):
    return list(m.Site.objects.filter(root_page__path__in=ancestor_paths(path)))


def deepest_site(m, path):
    sites = m.Site.objects.filter(root_page__path__in=ancestor_paths(path))
    return sites.select_related("root_page").order_by("-root_page__depth", "pk").first()


def say(message):
    sys.stdout.write(f"\n  {message}")


# Forwards -----------------------------------------------------------------------------------


def forwards(apps, schema_editor):
    m = Models(apps)
    role_groups = {name: m.role(name) for name in PAGE_ROLES}
    add = m.page_permission("add")

    # The global groups lose their tree-root page permissions.
    m.GroupPagePermission.objects.filter(
        group__in=[role_groups[name] for name in ROOT_PAGE_PERMS], page__depth=1
    ).delete()

    legacy = m.legacy_workflow()
    legacy_tasks = (
        list(m.WorkflowTask.objects.filter(workflow=legacy).values_list("task_id", flat=True))
        if legacy is not None
        else []
    )
    site_groups = {}
    site_workflows = {}
    for site in m.Site.objects.select_related("root_page", "root_page__locale").order_by("pk"):
        groups = site_groups[site.pk] = {}
        for role_name in PAGE_ROLES:
            group = m.Group.objects.create(name=group_name(m, role_name, site))
            m.InstitutionGroup.objects.create(site=site, role=role_groups[role_name], group=group)
            groups[role_name] = group
            for action in SITE_ROOT_ACTIONS.get(role_name, ()):
                m.GroupPagePermission.objects.get_or_create(
                    group=group, page=site.root_page, permission=m.page_permission(action)
                )
        site_workflows[site.pk] = create_site_workflow(m, site, groups, legacy)

    move_tutor_grants(m, role_groups[roles.TUTORS], add, site_groups)
    fill_members(m, role_groups, site_groups)
    if legacy is not None:
        move_legacy_workflow(m, legacy, legacy_tasks, site_workflows)


def create_site_workflow(m, site, groups, legacy):
    with translation.override(site_language(site)):
        workflow_name = f"{roles.CONTENT_WORKFLOW_LABEL}{SEPARATOR}{institution_name(site)}"
        task_name = f"{roles.CONTENT_REVIEW_TASK_LABEL}{SEPARATOR}{institution_name(site)}"
    task = m.GroupApprovalTask.objects.create(
        name=task_name[:255], content_type=m.group_approval_type(), active=True
    )
    task.groups.add(groups[roles.COMMUNICATIONS_MODERATORS])
    workflow = m.Workflow.objects.create(name=workflow_name[:255], active=True)
    m.WorkflowTask.objects.create(workflow=workflow, task_id=task.pk, sort_order=0)
    m.InstitutionWorkflow.objects.create(site=site, workflow=workflow)
    root = site.root_page
    current = m.WorkflowPage.objects.filter(page=root).first()
    if current is None:
        m.WorkflowPage.objects.create(page=root, workflow=workflow)
    elif legacy is not None and current.workflow_id == legacy.pk:
        m.WorkflowPage.objects.filter(page=root).update(workflow=workflow)
    return workflow, task


def move_tutor_grants(m, tutors, add, site_groups):
    """Tutors' "add" on a directory page -> the tutors group of the page's institution(s)."""
    unplaced = 0
    for grant in m.GroupPagePermission.objects.filter(group=tutors, permission=add).select_related(
        "page"
    ):
        sites = sites_of_path(m, grant.page.path)
        for site in sites:
            m.GroupPagePermission.objects.get_or_create(
                group=site_groups[site.pk][roles.TUTORS], page_id=grant.page_id, permission=add
            )
        if not sites:
            unplaced += 1
        grant.delete()
    if unplaced:
        say(
            f"tutoria_core: {unplaced} tutor directory page(s) outside every Site lost the "
            "Tutors' 'add' permission (a Site over them gives it to its tutors)."
        )


def fill_members(m, role_groups, site_groups):
    by_pk = {group.pk: name for name, group in role_groups.items()}
    memberships = m.InstitutionMembership.objects.select_related("user").prefetch_related(
        "roles"
    )
    for membership in memberships:
        user = membership.user
        if getattr(user, "is_superuser", False) or membership.site_id not in site_groups:
            continue
        held = {by_pk[pk] for pk in user.groups.values_list("pk", flat=True) if pk in by_pk}
        applied = {role.pk for role in membership.roles.all()}
        for role_name in held:
            if not applied or role_groups[role_name].pk in applied:
                user.groups.add(site_groups[membership.site_id][role_name])


def move_legacy_workflow(m, legacy, legacy_tasks, site_workflows):
    """The install-wide workflow's assignments and pages in moderation inside a Site's tree
    go to that Site's workflow; then it goes (or is disabled, keeping its history)."""
    for assignment in m.WorkflowPage.objects.filter(workflow=legacy).select_related("page"):
        site = deepest_site(m, assignment.page.path)
        if site is not None:
            m.WorkflowPage.objects.filter(page_id=assignment.page_id).update(
                workflow=site_workflows[site.pk][0]
            )
    base_type = m.base_page_type()
    for state in m.WorkflowState.objects.filter(
        workflow=legacy, status__in=IN_FLIGHT, base_content_type=base_type
    ):
        page = m.Page.objects.filter(pk=int(state.object_id)).first()
        site = deepest_site(m, page.path) if page is not None else None
        if site is None:
            continue
        workflow, task = site_workflows[site.pk]
        m.TaskState.objects.filter(
            workflow_state=state, status="in_progress", task_id__in=legacy_tasks
        ).update(task_id=task.pk)
        m.WorkflowState.objects.filter(pk=state.pk).update(workflow=workflow)

    if (
        m.WorkflowPage.objects.filter(workflow=legacy).exists()
        or m.WorkflowContentType.objects.filter(workflow=legacy).exists()
    ):
        return  # still chosen for pages outside every Site, or for snippets
    if not m.WorkflowState.objects.filter(workflow=legacy).exists():
        legacy.delete()
        for task in m.Task.objects.filter(pk__in=legacy_tasks):
            if not (
                m.WorkflowTask.objects.filter(task=task).exists()
                or m.TaskState.objects.filter(task=task).exists()
            ):
                task.delete()
        return
    if not m.WorkflowState.objects.filter(workflow=legacy, status__in=IN_FLIGHT).exists():
        m.Workflow.objects.filter(pk=legacy.pk).update(active=False)
        m.Task.objects.filter(pk__in=legacy_tasks).update(active=False)


# Backwards ----------------------------------------------------------------------------------


def backwards(apps, schema_editor):
    m = Models(apps)
    role_groups = {name: m.role(name) for name in PAGE_ROLES}
    add = m.page_permission("add")
    root = m.Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        for role_name, actions in ROOT_PAGE_PERMS.items():
            for action in actions:
                m.GroupPagePermission.objects.get_or_create(
                    group=role_groups[role_name], page=root, permission=m.page_permission(action)
                )

    tutor_groups = m.InstitutionGroup.objects.filter(role=role_groups[roles.TUTORS]).values(
        "group"
    )
    for grant in m.GroupPagePermission.objects.filter(group__in=tutor_groups, permission=add):
        m.GroupPagePermission.objects.get_or_create(
            group=role_groups[roles.TUTORS], page_id=grant.page_id, permission=add
        )

    restore_legacy_workflow(m, role_groups[roles.COMMUNICATIONS_MODERATORS])
    m.Group.objects.filter(pk__in=m.InstitutionGroup.objects.values("group")).delete()


def restore_legacy_workflow(m, moderators):
    legacy = m.legacy_workflow()
    with translation.override(settings.LANGUAGE_CODE):
        workflow_name = str(roles.CONTENT_WORKFLOW_LABEL)
        task_name = str(roles.CONTENT_REVIEW_TASK_LABEL)
    if legacy is None:
        legacy = m.Workflow.objects.create(name=workflow_name, active=True)
    link = m.WorkflowTask.objects.filter(workflow=legacy).order_by("sort_order").first()
    if link is None:
        task = m.GroupApprovalTask.objects.create(
            name=task_name, content_type=m.group_approval_type(), active=True
        )
        m.WorkflowTask.objects.create(workflow=legacy, task_id=task.pk, sort_order=0)
    else:
        task = m.GroupApprovalTask.objects.filter(pk=link.task_id).first()
    m.Workflow.objects.filter(pk=legacy.pk).update(active=True)
    if task is not None:
        m.Task.objects.filter(pk=task.pk).update(active=True)
        task.groups.add(moderators)
    task_id = task.pk if task is not None else link.task_id

    for row in m.InstitutionWorkflow.objects.select_related("workflow"):
        workflow = row.workflow
        site_tasks = list(
            m.WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True)
        )
        m.WorkflowPage.objects.filter(workflow=workflow).update(workflow=legacy)
        m.WorkflowState.objects.filter(workflow=workflow).update(workflow=legacy)
        m.TaskState.objects.filter(task_id__in=site_tasks).update(task_id=task_id)
        workflow.delete()
        m.Task.objects.filter(pk__in=site_tasks).delete()


class Migration(migrations.Migration):
    dependencies = [
        swapper.dependency("wagtailcore", "Page"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("tutoria_core", "0005_institution_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
