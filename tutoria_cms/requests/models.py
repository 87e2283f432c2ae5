"""Tutoring requests: the workflow's records.

Privacy by design: what a student confides (reason categories, the private description)
lives in :class:`RequestDisclosure`, a separate row with its own history, readable only by
the assigned tutor and, once referred, the orientation service. The request itself (kind,
state, dates, decision) carries nothing sensitive, so its history, ``__str__``, listings and
Wagtail's audit-log labels can be shown to coordinators and boards.
"""

import contextlib
import datetime

import swapper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import BaseLogEntry
from wagtail.models.audit_log import ModelLogEntryManager

from tutoria_cms.core.choices import AttentionType, Modality, TutoringReason
from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.fields import MultipleChoiceField
from tutoria_cms.core.models import InstitutionScopedModel

PAGE_MODEL = swapper.get_model_name("wagtailcore", "Page")


class ScopedRecord(InstitutionScopedModel):
    """A record of the request workflow: it belongs to one institution (``site``).

    Validation places it first (its parent's institution, else the only one of the install),
    so that ``full_clean()`` before ``save()`` does not refuse a record its parent places.
    """

    class Meta:
        abstract = True

    def full_clean(self, *args, **kwargs):
        if self.site_id is None:
            # Else validation says the institution is missing.
            with contextlib.suppress(ValueError, models.ObjectDoesNotExist):
                self.site_id = self.implied_site_id()
        return super().full_clean(*args, **kwargs)


class RequestKind(models.TextChoices):
    SUPPORT = "support", _("Tutoring support")
    INDIVIDUAL_CLASS = "individual_class", _("Individual teaching class")
    PEER_MENTORING = "peer_mentoring", _("Peer mentoring")


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    # Decisions beyond approve / deny, where the rule set allows them (eligibility.base):
    # final states, like a denial, each with its reasons.
    REDIRECTED = "redirected", _("Redirected to a regular class")
    SCHEDULE_CHANGE = "schedule_change", _("Sent to a schedule change")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = (
    RequestState.DRAFT,
    RequestState.SUBMITTED,
    RequestState.UNDER_REVIEW,
    RequestState.APPROVED,
    RequestState.IN_PROGRESS,
)
# States in which a request counts against the per-term limit (art. 244, III).
ACTIVE_STATES = (
    RequestState.SUBMITTED,
    RequestState.UNDER_REVIEW,
    RequestState.APPROVED,
    RequestState.IN_PROGRESS,
)
# Decisions that need written reasons (the student receives them).
REASONED_STATES = (
    RequestState.DENIED,
    RequestState.REDIRECTED,
    RequestState.SCHEDULE_CHANGE,
)
# Finished: their confidential text is erased once past the retention period.
RETAINED_STATES = (
    RequestState.CLOSED,
    RequestState.DENIED,
    RequestState.REDIRECTED,
    RequestState.SCHEDULE_CHANGE,
    RequestState.WITHDRAWN,
)


