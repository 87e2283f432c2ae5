"""Store the content moderation workflow's and its task's names in the site's language.

Wagtail shows ``Workflow.name`` and ``Task.name`` as stored (the page editor's "Submit to
Tutoring content moderation"): 0001 created them under their English identifiers; here they
take their translation in ``LANGUAGE_CODE``. Code finds them in any language through
``tutoria_cms.core.roles.content_workflow()`` and ``content_review_task()``.
"""

from django.conf import settings
from django.db import migrations
from django.utils import translation

from tutoria_cms.core import roles


def rename(apps, names):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    (old_workflow, new_workflow), (old_task, new_task) = names
    Workflow.objects.filter(name=old_workflow).update(name=new_workflow)
    Task.objects.filter(name=old_task).update(name=new_task)


def translated():
    with translation.override(settings.LANGUAGE_CODE):
        return str(roles.CONTENT_WORKFLOW_LABEL), str(roles.CONTENT_REVIEW_TASK_LABEL)


def forwards(apps, schema_editor):
    workflow, task = translated()
    rename(apps, ((roles.CONTENT_WORKFLOW, workflow), (roles.CONTENT_REVIEW_TASK, task)))


def backwards(apps, schema_editor):
    workflow, task = translated()
    rename(apps, ((workflow, roles.CONTENT_WORKFLOW), (task, roles.CONTENT_REVIEW_TASK)))


class Migration(migrations.Migration):
    dependencies = [("tutoria_core", "0002_unaccent_search_configuration")]

    operations = [migrations.RunPython(forwards, backwards)]
