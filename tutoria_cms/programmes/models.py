"""Programme pages: abstract mixins plus default concrete pages.

A site with its own base page (``WAGTAIL_PAGE_MODEL``) combines the mixins with it::

    class ProgrammePage(TutoringProgrammePageMixin, MyBasePage):
        mixin = TutoringProgrammePageMixin
        content_panels = MyBasePage.content_panels + mixin.programme_panels
        search_fields = MyBasePage.search_fields + mixin.programme_search_fields

and names it in ``TUTORIA_PROGRAMMES_TUTORINGPROGRAMMEPAGE_MODEL`` (see
:mod:`tutoria_cms.core.models`); the default concrete pages are then swapped out.
"""

from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.contrib.routable_page.models import path as route_path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Page
from wagtail.search import index

from tutoria_cms.core.blocks import BodyBlock
from tutoria_cms.core.choices import AttentionType, LearningPillar, Modality, ProgrammeKind
from tutoria_cms.core.fields import MultipleChoiceField, choice_labels
from tutoria_cms.core.models import (
    SuiteTemplateMixin,
    get_page_model_name_for,
    leave_out_if_swapped,
    swappable_page_setting,
)
from tutoria_cms.core.sites import has_view_restrictions
from tutoria_cms.core.theme import image_with_renditions

from .blocks import StagesBlock
from .cycles import default_stages

PROGRAMME_SECTIONS_HOOK = "tutoria_programme_sections"
# Events other apps add to the programme's public calendar (the workshops' sessions):
# ``hook(programme, request)`` returns a list of ``tutoria_cms.core.calendar.CalendarEvent``.
PROGRAMME_CALENDAR_HOOK = "tutoria_programme_calendar_events"
# The calendar's route below the programme page (a child page with this slug is hidden by it).
CALENDAR_ROUTE = "calendar"

RATE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def rate_field(verbose_name):
    return models.DecimalField(
        verbose_name=verbose_name,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=RATE_VALIDATORS,
        help_text=_("Percentage aimed at, from 0 to 100."),
    )


