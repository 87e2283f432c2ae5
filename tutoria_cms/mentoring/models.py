"""Peer mentoring (seed 003): the programme's settings, participants, pairs and their cycle.

Privacy by design: a participant is a student record (name, e-mail, student number) plus what
they said about themselves for matching. ``__str__`` of every model here shows ids and roles
only (it is copied into audit-log labels and history listings). Who reads what is decided in
``permissions.py``. The mentor's private notes of a meeting are kept out of the history table
(``excluded_fields``), so that nobody but the mentor reads them, not even in the history.
"""

import swapper
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tutoria_cms.core.choices import Modality
from tutoria_cms.core.fields import MultipleChoiceField
from tutoria_cms.core.models import InstitutionScopedModel

from .choices import (
    ACTIVE_PAIR_STATUSES,
    AVAILABILITY_CHOICES,
    RATING_CHOICES,
    ExperienceLevel,
    GoalStatus,
    MeetingStatus,
    PairStatus,
    ParticipantRole,
)
from .tags import normalise_tags

PAGE_MODEL = swapper.get_model_name("wagtailcore", "Page")


def weight_field(verbose_name, default):
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=default,
        validators=[MaxValueValidator(10)],
        help_text=_("From 0 (ignored) to 10."),
    )


class MentoringProgramme(InstitutionScopedModel):
    """How a peer-mentoring programme page runs its cycle (kept beside the page, not on it).

    Its institution is its page's site (set on save when none is given).
    """

    page = models.OneToOneField(
        PAGE_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("programme page"),
        help_text=_("A tutoring programme page of the kind “peer mentoring”."),
    )
    period_start = models.DateField(_("period starts on"))
    period_end = models.DateField(_("period ends on"))
    weight_goals = weight_field(_("weight of shared goals"), 4)
    weight_interests = weight_field(_("weight of shared interests"), 2)
    weight_experience = weight_field(_("weight of the mentor's greater experience"), 1)
    weight_availability = weight_field(_("weight of shared availability"), 2)
    weight_languages = weight_field(_("weight of shared languages"), 1)
    minimum_score = models.PositiveSmallIntegerField(
        _("minimum score of a suggestion"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_("Pairs scoring less (out of 100) are not suggested."),
    )
    mentor_capacity = models.PositiveSmallIntegerField(
        _("mentees per mentor"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Default for mentors who give no capacity of their own."),
    )
    meeting_every_days = models.PositiveSmallIntegerField(
        _("expected meeting frequency (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Mentors are reminded when their pair has not met for longer than this."),
    )
    first_meeting_within_days = models.PositiveSmallIntegerField(
        _("first meeting within (days)"),
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
    )
    check_in_every_days = models.PositiveSmallIntegerField(
        _("progress check-in every (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    guidelines = models.TextField(
        _("guidelines for mentors and mentees"),
        blank=True,
        help_text=_("Sent to both when their pair is confirmed."),
    )
    closing_event = models.ForeignKey(
        PAGE_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closing event"),
        help_text=_("The page of the final meeting or event that celebrates the achievements."),
    )

    class Meta:
        verbose_name = _("peer-mentoring programme")
        verbose_name_plural = _("peer-mentoring programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")),
                name="tutoria_mentoring_period_ends_after_start",
            )
        ]

    def __str__(self):
        return self.page.title if self.page_id else _("peer-mentoring programme")

    def clean(self):
        if self.period_start and self.period_end and self.period_end <= self.period_start:
            raise ValidationError({"period_end": _("The period must end after it starts.")})
        if self.page_id:
            specific = self.page.specific
            if getattr(specific, "kind", None) != "peer_mentoring":
                raise ValidationError(
                    {"page": _("Choose a tutoring programme page of the kind “peer mentoring”.")}
                )
        if not any(self.weights.values()):
            raise ValidationError(_("Give at least one weight above zero."))

    def save(self, *args, **kwargs):
        if self.page_id:  # the programme is of its page's institution
            site = self.page.get_site()
            if site is not None:
                self.site_id = site.pk
        super().save(*args, **kwargs)

    def implied_site_id(self):
        if self.page_id:
            site = self.page.get_site()
            if site is not None:
                return site.pk
        return super().implied_site_id()

    @property
    def weights(self):
        return {
            "goals": self.weight_goals,
            "interests": self.weight_interests,
            "experience": self.weight_experience,
            "availability": self.weight_availability,
            "languages": self.weight_languages,
        }


