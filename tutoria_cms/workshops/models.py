"""Group workshops (talleres grupales / oficinas): pages, sessions, registrations, attendance.

``GroupWorkshopPageMixin`` is the public API; ``GroupWorkshopPage`` is the default concrete page.
A site with its own base page (``WAGTAIL_PAGE_MODEL``) combines the mixin with it::

    class MyWorkshopPage(GroupWorkshopPageMixin, MyBasePage):
        content_panels = MyBasePage.content_panels + GroupWorkshopPageMixin.workshop_panels
        search_fields = MyBasePage.search_fields + GroupWorkshopPageMixin.workshop_search_fields
        base_form_class = GroupWorkshopPageForm  # from tutoria_cms.workshops.forms

and names it in ``TUTORIA_WORKSHOPS_GROUPWORKSHOPPAGE_MODEL`` (see :mod:`tutoria_cms.core.models`).

Sessions, registrations and attendance point at the swappable base page, so they work with any
concrete page built on the mixin. Every write that changes registrations or attendance goes
through :mod:`tutoria_cms.workshops.services`.
"""

import base64
import dataclasses
import datetime
import functools
import secrets
from decimal import Decimal

import swapper
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Min, Prefetch, Q
from django.db.models.functions import Cast, Lower
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page
from wagtail.search import index

from tutoria_cms.core.choices import LearningPillar, Modality, WorkshopFormat, WorkshopTopic
from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.fields import MultipleChoiceField, choice_labels
from tutoria_cms.core.models import (
    SuiteTemplateMixin,
    get_page_model_name_for,
    leave_out_if_swapped,
    swappable_page_setting,
)
from tutoria_cms.core.sites import public
from tutoria_cms.core.student_numbers import normalise_student_number

from .blocks import FacilitatorsBlock
from .forms import GroupWorkshopPageForm, WorkshopRegistrationForm

PAGE_MODEL = swapper.get_model_name("wagtailcore", "Page")


def get_page_model():
    """The site's base page model (Wagtail's swappable ``Page``)."""
    return swapper.load_model("wagtailcore", "Page")


# Values of the ``signup`` query parameter after a sign-up request or a confirmation
# (POST/redirect/GET). "requested" is the same answer whatever was typed (no enumeration).
SIGNUP_RESULTS = ("requested", "confirmed", "waitlisted")