class ProgrammeIndexPageMixin(SuiteTemplateMixin, models.Model):
    """Lists the programmes below it."""

    suite_template = "tutoria_cms/programmes/programme_index_page.html"

    introduction = RichTextField(_("introduction"), blank=True)

    index_panels = [FieldPanel("introduction")]
    index_search_fields = [index.SearchField("introduction")]

    class Meta:
        abstract = True

    def get_programmes(self):
        return (
            self.get_children()
            .live()
            .public()
            .type(TutoringProgrammePageMixin)
            .specific()
            .prefetch_related(image_with_renditions(), for_specific_subqueries=True)
            .order_by("path")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = self.get_programmes()
        return context


class TutoringProgrammePageMixin(RoutablePageMixin, SuiteTemplateMixin, models.Model):
    """A tutoring programme: PAT, peer mentoring, individual teaching classes...

    Routable: ``calendar/`` below the page is its public iCalendar feed (the workshops'
    sessions, from ``PROGRAMME_CALENDAR_HOOK``), while the page is live and public.
    """

    suite_template = "tutoria_cms/programmes/tutoring_programme_page.html"

    kind = models.CharField(
        _("kind of programme"),
        max_length=32,
        choices=ProgrammeKind.choices,
        default=ProgrammeKind.TUTORING_ACTION_PLAN,
    )
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
    objectives = RichTextField(_("objectives"), blank=True)
    purpose = RichTextField(_("purpose"), blank=True)
    needs_addressed = RichTextField(
        _("needs it addresses"),
        blank=True,
        help_text=_(
            "For example: integration of new students, follow-up of learning, "
            "pedagogical support, referral to the orientation service."
        ),
    )
    attention_types = MultipleChoiceField(
        verbose_name=_("attention types"), choices=AttentionType.choices
    )
    modalities = MultipleChoiceField(verbose_name=_("modalities"), choices=Modality.choices)
    target_population = models.TextField(_("target population"), blank=True)
    coordinator_name = models.CharField(_("coordinator"), max_length=150, blank=True)
    coordinator_email = models.EmailField(_("coordinator's e-mail"), blank=True)
    coordinator_phone = models.CharField(_("coordinator's telephone"), max_length=40, blank=True)
    stages = StreamField(
        StagesBlock(),
        verbose_name=_("stages of the cycle"),
        blank=True,
        help_text=_(
            "Ordered stages, each with its activities. Left empty, a peer-mentoring "
            "programme gets the standard peer-mentoring cycle."
        ),
    )
    pillars = MultipleChoiceField(
        verbose_name=_("learning pillars"), choices=LearningPillar.choices
    )
    target_failure_rate = rate_field(_("failure rate aimed at (%)"))
    target_lag_rate = rate_field(_("lag rate aimed at (%)"))
    target_dropout_rate = rate_field(_("dropout rate aimed at (%)"))
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    programme_panels = [
        FieldPanel("kind"),
        FieldPanel("introduction"),
        FieldPanel("image"),
        MultiFieldPanel(
            [FieldPanel("objectives"), FieldPanel("purpose"), FieldPanel("needs_addressed")],
            heading=_("Objectives and purpose"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("attention_types"),
                FieldPanel("modalities"),
                FieldPanel("pillars"),
                FieldPanel("target_population"),
            ],
            heading=_("Attention"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("coordinator_name"),
                FieldRowPanel([FieldPanel("coordinator_email"), FieldPanel("coordinator_phone")]),
            ],
            heading=_("Coordination"),
        ),
        FieldPanel("stages"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("target_failure_rate"),
                        FieldPanel("target_lag_rate"),
                        FieldPanel("target_dropout_rate"),
                    ]
                )
            ],
            heading=_("Indicator targets"),
        ),
        FieldPanel("body"),
    ]
    programme_search_fields = [
        index.SearchField("introduction"),
        index.SearchField("objectives"),
        index.SearchField("purpose"),
        index.SearchField("target_population"),
        index.SearchField("body"),
        # The words people type: "programa", "tutoría", the kind, the modalities...
        index.SearchField("get_search_keywords"),
        index.FilterField("kind"),
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.kind == ProgrammeKind.PEER_MENTORING and not self.stages:
            language = self.locale.language_code if self.locale_id else None
            self.stages = default_stages(language)

    def get_search_keywords(self):
        """What the search index adds to the page's own fields: the page type's names and
        synonyms, the kind of programme and its modalities in every language."""
        from tutoria_cms.core.search import labels_in_every_language, search_text, type_keywords

        return search_text(
            type_keywords(self, "programme"),
            labels_in_every_language(ProgrammeKind.choices, [self.kind]),
            labels_in_every_language(Modality.choices, list(self.modalities or [])),
        )

    # Display helpers (translated labels, in the order of the choices).
    def attention_type_labels(self):
        return choice_labels(self._meta.get_field("attention_types"), self.attention_types)

    def modality_labels(self):
        return choice_labels(self._meta.get_field("modalities"), self.modalities)

    def pillar_labels(self):
        return choice_labels(self._meta.get_field("pillars"), self.pillars)

    def indicator_targets(self):
        fields = ("target_failure_rate", "target_lag_rate", "target_dropout_rate")
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in fields
            if getattr(self, name) is not None
        ]

    def get_sections(self, request):
        """Sections other apps add to the page (upcoming workshops...), through a hook."""
        sections = []
        for hook in hooks.get_hooks(PROGRAMME_SECTIONS_HOOK):
            section = hook(self, request)
            if section:
                sections.append(section)
        return sections

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Lazy: the template keeps the sections in the cache ({% tutoria_fragment %}).
        context["programme_sections"] = SimpleLazyObject(lambda: self.get_sections(request))
        context["calendar_feed_url"] = self.calendar_feed_url(request)
        return context

    # The public calendar -----------------------------------------------------------------------

    def has_public_calendar(self):
        """Whether the programme offers a public feed: some app gives it events (workshops
        installed), and the page is live with no view restriction (its own or an ancestor's):
        a feed read by calendar services carries no sign-in nor password."""
        return (
            bool(hooks.get_hooks(PROGRAMME_CALENDAR_HOOK))
            and self.live
            and not has_view_restrictions(self)
        )

    def calendar_feed_url(self, request=None):
        if not self.has_public_calendar():
            return None
        url = self.get_url(request)
        if url is None:
            return None
        return url + self.reverse_subpage("calendar_feed")

    def calendar_events(self, request):
        events = []
        for hook in hooks.get_hooks(PROGRAMME_CALENDAR_HOOK):
            events.extend(hook(self, request) or [])
        return events

    def route(self, request, path_components):
        if path_components == [CALENDAR_ROUTE]:
            # Wagtail would answer a private programme's feed with its sign-in or password
            # page: the feed of a programme that is not public does not exist.
            if not self.has_public_calendar():
                raise Http404
            return super().route(request, path_components)
        # The page itself and its children: served as without the mixin (a site's base page
        # may serve pages its own way).
        return super(RoutablePageMixin, self).route(request, path_components)

    @classmethod
    def tutoria_routes_to_child(cls, path_components):
        """For ``core.sites.FastRouteMixin``: a path other than the calendar's goes to a child
        the way ``Page.route`` takes it (unless the site's base page routes its own way)."""
        return path_components != [CALENDAR_ROUTE] and (
            super(RoutablePageMixin, cls).route is Page.route
        )

    def serve_preview(self, request, mode_name):
        return super(RoutablePageMixin, self).serve_preview(request, mode_name)

    @route_path(f"{CALENDAR_ROUTE}/", name="calendar_feed")
    def calendar_feed(self, request):
        from tutoria_cms.core.calendar import calendar_response

        if getattr(request, "is_preview", False) or not self.has_public_calendar():
            raise Http404
        name = gettext("%(programme)s: workshops") % {"programme": self.title}
        return calendar_response(name, self.calendar_events(request), f"{self.slug}.ics")


# The default concrete pages (on wagtailcore.Page), swapped out when the site names its own.


@leave_out_if_swapped
class ProgrammeIndexPage(ProgrammeIndexPageMixin, Page):
    content_panels = Page.content_panels + ProgrammeIndexPageMixin.index_panels
    search_fields = Page.search_fields + ProgrammeIndexPageMixin.index_search_fields
    subpage_types = [get_page_model_name_for("programme")]
    template = "tutoria_cms/programmes/programme_index_page.html"

    class Meta:
        verbose_name = _("programme index page")
        verbose_name_plural = _("programme index pages")
        swappable = swappable_page_setting("programme_index")


@leave_out_if_swapped
class TutoringProgrammePage(TutoringProgrammePageMixin, Page):
    content_panels = Page.content_panels + TutoringProgrammePageMixin.programme_panels
    search_fields = Page.search_fields + TutoringProgrammePageMixin.programme_search_fields
    parent_page_types = [get_page_model_name_for("programme_index")]
    # Workshops live under programmes when that app is installed (it is optional).
    subpage_types = (
        [get_page_model_name_for("workshop")] if apps.is_installed("tutoria_cms.workshops") else []
    )
    template = "tutoria_cms/programmes/tutoring_programme_page.html"

    class Meta:
        verbose_name = _("tutoring programme")
        verbose_name_plural = _("tutoring programmes")
        swappable = swappable_page_setting("programme")
