"""Place existing mentoring records in an institution: programmes by their page's site, the
rest by their parent (participants and pairs by their programme, goals, meetings and check-ins
by their pair, action steps by their goal); what has no clue goes to the default site."""

from django.db import migrations

from tutoria_cms.core.institutions import assign_sites_in_migration

ORDER = [
    ("MentoringProgramme", "page"),
    ("Participant", "programme__site"),
    ("Pair", "programme__site"),
    ("Goal", "pair__site"),
    ("ActionStep", "goal__site"),
    ("Meeting", "pair__site"),
    ("CheckIn", "pair__site"),
]


def place(apps, schema_editor):
    for model, via in ORDER:
        assign_sites_in_migration(apps, "tutoria_mentoring", model, via=via)


class Migration(migrations.Migration):
    dependencies = [("tutoria_mentoring", "0003_institution")]

    operations = [migrations.RunPython(place, migrations.RunPython.noop)]
