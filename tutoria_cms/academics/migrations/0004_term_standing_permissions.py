from django.db import migrations

from tutoria_cms.core import roles

LABEL = "tutoria_academics"


def forwards(apps, schema_editor):
    view = roles.model_permissions(LABEL, "termstanding", "term outcome")
    roles.grant(apps, roles.COORDINATION, view)


class Migration(migrations.Migration):
    dependencies = [
        ("tutoria_academics", "0003_term_standing"),
        ("tutoria_core", "0001_roles_and_content_workflow"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