class GroupWorkshopPageMixin(SuiteTemplateMixin, models.Model):
    """A group workshop of a tutoring programme, with its sessions and registration form."""

    suite_template = "tutoria_cms/workshops/group_workshop_page.html"

    introduction = RichTextField(_("introduction"), blank=True)
    image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown on the page and on its card. Give the image a description: it is the "
            "text read to people who cannot see it."
        ),
    )
    topic = models.CharField(_("topic"), max_length=32, choices=WorkshopTopic.choices)
    formats = MultipleChoiceField(verbose_name=_("formats"), choices=WorkshopFormat.choices)
    pillars = MultipleChoiceField(
        verbose_name=_("learning pillars"), choices=LearningPillar.choices
    )
    modality = models.CharField(
        _("modality"), max_length=32, choices=Modality.choices, default=Modality.IN_PERSON
    )
    capacity = models.PositiveIntegerField(
        pgettext_lazy("workshop seats", "capacity"),
        validators=[MinValueValidator(1)],
        help_text=_("Seats available. Sign-ups beyond it go to the waiting list, if enabled."),
    )
    waiting_list_enabled = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When the workshop is full, further sign-ups join a waiting list."),
    )
    registration_open = models.BooleanField(
        _("registration open"),
        default=True,
        help_text=_(
            "Untick to stop accepting sign-ups. Registration also closes by itself "
            "once every session has taken place."
        ),
    )
    facilitators = StreamField(FacilitatorsBlock(), verbose_name=_("facilitators"), blank=True)
    audience = models.TextField(_("audience"), blank=True, help_text=_("Who the workshop is for."))
    learning_outcomes = RichTextField(_("learning outcomes"), blank=True)

    workshop_panels = [
        FieldPanel("introduction"),
        FieldPanel("image"),
        MultiFieldPanel(
            [
                FieldPanel("topic"),
                FieldPanel("formats"),
                FieldPanel("pillars"),
                FieldPanel("modality"),
            ],
            heading=_("What kind of workshop"),
        ),
        InlinePanel("workshop_sessions", heading=_("Sessions"), label=_("Session")),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel(
                    [FieldPanel("waiting_list_enabled"), FieldPanel("registration_open")]
                ),
            ],
            heading=_("Registration"),
        ),
        FieldPanel("facilitators"),
        FieldPanel("audience"),
        FieldPanel("learning_outcomes"),
    ]
    workshop_search_fields = [
        index.SearchField("introduction"),
        index.SearchField("audience"),
        index.SearchField("learning_outcomes"),
        index.SearchField("facilitators"),
        # The words people type: "taller", "oficina", the programme, the facilitators...
        index.SearchField("get_search_keywords"),
        index.FilterField("topic"),
        index.FilterField("modality"),
    ]

    class Meta:
        abstract = True

    def get_search_keywords(self):
        """What the search index adds to the page's own fields: the page type's names and
        synonyms, the programme it belongs to, its facilitators' names (people and tutors of
        the directory), its topic and modality in every language."""
        from tutoria_cms.core.search import labels_in_every_language, search_text, type_keywords

        parent = self.get_parent() if self.pk and self.depth else None
        return search_text(
            type_keywords(self, "workshop"),
            parent.title if parent is not None else "",
            self.facilitator_names(),
            labels_in_every_language(WorkshopTopic.choices, [self.topic]),
            labels_in_every_language(Modality.choices, [self.modality]),
        )

    def facilitator_names(self):
        """The names of the facilitators: free-text people and tutors of the directory."""
        names = []
        for block in self.facilitators or []:
            value = block.value
            person = value.get("name") if hasattr(value, "get") else None
            tutor = value.get("tutor") if hasattr(value, "get") else None
            if person:
                names.append(person)
            if tutor is not None:
                tutor = tutor.specific
                names.append(getattr(tutor, "display_name", "") or tutor.title)
        return names

    # Sessions -----------------------------------------------------------------------------

    @cached_property
    def ordered_sessions(self):
        """The sessions in date order (uses prefetched sessions when there are some)."""
        return sorted(self.workshop_sessions.all(), key=lambda s: (s.date, s.start_time))

    def upcoming_sessions(self, today=None):
        today = today or timezone.localdate()
        # Set by get_upcoming_workshops (programme pages), to avoid a query per workshop.
        sessions = getattr(self, "prefetched_upcoming_sessions", None)
        if sessions is None:
            sessions = self.ordered_sessions
        return [session for session in sessions if session.date >= today]

    def next_session(self, today=None):
        upcoming = self.upcoming_sessions(today)
        return upcoming[0] if upcoming else None

    def total_hours(self):
        return sum((session.hours for session in self.ordered_sessions), Decimal("0"))

    # Registration ---------------------------------------------------------------------------

    @cached_property
    def confirmed_count(self):
        if not self.pk:
            return 0
        return self.workshop_registrations.filter(
            status=WorkshopRegistration.Status.CONFIRMED
        ).count()

    def seats_left(self):
        return max(self.capacity - self.confirmed_count, 0)

    def is_full(self):
        return self.seats_left() == 0

    def registration_closed_reason(self, today=None):
        """Why people cannot sign up now (translated), or None when registration is open."""
        if not self.live:
            return _("Registration opens when the workshop is published.")
        if not self.registration_open:
            return _("Registration for this workshop is closed.")
        if not self.upcoming_sessions(today):
            return _("Registration is closed: every session of this workshop has taken place.")
        return None

    def registration_is_open(self, today=None):
        return self.registration_closed_reason(today) is None

    # Display helpers ------------------------------------------------------------------------

    def format_labels(self):
        return choice_labels(self._meta.get_field("formats"), self.formats)

    def pillar_labels(self):
        return choice_labels(self._meta.get_field("pillars"), self.pillars)

    # Serving ----------------------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        from .calendar import programme_calendar_url

        context = super().get_context(request, *args, **kwargs)
        context["calendar_feed_url"] = programme_calendar_url(self, request)
        return context

    def get_registration_form(self, data=None):
        return WorkshopRegistrationForm(data)

    def serve(self, request, *args, **kwargs):
        """GET shows the page and its form; POST asks for a sign-up, then redirects
        (POST/redirect/GET). The seat is held only once the link of the e-mail is followed:
        ``?confirm=<token>`` shows a button that confirms (POST), so that a mail scanner
        following the link confirms nothing. A preview never registers anyone.
        """
        from . import services
        from .ratelimit import allow_signup_attempt

        form = None
        confirmation = None
        is_preview = getattr(request, "is_preview", False)
        if request.method == "POST" and not is_preview and "confirm_token" in request.POST:
            token = request.POST.get("confirm_token", "")
            try:
                result = services.confirm_signup(token, workshop=self)
            except services.RegistrationError as error:
                confirmation = {"token": "", "error": error.messages[0], "code": error.code}
            else:
                url = self.get_url(request) or self.url
                return redirect(f"{url}?signup={result.status}#registration")
        elif request.method == "POST" and not is_preview:
            form = self.get_registration_form(request.POST)
            if not allow_signup_attempt(request, self):
                form.is_valid()  # bound and cleaned: what was typed is shown again
                form.add_registration_error(services.TooManyAttempts())
            elif form.is_valid():
                try:
                    services.request_signup(
                        self, language=translation.get_language(), **form.registration_data()
                    )
                except services.RegistrationError as error:
                    form.add_registration_error(error)
                else:
                    url = self.get_url(request) or self.url
                    return redirect(f"{url}?signup=requested#registration")
        elif request.GET.get("confirm") and not is_preview:
            token = request.GET["confirm"]
            try:
                services.check_signup_token(token, workshop=self)
            except services.RegistrationError as error:
                confirmation = {"token": "", "error": error.messages[0], "code": error.code}
            else:
                confirmation = {"token": token, "error": None, "code": "valid"}
        context = self.get_context(request, *args, **kwargs)
        context["form"] = form if form is not None else self.get_registration_form()
        context["confirmation"] = confirmation
        context["signup_confirmation_hours"] = tutoria_settings.SIGNUP_CONFIRMATION_HOURS
        signup = request.GET.get("signup")
        context["signup_result"] = signup if signup in SIGNUP_RESULTS else None
        response = TemplateResponse(request, self.get_template(request, *args, **kwargs), context)
        if confirmation is not None:
            # The token is a credential: not kept by caches, not sent on as a referrer to
            # other sites. ("no-referrer" would make browsers send "Origin: null" with the
            # confirming form, which Django's CSRF check refuses.)
            response["Cache-Control"] = "no-store"
            response["Referrer-Policy"] = "same-origin"
        return response


