"""Who edits Settings › Institution (contact, data controller, privacy notice): the
communications roles, who run the public site, and coordination, who answer for the tutoring
programme's data. In their own institutions only (``InstitutionSitePermissionPolicy``)."""

from django.db import migrations

from tutoria_cms.core import roles

APP = "tutoria_core"


def forwards(apps, schema_editor):
    permissions = roles.model_permissions(
        APP, "institutionsettings", "institution", actions=("change", "view")
    )
    for role in (roles.COMMUNICATIONS, roles.COMMUNICATIONS_MODERATORS, roles.COORDINATION):
        roles.grant(apps, role, permissions)


class Migration(migrations.Migration):
    dependencies = [("tutoria_core", "0009_institution_settings")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
