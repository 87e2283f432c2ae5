"""The suite's roles (DESIGN.md section 2), as Django groups created by a data migration.

Group names are stable identifiers used by code and migrations; ``ROLE_LABELS`` gives the
translated name shown to people.
"""

from django.utils.translation import gettext_lazy as _

COMMUNICATIONS = "Communications"
COMMUNICATIONS_MODERATORS = "Communications moderators"
TUTORS = "Tutors"
COORDINATION = "Tutoring coordination"
BOARD = "Programme board"
ORIENTATION = "Orientation service"
QUALITY = "Quality office"

ALL_ROLES = (
    COMMUNICATIONS,
    COMMUNICATIONS_MODERATORS,
    TUTORS,
    COORDINATION,
    BOARD,
    ORIENTATION,
    QUALITY,
)

# The roles that read students' confidential details (health, family: a request's disclosure,
# referral reasons, session notes; requests/permissions.py): the assigned tutor and the
# orientation service. With TUTORIA_CMS["REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL"] their holders
# must use two-step verification (core.two_factor).
CONFIDENTIAL_ROLES = (TUTORS, ORIENTATION)

# The roles that hold page permissions, each through one group per institution (Site):
# "Communications · Universidad de Ejemplo" (``core.institution_groups``). Communications and
# its moderators on the Site's root page (the actions below), tutors "add" on the Site's tutor
# directory pages (the tutors app, through the ``register_tutoria_page_permissions`` hook).
PAGE_ROLES = (COMMUNICATIONS, COMMUNICATIONS_MODERATORS, TUTORS)
ROOT_PAGE_ACTIONS = {
    COMMUNICATIONS: ("add", "change", "lock", "unlock"),
    COMMUNICATIONS_MODERATORS: ("add", "change", "publish", "lock", "unlock"),
}
# Between a role's name and its institution's in an institution group's name.
INSTITUTION_SEPARATOR = " · "

ROLE_LABELS = {
    COMMUNICATIONS: _("Communications"),
    COMMUNICATIONS_MODERATORS: _("Communications moderators"),
    TUTORS: _("Tutors"),
    COORDINATION: _("Tutoring coordination"),
    BOARD: _("Programme board"),
    ORIENTATION: _("Orientation service"),
    QUALITY: _("Quality office"),
}

# The moderation workflow for programme, workshop and directory pages, and its task: one per
# institution (``core.institution_groups``), named in its Site's language after these labels
# and the institution ("Moderación de contenidos de tutoría · Universidad de Ejemplo"); code
# finds them through ``content_workflow(site)`` / ``content_review_task(site)``. Their stable
# identifiers are the English names 0001 created the install's one workflow with (migration
# 0003 stored them in ``LANGUAGE_CODE``; 0006 replaced that workflow by one per institution:
# ``legacy_content_workflow()`` finds it, whatever language it is in).
CONTENT_WORKFLOW = "Tutoring content moderation"
CONTENT_REVIEW_TASK = "Communications review"
CONTENT_WORKFLOW_LABEL = _("Tutoring content moderation")
CONTENT_REVIEW_TASK_LABEL = _("Communications review")


def role_label(group):
    """The name of a group (or a group name) as shown to people: the translated role name for
    the suite's roles and their institution groups ("Comunicación · Universidad de Ejemplo"),
    the name itself for any other group."""
    name = getattr(group, "name", group)
    if name in ROLE_LABELS:
        return ROLE_LABELS[name]
    role, separator, institution = name.partition(INSTITUTION_SEPARATOR)
    if separator and role in ROLE_LABELS:
        return f"{ROLE_LABELS[role]}{INSTITUTION_SEPARATOR}{institution}"
    return name


def names_in_every_language(identifier, label):
    """``identifier`` and ``label`` translated into each of the site's languages."""
    from django.conf import settings
    from django.utils import translation

    names = {identifier}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label))
    return names


def content_workflow(site):
    """The content moderation workflow of the institution ``site`` (a Site or its id), or
    None."""
    from .institution_groups import site_workflow

    return site_workflow(site)


def content_review_task(site):
    """The communications review task of the institution ``site`` (a Site or its id), or
    None."""
    from .institution_groups import site_review_task

    return site_review_task(site)


def legacy_content_workflow():
    """The install-wide content moderation workflow of before institutions (or None), by its
    name in any language."""
    from wagtail.models import Workflow

    names = names_in_every_language(CONTENT_WORKFLOW, CONTENT_WORKFLOW_LABEL)
    return Workflow.objects.filter(name__in=names).order_by("pk").first()


def ensure_permission(apps, app_label, model_name, codename, name):
    """Get or create a permission inside a migration (before post_migrate has run)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label=app_label, model=model_name
    )
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def grant(apps, group_name, permissions):
    """Add ``permissions`` ((app_label, model, codename, name) tuples) to a role's group."""
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*(ensure_permission(apps, *spec) for spec in permissions))
    return group


def model_permissions(app_label, model_name, verbose_name, actions=("view",)):
    """Permission specs for the default Django actions of a model."""
    labels = {"add": "Can add", "change": "Can change", "delete": "Can delete", "view": "Can view"}
    return [
        (app_label, model_name, f"{action}_{model_name}", f"{labels[action]} {verbose_name}")
        for action in actions
    ]
