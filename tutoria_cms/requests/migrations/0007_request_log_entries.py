"""Requests' audit log in its own model (RequestLogEntry), which Wagtail's site history filters
with permissions.py; the entries already in Wagtail's ModelLogEntry move there."""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FIELDS = ("content_type_id", "label", "action", "data", "timestamp", "uuid", "user_id",
          "revision_id", "content_changed", "deleted", "object_id")


def _move(apps, source_model, target_model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(
        app_label="tutoria_requests", model="tutoringrequest"
    ).first()
    if content_type is None:
        return
    source = apps.get_model(*source_model)
    target = apps.get_model(*target_model)
    entries = source.objects.filter(content_type=content_type).order_by("pk")
    target.objects.bulk_create(
        target(**{name: getattr(entry, name) for name in FIELDS})
        for entry in entries.iterator()
    )
    entries.delete()


def forwards(apps, schema_editor):
    _move(apps, ("wagtailcore", "ModelLogEntry"), ("tutoria_requests", "RequestLogEntry"))


def backwards(apps, schema_editor):
    _move(apps, ("tutoria_requests", "RequestLogEntry"), ("wagtailcore", "ModelLogEntry"))


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('tutoria_requests', '0006_sensitive_reads'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RequestLogEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.TextField()),
                ('action', models.CharField(blank=True, db_index=True, max_length=255)),
                ('data', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder)),
                ('timestamp', models.DateTimeField(db_index=True, verbose_name='timestamp (UTC)')),
                ('uuid', models.UUIDField(blank=True, editable=False, help_text='Log entries that happened as part of the same user action are assigned the same UUID', null=True)),
                ('content_changed', models.BooleanField(db_index=True, default=False)),
                ('deleted', models.BooleanField(default=False)),
                ('object_id', models.CharField(db_index=True, max_length=255)),
                ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype', verbose_name='content type')),
                ('revision', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='wagtailcore.revision')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'request log entry',
                'verbose_name_plural': 'request log entries',
                'ordering': ['-timestamp', '-id'],
                'abstract': False,
                'indexes': [models.Index(fields=['uuid', 'action', '-timestamp'], name='tutoria_req_uuid_db518e_idx')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
