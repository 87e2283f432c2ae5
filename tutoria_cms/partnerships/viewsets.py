"""Admin viewsets: partners and agreements (listing with filters, inspect view with stages,
deliverables, commitments and history, and the stage actions)."""

import datetime

import django_filters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from tutoria_cms.core.display import ExpiryDateColumn, LocalDateColumn
from tutoria_cms.core.fields import has_choice
from tutoria_cms.core.forms import CleanTextViewSetMixin
from tutoria_cms.core.views import ProtectedDeleteView
from tutoria_cms.core.viewsets import scoped_views

from . import permissions, services
from .choices import STAGE_ORDER, CurrentStage, Purpose, Sector
from .forms import AgreementForm
from .history import agreement_history
from .models import Agreement, AgreementStage, Partner
from .views import (
    AddCommitmentView,
    CompleteStageView,
    RecordFulfilmentView,
    StartStageView,
    complete_stage_url,
    start_stage_url,
)


class AgreementFilterSet(WagtailFilterSet):
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), field_name="partner__sector", choices=Sector.choices
    )
    current_stage = django_filters.ChoiceFilter(label=_("Stage"), choices=CurrentStage.choices)
    purpose = django_filters.ChoiceFilter(
        label=_("Purpose"), choices=Purpose.choices, method="filter_purpose"
    )
    expiring = django_filters.BooleanFilter(
        label=_("Expiring soon"),
        method="filter_expiring",
        help_text=_("Signed agreements expiring within the warning period."),
    )

    class Meta:
        model = Agreement
        fields = ["sector", "current_stage", "purpose", "expiring"]

    def filter_purpose(self, queryset, name, value):
        return queryset.filter(has_choice("purposes", value)) if value else queryset

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        expiring = services.expiring_agreements(timezone.localdate()).values("pk")
        if value:
            return queryset.filter(pk__in=expiring)
        return queryset.exclude(pk__in=expiring)


def _visible(queryset, user):
    return permissions.visible_agreements(user, queryset)


def _changeable(queryset, user):
    return permissions.visible_agreements(user, queryset, perm=permissions.CHANGE)


def _deletable(queryset, user):
    return permissions.visible_agreements(
        user, queryset, perm=f"{permissions.APP}.delete_agreement"
    )


_agreement_views = {
    **scoped_views(_visible, history=history.HistoryView, usage=usage.UsageView),
    **scoped_views(_changeable, edit=EditView),
    **scoped_views(_deletable, delete=ProtectedDeleteView),
}


class AgreementIndexView(IndexView):
    def get_base_queryset(self):
        return permissions.visible_agreements(
            self.request.user, super().get_base_queryset().select_related("partner")
        )


class AgreementCreateView(CreateView):
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            services.ensure_stages(instance, self.request.user)
        return instance


