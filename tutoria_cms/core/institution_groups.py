"""Pages kept apart per institution: institution groups, their page permissions, moderation.

Wagtail's page permissions are held by groups on pages (``GroupPagePermission``, inherited by
the page's subtree), and a group approval task is approved by the members of its groups. So
each page-holding role (:data:`roles.PAGE_ROLES`) has one group per institution (Site), an
:class:`~tutoria_cms.core.models.InstitutionGroup` named after both ("Communications ·
Universidad de Ejemplo"), holding that role's page permissions on that Site's pages only:

- Communications: add, change, lock, unlock on the Site's root page; Communications
  moderators: the same and publish (:data:`roles.ROOT_PAGE_ACTIONS`);
- Tutors: "add" on the Site's tutor directory pages (the tutors app contributes them through
  the ``register_tutoria_page_permissions`` hook: a function of a Site returning
  ``(role, actions, pages)`` triples).

Each Site also has its own content moderation workflow (:class:`InstitutionWorkflow`), assigned
to its root page, whose one group approval task is approved by that institution's moderators
group. The global role groups keep their model and collection permissions and no page
permission.

Membership follows: a person is in the institution group of (site, role) exactly when they
hold the role (are in the global role group) and their membership of that site applies it
(its roles are empty, or include the role). :func:`sync_user` keeps it so, called from the
signals below (memberships saved or deleted, their roles changed, a person's groups changed in
either direction, a Site created). Superusers are left as they are (they reach every page).

These groups are managed: their names, page permissions and members are recomputed by
:func:`set_up_site` and :func:`sync_user`, and what is changed on them by hand is undone at the
next synchronisation (``manage.py sync_institution_groups`` runs it for the whole install).
"""

import contextlib
import contextvars

import swapper
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from wagtail import hooks
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from . import roles
from .institutions import forget, institution_name

PAGE_PERMISSIONS_HOOK = "register_tutoria_page_permissions"
GROUP_NAME_LENGTH = Group._meta.get_field("name").max_length

# Set while this module changes a person's groups: the ``User.groups`` signal it causes is
# its own, not a change to react to.
_syncing = contextvars.ContextVar("tutoria_institution_groups_syncing", default=False)


@contextlib.contextmanager
def _our_own_changes():
    token = _syncing.set(True)
    try:
        yield
    finally:
        _syncing.reset(token)


# Names ------------------------------------------------------------------------------------------


def site_language(site):
    """The language of ``site``: its root page's locale, else ``LANGUAGE_CODE``."""
    locale = getattr(site.root_page, "locale", None)
    if locale is not None:
        with contextlib.suppress(LookupError):
            return translation.get_supported_language_variant(locale.language_code)
    return settings.LANGUAGE_CODE


def institution_label(name, site):
    """``name`` followed by the institution's: "Communications · Universidad de Ejemplo"."""
    return f"{name}{roles.INSTITUTION_SEPARATOR}{institution_name(site)}"


def _group_name(role_name, site, group=None):
    """The name of the institution group of ``role_name`` in ``site``: unique among groups
    (another institution with the same name gets its hostname), at most 150 characters."""
    candidates = (
        institution_label(role_name, site),
        f"{role_name}{roles.INSTITUTION_SEPARATOR}{site.hostname}:{site.port}",
        f"{role_name}{roles.INSTITUTION_SEPARATOR}{site.hostname}:{site.port} #{site.pk}",
    )
    others = Group.objects.exclude(pk=getattr(group, "pk", None))
    for candidate in candidates:
        candidate = candidate[:GROUP_NAME_LENGTH]
        if not others.filter(name=candidate).exists():
            return candidate
    return candidates[-1][-GROUP_NAME_LENGTH:]


def _workflow_names(site):
    """(workflow name, task name) of ``site``'s moderation, in the site's language."""
    with translation.override(site_language(site)):
        return (
            institution_label(str(roles.CONTENT_WORKFLOW_LABEL), site)[:255],
            institution_label(str(roles.CONTENT_REVIEW_TASK_LABEL), site)[:255],
        )


# Groups -----------------------------------------------------------------------------------------


