"""Place the request workflow's existing records in institutions (see core.institutions).

Requests and student groups go to their programme page's site; individual classes to their
requests' site; every other record to its parent's; rows with no clue to the default site.
"""

from django.db import migrations

from tutoria_cms.core.institutions import assign_sites_in_migration

APP = "tutoria_requests"


def place(apps, schema_editor):
    assign_sites_in_migration(apps, APP, "TutoringRequest", via="programme")
    assign_sites_in_migration(apps, APP, "StudentGroup", via="programme")
    for name in ("RequestDisclosure", "Notification", "Referral", "TutoringSession"):
        assign_sites_in_migration(apps, APP, name, via="request__site")
    assign_sites_in_migration(apps, APP, "SensitiveRead", via="request__site")
    assign_sites_in_migration(apps, APP, "GroupSession", via="group__site")
    TermReport = apps.get_model(APP, "TermReport")
    for report in TermReport.objects.filter(
        site__isnull=True, request__isnull=True, group__isnull=False
    ).select_related("group"):
        report.site_id = report.group.site_id
        report.save(update_fields=["site"])
    assign_sites_in_migration(apps, APP, "TermReport", via="request__site")
    IndividualClass = apps.get_model(APP, "IndividualClass")
    for klass in IndividualClass.objects.filter(site__isnull=True):
        first = klass.requests.order_by("pk").first()
        if first is not None:
            klass.site_id = first.site_id
            klass.save(update_fields=["site"])
    assign_sites_in_migration(apps, APP, "IndividualClass")


class Migration(migrations.Migration):
    dependencies = [("tutoria_requests", "0008_institution")]

    operations = [migrations.RunPython(place, migrations.RunPython.noop)]
