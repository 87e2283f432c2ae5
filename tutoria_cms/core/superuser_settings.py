"""Settings pages for superusers alone: a listing of one model with one action per row.

Settings › Login lockouts (``lockouts``: unlock) and Settings › Two-step verification
(``two_factor_admin``: turn off) are both this: the install's administrators, and nobody else,
list the rows and act on one of them after a confirmation page. A viewset names its model,
its index view and its action view; the URLs, the permission policy, the menu item and the
links between the views come from ``SuperuserSettingsViewSet``.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import path, reverse
from wagtail.admin.menu import AdminOnlyMenuItem
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from .two_factor import is_active_superuser
from .views import ObjectFormView


class SuperusersOnlyPolicy(BasePermissionPolicy):
    """Every action on the model is the superusers' (they administer the install)."""

    def user_has_permission(self, user, action):
        return is_active_superuser(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


class SuperuserSettingsIndexView(generic.IndexView):
    """The listing: each row offers the viewset's action in its "More" menu. Subclasses
    name the rows (``verbose_name``, ``verbose_name_plural``: the count under the listing)
    when the model's own names are not translated."""

    paginate_by = 50
    action_url_name = None
    action_label = ""
    action_icon = ""

    def get_paginator(self, *args, **kwargs):
        # Wagtail's paginator counts the rows with the model's own names ("1 access attempt").
        paginator = super().get_paginator(*args, **kwargs)
        paginator.verbose_name = self.verbose_name
        paginator.verbose_name_plural = self.verbose_name_plural
        return paginator

    def get_list_more_buttons(self, instance):
        return [
            MenuItem(
                self.action_label,
                url=reverse(self.action_url_name, args=[instance.pk]),
                icon_name=self.action_icon,
                priority=10,
            )
        ]


class ConfirmForm(forms.Form):
    """The confirmation of an action that asks nothing more."""


class SuperuserActionView(ObjectFormView):
    """Confirm (GET), then act (POST, ``perform``) on one row of the listing; back to it.

    Permission first: someone else learns nothing about which rows exist."""

    form_class = ConfirmForm
    permission_before_object = True
    index_url_name = None
    index_label = ""

    def has_permission(self):
        return is_active_superuser(self.request.user)

    def get_object_url(self):
        return reverse(self.index_url_name)

    def get_parent_breadcrumbs(self):
        return [{"url": self.get_object_url(), "label": self.index_label}]


class SuperuserSettingsViewSet(ViewSet):
    """Settings › ``menu_label``: ``index_view_class`` lists ``get_model()``'s rows and
    ``action_view_class`` acts on one (URL name ``action_name``), superusers only."""

    add_to_settings_menu = True
    menu_item_class = AdminOnlyMenuItem
    index_view_class = SuperuserSettingsIndexView
    action_view_class = SuperuserActionView
    action_name = ""

    def get_model(self):
        """The model listed (imported here: its app may be optional)."""
        raise NotImplementedError

    @property
    def menu_url(self):
        return reverse(self.get_url_name("index"))

    def get_urlpatterns(self):
        model = self.get_model()
        policy = SuperusersOnlyPolicy(model)
        index = {
            "model": model,
            "permission_policy": policy,
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
            "action_url_name": self.get_url_name(self.action_name),
        }
        action = self.action_view_class.as_view(
            index_url_name=self.get_url_name("index"), index_label=self.menu_label
        )
        return [
            path("", self.index_view_class.as_view(**index), name="index"),
            path(
                "results/",
                self.index_view_class.as_view(results_only=True, **index),
                name="index_results",
            ),
            path(
                f"<int:pk>/{self.action_name.replace('_', '-')}/",
                action,
                name=self.action_name,
            ),
        ]
