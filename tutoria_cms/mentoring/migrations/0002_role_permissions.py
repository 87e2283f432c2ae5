"""Give the role groups their permissions on peer mentoring (DESIGN.md section 2).

- Tutoring coordination: manage peer mentoring (``manage_mentoring``: suggestions, pairs,
  rematching, closure), add/change/view programmes' mentoring settings and participants, view
  pairs, goals, meetings and check-ins;
- Tutors: nothing by model permission: a mentor sees their own pairs through the link of
  their account to the mentor participant (``permissions.py``);
- the other roles: nothing.
"""

from django.db import migrations

from tutoria_cms.core import roles

APP = "tutoria_mentoring"
COORDINATION = (
    roles.model_permissions(APP, "mentoringprogramme", "peer-mentoring programme",
                            ("add", "change", "view"))
    + roles.model_permissions(APP, "participant", "participant", ("add", "change", "view"))
    + roles.model_permissions(APP, "pair", "mentoring pair")
    + roles.model_permissions(APP, "goal", "goal")
    + roles.model_permissions(APP, "meeting", "meeting")
    + roles.model_permissions(APP, "checkin", "check-in")
    + [(APP, "pair", "manage_mentoring", "Can manage peer mentoring (coordination)")]
)


def forwards(apps, schema_editor):
    roles.grant(apps, roles.COORDINATION, COORDINATION)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=roles.COORDINATION).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label=APP))


class Migration(migrations.Migration):
    dependencies = [
        ("tutoria_mentoring", "0001_initial"),
        ("tutoria_core", "0001_roles_and_content_workflow"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
