from django.db import migrations

from tutoria_cms.core import roles

LABEL = "tutoria_requests"


def forwards(apps, schema_editor):
    roles.grant(apps, roles.COORDINATION, [
        *roles.model_permissions(LABEL, "studentgroup", "student group",
                                 ("add", "change", "view")),
        *roles.model_permissions(LABEL, "termreport", "end-of-term report"),
    ])


class Migration(migrations.Migration):
    dependencies = [
        ("tutoria_requests", "0004_group_tutoring_and_term_reports"),
        ("tutoria_core", "0001_roles_and_content_workflow"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
