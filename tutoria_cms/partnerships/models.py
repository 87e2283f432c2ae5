"""Partnerships (vinculación / vinculação): partners, agreements, their five stages, commitments.

Agreements are operational data, not publishable content: no revisions, and simple-history on
the stage rows, the commitments and the agreement itself keeps who changed what and when. Every
stage change and fulfilment report goes through :mod:`tutoria_cms.partnerships.services`.

``PartnershipIndexPageMixin`` is the public page API; ``PartnershipIndexPage`` is the default
concrete page. A site with its own base page combines the mixin with it::

    class MyPartnershipsPage(PartnershipIndexPageMixin, MyBasePage):
        content_panels = MyBasePage.content_panels + PartnershipIndexPageMixin.index_panels

(and may name it in ``TUTORIA_PARTNERSHIPS_PARTNERSHIPINDEXPAGE_MODEL``, see
:mod:`tutoria_cms.core.models`).
"""

import swapper
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.models import Page, get_page_models
from wagtail.search import index

from tutoria_cms.core.fields import MultipleChoiceField, choice_labels
from tutoria_cms.core.models import (
    InstitutionScopedModel,
    SuiteTemplateMixin,
    leave_out_if_swapped,
    swappable_page_setting,
)

from .choices import (
    STAGE_ORDER,
    CurrentStage,
    Party,
    Purpose,
    Sector,
    Stage,
    StageStatus,
)

PAGE_MODEL = swapper.get_model_name("wagtailcore", "Page")

# Page mixins whose pages an agreement may support, named (not imported) so that this app does
# not depend on the programmes and workshops apps; pages of a site's own classes built on these
# mixins count too.
SUPPORTED_PAGE_MIXINS = (
    "tutoria_cms.programmes.models.TutoringProgrammePageMixin",
    "tutoria_cms.workshops.models.GroupWorkshopPageMixin",
)


def get_page_model():
    return swapper.load_model("wagtailcore", "Page")


def supported_page_models():
    """Concrete page models built on a programme or workshop mixin (installed ones only)."""
    wanted = set(SUPPORTED_PAGE_MIXINS)
    return [
        model
        for model in get_page_models()
        if any(f"{base.__module__}.{base.__qualname__}" in wanted for base in model.__mro__)
    ]


def supported_pages():
    """Programme and workshop pages that an agreement may support."""
    models_ = supported_page_models()
    if not models_:
        return get_page_model().objects.none()
    content_types = ContentType.objects.get_for_models(*models_, for_concrete_models=False)
    return get_page_model().objects.filter(content_type__in=content_types.values())


class Partner(models.Model):
    """An institution or organisation the university makes agreements with.

    Shared between institutions (a company may sign agreements with several; its name is
    unique): what belongs to an institution is its agreements, and staff see a partner through
    them (see ``permissions.visible_partners``).
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name


class AgreementQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(signed_on__isnull=False)

    def active(self, today=None):
        """Signed and not expired (an agreement without expiry date stays active)."""
        today = today or timezone.localdate()
        return self.signed().filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today),
            Q(starts_on__isnull=True) | Q(starts_on__lte=today),
        )

    def for_site(self, site):
        """Agreements of ``site``'s institution."""
        if site is None:
            return self
        return self.filter(site=site)


class Agreement(InstitutionScopedModel):
    """A collaboration agreement (convenio / convênio) with a partner, of one institution."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("partner")
    )
    title = models.CharField(_("title"), max_length=255)
    reference = models.CharField(
        _("reference number"),
        max_length=60,
        blank=True,
        help_text=_("The number the agreement is registered under, once it has one."),
    )
    purposes = MultipleChoiceField(verbose_name=_("purposes"), choices=Purpose.choices)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, help_text=_("Empty: no expiry date.")
    )
    signed_on = models.DateField(
        _("signed on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Recorded when the execution (signature) stage is completed."),
    )
    current_stage = models.CharField(
        _("current stage"),
        max_length=20,
        choices=CurrentStage.choices,
        default=CurrentStage.PLANNING,
        editable=False,
    )
    supported_pages = models.ManyToManyField(
        PAGE_MODEL,
        blank=True,
        related_name="partnership_agreements",
        verbose_name=_("programmes and workshops supported"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at"], m2m_fields=["supported_pages"])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gt=F("starts_on")),
                name="tutoria_agreement_expires_after_start",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="tutoria_agreement_unique_reference",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts_on and self.expires_on and self.expires_on <= self.starts_on:
            raise ValidationError({"expires_on": _("An agreement must expire after it starts.")})

    def purpose_labels(self):
        return choice_labels(self._meta.get_field("purposes"), self.purposes)

    def is_active(self, today=None):
        today = today or timezone.localdate()
        return (
            self.signed_on is not None
            and (self.expires_on is None or self.expires_on >= today)
            and (self.starts_on is None or self.starts_on <= today)
        )

    def ordered_stages(self):
        """The stage rows in the order of the five stages (uses prefetched rows)."""
        rows = {row.stage: row for row in self.stages.all()}
        return [rows[code] for code in STAGE_ORDER if code in rows]


class AgreementStage(InstitutionScopedModel):
    """One of an agreement's five stages, with the deliverable that completes it."""

    institution_parent = "agreement"

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="stages", verbose_name=_("agreement")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=StageStatus.choices, default=StageStatus.PENDING
    )
    deliverable = models.ForeignKey(
        get_document_model_string(),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deliverable"),
    )
    started_at = models.DateTimeField(pgettext_lazy("stage", "started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement stage")
        verbose_name_plural = _("agreement stages")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "stage"], name="tutoria_agreement_stage_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status=StageStatus.COMPLETED)
                | (Q(deliverable__isnull=False) & Q(completed_at__isnull=False)),
                name="tutoria_agreement_stage_completed_has_deliverable",
            ),
        ]

    def __str__(self):
        return f"{self.agreement_id}:{self.stage}"

    @property
    def position(self):
        return STAGE_ORDER.index(self.stage) + 1

    @property
    def is_completed(self):
        return self.status == StageStatus.COMPLETED