def institution_group(site, role_name):
    """The institution group of ``role_name`` (a role group's name) in ``site``, or None."""
    from .models import InstitutionGroup

    row = (
        InstitutionGroup.objects.filter(site=site, role__name=role_name)
        .select_related("group")
        .first()
    )
    return row.group if row is not None else None


def institution_group_ids():
    from .models import InstitutionGroup

    return set(InstitutionGroup.objects.values_list("group_id", flat=True))


def ensure_groups(site):
    """The institution groups of ``site``, {role name: group}: created when missing, named
    after the role and the institution (renamed when the site is)."""
    from .models import InstitutionGroup

    existing = {
        row.role.name: row
        for row in InstitutionGroup.objects.filter(site=site).select_related("role", "group")
    }
    groups = {}
    for role_name in roles.PAGE_ROLES:
        row = existing.get(role_name)
        if row is None:
            role, _created = Group.objects.get_or_create(name=role_name)
            group = Group.objects.create(name=_group_name(role_name, site))
            InstitutionGroup.objects.create(site=site, role=role, group=group)
        else:
            group = row.group
            name = _group_name(role_name, site, group)
            if group.name != name:
                group.name = name
                group.save(update_fields=["name"])
        groups[role_name] = group
    return groups


# Page permissions -------------------------------------------------------------------------------


def _page_permission(action):
    page_model = swapper.load_model("wagtailcore", "Page")
    codename = f"{action}_{page_model._meta.model_name}"
    permission, _created = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(page_model),
        codename=codename,
        defaults={"name": f"Can {action} page"},
    )
    return permission


def page_grants(site):
    """What the institution groups of ``site`` hold: [(role name, actions, pages)]."""
    grants = [
        (role_name, actions, [site.root_page])
        for role_name, actions in roles.ROOT_PAGE_ACTIONS.items()
    ]
    for contribute in hooks.get_hooks(PAGE_PERMISSIONS_HOOK):
        grants.extend(contribute(site))
    return grants


def sync_site_pages(site, groups=None):
    """Give the institution groups of ``site`` exactly their page permissions (those of
    :func:`page_grants`): on the site's pages, nowhere else."""
    groups = groups or ensure_groups(site)
    wanted = {group.pk: set() for group in groups.values()}
    permissions = {}
    for role_name, actions, pages in page_grants(site):
        group = groups[role_name]
        for action in actions:
            if action not in permissions:
                permissions[action] = _page_permission(action).pk
            for page in pages:
                wanted[group.pk].add((page.pk, permissions[action]))
    existing = GroupPagePermission.objects.filter(group__in=groups.values())
    for row in existing:
        key = (row.page_id, row.permission_id)
        if key in wanted[row.group_id]:
            wanted[row.group_id].discard(key)
        else:
            row.delete()
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group_id=group_id, page_id=page_id, permission_id=permission_id)
        for group_id, keys in wanted.items()
        for page_id, permission_id in keys
    )


def sites_of_page(page):
    """The Sites whose tree holds ``page`` (their root page is the page or an ancestor)."""
    steplen = type(page).steplen
    paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    return Site.objects.filter(root_page__path__in=paths).select_related("root_page")


def grant_in_institution(page, role_name, actions):
    """Give the institution group of ``role_name`` of the page's institution(s) ``actions``
    on ``page`` (a tutor directory created: "add" for the institution's tutors). The same
    grant must come from a ``register_tutoria_page_permissions`` hook, or the next
    synchronisation of the site takes it back."""
    for site in sites_of_page(page):
        group = ensure_groups(site)[role_name]
        for action in actions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_page_permission(action)
            )


# Moderation -------------------------------------------------------------------------------------


def _site_pk(site):
    return getattr(site, "pk", site)


def site_workflow(site):
    """The content moderation workflow of ``site`` (a Site or its id), or None."""
    from .models import InstitutionWorkflow

    row = (
        InstitutionWorkflow.objects.filter(site_id=_site_pk(site))
        .select_related("workflow")
        .first()
    )
    return row.workflow if row is not None else None


def site_review_task(site):
    """The group approval task of ``site``'s moderation workflow, or None."""
    workflow = site_workflow(site)
    if workflow is None:
        return None
    link = workflow.workflow_tasks.select_related("task").order_by("sort_order").first()
    return link.task.specific if link is not None else None