@leave_out_if_swapped
class GroupWorkshopPage(GroupWorkshopPageMixin, Page):  # noqa: DJ008 (Page.__str__: the title)
    content_panels = Page.content_panels + GroupWorkshopPageMixin.workshop_panels
    search_fields = Page.search_fields + GroupWorkshopPageMixin.workshop_search_fields
    parent_page_types = [get_page_model_name_for("programme")]
    subpage_types = []
    template = "tutoria_cms/workshops/group_workshop_page.html"
    # Refuses to remove a session that already has attendance recorded.
    base_form_class = GroupWorkshopPageForm

    class Meta:
        verbose_name = _("group workshop")
        verbose_name_plural = _("group workshops")
        swappable = swappable_page_setting("workshop")


# The workshops calendar ------------------------------------------------------------------------

CALENDAR_PAGE_SIZE = 60  # sessions per page of the calendar


@dataclasses.dataclass
class CalendarMonth:
    month: datetime.date  # its first day
    sessions: list


class WorkshopCalendarPageMixin(SuiteTemplateMixin, models.Model):
    """The workshops of the page's institution (its Site), session by session and month by
    month: upcoming ones, or the past ones (the archive); filtered by programme and modality
    (a GET form), with links to each programme's iCalendar feed. A fixed number of queries,
    whatever the number of programmes, workshops and sessions."""

    suite_template = "tutoria_cms/workshops/workshop_calendar_page.html"

    introduction = RichTextField(_("introduction"), blank=True)

    calendar_panels = [FieldPanel("introduction")]
    calendar_search_fields = [
        index.SearchField("introduction"),
        index.SearchField("get_search_keywords"),
    ]

    class Meta:
        abstract = True

    def get_search_keywords(self):
        from tutoria_cms.core.search import search_text, type_keywords

        return search_text(type_keywords(self, "workshop_calendar"))

    def calendar_root(self):
        """Where its workshops are: the page's Site's root page (else its own parent)."""
        site = self.get_site()
        return site.root_page if site is not None else self.get_parent()

    def calendar_programmes(self, root):
        from tutoria_cms.core.models import get_page_model_for

        model = get_page_model_for("programme", required=False)
        if model is None:
            return []
        return list(public(model.objects.live().descendant_of(root)).order_by("title", "path"))

    def calendar_sessions(self, root, *, programme=None, modality="", past=False, today=None):
        """The sessions of the live, public workshops below ``root`` (or ``programme``):
        from today on, soonest first; or before today, latest first."""
        from tutoria_cms.core.models import get_page_model_for

        today = today or timezone.localdate()
        model = get_page_model_for("workshop", required=False)
        if model is None:
            return []
        workshops = public(model.objects.live().descendant_of(programme or root))
        if modality:
            workshops = workshops.filter(modality=modality)
        workshops = {workshop.pk: workshop for workshop in workshops}
        if not workshops:
            return []
        sessions = WorkshopSession.objects.filter(page_id__in=list(workshops))
        if past:
            sessions = sessions.filter(date__lt=today).order_by("-date", "-start_time", "-pk")
        else:
            sessions = sessions.filter(date__gte=today).order_by("date", "start_time", "pk")
        sessions = list(sessions)
        for session in sessions:
            session.workshop = workshops[session.page_id]
        return sessions

    def calendar_listing(self, request, root, programmes):
        """The filter form and the page of sessions the request asks for, by month."""
        from django.core.paginator import Paginator

        from .forms import WorkshopCalendarFilterForm

        form = WorkshopCalendarFilterForm(request.GET or None, programmes=programmes)
        filters = form.cleaned_data if form.is_valid() else {}
        by_pk = {programme.pk: programme for programme in programmes}
        programme = by_pk.get(filters.get("programme"))
        past = filters.get("when") == WorkshopCalendarFilterForm.PAST
        sessions = []
        if root is not None:  # filters that are not valid are shown with their error, unused
            sessions = self.calendar_sessions(
                root, programme=programme, modality=filters.get("modality", ""), past=past
            )
        by_path = {p.path: p for p in programmes}
        for session in sessions:
            # A workshop's programme: the nearest programme page above it.
            session.programme = next(
                (
                    by_path[session.workshop.path[:length]]
                    for length in range(len(session.workshop.path) - 4, 0, -4)
                    if session.workshop.path[:length] in by_path
                ),
                None,
            )
        paginator = Paginator(sessions, CALENDAR_PAGE_SIZE)
        page_of_sessions = paginator.get_page(request.GET.get("page"))
        months = []
        for session in page_of_sessions:
            month = session.date.replace(day=1)
            if not months or months[-1].month != month:
                months.append(CalendarMonth(month, []))
            months[-1].sessions.append(session)
        return {
            "filter_form": form,
            "calendar_months": months,
            "calendar_page": page_of_sessions,
            "calendar_past": past,
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        root = self.calendar_root()
        programmes = self.calendar_programmes(root) if root is not None else []
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            calendar_query=query.urlencode(),
            calendar_feeds=[(p, url) for p in programmes if (url := p.calendar_feed_url(request))],
            # Nothing a visitor typed: the template keeps the form and the sessions in the
            # cache ({% tutoria_fragment %}), until content changes or the day does.
            calendar_cacheable=not request.GET,
            calendar_today=timezone.localdate(),
        )
        if request.GET:
            context.update(self.calendar_listing(request, root, programmes))
        else:
            # Upcoming sessions, unfiltered: read only when a fragment is rendered.
            listing = functools.cache(lambda: self.calendar_listing(request, root, programmes))
            context.update(
                {
                    name: SimpleLazyObject(lambda name=name: listing()[name])
                    for name in ("filter_form", "calendar_months", "calendar_page")
                },
                calendar_past=False,
            )
        return context


