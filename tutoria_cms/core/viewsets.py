"""Shared pieces for the suite's Wagtail viewsets and permission policies."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .forms import InstitutionMembershipForm
from .institutions import institution_name
from .models import InstitutionMembership
from .roles import role_label


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """Viewing follows a scope function; rows change only through the app's services.

    - ``scope(user)``: the rows ``user`` may see (the app's ``permissions`` module);
    - "view" (model-wide, e.g. the menu item and the listing): active users who are
      ``viewers`` (e.g. coordination, who open the listing even when it is empty) or whose
      scope returns rows;
    - "view" on an instance: the instance is in the user's scope;
    - every other action is refused (subclasses allow some in ``may_write``);
    - nobody is listed as holding a permission (``users_with_any_permission``).
    """

    def __init__(self, model, scope, viewers=None):
        super().__init__(model)
        self.scope = scope
        self.viewers = viewers

    def may_write(self, user, action):
        """Whether an active ``user`` may take ``action`` (not "view"): never, here."""
        return False

    def has_model_permission(self, user, action):
        """Django's own permission for ``action`` on the model (for ``may_write``)."""
        return super().user_has_permission(user, action)

    def user_has_permission(self, user, action):
        if not user.is_active:
            return False
        if action == "view":
            return bool(self.viewers is not None and self.viewers(user)) or (
                self.scope(user).exists()
            )
        return self.may_write(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return self.scope(user).filter(pk=instance.pk).exists()
        return self.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        return self.scope(user) if action == "view" else self.model.objects.none()

    def users_with_any_permission(self, actions):
        return get_user_model().objects.none()


class RecordHistoryMixin:
    """For a history view of Wagtail's generic views: Wagtail's history (the log entries)
    and, below it under ``record_history_title``, the changes ``record_history(object)``
    reads from simple-history's tables (``core.history.HistoryEntry``: who, when, what),
    which Wagtail's log entries do not hold (many-to-many changes, sessions...)."""

    history_template = "tutoria_cms/core/admin/record_history.html"  # the viewsets'
    record_history_title = ""

    def record_history(self, obj):
        raise NotImplementedError

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if not self.results_only:  # the filtered results alone have no such section
            context["record_history_title"] = self.record_history_title
            context["record_history"] = self.record_history(self.object)
        return context


class ReadOnlyViewSetMixin:
    """A model (or snippet) viewset whose records are changed only through services.

    Wagtail's generic write views are not routed, and no view links to them:

    - ``routed_views``: the names of Wagtail's own URL patterns kept (index, inspect,
      history...); every other generic pattern (add, edit, delete, copy...) is dropped;
    - ``write_views``: the views whose URL names are nulled in every view's context, so no
      button or link points at a URL that does not exist;
    - no admin URL finder: it would point at the missing edit view;
    - ``get_action_urlpatterns()``: the viewset's own action views (POST forms that call the
      app's services), added after the kept patterns.
    """

    routed_views = frozenset(
        {"index", "index_results", "inspect", "history", "history_results", "usage"}
    )
    write_views = ("add", "edit", "delete", "copy")
    # Wagtail builds every generic view before the unrouted ones are dropped, and its add
    # and edit views need a form class: an empty one, never shown.
    form_fields = []

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view_name in self.write_views:
            view_kwargs[f"{view_name}_url_name"] = None
        return view_kwargs

    def register_admin_url_finder(self):
        pass

    def get_action_urlpatterns(self):
        return []

    def get_urlpatterns(self):
        kept = [p for p in super().get_urlpatterns() if p.name in self.routed_views]
        return kept + self.get_action_urlpatterns()


class InstitutionMembershipViewSet(ModelViewSet):
    """Settings › Institution memberships: who is staff of which institution, with which roles.

    Wagtail's model permissions guard it: superusers (no role of the suite holds them).
    """

    model = InstitutionMembership
    icon = "group"
    add_to_settings_menu = True
    copy_view_enabled = False
    menu_label = _("Institution memberships")
    url_prefix = "tutoria/institution-memberships"
    name = "tutoria_institution_memberships"
    form_fields = ["user", "site", "roles"]
    list_filter = ["site", "roles"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]

    def get_form_class(self, for_update=False):
        return InstitutionMembershipForm

    @property
    def list_display(self):
        return [
            TitleColumn(
                "user",
                label=_("Person"),
                accessor=lambda m: m.user.get_full_name() or m.user.get_username(),
                get_url=lambda m: self.get_url_name("edit") and self.edit_url(m),
            ),
            Column("site", label=_("Institution"), accessor=lambda m: institution_name(m.site)),
            Column(
                "roles",
                label=_("Roles here"),
                accessor=lambda m: (
                    ", ".join(str(role_label(g)) for g in m.roles.all())
                    or _("All of the person's roles")
                ),
            ),
        ]

    def edit_url(self, membership):
        return reverse(self.get_url_name("edit"), args=[membership.pk])


def scoped_views(scope, **view_classes):
    """Subclasses of the viewset's ``view_classes`` whose listing and object (edit, delete,
    history, usage) come from ``scope(queryset, user)``: another institution's ids are 404."""

    def make(name, base):
        def get_base_queryset(self):
            return scope(super(view, self).get_base_queryset(), self.request.user)

        def get_queryset(self):
            queryset = super(view, self).get_queryset()
            return scope(queryset, self.request.user)

        def get_base_object_queryset(self):
            return scope(super(view, self).get_base_object_queryset(), self.request.user)

        from wagtail.admin.views.generic.models import DeleteView, EditView, IndexView

        attrs = {"get_base_object_queryset": get_base_object_queryset}
        if issubclass(base, IndexView):  # a history view's base queryset is its log entries
            attrs["get_base_queryset"] = get_base_queryset
        elif issubclass(base, EditView | DeleteView):  # their object comes from get_queryset
            attrs["get_queryset"] = get_queryset
        view = type(f"Scoped{base.__name__}", (base,), attrs)
        return view

    return {name: make(name, base) for name, base in view_classes.items()}
