import sys

from django.db import migrations

from tutoria_cms.core.search import create_configuration, drop_configuration


def forwards(apps, schema_editor):
    if not create_configuration(schema_editor):
        sys.stderr.write(
            "\n  tutoria_core: the unaccent extension could not be created (ask the database "
            "administrator to run CREATE EXTENSION unaccent, then migrate tutoria_core zero "
            "and migrate again); searches stay accent-sensitive until then.\n"
        )


def backwards(apps, schema_editor):
    drop_configuration(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("tutoria_core", "0001_roles_and_content_workflow")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