class Participant(InstitutionScopedModel):
    """A mentor or a mentee of a programme, with what they said for matching."""

    institution_parent = "programme"

    programme = models.ForeignKey(
        MentoringProgramme,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("programme"),
    )
    role = models.CharField(_("role"), max_length=10, choices=ParticipantRole.choices)
    student = models.ForeignKey(
        "tutoria_academics.StudentRecord",
        on_delete=models.PROTECT,
        related_name="mentoring_participations",
        verbose_name=_("student"),
    )
    request = models.ForeignKey(
        "tutoria_requests.TutoringRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("peer-mentoring request"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentoring_participations",
        verbose_name=_("user account"),
        help_text=_("The account with which a mentor sees their pairs in the admin."),
    )
    goals = models.JSONField(
        _("goals (keywords)"),
        default=list,
        blank=True,
        help_text=_("Comma-separated, e.g. study techniques, time management."),
    )
    interests = models.JSONField(
        _("interests (keywords)"),
        default=list,
        blank=True,
        help_text=_("Comma-separated, e.g. programming, music, volunteering."),
    )
    experience = models.PositiveSmallIntegerField(
        _("experience"), choices=ExperienceLevel.choices, default=ExperienceLevel.NEWCOMER
    )
    availability = MultipleChoiceField(verbose_name=_("availability"), choices=AVAILABILITY_CHOICES)
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_("Comma-separated, e.g. español, português, english."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("mentees at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Mentors only; empty: the programme's default."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["programme", "role", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "student", "role"],
                name="tutoria_mentoring_participant_once_per_role",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} #{self.pk or '-'}"

    def save(self, *args, **kwargs):
        self.normalise()  # the stored form is always normalised (see tags.py)
        if self.programme_id:  # a participant is of its programme's institution
            self.site_id = self.programme.site_id
        super().save(*args, **kwargs)

    def clean(self):
        self.normalise()
        if self.role == ParticipantRole.MENTEE and self.capacity:
            raise ValidationError({"capacity": _("Only mentors have a capacity.")})

    def normalise(self):
        self.goals = normalise_tags(self.goals)
        self.interests = normalise_tags(self.interests)
        self.languages = normalise_tags(self.languages)

    @property
    def is_mentor(self):
        return self.role == ParticipantRole.MENTOR

    def get_capacity(self):
        return self.capacity or self.programme.mentor_capacity


class PairQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=PairStatus.CONFIRMED)

    def for_site(self, site):
        if site is None:
            return self
        return self.filter(site=site)


