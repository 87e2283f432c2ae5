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

# Name of the moderation workflow for programme, workshop and directory pages.
CONTENT_WORKFLOW = "Tutoring content moderation"
CONTENT_REVIEW_TASK = "Communications review"


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
