"""Place existing academic records in an institution.

Terms, curricular components and student records name no programme page: they go to the
default site (the count is printed). Failures and term outcomes take their student's.
"""

from django.db import migrations

from tutoria_cms.core.institutions import assign_sites_in_migration

APP = "tutoria_academics"


def forwards(apps, schema_editor):
    for model in ("Term", "CurricularComponent", "StudentRecord"):
        assign_sites_in_migration(apps, APP, model)
    for model in ("ComponentRecord", "TermStanding"):
        assign_sites_in_migration(apps, APP, model, via="student__site")


class Migration(migrations.Migration):
    dependencies = [("tutoria_academics", "0005_institution")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