@leave_out_if_swapped
class WorkshopCalendarPage(WorkshopCalendarPageMixin, Page):  # noqa: DJ008 (Page.__str__)
    content_panels = Page.content_panels + WorkshopCalendarPageMixin.calendar_panels
    search_fields = Page.search_fields + WorkshopCalendarPageMixin.calendar_search_fields
    subpage_types = []
    template = "tutoria_cms/workshops/workshop_calendar_page.html"

    class Meta:
        verbose_name = _("workshops calendar")
        verbose_name_plural = _("workshops calendars")
        swappable = swappable_page_setting("workshop_calendar")


class WorkshopSession(Orderable):
    page = ParentalKey(
        PAGE_MODEL,
        on_delete=models.CASCADE,
        related_name="workshop_sessions",
        verbose_name=_("workshop"),
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Room and building, for sessions in person."),
    )
    video_url = models.URLField(
        _("video call link"), blank=True, help_text=_("For sessions at a distance.")
    )

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldRowPanel([FieldPanel("place"), FieldPanel("video_url")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("workshop session")
        verbose_name_plural = _("workshop sessions")

    def __str__(self):
        return f"{self.date.isoformat()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    def clean(self):
        super().clean()
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("A session must end after it starts.")
        if not (self.place or "").strip() and not self.video_url:
            errors["place"] = _("Give a place or a video call link.")
        if errors:
            raise ValidationError(errors)

    @property
    def hours(self):
        if not (self.start_time and self.end_time) or self.end_time <= self.start_time:
            return Decimal("0")
        day = datetime.date(2000, 1, 1)
        delta = datetime.datetime.combine(day, self.end_time) - datetime.datetime.combine(
            day, self.start_time
        )
        return (Decimal(delta.total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))

    def has_started(self, now=None):
        now = timezone.localtime(now)
        return (self.date, self.start_time) <= (now.date(), now.time())


class WorkshopRegistration(models.Model):
    """A student's sign-up for a workshop. Created and changed only through ``services``.

    ``student_number`` is always stored normalised (:func:`normalise_student_number`).
    ``identity_verified_at`` is set only when the sign-up was confirmed through the e-mail
    address on the institution's student record, or when a member of staff checked the
    student's identity in person (``identity_verified_by``): only then is the registration
    treated as the student's (their pseudonym in exports and in the evidence browser); see
    docs/privacy.md.
    """

    class Status(models.TextChoices):
        # A public sign-up not yet confirmed from its e-mail: holds no seat, blocks nobody.
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.CONFIRMED, Status.WAITLISTED)

    workshop = models.ForeignKey(
        PAGE_MODEL,
        on_delete=models.PROTECT,
        related_name="workshop_registrations",
        verbose_name=_("workshop"),
    )
    student_number = models.CharField(_("student number"), max_length=40)
    full_name = models.CharField(_("full name"), max_length=255)
    email = models.EmailField(_("e-mail"))
    consent = models.BooleanField(_("consent to data use"), default=False)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        help_text=_("Language of the site at sign-up; e-mails are written in it."),
    )
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now, editable=False)
    # Set when the e-mail for the current status has been sent (claim-then-send); not
    # history-tracked: it changes through a conditional update, see tasks.py.
    confirmation_sent_at = models.DateTimeField(
        _("e-mail sent at"), null=True, blank=True, editable=False
    )

    identity_verified_at = models.DateTimeField(
        _("identity verified at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the sign-up was confirmed from the e-mail address on the student's record, "
            "or staff checked the student's identity. Until then the registration is not "
            "linked to the student."
        ),
    )
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("identity verified by"),
        help_text=_("The member of staff who checked the identity; empty: by e-mail."),
    )

    history = HistoricalRecords(excluded_fields=["confirmation_sent_at"])

    class Meta:
        verbose_name = _("workshop registration")
        verbose_name_plural = _("workshop registrations")
        ordering = ["workshop_id", "created_at", "pk"]
        indexes = [models.Index(fields=["workshop", "status", "created_at"])]
        constraints = [
            # Cancelled registrations do not count: a student may sign up again.
            models.UniqueConstraint(
                fields=["workshop", "student_number"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="tutoria_workshops_registration_unique_student",
            ),
            models.UniqueConstraint(
                F("workshop"),
                Lower("email"),
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="tutoria_workshops_registration_unique_email",
            ),
        ]
        permissions = [
            ("cancel_workshopregistration", _("Can cancel workshop registrations")),
            (
                "verify_workshopregistration",
                _("Can verify the identity of workshop registrations"),
            ),
        ]

    def __str__(self):
        return f"{self.student_number} · {self.workshop.title}"

    def save(self, *args, **kwargs):
        self.student_number = normalise_student_number(self.student_number)
        if self.email:
            self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.student_number = normalise_student_number(self.student_number)

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def identity_verified(self):
        return self.identity_verified_at is not None


class Attendance(models.Model):
    """Whether a confirmed student attended a session: the evidence exports use."""

    session = models.ForeignKey(
        WorkshopSession,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("session"),
    )
    registration = models.ForeignKey(
        WorkshopRegistration,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("registration"),
    )
    present = models.BooleanField(_("present"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("attendance", "recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance records")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "registration"],
                name="tutoria_workshops_attendance_unique",
            )
        ]
        permissions = [("record_attendance", _("Can record workshop attendance"))]

    def __str__(self):
        return f"{self.registration.student_number} · {self.session}"


