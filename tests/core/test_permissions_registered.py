"""Every custom permission of the suite can be granted from Settings › Groups.

Wagtail's group editor lists only the permissions registered with the
``register_permissions`` hook; a ``Meta.permissions`` codename missing from it could be
granted from the shell only.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from wagtail.users.forms import GroupForm

from tutoria_cms.core.permissions import suite_custom_permissions

pytestmark = pytest.mark.django_db

# The permissions an earlier version could not grant from the admin: the list keeps the
# collection below honest (it must find at least these).
KNOWN = {
    "export_evidence",
    "export_identified",
    "view_indicators",
    "import_academics",
    "validate_competencyassessment",
    "record_attendance",
}


def test_every_custom_permission_is_offered_in_the_group_editor():
    declared = {(model._meta.app_label, codename) for model, codename in suite_custom_permissions()}
    assert {codename for _label, codename in declared} >= KNOWN
    offered = {
        (permission.content_type.app_label, permission.codename)
        for permission in GroupForm().fields["permissions"].queryset
    }
    assert declared - offered == set()


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("es", "Puede exportar datos identificados de alumnado"),
        ("pt-br", "Pode exportar dados identificados de discentes"),
    ],
)
def test_the_group_editor_names_them_in_the_admin_language(
    client, django_user_model, language, label
):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    group = Group.objects.create(name="Evidence")
    with translation.override(language):
        response = client.get(
            f"/admin/groups/edit/{group.pk}/", headers={"accept-language": language}
        )
    assert response.status_code == 200
    permission = Permission.objects.get(codename="export_identified")
    content = response.content.decode()
    assert f'value="{permission.pk}"' in content
    assert label in content
