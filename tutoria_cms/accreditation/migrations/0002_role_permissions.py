"""Give the role groups their accreditation permissions.

- Quality office: export evidence workbooks (pseudonymised), see past exports, see indicators;
- Tutoring coordination: see indicators.
Exporting identified student data (``export_identified``) is granted to nobody here: an
administrator grants it explicitly, to a person or a group, when it is justified.
"""

from django.db import migrations

from tutoria_cms.core import roles

APP = "tutoria_accreditation"
MODEL = "exportjob"

EXPORT = [(APP, MODEL, "export_evidence", "Can export evidence workbooks")]
VIEW_JOBS = roles.model_permissions(APP, MODEL, "evidence export")
VIEW_INDICATORS = [(APP, MODEL, "view_indicators", "Can view the indicators dashboard")]

GRANTS = {
    roles.QUALITY: EXPORT + VIEW_JOBS + VIEW_INDICATORS,
    roles.COORDINATION: VIEW_INDICATORS,
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
        ("tutoria_accreditation", "0001_initial"),
        ("tutoria_core", "0001_roles_and_content_workflow"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