class MentoringRole(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class TutoringRequestQuerySet(models.QuerySet):
    def past_retention(self, years=None, today=None):
        """Finished requests whose last change is older than the retention period
        (``RETENTION_YEARS`` unless ``years``)."""
        years = tutoria_settings.RETENTION_YEARS if years is None else years
        today = today or timezone.localdate()
        try:
            limit = today.replace(year=today.year - years)
        except ValueError:  # 29 February
            limit = today.replace(year=today.year - years, day=28)
        cutoff = timezone.make_aware(datetime.datetime.combine(limit, datetime.time.min))
        return self.filter(state__in=RETAINED_STATES, updated_at__lt=cutoff)


class TutoringRequest(ScopedRecord):
    institution_page = "programme"  # a request without a site takes its programme page's

    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=RequestState.choices, default=RequestState.DRAFT
    )
    student = models.ForeignKey(
        "tutoria_academics.StudentRecord",
        on_delete=models.PROTECT,
        related_name="tutoring_requests",
        verbose_name=_("student"),
    )
    term = models.ForeignKey(
        "tutoria_academics.Term",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tutoring_requests",
        verbose_name=_("term"),
    )
    programme = models.ForeignKey(
        PAGE_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    # Individual classes (Res. 331/2020): the component and the facts the board judges.
    component = models.ForeignKey(
        "tutoria_academics.CurricularComponent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tutoring_requests",
        verbose_name=_("curricular component"),
    )
    component_offered_this_term = models.BooleanField(
        _("the component (or an equivalent) is offered this term"), default=False
    )
    schedule_clash = models.BooleanField(
        _("its schedule clashes with another mandatory component"), default=False
    )
    procedures_compatible = models.BooleanField(
        _("its teaching procedures suit an individual class"), default=True
    )
    mentoring_role = models.CharField(
        _("mentoring role"), max_length=10, choices=MentoringRole.choices, blank=True
    )
    assigned_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tutoring_requests",
        verbose_name=_("assigned tutor"),
    )
    rule_set = models.CharField(_("eligibility rule set"), max_length=50, blank=True)
    verdict = models.JSONField(_("eligibility verdict"), null=True, blank=True, editable=False)
    decision_reason = models.TextField(_("reasoned decision"), blank=True)
    regular_class = models.CharField(
        _("regular class"),
        max_length=200,
        blank=True,
        help_text=_("The regular class (component, class code, schedule) the student is sent to."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # A request a student files on the public site records the institution's privacy notice
    # they accepted first (core.InstitutionSettings: its version; the history keeps its text).
    privacy_notice_version = models.PositiveIntegerField(
        _("privacy notice version accepted"), null=True, blank=True, editable=False
    )
    privacy_notice_accepted_at = models.DateTimeField(
        _("privacy notice accepted at"), null=True, blank=True, editable=False
    )
    # When the step of the current state is due (deadlines.py): the decision while submitted
    # or under review, the start of the tutoring once approved; empty in other states.
    due_on = models.DateField(_("due date"), null=True, blank=True, editable=False)
    language = models.CharField(_("language of notifications"), max_length=10, default="es")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("request", "created by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("request", "created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        history_change_reason_field=models.TextField(null=True),
    )
    objects = TutoringRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tutoring request")
        verbose_name_plural = _("tutoring requests")
        permissions = [
            ("decide_tutoringrequest", _("Can decide tutoring requests (board)")),
            ("manage_tutoringrequest", _("Can manage tutoring requests (coordination)")),
            ("receive_referral", _("Can receive referrals (orientation service)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=RequestKind.INDIVIDUAL_CLASS)
                | (Q(component__isnull=False) & Q(term__isnull=False)),
                name="tutoria_request_individual_class_needs_component_and_term",
            ),
            models.CheckConstraint(
                condition=~Q(state=RequestState.DENIED) | ~Q(decision_reason=""),
                name="tutoria_request_denial_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[RequestState.REDIRECTED, RequestState.SCHEDULE_CHANGE])
                | ~Q(decision_reason=""),
                name="tutoria_request_decision_outcome_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=RequestState.REDIRECTED) | ~Q(regular_class=""),
                name="tutoria_request_redirect_names_a_regular_class",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "kind"]),
            models.Index(fields=["term", "state"]),
            models.Index(fields=["due_on", "state"]),
        ]

    def __str__(self):
        # Never anything sensitive: this string is copied into audit-log labels.
        return f"{self.get_kind_display()} #{self.pk or '-'}"

    def get_list_title(self):
        return str(self)

    @property
    def is_open(self):
        return self.state in OPEN_STATES


class RequestDisclosure(ScopedRecord):
    """What the student confides: sensitive, need-to-know (see permissions.py)."""

    institution_parent = "request"

    request = models.OneToOneField(
        TutoringRequest,
        on_delete=models.CASCADE,
        related_name="disclosure",
        verbose_name=_("request"),
    )
    reasons = MultipleChoiceField(verbose_name=_("reasons"), choices=TutoringReason.choices)
    description = models.TextField(_("private description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("confidential details")
        verbose_name_plural = _("confidential details")

    def __str__(self):
        return f"#{self.request_id}"

    def get_reasons_display(self):
        labels = dict(TutoringReason.choices)
        return [labels[code] for code in self.reasons if code in labels]


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        """The notifications to send (again): pending, waiting to try again, failed, and
        those without an address whose student has one now."""
        return self.filter(
            Q(
                status__in=(
                    Notification.Status.PENDING,
                    Notification.Status.RETRYING,
                    Notification.Status.FAILED,
                )
            )
            | (Q(status=Notification.Status.NO_ADDRESS) & ~Q(request__student__email=""))
        )


class Notification(ScopedRecord):
    """An e-mail to the student about their request: an outbox row, sent once after commit.

    ``event`` says what about, and makes the row unique per request: ``"decision"`` (the
    decision notice, art. 248: always sent, printed as a letter when the e-mail fails), and
    the news a student may turn off in their student area: ``"tutor:<user id>"`` (a tutor
    assigned), ``"session:<session id>"`` (a tutoring session recorded) and
    ``"referral:<referral id>:<status>"`` (a referral made, or its status changed; never what
    staff wrote). See :mod:`tutoria_cms.requests.notices`.
    """

    institution_parent = "request"

    DECISION = "decision"
    TUTOR, SESSION, REFERRAL = "tutor", "session", "referral"

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        # The mail server failed for a while (core.mail_retry): tried again later.
        RETRYING = "retrying", _("Waiting to try again")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NO_ADDRESS = "no_address", _("Not sent: no address")
        LETTER = "letter", _("Delivered as a letter")

    # Not delivered (yet): to send again, and a to-do of coordination.
    RETRYABLE = (Status.PENDING, Status.RETRYING, Status.FAILED, Status.NO_ADDRESS)
    UNDELIVERED = (Status.FAILED, Status.NO_ADDRESS)

    request = models.ForeignKey(
        TutoringRequest, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "event"], name="tutoria_notification_once_per_event"
            )
        ]

    def __str__(self):
        return f"{self.event} #{self.request_id}"

    @property
    def kind(self):
        """``decision``, ``tutor``, ``session`` or ``referral``."""
        return self.event.split(":", 1)[0]

    def get_kind_display(self):
        return {
            self.DECISION: _("Decision notice"),
            self.TUTOR: _("Tutor assigned"),
            self.SESSION: _("Session recorded"),
            self.REFERRAL: _("Referral news"),
        }.get(self.kind, self.event)


class IndividualClass(ScopedRecord):
    """A term's single individual teaching class of a component.

    One per component per term (every rule set: UFOPA Res. 331/2020, art. 245 sole
    paragraph; UFERSA's special classes), by a unique constraint (equivalents are checked by
    the service). The other limits are the site's rule set's (``rule_set``), checked under
    row locks in ``services``: students per class (UFOPA: 4, art. 246 sole paragraph), classes
    per tutor per term (UFOPA: 1, art. 241 sole paragraph); its in-person hours come from the
    rule set's share (UFOPA: 30%, art. 241).
    """

    term = models.ForeignKey(
        "tutoria_academics.Term",
        on_delete=models.PROTECT,
        related_name="individual_classes",
        verbose_name=_("term"),
    )
    component = models.ForeignKey(
        "tutoria_academics.CurricularComponent",
        on_delete=models.PROTECT,
        related_name="individual_classes",
        verbose_name=_("curricular component"),
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="individual_classes",
        verbose_name=_("designated tutor"),
    )
    requests = models.ManyToManyField(
        TutoringRequest,
        related_name="individual_classes",
        verbose_name=_("requests"),
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=["requests"])

    class Meta:
        verbose_name = _("individual teaching class")
        verbose_name_plural = _("individual teaching classes")
        constraints = [
            models.UniqueConstraint(
                fields=["term", "component"], name="tutoria_one_individual_class_per_component"
            ),
        ]

    def __str__(self):
        return f"{self.component} ({self.term})"

    # A listing reads the rule set of each site once and sets it here (``with_rule_sets``).
    _preset_rule_set = None

    @property
    def rule_set(self):
        """The rule set of the class's institution (``site_rule_set``), or None."""
        if self._preset_rule_set is not None:
            return self._preset_rule_set[0]
        return site_rule_set(self.site)

    @classmethod
    def with_rule_sets(cls, classes):
        """``classes`` with the rule set of their sites read once per site (a listing: not
        twice per row)."""
        by_site = {}
        for individual_class in classes:
            if individual_class.site_id not in by_site:
                by_site[individual_class.site_id] = site_rule_set(individual_class.site)
            individual_class._preset_rule_set = (by_site[individual_class.site_id],)
        return classes

    @property
    def in_person_hours(self):
        """The in-person hours by the rule set's share, or None where it sets none."""
        rule_set = self.rule_set
        return rule_set.in_person_hours(self.component.hours) if rule_set else None

    @property
    def in_person_hours_display(self):
        rule_set = self.rule_set
        hours = self.in_person_hours
        if hours is None:
            return _("Not set by the rule set")
        return _("%(hours)d h (%(share)d%% of %(total)d h)") % {
            "hours": hours,
            "share": rule_set.in_person_share,
            "total": self.component.hours,
        }

    @property
    def in_person_share(self):
        """Where the class stands with the rule set's in-person share (``InPersonShare``)."""
        return InPersonShare(self)

    @property
    def in_person_share_summary(self):
        """The listing's cell: the share, and its warning when at risk."""
        share = self.in_person_share
        if share.warns:
            return _("%(share)s. Warning: %(warning)s") % {
                "share": share.share_display,
                "warning": share.warning,
            }
        return share.share_display

    def is_class_tutor(self, user):
        """The class's designated tutor, while an active member of its institution."""
        from tutoria_cms.core import institutions

        return (
            user.is_authenticated
            and user.is_active
            and self.tutor_id is not None
            and self.tutor_id == user.pk
            and institutions.holds(user, None, self.site_id)
        )

    @property
    def has_started(self):
        """Whether one of its requests is in progress (the class is running)."""
        return self.requests.filter(state=RequestState.IN_PROGRESS).exists()


class ClassSession(ScopedRecord):
    """A session of an individual class, recorded by its designated tutor (or coordination):
    its modality and duration count towards the rule set's in-person share (art. 241)."""

    institution_parent = "individual_class"

    individual_class = models.ForeignKey(
        IndividualClass,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("individual teaching class"),
    )
    date = models.DateField(_("date"))
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} #{self.individual_class_id}"


class InPersonShare:
    """Where an individual class stands with the rule set's in-person share (UFOPA: 30% of the
    component's hours in person, art. 241), from the sessions its tutor recorded.

    ``status``: ``"unset"`` (the rule set sets no share), ``"met"`` (the in-person hours are
    recorded), ``"on_track"``, ``"at_risk"`` (every hour left of the component must now be
    in person: the warning comes before the share is lost) or ``"below"`` (the hours left can
    no longer reach it)."""

    UNSET, MET, ON_TRACK, AT_RISK, BELOW = "unset", "met", "on_track", "at_risk", "below"
    WARNINGS = (AT_RISK, BELOW)

    def __init__(self, individual_class):
        from tutoria_cms.core.choices import Modality

        self.individual_class = individual_class
        self.component_hours = individual_class.component.hours
        self.required_hours = individual_class.in_person_hours
        minutes = {Modality.IN_PERSON: 0, "other": 0}
        # A listing prefetches the sessions (``prefetch_related("sessions")``): no query per row.
        prefetched = getattr(individual_class, "_prefetched_objects_cache", {}).get("sessions")
        sessions = (
            [(session.modality, session.duration_minutes) for session in prefetched]
            if prefetched is not None
            else individual_class.sessions.values_list("modality", "duration_minutes")
        )
        for modality, duration in sessions:
            key = Modality.IN_PERSON if modality == Modality.IN_PERSON else "other"
            minutes[key] += duration
        self.in_person_minutes = minutes[Modality.IN_PERSON]
        self.recorded_minutes = minutes[Modality.IN_PERSON] + minutes["other"]
        self.in_person_hours = round(self.in_person_minutes / 60, 2)
        self.recorded_hours = round(self.recorded_minutes / 60, 2)
        self.hours_left = max(0, round(self.component_hours - self.recorded_minutes / 60, 2))
        if self.required_hours is None:
            self.needed_hours = None
            self.status = self.UNSET
        else:
            self.needed_hours = max(0, round(self.required_hours - self.in_person_minutes / 60, 2))
            if self.needed_hours == 0:
                self.status = self.MET
            elif self.needed_hours > self.hours_left:
                self.status = self.BELOW
            elif self.needed_hours == self.hours_left:
                self.status = self.AT_RISK
            else:
                self.status = self.ON_TRACK

    @property
    def warns(self):
        return self.status in self.WARNINGS

    @property
    def share_display(self):
        """E.g. "6 h of 18 h in person (30% of 60 h)"."""
        if self.required_hours is None:
            return _("%(hours)s h in person (no minimum share set)") % {
                "hours": _hours(self.in_person_hours)
            }
        return _("%(hours)s h of %(required)s h in person (%(share)d%% of %(total)d h)") % {
            "hours": _hours(self.in_person_hours),
            "required": _hours(self.required_hours),
            "share": self.individual_class.rule_set.in_person_share,
            "total": self.component_hours,
        }

    @property
    def warning(self):
        """The warning to show, or an empty string."""
        if self.status == self.BELOW:
            return _(
                "The in-person share can no longer be reached: %(needed)s h in person are "
                "still needed and only %(left)s h of the component are left."
            ) % {"needed": _hours(self.needed_hours), "left": _hours(self.hours_left)}
        if self.status == self.AT_RISK:
            return _(
                "Every hour left of the component (%(left)s h) must now be in person to reach "
                "the in-person share."
            ) % {"left": _hours(self.hours_left)}
        return ""

    def __str__(self):
        return str(self.share_display)


def _hours(value):
    """Hours without a useless decimal part: 6, 7.5."""
    return f"{value:g}" if value is not None else "—"


class WorkPlanRecord(ScopedRecord):
    """A tutor's work plan (PIT, Plano Individual de Trabalho) for a term: the individual-class
    hours credited to it (UFOPA Res. 331/2020, art. 241 sole paragraph: the in-person hours
    the tutor taught, up to one component per regular term), within the rule set's cap in
    hours (``max_work_plan_hours_per_term``; UFOPA gives none). Kept up to date by
    ``services.update_work_plan`` whenever a class session is recorded or a tutor designated."""

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="work_plans",
        verbose_name=_("tutor"),
    )
    term = models.ForeignKey(
        "tutoria_academics.Term",
        on_delete=models.PROTECT,
        related_name="work_plans",
        verbose_name=_("term"),
    )
    class_hours = models.DecimalField(
        _("individual-class hours credited"), max_digits=7, decimal_places=2, default=0
    )
    classes_credited = models.PositiveSmallIntegerField(_("classes credited"), default=0)
    hours_cap = models.PositiveIntegerField(
        _("cap in hours (rule set)"),
        null=True,
        blank=True,
        help_text=_("Empty: the rule set sets no cap in hours."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("work plan (PIT) record")
        verbose_name_plural = _("work plan (PIT) records")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "tutor", "term"], name="tutoria_one_work_plan_per_tutor_and_term"
            )
        ]

    def __str__(self):
        return f"{self.term} #{self.tutor_id}"

    @property
    def cap_display(self):
        """The rule set's cap in hours, or that it sets none."""
        if self.hours_cap is None:
            return _("No cap in hours")
        return _("%(cap)d h") % {"cap": self.hours_cap}

    @property
    def display(self):
        if self.hours_cap is None:
            return _("%(hours)s h credited (no cap in hours)") % {
                "hours": _hours(float(self.class_hours))
            }
        return _("%(hours)s h credited (cap: %(cap)d h)") % {
            "hours": _hours(float(self.class_hours)),
            "cap": self.hours_cap,
        }


