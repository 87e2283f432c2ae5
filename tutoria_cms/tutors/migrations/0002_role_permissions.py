"""Permissions of the roles in the tutor directory (DESIGN.md section 2).

- Tutoring coordination: manages competency frameworks, reads every matrix, validates them,
  chooses the site's framework (site setting).
- Tutors: upload and choose images (their photo) and documents (evidence) in the root
  collection. Their page permission is "add" on each tutor directory page, granted when the
  directory is created (``services.open_directory_to_tutors``): with it they create their own
  profile and edit the page they own, never publish (no "publish": edits go through moderation).
"""

from django.db import migrations

from tutoria_cms.core import roles

APP = "tutoria_tutors"
FRAMEWORK_MODELS = [
    ("competencyframework", "competency framework"),
    ("frameworklevel", "level"),
    ("dimension", "dimension"),
    ("competency", "competency"),
]
TUTOR_MEDIA = [
    ("wagtailimages", "image", ["add", "choose"]),
    ("wagtaildocs", "document", ["add", "choose"]),
]


def forwards(apps, schema_editor):
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")

    coordination = []
    for model, verbose_name in FRAMEWORK_MODELS:
        coordination += roles.model_permissions(
            APP, model, verbose_name, actions=("add", "change", "delete", "view")
        )
    coordination += roles.model_permissions(APP, "competencyassessment", "competency assessment")
    coordination.append((APP, "competencyassessment", "validate_competencyassessment",
                         "Can validate competency assessments"))
    coordination += roles.model_permissions(
        APP, "tutordirectorysettings", "tutor directory", actions=("change", "view")
    )
    roles.grant(apps, roles.COORDINATION, coordination)

    tutors = roles.grant(apps, roles.TUTORS, [])
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for app_label, model, actions in TUTOR_MEDIA:
            for action in actions:
                permission = roles.ensure_permission(
                    apps, app_label, model, f"{action}_{model}", f"Can {action} {model}"
                )
                GroupCollectionPermission.objects.get_or_create(
                    group=tutors, collection=root_collection, permission=permission
                )


class Migration(migrations.Migration):
    dependencies = [
        ("tutoria_core", "0001_roles_and_content_workflow"),
        ("tutoria_tutors", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
