"""Role groups shown to people by their translated names in Wagtail's users and groups admin.

The groups' names are stable identifiers (``tutoria_cms.core.roles``) used by code and
migrations; people see ``roles.ROLE_LABELS`` in their admin language. Wagtail's way to change
its users and groups admin is a ``WagtailUsersAppConfig`` subclass naming the viewsets:
the example site installs ``tutoria_cms.core.users.TutoriaUsersAppConfig`` in place of
``wagtail.users`` (a site with its own users app config can copy its two attributes).

- the group listing shows the translated names (its views stay Wagtail's);
- the user editor's group checkboxes show them too.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class TutoriaUsersAppConfig(WagtailUsersAppConfig):
    # Imported lazily by Wagtail, once the app registry is ready.
    group_viewset = "tutoria_cms.core.user_viewsets.GroupViewSet"
    user_viewset = "tutoria_cms.core.user_viewsets.UserViewSet"