# The value of a site's rule set setting for "this site takes no individual-class requests".
NO_INDIVIDUAL_CLASSES = "none"
NO_INDIVIDUAL_CLASSES_HERE = _("This institution takes no individual-class requests.")


def site_rule_set(site):
    """The rule set that judges a site's individual-class requests and sets their limits: the
    one chosen in the site's settings, else the suite's default (``DEFAULT_RULE_SET``); None
    where the site takes no individual-class requests (``NO_INDIVIDUAL_CLASSES``)."""
    from django.apps import apps

    from tutoria_cms.core.conf import tutoria_settings

    from .eligibility import get_rule_set

    identifier = ""
    if site is not None and apps.is_installed("wagtail.contrib.settings"):
        identifier = TutoringRequestSettings.for_site(site).rule_set
    identifier = identifier or tutoria_settings.DEFAULT_RULE_SET
    if identifier == NO_INDIVIDUAL_CLASSES:
        return None
    return get_rule_set(identifier)


def rule_set_choices():
    from .eligibility import rule_sets

    return (
        [("", _("The suite's default"))]
        + [(rule_set.identifier, str(rule_set)) for rule_set in rule_sets()]
        + [(NO_INDIVIDUAL_CLASSES, _("None: this site takes no individual-class requests"))]
    )