def has_registrations(page):
    """Whether ``page`` or a page below it is a workshop with registrations."""
    return WorkshopRegistration.objects.filter(
        workshop__path__startswith=page.path, workshop__depth__gte=page.depth
    ).exists()


def get_upcoming_workshops(parent, limit=None, today=None):
    """The live workshops below ``parent`` that still have sessions, soonest first.

    Three or four queries whatever the number of workshops, sessions or registrations:
    the pages (with their next session date), their specific rows, and their upcoming
    sessions (prefetched into ``prefetched_upcoming_sessions``).
    """
    today = today or timezone.localdate()
    limit = limit or tutoria_settings.PROGRAMME_UPCOMING_WORKSHOPS
    upcoming = WorkshopSession.objects.filter(date__gte=today).order_by("date", "start_time", "pk")
    workshops = public(
        get_page_model()
        .objects.child_of(parent)
        .live()
        .type(GroupWorkshopPageMixin)
        .annotate(
            next_session_date=Min(
                "workshop_sessions__date", filter=Q(workshop_sessions__date__gte=today)
            )
        )
        .filter(next_session_date__isnull=False)
        .order_by("next_session_date", "path")
    )
    from tutoria_cms.core.theme import image_with_renditions

    workshops = workshops.specific().prefetch_related(
        Prefetch("workshop_sessions", queryset=upcoming, to_attr="prefetched_upcoming_sessions"),
        image_with_renditions(),
        for_specific_subqueries=True,
    )
    return list(workshops[:limit])