def sync_site_workflow(site, groups=None):
    """``site``'s own moderation workflow (created with its task, the institution's moderators
    group approving), assigned to its root page unless the root page has a workflow of its own
    choosing (not another institution's, not the install-wide one of before institutions, not
    an inactive one). A workflow disabled in Settings › Workflows is left disabled."""
    from .models import InstitutionWorkflow

    groups = groups or ensure_groups(site)
    moderators = groups[roles.COMMUNICATIONS_MODERATORS]
    workflow_name, task_name = _workflow_names(site)
    row = InstitutionWorkflow.objects.filter(site=site).select_related("workflow").first()
    if row is None:
        task = GroupApprovalTask.objects.create(name=task_name, active=True)
        task.groups.add(moderators)
        workflow = Workflow.objects.create(name=workflow_name, active=True)
        # Workflow is a ClusterableModel: the WorkflowTask row is written directly.
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        InstitutionWorkflow.objects.create(site=site, workflow=workflow)
    else:
        workflow = row.workflow
        if workflow.name != workflow_name:
            workflow.name = workflow_name
            workflow.save(update_fields=["name"])
        task = site_review_task(site)
        if task is not None:
            if task.name != task_name:
                task.name = task_name
                task.save(update_fields=["name"])
            if isinstance(task, GroupApprovalTask):
                task.groups.add(moderators)
    if not workflow.active:
        return workflow
    root = site.root_page
    # Not another tree's moderation: the workflow is assigned to this site's root only.
    for assignment in WorkflowPage.objects.filter(workflow=workflow).select_related("page"):
        if not assignment.page.path.startswith(root.path):
            assignment.delete()
    current = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
    if current is None:
        WorkflowPage.objects.create(page=root, workflow=workflow)
    elif current.workflow_id != workflow.pk and _replaceable(current.workflow):
        current.workflow = workflow
        current.save()
    return workflow


def _replaceable(workflow):
    from .models import InstitutionWorkflow

    if not workflow.active:
        return True
    legacy = roles.legacy_content_workflow()
    if legacy is not None and legacy.pk == workflow.pk:
        return True
    return InstitutionWorkflow.objects.filter(workflow=workflow).exists()


def retire_workflow(workflow):
    """An institution's workflow after its site is gone: deleted with its task when nothing
    was ever moderated in it, else deactivated (pages in moderation are cancelled)."""
    tasks = [link.task for link in workflow.workflow_tasks.select_related("task")]
    if WorkflowState.objects.filter(workflow=workflow).exists():
        workflow.deactivate()
        return
    workflow.delete()
    for task in tasks:
        if not task.workflow_tasks.exists() and not task.task_states.exists():
            task.delete()


# Sites and people -------------------------------------------------------------------------------


def set_up_site(site):
    """An institution's groups, their page permissions and its moderation workflow."""
    groups = ensure_groups(site)
    sync_site_pages(site, groups)
    sync_site_workflow(site, groups)
    return groups


def sync_site_members(site):
    """Synchronise everybody who belongs to ``site`` or is in one of its institution groups."""
    from .models import InstitutionGroup

    User = get_user_model()
    ids = set(User.objects.filter(tutoria_memberships__site=site).values_list("pk", flat=True))
    ids |= set(
        User.objects.filter(
            groups__in=InstitutionGroup.objects.filter(site=site).values("group")
        ).values_list("pk", flat=True)
    )
    for user in User.objects.filter(pk__in=ids):
        sync_user(user)


def institution_groups_for(user):
    """The ids of the institution groups ``user`` should be in (see the module's rule)."""
    from .models import InstitutionGroup, InstitutionMembership

    held = set(user.groups.values_list("pk", flat=True))
    memberships = list(InstitutionMembership.objects.filter(user=user).prefetch_related("roles"))
    rows = InstitutionGroup.objects.filter(site__in=[m.site_id for m in memberships])
    by_site = {}
    for row in rows:
        by_site.setdefault(row.site_id, []).append(row)
    wanted = set()
    for membership in memberships:
        applied = {role.pk for role in membership.roles.all()}
        # A site without groups (being deleted): nothing there.
        for row in by_site.get(membership.site_id, ()):
            if row.role_id in held and (not applied or row.role_id in applied):
                wanted.add(row.group_id)
    return wanted


