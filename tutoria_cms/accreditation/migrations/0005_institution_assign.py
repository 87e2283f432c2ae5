"""Place existing export jobs in an institution: the site their filters named, else the
default site (the count is printed)."""

from django.db import migrations

from tutoria_cms.core.institutions import assign_sites_in_migration

APP = "tutoria_accreditation"


def forwards(apps, schema_editor):
    ExportJob = apps.get_model(APP, "ExportJob")
    Site = apps.get_model("wagtailcore", "Site")
    hostnames = dict(Site.objects.values_list("hostname", "pk"))
    for job in ExportJob.objects.filter(site__isnull=True):
        site_id = hostnames.get((job.filters or {}).get("site") or "")
        if site_id:
            job.site_id = site_id
            job.save(update_fields=["site"])
    assign_sites_in_migration(apps, APP, "ExportJob")


class Migration(migrations.Migration):
    dependencies = [("tutoria_accreditation", "0004_institution")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
