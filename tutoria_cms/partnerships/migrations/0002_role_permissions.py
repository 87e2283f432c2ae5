"""Give the role groups their permissions on partnerships (DESIGN.md section 2).

- Tutoring coordination: add, change and view partners, agreements, agreement stages and
  commitments (no delete: agreements are evidence), and add and choose documents in the root
  collection (the deliverables of the stages);
- Quality office: view them;
- Communications and the other roles: nothing.
"""

from django.db import migrations

from tutoria_cms.core import roles

APP = "tutoria_partnerships"
MODELS = [
    ("partner", "partner"),
    ("agreement", "agreement"),
    ("agreementstage", "agreement stage"),
    ("commitment", "commitment"),
]
COORDINATION_MEDIA = [("wagtaildocs", "document", ["add", "choose"])]


def specs(actions):
    return [
        spec
        for model, verbose_name in MODELS
        for spec in roles.model_permissions(APP, model, verbose_name, actions=actions)
    ]


GRANTS = {
    roles.COORDINATION: specs(("add", "change", "view")),
    roles.QUALITY: specs(("view",)),
}


def forwards(apps, schema_editor):
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    for group_name, permissions in GRANTS.items():
        roles.grant(apps, group_name, permissions)
    coordination = roles.grant(apps, roles.COORDINATION, [])
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for app_label, model, actions in COORDINATION_MEDIA:
            for action in actions:
                permission = roles.ensure_permission(
                    apps, app_label, model, f"{action}_{model}", f"Can {action} {model}"
                )
                GroupCollectionPermission.objects.get_or_create(
                    group=coordination, collection=root_collection, permission=permission
                )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name in GRANTS:
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=APP))


class Migration(migrations.Migration):
    dependencies = [
        ("tutoria_partnerships", "0001_initial"),
        ("tutoria_core", "0001_roles_and_content_workflow"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
