"""Give the role groups their permissions on registrations and attendance.

- Tutoring coordination: view registrations, cancel them, record and view attendance;
- Communications and Communications moderators: view registrations.
Adding, editing and deleting registrations is for nobody (writes go through services).
"""

from django.db import migrations

from tutoria_cms.core import roles

APP = "tutoria_workshops"

VIEW_REGISTRATIONS = roles.model_permissions(APP, "workshopregistration", "workshop registration")
CANCEL_REGISTRATIONS = [
    (APP, "workshopregistration", "cancel_workshopregistration",
     "Can cancel workshop registrations"),
]
RECORD_ATTENDANCE = [(APP, "attendance", "record_attendance", "Can record workshop attendance")]
VIEW_ATTENDANCE = roles.model_permissions(APP, "attendance", "attendance")

GRANTS = {
    roles.COORDINATION: VIEW_REGISTRATIONS + CANCEL_REGISTRATIONS + RECORD_ATTENDANCE
    + VIEW_ATTENDANCE,
    roles.COMMUNICATIONS: VIEW_REGISTRATIONS,
    roles.COMMUNICATIONS_MODERATORS: VIEW_REGISTRATIONS,
}


def forwards(apps, schema_editor):
    for group_name, permissions in GRANTS.items():
        roles.grant(apps, group_name, permissions)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, permissions in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        codenames = [codename for _app, _model, codename, _name in permissions]
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=APP, codename__in=codenames)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("tutoria_workshops", "0001_initial"),
        ("tutoria_core", "0001_roles_and_content_workflow"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