def get_workshops_facilitated_by(profile):
    """The live workshops naming ``profile`` (a tutor profile page) among their facilitators.

    Uses Wagtail's reference index (kept by Wagtail when pages are saved), so this app does
    not need to know the tutor directory's models. A fixed number of queries.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    page_model = get_page_model()
    referencing = ReferenceIndex.get_references_to(profile).filter(
        base_content_type=ContentType.objects.get_for_model(page_model)
    )
    # One query for the pages: the references as a subquery (object ids are text).
    referenced_ids = referencing.annotate(
        page_id=Cast("object_id", output_field=models.BigIntegerField())
    ).values("page_id")
    return list(
        public(page_model.objects.live().type(GroupWorkshopPageMixin))
        .filter(pk__in=referenced_ids)
        .order_by("title")
        .specific()
    )


def new_certificate_code():
    """A random, unguessable verification code: 16 characters of base32 (80 bits)."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


class Certificate(models.Model):
    """A certificate (constancia / declaração) issued to a student or a tutor, with its facts
    frozen as issued: later changes to the records do not change it. Created and revoked only
    through :mod:`tutoria_cms.workshops.certificates`.

    One concept for every kind: a workshop's attendance (``registration``, the workshop's
    facts), the tutoring a student received in a term (``record`` and ``term``) and the
    tutoring a tutor gave in a term (``tutor`` and ``term``); the term kinds state their hours
    per kind of activity in ``lines`` and the total in ``hours``.

    Anyone holding its ``code`` can check it on the public verification page of its
    institution (``/certificates/verify/<code>/``) while it is not revoked.
    """

    class Kind(models.TextChoices):
        WORKSHOP_ATTENDANCE = "workshop_attendance", _("Workshop attendance")
        TUTORING_RECEIVED = "tutoring_received", _("Tutoring received in a term")
        TUTORING_GIVEN = "tutoring_given", _("Tutoring given in a term")

    TERM_KINDS = (Kind.TUTORING_RECEIVED, Kind.TUTORING_GIVEN)

    kind = models.CharField(
        _("kind"), max_length=32, choices=Kind.choices, default=Kind.WORKSHOP_ATTENDANCE
    )
    registration = models.ForeignKey(
        WorkshopRegistration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("registration"),
    )
    record = models.ForeignKey(
        "tutoria_academics.StudentRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("student record"),
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tutoring_certificates",
        verbose_name=_("tutor"),
    )
    term = models.ForeignKey(
        "tutoria_academics.Term",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("term"),
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("institution"),
    )
    holder_name = models.CharField(_("holder's name"), max_length=255)
    student_number = models.CharField(_("student number"), max_length=40, blank=True)
    workshop_title = models.CharField(_("workshop"), max_length=255, blank=True)
    term_name = models.CharField(_("term"), max_length=100, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    sessions = models.PositiveIntegerField(_("sessions"), default=0)
    first_session_date = models.DateField(_("first session attended"), null=True, blank=True)
    last_session_date = models.DateField(_("last session attended"), null=True, blank=True)
    # The term kinds: [{"key", "label" (in the certificate's language), "hours", "sessions"}].
    lines = models.JSONField(_("hours per activity"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=15)
    code = models.CharField(
        _("verification code"),
        max_length=32,
        unique=True,
        default=new_certificate_code,
        editable=False,
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("issued by"),
    )
    revoked_at = models.DateTimeField(
        _("revoked at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("A revoked certificate is no longer shown on the verification page."),
    )
    # Claimed by the task that e-mails the holder that the certificate is available
    # (claim-then-send, ``tasks.send_certificate_email``); not in the history.
    notified_at = models.DateTimeField(
        _("holder notified at"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords(excluded_fields=["notified_at"])

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["registration", "kind", "revoked_at"])]
        constraints = [
            # One valid term certificate per holder and term (issuing locks, this backs it).
            models.UniqueConstraint(
                fields=["record", "term", "kind"],
                condition=Q(revoked_at__isnull=True, record__isnull=False),
                name="tutoria_one_valid_received_certificate",
            ),
            models.UniqueConstraint(
                fields=["tutor", "term", "kind"],
                condition=Q(revoked_at__isnull=True, tutor__isnull=False),
                name="tutoria_one_valid_given_certificate",
            ),
        ]
        permissions = [("issue_certificate", _("Can issue certificates"))]

    def __str__(self):
        return f"{self.code} · {self.holder_name}"

    @property
    def is_valid(self):
        return self.revoked_at is None

    @property
    def grouped_code(self):
        """The code as printed: groups of four characters (typed back with or without them)."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