def validate_rule_set(value):
    from .eligibility import get_rule_set

    if value and value != NO_INDIVIDUAL_CLASSES:
        try:
            get_rule_set(value)
        except LookupError as error:
            raise ValidationError(str(error)) from None


class RuleSetSelect(forms.Select):
    def __init__(self, attrs=None):
        super().__init__(attrs, choices=())

    @property
    def choices(self):
        return rule_set_choices()

    @choices.setter
    def choices(self, value):
        pass


@register_setting(icon="list-ul")
class TutoringRequestSettings(BaseSiteSetting):
    """Which regulation judges individual-class requests on this site."""

    @classmethod
    def get_permission_policy(cls):
        """Wagtail's site policy, within the institutions where the person holds it."""
        from ..core.institutions import InstitutionSitePermissionPolicy

        return InstitutionSitePermissionPolicy(cls)

    rule_set = models.CharField(
        _("eligibility rule set"),
        max_length=50,
        blank=True,
        validators=[validate_rule_set],
        help_text=_(
            "The regulation that judges individual-class requests on this site and sets "
            "their limits (requests per term, students per class, in-person hours); or none, "
            "for a site that takes no individual-class requests."
        ),
    )

    # Service levels (deadlines.py): empty means the suite's default (TUTORIA_CMS).
    decision_days = models.PositiveSmallIntegerField(
        _("days to decide a request"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "From submission to the decision (board or coordination). Empty: the suite's default."
        ),
    )
    start_days = models.PositiveSmallIntegerField(
        _("days to start the tutoring"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "From approval to the start of the tutoring (tutor assigned, tutoring started). "
            "Empty: the suite's default."
        ),
    )
    referral_accept_days = models.PositiveSmallIntegerField(
        _("days to take in a referral"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "From a referral to the orientation service attending the student. Empty: the "
            "suite's default."
        ),
    )
    referral_close_days = models.PositiveSmallIntegerField(
        _("days to close a referral"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "From the orientation service attending the student to the referral's closure. "
            "Empty: the suite's default."
        ),
    )

    panels = [
        FieldPanel("rule_set", widget=RuleSetSelect),
        FieldPanel("decision_days"),
        FieldPanel("start_days"),
        FieldPanel("referral_accept_days"),
        FieldPanel("referral_close_days"),
    ]

    class Meta:
        verbose_name = _("tutoring requests")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ATTENDED = "attended", _("Attended")
    FOLLOW_UP = "follow_up", _("In follow-up")
    CLOSED = "closed", _("Closed")