class AgreementInspectView(InspectView):
    template_name = "tutoria_cms/partnerships/admin/agreement_inspect.html"

    def get_object(self, queryset=None):
        if not permissions.can_view_agreements(self.request.user):
            raise PermissionDenied
        return get_object_or_404(
            permissions.visible_agreements(
                self.request.user, Agreement.objects.select_related("partner", "site")
            ),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        user = self.request.user
        # Rows missing (an agreement created outside services) show as pending, unsaved:
        # a GET writes nothing; the services create them when a stage changes.
        existing = {
            row.stage: row for row in agreement.stages.select_related("deliverable", "completed_by")
        }
        stages = [
            existing.get(code) or AgreementStage(agreement=agreement, stage=code)
            for code in STAGE_ORDER
        ]
        can_manage = permissions.can_manage_stages(user) and permissions.holds(
            user, permissions.CHANGE_STAGE, agreement
        )
        previous_completed = True
        rows = []
        for row in stages:
            actionable = can_manage and not row.is_completed and previous_completed
            rows.append(
                {
                    "row": row,
                    "can_start": actionable and row.status == "pending",
                    "start_url": start_stage_url(agreement, row.stage),
                    "can_complete": actionable,
                    "complete_url": complete_stage_url(agreement, row.stage),
                }
            )
            previous_completed = row.is_completed
        today = timezone.localdate()
        context.update(
            {
                "agreement": agreement,
                "stage_rows": rows,
                "commitments": list(agreement.commitments.select_related("report_document")),
                "today": today,
                "history_entries": agreement_history(agreement),
                "can_add_commitments": permissions.can_add_commitments(user)
                and permissions.holds(user, permissions.ADD_COMMITMENT, agreement),
                "can_record_fulfilment": permissions.can_record_fulfilment(user)
                and permissions.holds(user, permissions.CHANGE_COMMITMENT, agreement),
                "supported_pages": agreement.supported_pages.order_by("title"),
                "expires_soon": agreement.expires_on is not None
                and today
                <= agreement.expires_on
                <= today + datetime.timedelta(services.EXPIRY_WARNING_DAYS),
            }
        )
        return context


class AgreementViewSet(ModelViewSet):
    model = Agreement
    name = "tutoria_agreements"
    url_prefix = "partnerships/agreements"
    icon = "doc-full"
    menu_label = _("Agreements")
    add_to_admin_menu = False
    index_view_class = AgreementIndexView
    add_view_class = AgreementCreateView
    inspect_view_class = AgreementInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_view_class = _agreement_views["edit"]
    delete_view_class = _agreement_views["delete"]
    history_view_class = _agreement_views["history"]
    usage_view_class = _agreement_views["usage"]
    list_display = [
        "title",
        Column("partner", label=_("Partner"), accessor="partner"),
        Column("sector", label=_("Sector"), accessor="partner.get_sector_display"),
        Column("current_stage", label=_("Stage"), accessor="get_current_stage_display"),
        LocalDateColumn("signed_on", label=_("Signed on")),
        ExpiryDateColumn("expires_on", label=_("Expires on")),
    ]
    filterset_class = AgreementFilterSet
    search_fields = ["title", "reference", "partner__name"]
    edit_handler = ObjectList(
        [
            FieldPanel("partner"),
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("reference"), FieldPanel("site")]),
            FieldPanel("purposes"),
            FieldPanel("description"),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("starts_on"), FieldPanel("expires_on")])],
                heading=_("Dates"),
            ),
            FieldPanel("supported_pages"),
        ],
        base_form_class=AgreementForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "<int:pk>/stages/<str:stage>/start/", StartStageView.as_view(), name="start_stage"
            ),
            path(
                "<int:pk>/stages/<str:stage>/complete/",
                CompleteStageView.as_view(),
                name="complete_stage",
            ),
            path("<int:pk>/commitments/add/", AddCommitmentView.as_view(), name="add_commitment"),
            path(
                "<int:pk>/commitments/<int:commitment_id>/fulfil/",
                RecordFulfilmentView.as_view(),
                name="record_fulfilment",
            ),
        ]


class PartnerUsageView(usage.UsageView):
    """A partner is shared: its usage lists only the agreements of the user's institutions."""

    def get_queryset(self):
        from django.contrib.contenttypes.models import ContentType
        from wagtail.models import ReferenceIndex

        hidden = Agreement.objects.filter(partner=self.object).exclude(
            pk__in=permissions.visible_agreements(self.request.user).values("pk")
        )
        references = ReferenceIndex.get_references_to(self.object).exclude(
            base_content_type=ContentType.objects.get_for_model(Agreement),
            object_id__in=[str(pk) for pk in hidden.values_list("pk", flat=True)],
        )
        return references.group_by_source_object()


class PartnerViewSet(CleanTextViewSetMixin, ModelViewSet):
    model = Partner
    name = "tutoria_partners"
    url_prefix = "partnerships/partners"
    icon = "group"
    menu_label = _("Partners")
    add_to_admin_menu = False
    copy_view_enabled = False
    delete_view_class = ProtectedDeleteView
    usage_view_class = PartnerUsageView
    list_display = ["name", Column("sector", label=_("Sector"), accessor="get_sector_display")]
    list_filter = ["sector"]
    search_fields = ["name"]
    form_fields = ["name", "sector", "contact_name", "contact_email", "contact_phone"]


class PartnershipsViewSetGroup(ViewSetGroup):
    menu_label = _("Partnerships")
    menu_icon = "doc-full"
    menu_order = 320
    items = (AgreementViewSet, PartnerViewSet)
