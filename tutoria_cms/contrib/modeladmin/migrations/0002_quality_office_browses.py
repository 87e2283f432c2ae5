"""The Quality office browses the evidence records (read only) and their export log.

Nobody else gets ``browse_evidence`` here: coordination works on requests in their own
admin views, tutors and communications have no use for the evidence as a whole.
"""

from django.db import migrations

from tutoria_cms.core import roles

APP = "tutoria_modeladmin"
MODEL = "listingexport"
GRANTS = {
    roles.QUALITY: [
        (APP, MODEL, "browse_evidence", "Can browse evidence records (read only)"),
    ],
}


def forwards(apps, schema_editor):
    for group_name, permissions in GRANTS.items():
        roles.grant(apps, group_name, permissions)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, permissions in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.remove(*Permission.objects.filter(
                content_type__app_label=APP,
                codename__in=[codename for _app, _model, codename, _name in permissions],
            ))


class Migration(migrations.Migration):

    dependencies = [
        ("tutoria_modeladmin", "0001_initial"),
        ("tutoria_core", "0001_roles_and_content_workflow"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
