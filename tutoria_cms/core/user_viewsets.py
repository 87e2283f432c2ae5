"""The users and groups viewsets of ``TutoriaUsersAppConfig`` (see ``users.py``)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import TitleColumn
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.groups import GroupViewSet as WagtailGroupViewSet
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .roles import role_label


class GroupViewSet(WagtailGroupViewSet):
    def get_index_view_kwargs(self, **kwargs):
        columns = [
            TitleColumn(
                "name",
                label=_("Name"),
                accessor=role_label,
                sort_key="name",
                url_name="wagtailusers_groups:edit",
            )
        ]
        return super().get_index_view_kwargs(columns=columns, **kwargs)


class RoleLabelsMixin:
    """The role groups by their translated names; not the institution groups, which follow
    from the roles and the memberships (``core.institution_groups``: kept on save)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:
            field = self.fields["groups"]
            field.label_from_instance = role_label
            field.queryset = field.queryset.filter(tutoria_institution_group__isnull=True)


class TutoriaUserCreationForm(RoleLabelsMixin, UserCreationForm):
    pass


class TutoriaUserEditForm(RoleLabelsMixin, UserEditForm):
    pass


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return TutoriaUserEditForm if for_update else TutoriaUserCreationForm
