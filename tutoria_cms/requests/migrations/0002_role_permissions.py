from django.db import migrations

from tutoria_cms.core import roles

LABEL = "tutoria_requests"


def perm(codename, name, model="tutoringrequest"):
    return (LABEL, model, codename, name)


def forwards(apps, schema_editor):
    view = roles.model_permissions(LABEL, "tutoringrequest", "tutoring request")
    view_classes = roles.model_permissions(LABEL, "individualclass", "individual teaching class")
    roles.grant(apps, roles.COORDINATION, [
        *view, *view_classes,
        perm("manage_tutoringrequest", "Can manage tutoring requests (coordination)"),
    ])
    roles.grant(apps, roles.BOARD, [
        *view, *view_classes,
        perm("decide_tutoringrequest", "Can decide tutoring requests (board)"),
    ])
    roles.grant(apps, roles.ORIENTATION, [
        perm("receive_referral", "Can receive referrals (orientation service)"),
    ])


class Migration(migrations.Migration):
    dependencies = [
        ("tutoria_requests", "0001_initial"),
        ("tutoria_core", "0001_roles_and_content_workflow"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