# The news of a referral its tutor is told of (e-mail and dashboard): the service took the
# student in, or closed the referral.
REFERRAL_NEWS = (ReferralStatus.ATTENDED, ReferralStatus.CLOSED)


# The name the referrals made before services were a vocabulary took when left empty; shown
# translated (it is stored in English, as the migration writes it).
DEFAULT_SERVICE_NAME = "Orientation service"


class ReferralServiceQuerySet(models.QuerySet):
    def offered(self, site, include=None):
        """The services a student of the institution ``site`` may be referred to: its active
        ones (plus ``include``, a referral's current service, when it is no longer active)."""
        condition = Q(active=True)
        if include is not None:
            condition |= Q(pk=getattr(include, "pk", include))
        return self.filter(condition, site=site).order_by("order", "name")


class ReferralService(InstitutionScopedModel):
    """A service students are referred to (psychology, educational orientation, social work),
    one institution's vocabulary, managed in Settings › Referral services.

    Which service a student was sent to is sensitive: it is read by the referring tutor and
    the orientation service only (``permissions.can_read_disclosure``); boards and coordination
    see that a referral exists and its status, and pseudonymised exports count referrals per
    service, suppressing small counts.
    """

    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Only active services are offered when a student is referred."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    objects = ReferralServiceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("referral service")
        verbose_name_plural = _("referral services")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"], name="tutoria_one_referral_service_name_per_site"
            )
        ]

    def __str__(self):
        if self.name == DEFAULT_SERVICE_NAME:
            return str(_("Orientation service"))
        return self.name


