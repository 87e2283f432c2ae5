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

ROLE_LABELS = {
    COMMUNICATIONS: _("Communications"),
    COMMUNICATIONS_MODERATORS: _("Communications moderators"),
    TUTORS: _("Tutors"),
    COORDINATION: _("Tutoring coordination"),
    BOARD: _("Programme board"),
    ORIENTATION: _("Orientation service"),
    QUALITY: _("Quality office"),
}

# The moderation workflow for programme, workshop and directory pages, and its task. Their
# stable identifiers (the English names 0001 created them with) and the names shown to people:
# Wagtail shows ``Workflow.name`` and ``Task.name`` as stored ("Submit to %(workflow_name)s"),
# so migration 0003 stores them in the site's language (``LANGUAGE_CODE``); code finds them
# through ``content_workflow()`` / ``content_review_task()``, whatever language they are in.
CONTENT_WORKFLOW = "Tutoring content moderation"
CONTENT_REVIEW_TASK = "Communications review"
CONTENT_WORKFLOW_LABEL = _("Tutoring content moderation")
CONTENT_REVIEW_TASK_LABEL = _("Communications review")


def role_label(group):
    """The name of a group (or a group name) as shown to people: the translated role name for
    the suite's roles, the name itself for any other group."""
    name = getattr(group, "name", group)
    return ROLE_LABELS.get(name, name)


def names_in_every_language(identifier, label):
    """``identifier`` and ``label`` translated into each of the site's languages."""
    from django.conf import settings
    from django.utils import translation

    names = {identifier}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label))
    return names


def content_workflow():
    """The content moderation workflow (or None), by its name in any language."""
    from wagtail.models import Workflow

    names = names_in_every_language(CONTENT_WORKFLOW, CONTENT_WORKFLOW_LABEL)
    return Workflow.objects.filter(name__in=names).order_by("pk").first()


def content_review_task():
    """The communications review task (or None), by its name in any language."""
    from wagtail.models import Task

    names = names_in_every_language(CONTENT_REVIEW_TASK, CONTENT_REVIEW_TASK_LABEL)
    return Task.objects.filter(name__in=names).order_by("pk").first()


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
