from django.db import migrations

from tutoria_cms.core import roles

LABEL = "tutoria_academics"
MODELS = [
    ("term", "term"),
    ("curricularcomponent", "curricular component"),
    ("studentrecord", "student record"),
    ("componentrecord", "component record"),
]


def forwards(apps, schema_editor):
    view = [spec for model, name in MODELS for spec in roles.model_permissions(LABEL, model, name)]
    importing = (LABEL, "componentrecord", "import_academics", "Can import academic records")
    roles.grant(apps, roles.COORDINATION, [*view, importing])
    roles.grant(apps, roles.QUALITY, roles.model_permissions(LABEL, "term", "term"))


class Migration(migrations.Migration):
    dependencies = [
        ("tutoria_academics", "0001_initial"),
        ("tutoria_core", "0001_roles_and_content_workflow"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
