"""Admin viewsets: registrations (read-only listing + inspect) and attendance sheets."""

import django_filters
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ActionMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.permission_policies import ModelPermissionPolicy

from ..core.display import LocalDateColumn, ReadableInspectMixin
from ..core.institutions import scope_pages
from ..core.viewsets import ReadOnlyViewSetMixin
from . import certificates
from .models import WorkshopRegistration
from .views import (
    VIEW_REGISTRATIONS,
    AttendanceIndexView,
    AttendanceView,
    CancelRegistrationView,
    CertificateDownloadView,
    IssueCertificateView,
    VerifyIdentityView,
    attendance_url,
    can_cancel_registration,
    can_issue_certificate,
    can_record_attendance,
    can_verify_identity,
    certificate_download_url,
    issue_certificate_url,
    registrations_of,
    verify_identity_url,
    workshop_pages,
)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Nobody, superusers included, adds, edits or deletes these rows in the admin.

    Registrations change only through ``services`` (capacity, waiting list, history);
    viewing follows the model's "view" permission.
    """

    write_actions = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        if action in self.write_actions:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in self.write_actions]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


def cancel_url(registration, next_url=None):
    url = reverse("workshop_registrations:cancel", args=[registration.pk])
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return url


def needs_verification(registration):
    return registration.is_active and not registration.identity_verified


class IdentityColumn(Column):
    def get_value(self, instance):
        if instance.identity_verified:
            return _("Verified")
        return _("Not verified")


class WorkshopRegistrationFilterSet(WagtailFilterSet):
    workshop = django_filters.ModelChoiceFilter(
        label=_("Workshop"),
        queryset=lambda request: workshop_pages(request.user, VIEW_REGISTRATIONS).order_by("title"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=WorkshopRegistration.Status.choices
    )

    class Meta:
        model = WorkshopRegistration
        fields = ["workshop", "status"]


class WorkshopRegistrationIndexView(IndexView):
    def get_base_queryset(self):
        # Another institution's registrations are not listed (nor counted).
        queryset = super().get_base_queryset().select_related("workshop")
        return scope_pages(queryset, self.request.user, VIEW_REGISTRATIONS, "workshop__path")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        user = self.request.user
        if instance.is_active and can_cancel_registration(user):
            buttons.append(
                ActionMenuItem(
                    _("Cancel registration"),
                    url=cancel_url(instance, self.request.get_full_path()),
                    icon_name="cross",
                    priority=40,
                )
            )
        if needs_verification(instance) and can_verify_identity(user):
            buttons.append(
                ActionMenuItem(
                    _("Verify identity"),
                    url=verify_identity_url(instance, self.request.get_full_path()),
                    icon_name="user",
                    priority=45,
                )
            )
        if can_issue_certificate(user) and instance.identity_verified:
            buttons.append(
                ActionMenuItem(
                    _("Issue certificate"),
                    url=issue_certificate_url(instance, self.request.get_full_path()),
                    icon_name="doc-full",
                    priority=48,
                )
            )
        if can_record_attendance(user):
            buttons.append(
                ActionMenuItem(
                    _("Attendance sheet"),
                    url=attendance_url(instance.workshop),
                    icon_name="tasks",
                    priority=50,
                )
            )
        return buttons


class WorkshopRegistrationInspectView(ReadableInspectMixin, InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            registrations_of(self.request.user).select_related("workshop"), pk=self.pk
        )

    @property
    def header_more_buttons(self):
        buttons = []
        user = self.request.user
        if self.object.is_active and can_cancel_registration(user):
            buttons.append(
                Button(
                    _("Cancel registration"),
                    url=cancel_url(self.object),
                    icon_name="cross",
                    priority=10,
                )
            )
        if needs_verification(self.object) and can_verify_identity(user):
            buttons.append(
                Button(
                    _("Verify identity"),
                    url=verify_identity_url(self.object),
                    icon_name="user",
                    priority=15,
                )
            )
        if can_issue_certificate(user) and self.object.identity_verified:
            certificate = certificates.current_certificate(self.object)
            if certificate is not None:
                buttons.append(
                    Button(
                        _("Download certificate %(code)s") % {"code": certificate.grouped_code},
                        url=certificate_download_url(certificate),
                        icon_name="download",
                        priority=17,
                    )
                )
            buttons.append(
                Button(
                    _("Issue certificate"),
                    url=issue_certificate_url(self.object),
                    icon_name="doc-full",
                    priority=18,
                )
            )
        if can_record_attendance(user):
            buttons.append(
                Button(
                    _("Attendance sheet"),
                    url=attendance_url(self.object.workshop),
                    icon_name="tasks",
                    priority=20,
                )
            )
        return buttons


class WorkshopRegistrationViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = WorkshopRegistration
    name = "workshop_registrations"
    icon = "group"
    menu_label = _("Registrations")
    add_to_admin_menu = False  # shown in the "Group workshops" menu
    index_view_class = WorkshopRegistrationIndexView
    inspect_view_class = WorkshopRegistrationInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "student_number",
        "full_name",
        "email",
        Column("workshop", label=_("Workshop"), accessor="workshop"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        LocalDateColumn("created_at", label=_("Signed up at")),
        IdentityColumn("identity", label=_("Identity")),
    ]
    filterset_class = WorkshopRegistrationFilterSet
    search_fields = ["student_number", "full_name", "email"]
    inspect_view_fields = [
        "workshop",
        "student_number",
        "full_name",
        "email",
        "status",
        "consent",
        "consent_at",
        "language",
        "created_at",
        "confirmation_sent_at",
        "identity_verified_at",
        "identity_verified_by",
    ]

    def get_action_urlpatterns(self):
        return [
            path("cancel/<int:pk>/", CancelRegistrationView.as_view(), name="cancel"),
            path("verify/<int:pk>/", VerifyIdentityView.as_view(), name="verify"),
            path("certificate/<int:pk>/", IssueCertificateView.as_view(), name="certificate"),
            path(
                "certificate/<int:pk>/download/",
                CertificateDownloadView.as_view(),
                name="certificate_download",
            ),
        ]


class AttendanceMenuItem(MenuItem):
    def is_shown(self, request):
        return can_record_attendance(request.user)


class AttendanceViewSet(ViewSet):
    name = "workshop_attendance"
    icon = "tasks"
    menu_label = _("Attendance")
    menu_item_class = AttendanceMenuItem

    def get_urlpatterns(self):
        return [
            path("", AttendanceIndexView.as_view(), name="index"),
            path("<int:page_id>/", AttendanceView.as_view(), name="sheet"),
        ]


class CertificatesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_issue_certificate(request.user)


class CertificatesViewSet(ViewSet):
    """Every certificate of the person's institutions, and a tutor's term certificate
    (``certificate_admin``)."""

    name = "tutoria_certificates"
    icon = "doc-full"
    menu_label = _("Certificates")
    menu_item_class = CertificatesMenuItem

    def get_urlpatterns(self):
        from .certificate_admin import CertificateIndexView, IssueGivenCertificateView

        return [
            path("", CertificateIndexView.as_view(), name="index"),
            path("tutor/", IssueGivenCertificateView.as_view(), name="issue_given"),
        ]


class GroupWorkshopsViewSetGroup(ViewSetGroup):
    menu_label = _("Group workshops")
    menu_icon = "group"
    menu_order = 250
    items = (WorkshopRegistrationViewSet, AttendanceViewSet, CertificatesViewSet)
