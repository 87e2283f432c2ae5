"""Evidence workbooks move from the default (public media) storage to the private one."""

from django.core.files.storage import storages
from django.db import migrations, models

import tutoria_cms.accreditation.models
import tutoria_cms.core.storage


def move_workbooks(apps, schema_editor):
    ExportJob = apps.get_model("tutoria_accreditation", "ExportJob")
    public = storages["default"]
    private = tutoria_cms.core.storage.private_storage()
    for job in ExportJob.objects.exclude(file="").only("pk", "file").iterator():
        name = job.file.name
        if not public.exists(name):
            continue
        with public.open(name, "rb") as handle:
            stored = private.save(name, handle)
        public.delete(name)
        if stored != name:
            ExportJob.objects.filter(pk=job.pk).update(file=stored)


class Migration(migrations.Migration):
    dependencies = [
        ("tutoria_accreditation", "0002_role_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exportjob",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=tutoria_cms.core.storage.private_storage,
                upload_to=tutoria_cms.accreditation.models.workbook_path,
                verbose_name="workbook",
            ),
        ),
        migrations.RunPython(move_workbooks, migrations.RunPython.noop, elidable=True),
    ]