def sync_user(user):
    """Put ``user`` in exactly the institution groups they should be in; touch no other group.

    Superusers are left alone."""
    if user is None or user.pk is None or user.is_superuser:
        return
    wanted = institution_groups_for(user)
    current = set(user.groups.values_list("pk", flat=True)) & institution_group_ids()
    with _our_own_changes():
        if current - wanted:
            user.groups.remove(*(current - wanted))
        if wanted - current:
            user.groups.add(*(wanted - current))
    forget(user)


def sync_everything():
    """Set up every Site and synchronise every person (``manage.py sync_institution_groups``).
    Returns (sites, people)."""
    sites = list(Site.objects.select_related("root_page"))
    for site in sites:
        set_up_site(site)
    people = get_user_model().objects.filter(is_superuser=False)
    count = 0
    for user in people.iterator():
        sync_user(user)
        count += 1
    return len(sites), count


# Signals ----------------------------------------------------------------------------------------


def _users(user_ids):
    return get_user_model().objects.filter(pk__in=user_ids)


def site_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    set_up_site(instance)
    sync_site_members(instance)


def institution_group_deleted(sender, instance, **kwargs):
    """An institution group's row is gone (its site or its role deleted): so is the group,
    with its page permissions and memberships."""
    Group.objects.filter(pk=instance.group_id).delete()


def institution_workflow_deleted(sender, instance, **kwargs):
    workflow = Workflow.objects.filter(pk=instance.workflow_id).first()
    if workflow is not None:
        retire_workflow(workflow)


def membership_saved(sender, instance, raw=False, **kwargs):
    user = get_user_model().objects.filter(pk=instance.user_id).first()
    sync_user(user)


def membership_deleted(sender, instance, origin=None, **kwargs):
    # The person or the site being deleted takes the rest away (their groups, its groups).
    if isinstance(origin, (get_user_model(), Site)):
        return
    sync_user(get_user_model().objects.filter(pk=instance.user_id).first())


def membership_roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        # ``group.<membership roles>``: no accessor (related_name="+"); nothing calls it.
        return
    sync_user(get_user_model().objects.filter(pk=instance.user_id).first())


def user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A person's groups changed (``user.groups`` or ``group.user_set``): their institution
    groups follow. Not the changes :func:`sync_user` makes itself."""
    if _syncing.get():
        return
    if action == "pre_clear" and reverse:
        instance._tutoria_cleared = list(instance.user_set.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        sync_user(instance)
        return
    user_ids = pk_set if action != "post_clear" else getattr(instance, "_tutoria_cleared", [])
    for user in _users(user_ids or []):
        sync_user(user)


def page_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    """A subtree changed place (a tutor directory moved to another institution): the sites of
    both places give their groups their pages again."""
    sites = {}
    for parent in (parent_page_before, parent_page_after):
        if parent is not None:
            for site in sites_of_page(parent):
                sites[site.pk] = site
    for site in sites.values():
        sync_site_pages(site)


def connect_signals():
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.signals import post_page_move

    from .models import InstitutionGroup, InstitutionMembership, InstitutionWorkflow

    User = get_user_model()
    uid = "tutoria_institution_groups_"
    post_save.connect(site_saved, sender=Site, dispatch_uid=uid + "site_saved")
    post_delete.connect(
        institution_group_deleted, sender=InstitutionGroup, dispatch_uid=uid + "group_deleted"
    )
    post_delete.connect(
        institution_workflow_deleted,
        sender=InstitutionWorkflow,
        dispatch_uid=uid + "workflow_deleted",
    )
    post_save.connect(
        membership_saved, sender=InstitutionMembership, dispatch_uid=uid + "membership_saved"
    )
    post_delete.connect(
        membership_deleted, sender=InstitutionMembership, dispatch_uid=uid + "membership_deleted"
    )
    m2m_changed.connect(
        membership_roles_changed,
        sender=InstitutionMembership.roles.through,
        dispatch_uid=uid + "membership_roles",
    )
    m2m_changed.connect(
        user_groups_changed, sender=User.groups.through, dispatch_uid=uid + "user_groups"
    )
    post_page_move.connect(page_moved, dispatch_uid=uid + "page_moved")
