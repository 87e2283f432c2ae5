"""Place existing agreements in an institution (those of none go to the default site), and
their stages and commitments with their agreement. Partners stay shared (see the model)."""

from django.db import migrations

from tutoria_cms.core.institutions import assign_sites_in_migration

ORDER = [
    ("Agreement", None),
    ("AgreementStage", "agreement__site"),
    ("Commitment", "agreement__site"),
]


def place(apps, schema_editor):
    for model, via in ORDER:
        assign_sites_in_migration(apps, "tutoria_partnerships", model, via=via)


class Migration(migrations.Migration):
    dependencies = [("tutoria_partnerships", "0003_institution")]

    operations = [migrations.RunPython(place, migrations.RunPython.noop)]