class Pair(InstitutionScopedModel):
    institution_parent = "programme"

    programme = models.ForeignKey(
        MentoringProgramme,
        on_delete=models.CASCADE,
        related_name="pairs",
        verbose_name=_("programme"),
    )
    mentor = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="pairs_as_mentor",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="pairs_as_mentee",
        verbose_name=_("mentee"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PairStatus.choices, default=PairStatus.SUGGESTED
    )
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, default=0)
    explanation = models.JSONField(_("why"), default=dict, blank=True, editable=False)
    suggested_at = models.DateTimeField(_("suggested at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for the rejection"), blank=True)
    rematched_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rematched from"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    final_reflection = models.TextField(_("final reflection"), blank=True)
    # Bookkeeping of e-mails (claim-then-send), kept out of the history.
    guidelines_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reminded_on = models.DateField(null=True, blank=True, editable=False)

    objects = PairQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["guidelines_sent_at", "last_reminded_on"])

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        permissions = [("manage_mentoring", _("Can manage peer mentoring (coordination)"))]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(status__in=ACTIVE_PAIR_STATUSES),
                name="tutoria_mentoring_one_active_pair_per_mentee",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="tutoria_mentoring_pair_of_two"
            ),
            models.CheckConstraint(
                condition=~Q(status=PairStatus.CLOSED) | ~Q(final_reflection=""),
                name="tutoria_mentoring_closed_pair_has_reflection",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self):
        return _("Pair #%(id)s") % {"id": self.pk or "-"}

    @property
    def is_confirmed(self):
        return self.status == PairStatus.CONFIRMED

    @property
    def started_on(self):
        return timezone.localdate(self.confirmed_at) if self.confirmed_at else None


class Goal(InstitutionScopedModel):
    """A SMART goal of a pair: specific, measurable, achievable/relevant, time-bound."""

    institution_parent = "pair"

    pair = models.ForeignKey(
        Pair, on_delete=models.CASCADE, related_name="goals", verbose_name=_("pair")
    )
    specific = models.TextField(
        _("specific goal"), help_text=_("Exactly what the mentee will achieve.")
    )
    indicator = models.CharField(
        _("measurable indicator"),
        max_length=200,
        help_text=_("What is measured, with its unit, e.g. “hours of study per week”."),
    )
    target = models.DecimalField(
        _("target"),
        max_digits=10,
        decimal_places=2,
        help_text=_("The value of the indicator that means the goal is met."),
    )
    achievable_relevant = models.TextField(
        _("why it is achievable and relevant"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=15, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    achieved_value = models.DecimalField(
        _("value reached"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    achievement_note = models.TextField(_("achievements"), blank=True)
    workshops = models.ManyToManyField(
        PAGE_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("linked workshops"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return _("Goal #%(id)s") % {"id": self.pk or "-"}


class ActionStep(InstitutionScopedModel):
    institution_parent = "goal"

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="steps", verbose_name=_("goal")
    )
    description = models.CharField(_("action step"), max_length=300)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["goal", "due_date", "pk"]
        verbose_name = _("action step")
        verbose_name_plural = _("action steps")

    def __str__(self):
        return _("Action step #%(id)s") % {"id": self.pk or "-"}


class Meeting(InstitutionScopedModel):
    institution_parent = "pair"

    pair = models.ForeignKey(
        Pair, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("pair")
    )
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.HELD
    )
    is_first = models.BooleanField(_("first meeting"), default=False)
    mode = models.CharField(_("mode"), max_length=20, choices=Modality.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    shared_notes = models.TextField(_("shared notes"), blank=True)
    mentor_private_notes = models.TextField(
        _("mentor's private notes"),
        blank=True,
        help_text=_("Only the mentor reads these notes."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["mentor_private_notes"])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["pair"],
                condition=Q(is_first=True),
                name="tutoria_mentoring_one_first_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.HELD) | Q(duration_minutes__isnull=False),
                name="tutoria_mentoring_held_meeting_has_duration",
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} #{self.pair_id}"


class CheckIn(InstitutionScopedModel):
    """A rating of progress on one goal, by the mentor or the mentee, on a date."""

    institution_parent = "pair"

    pair = models.ForeignKey(
        Pair, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("pair")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("goal")
    )
    rater_role = models.CharField(_("rated by"), max_length=10, choices=ParticipantRole.choices)
    date = models.DateField(_("date"))
    rating = models.PositiveSmallIntegerField(
        _("progress"),
        choices=RATING_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    feedback = models.TextField(_("feedback"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "goal", "rater_role"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "rater_role", "date"],
                name="tutoria_mentoring_one_rating_per_goal_role_day",
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="tutoria_mentoring_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} #{self.goal_id}"