class ReferralQuerySet(models.QuerySet):
    def pending_updates(self):
        """Referrals whose news (accepted, closed) their tutor has not been told of yet."""
        return self.filter(
            status__in=REFERRAL_NEWS, referred_by__isnull=False, status_changed_at__isnull=False
        ).exclude(tutor_notified_status=F("status"))


class Referral(ScopedRecord):
    """A referral (canalización / encaminhamento) to the orientation service.

    The reason and the outcome notes are confidential: the assigned tutor and the
    orientation service read them; coordination sees that a referral exists and its status.
    """

    institution_parent = "request"

    request = models.ForeignKey(
        TutoringRequest,
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name=_("request"),
    )
    service = models.ForeignKey(
        ReferralService,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("service"),
    )
    reason = models.TextField(_("reason for the referral"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    outcome_notes = models.TextField(_("outcome notes"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    # When the service's next step is due (deadlines.py): taking the student in while sent,
    # the closure once attended or in follow-up; empty once closed.
    due_on = models.DateField(_("due date"), null=True, blank=True, editable=False)
    # The status the referring tutor was last told of by e-mail (claimed before sending, so
    # each news is sent once; see tasks.send_referral_update).
    tutor_notified_status = models.CharField(max_length=12, blank=True, editable=False)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("referred by"),
    )
    created_at = models.DateTimeField(_("referred at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        # Never the service: the label reaches history and audit views coordination reads.
        return _("Referral no. %(number)s") % {"number": self.pk or "-"}

    def clean(self):
        super().clean()
        if (
            self.service_id is not None
            and self.site_id is not None
            and self.service.site_id != self.site_id
        ):
            raise ValidationError({"service": _("Choose a service of the request's institution.")})

    @property
    def service_label(self):
        """The service's name (translated when it is the default one)."""
        return str(self.service) if self.service_id else ""


class TutoringSession(ScopedRecord):
    """An individual tutoring session held for a request (support or mentoring)."""

    institution_parent = "request"

    request = models.ForeignKey(
        TutoringRequest,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("request"),
    )
    date = models.DateField(_("date"))
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    attention_type = models.CharField(
        _("attention type"),
        max_length=20,
        choices=AttentionType.choices,
        default=AttentionType.INDIVIDUAL,
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    private_notes = models.TextField(_("private notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("tutoring session")
        verbose_name_plural = _("tutoring sessions")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} #{self.request_id}"


class StudentGroup(ScopedRecord):
    """A cohort or class group given group tutoring (tutoría grupal) in a term."""

    institution_page = "programme"  # a group without a site takes its programme page's

    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=150)
    term = models.ForeignKey(
        "tutoria_academics.Term",
        on_delete=models.PROTECT,
        related_name="student_groups",
        verbose_name=_("term"),
    )
    programme = models.ForeignKey(
        PAGE_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tutored_groups",
        verbose_name=_("group tutor"),
    )
    members = models.ManyToManyField(
        "tutoria_academics.StudentRecord",
        related_name="student_groups",
        verbose_name=_("members"),
        blank=True,
    )

    history = HistoricalRecords(m2m_fields=["members"])

    class Meta:
        ordering = ["term", "code"]
        verbose_name = _("student group")
        verbose_name_plural = _("student groups")
        constraints = [
            models.UniqueConstraint(fields=["term", "code"], name="tutoria_group_code_per_term")
        ]

    def __str__(self):
        return f"{self.code} ({self.term})"


class GroupSession(ScopedRecord):
    institution_parent = "group"

    group = models.ForeignKey(
        StudentGroup,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("group"),
    )
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    attendees = models.ManyToManyField(
        "tutoria_academics.StudentRecord",
        related_name="group_sessions_attended",
        verbose_name=_("attendees"),
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords(m2m_fields=["attendees"])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")

    def __str__(self):
        return f"{self.group.code} {self.date:%Y-%m-%d}"


class ReportOutcome(models.TextChoices):
    CONTINUES = "continues", _("Continues")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for changes")


class TermReport(ScopedRecord):
    """The tutor's written end-of-term report on a tutee (request) or a group (seed 001)."""

    institution_parent = "request"

    def implied_site_id(self):
        # A group's report takes its group's institution.
        if self.request_id is None and self.group_id is not None:
            return self.group.site_id
        return super().implied_site_id()

    term = models.ForeignKey(
        "tutoria_academics.Term",
        on_delete=models.PROTECT,
        related_name="term_reports",
        verbose_name=_("term"),
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="term_reports",
        verbose_name=_("tutor"),
    )
    request = models.ForeignKey(
        TutoringRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="term_reports",
        verbose_name=_("tutee's request"),
    )
    group = models.ForeignKey(
        StudentGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="term_reports",
        verbose_name=_("group"),
    )
    summary = models.JSONField(_("summary from the records"), default=dict, editable=False)
    progress = models.TextField(pgettext_lazy("term report", "progress"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=ReportOutcome.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    coordinator_comment = models.TextField(_("coordinator's comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-term__starts_on", "pk"]
        verbose_name = _("end-of-term report")
        verbose_name_plural = _("end-of-term reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, group__isnull=True)
                | Q(request__isnull=True, group__isnull=False),
                name="tutoria_report_about_a_tutee_or_a_group",
            ),
            models.UniqueConstraint(fields=["term", "request"], name="tutoria_report_per_tutee"),
            models.UniqueConstraint(fields=["term", "group"], name="tutoria_report_per_group"),
        ]

    def __str__(self):
        return f"{self.term} #{self.pk or '-'}"

    @property
    def is_locked(self):
        return self.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


class SensitiveRead(ScopedRecord):
    """Who read a request's confidential details, and when (subject access, audits)."""

    institution_parent = "request"

    class What(models.TextChoices):
        DISCLOSURE = "disclosure", _("Confidential details")
        SESSION_NOTES = "session_notes", _("Session notes")
        REFERRALS = "referrals", _("Referral reasons and outcomes")

    request = models.ForeignKey(
        TutoringRequest,
        on_delete=models.CASCADE,
        related_name="sensitive_reads",
        verbose_name=_("request"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("read by"),
    )
    what = models.CharField(_("what was read"), max_length=20, choices=What.choices)
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        ordering = ["-read_at"]
        verbose_name = _("confidential read")
        verbose_name_plural = _("confidential reads")

    def __str__(self):
        return f"#{self.request_id} {self.what}"


class OverdueDigest(models.Model):
    """One person's daily digest of overdue requests and referrals (``manage.py
    send_overdue_digest``): at most one a day, claimed before it is sent; "sent" only when
    the mail server accepted it, "failed" (sent again by a later run that day) otherwise.
    It holds no text of the items, only how many there were."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    items = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("overdue digest")
        verbose_name_plural = _("overdue digests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sent_on"], name="tutoria_one_overdue_digest_a_day"
            )
        ]

    def __str__(self):
        return f"{self.sent_on:%Y-%m-%d} #{self.user_id}"


class RequestLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        """The entries of the requests ``user`` may see (permissions.py), not those of every
        request of a model the user holds some permission on (Wagtail's rule)."""
        from .permissions import visible_requests

        visible = visible_requests(user).annotate(
            object_key=Cast("pk", output_field=models.CharField())
        )
        return self.filter(object_id__in=visible.values("object_key"))


class RequestLogEntry(BaseLogEntry):
    """Wagtail's audit log of requests (creation, transitions, assignment, referrals).

    Kept apart from Wagtail's ``ModelLogEntry`` so that Wagtail's site history report shows
    each entry only to those who may see the request: with ``ModelLogEntry``, every holder of
    a permission on the model (the board, the orientation service) saw every request's
    entries, drafts and requests never referred to them included."""

    object_id = models.CharField(max_length=255, blank=False, db_index=True)

    objects = RequestLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("request log entry")
        verbose_name_plural = _("request log entries")

    def __str__(self):
        return f"{self.action} #{self.object_id}"
