"""Create the suite's role groups and the moderation workflow for its pages.

- every role may access the Wagtail admin;
- Communications may add and edit pages (submit for moderation), and use images/documents;
- Communications moderators may also publish, and review in the "Tutoring content moderation"
  workflow, whose single task is a group approval task assigned to them.
The workflow is created with its task (WorkflowTask rows written directly: Workflow is a
ClusterableModel). Sites assign it to their page trees (the demo assigns it to each home page).
"""

import swapper
from django.db import migrations

from tutoria_cms.core import roles

PAGE_PERMS = {
    roles.COMMUNICATIONS: ["add", "change", "lock", "unlock"],
    roles.COMMUNICATIONS_MODERATORS: ["add", "change", "publish", "lock", "unlock"],
}
MEDIA_PERMS = [
    ("wagtailimages", "image", ["add", "change", "choose"]),
    ("wagtaildocs", "document", ["add", "change", "choose"]),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")
    page_app, page_model = swapper.split(swapper.get_model_name("wagtailcore", "Page"))
    Page = apps.get_model(page_app, page_model)
    page_model = page_model.lower()

    access_admin = roles.ensure_permission(
        apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"
    )
    groups = {}
    for name in roles.ALL_ROLES:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        groups[name] = group

    root = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    for name, actions in PAGE_PERMS.items():
        group = groups[name]
        if root is not None:
            for action in actions:
                permission = roles.ensure_permission(
                    apps, page_app, page_model, f"{action}_{page_model}", f"Can {action} page"
                )
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission
                )
        if root_collection is not None:
            for app_label, model, media_actions in MEDIA_PERMS:
                for action in media_actions:
                    permission = roles.ensure_permission(
                        apps, app_label, model, f"{action}_{model}", f"Can {action} {model}"
                    )
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )

    task_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=roles.CONTENT_REVIEW_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=roles.CONTENT_REVIEW_TASK, content_type=task_type, active=True
        )
    task.groups.add(groups[roles.COMMUNICATIONS_MODERATORS])
    workflow, _created = Workflow.objects.get_or_create(
        name=roles.CONTENT_WORKFLOW, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})


class Migration(migrations.Migration):
    dependencies = [
        swapper.dependency("wagtailcore", "Page"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