class CommitmentQuerySet(models.QuerySet):
    def unfulfilled(self):
        return self.filter(fulfilled_on__isnull=True)

    def overdue(self, today=None):
        """Not fulfilled and due before ``today`` (due today is not overdue yet)."""
        today = today or timezone.localdate()
        return self.unfulfilled().filter(due_on__lt=today)


class Commitment(InstitutionScopedModel):
    """Something one party of an agreement committed to, by a date (follow-up stage)."""

    institution_parent = "agreement"

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("agreement"),
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    description = models.TextField(_("commitment"))
    due_on = models.DateField(_("due on"))
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    report = models.TextField(_("fulfilment report"), blank=True)
    report_document = models.ForeignKey(
        get_document_model_string(),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report document"),
    )

    history = HistoricalRecords()
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(fulfilled_on__isnull=True) | ~Q(report=""),
                name="tutoria_commitment_fulfilled_has_report",
            ),
        ]

    def __str__(self):
        return f"{self.agreement_id}:{self.pk}"

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.fulfilled_on is None and self.due_on < today


# The public page ------------------------------------------------------------------------------


class PartnershipIndexPageMixin(SuiteTemplateMixin, models.Model):
    """Publishes the institution's active partnerships (signed, not expired)."""

    suite_template = "tutoria_cms/partnerships/partnership_index_page.html"

    introduction = RichTextField(_("introduction"), blank=True)

    index_panels = [FieldPanel("introduction")]
    index_search_fields = [
        index.SearchField("introduction"),
        # The words people type: "convenio", "convênio", "parceria", the partners...
        index.SearchField("get_search_keywords"),
    ]

    class Meta:
        abstract = True

    def get_search_keywords(self):
        """What the search index adds to the page's own fields: the page type's names and
        synonyms, and the partners and titles of the agreements it publishes (as of the
        page's last publication or ``manage.py update_index``)."""
        from tutoria_cms.core.search import search_text, type_keywords

        agreements = []
        # A page outside every Site would list every institution's agreements: none then.
        if self.pk and self.depth and self.get_site() is not None:
            for agreement in self.get_agreements():
                agreements.extend([agreement.partner.name, agreement.title])
        return search_text(type_keywords(self, "partnership_index"), agreements)

    def get_agreements(self, today=None):
        """Active agreements of this page's institution, in two queries (agreements, pages)."""
        site = self.get_site()
        live_pages = supported_pages().live().public().order_by("title")
        return (
            Agreement.objects.active(today)
            .for_site(site)
            .select_related("partner")
            .prefetch_related(Prefetch("supported_pages", queryset=live_pages))
            .order_by("partner__name", "title", "pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["agreements"] = self.get_agreements()
        return context


@leave_out_if_swapped
class PartnershipIndexPage(PartnershipIndexPageMixin, Page):  # noqa: DJ008 (Page.__str__)
    content_panels = Page.content_panels + PartnershipIndexPageMixin.index_panels
    search_fields = Page.search_fields + PartnershipIndexPageMixin.index_search_fields
    subpage_types = []
    template = "tutoria_cms/partnerships/partnership_index_page.html"

    class Meta:
        verbose_name = _("partnership index page")
        verbose_name_plural = _("partnership index pages")
        swappable = swappable_page_setting("partnership_index")
