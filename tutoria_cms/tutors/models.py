"""Competency frameworks (data, not code), tutor directory pages and the competency matrix.

Frameworks: ``CompetencyFramework`` -> ``Dimension`` -> ``Competency``, plus the framework's
level scale (``FrameworkLevel``). Every row has a stable ``code`` and text in es, pt-BR and en;
natural keys make ``fixtures/competency_framework_seed.json`` load idempotently (``loaddata``).

Tags (disciplines, expertise) are keyed to the base page model so that the mixin works on any
site's page class; filter on them through the tag models (``TutorExpertiseTag.objects.filter(
tag__name=...)``), not through the manager (``expertise__name``), which joins on the wrong key.

Pages follow the suite's pattern: abstract mixins plus default concrete pages. A site with its own
base page combines the mixins with it::

    class MyTutorProfilePage(TutorProfilePageMixin, MyBasePage):
        content_panels = MyBasePage.content_panels + TutorProfilePageMixin.profile_panels
        search_fields = MyBasePage.search_fields + TutorProfilePageMixin.profile_search_fields

and names it in ``TUTORIA_TUTORS_TUTORPROFILEPAGE_MODEL`` (see :mod:`tutoria_cms.core.models`), or
points its index page at it with ``profile_page_model = "myapp.MyTutorProfilePage"``.

The matrix (``CompetencyAssessment``) is operational data, not page content: it is not part of page
revisions, it is written through ``services.py`` and its changes are kept by django-simple-history.
"""

import swapper
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from simple_history.models import HistoricalRecords
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from tutoria_cms.core.choices import AttentionType, Modality
from tutoria_cms.core.fields import MultipleChoiceField, choice_labels
from tutoria_cms.core.models import (
    SuiteTemplateMixin,
    get_page_model_for,
    get_page_model_name_for,
    leave_out_if_swapped,
    swappable_page_setting,
)

from .choices import TutorType
from .forms import DimensionForm, FrameworkForm, TutorProfilePageForm
from .i18n import LANGUAGE_SUFFIXES, LocalizedTextMixin

PAGE_MODEL = swapper.get_model_name("wagtailcore", "Page")

NAME_LABELS = {
    "es": _("name in Spanish"),
    "pt_br": _("name in Brazilian Portuguese"),
    "en": _("name in English"),
}
DESCRIPTION_LABELS = {
    "es": _("description in Spanish"),
    "pt_br": _("description in Brazilian Portuguese"),
    "en": _("description in English"),
}
DESCRIPTOR_LABELS = {
    "es": _("descriptor in Spanish"),
    "pt_br": _("descriptor in Brazilian Portuguese"),
    "en": _("descriptor in English"),
}


def _name_field(language):
    return models.CharField(NAME_LABELS[language], max_length=200, blank=True)


def _description_field(language, labels=DESCRIPTION_LABELS):
    return models.TextField(labels[language], blank=True)


def text_panels(heading=None):
    """Panels for the three names and three descriptions of a framework row."""
    return [
        FieldRowPanel(
            [FieldPanel(f"name_{suffix}") for suffix in LANGUAGE_SUFFIXES],
            heading=heading or _("Name"),
        ),
        MultiFieldPanel(
            [FieldPanel(f"description_{suffix}") for suffix in LANGUAGE_SUFFIXES],
            heading=_("Description"),
        ),
    ]


def check_has_a_name(instance):
    if not any(getattr(instance, f"name_{suffix}", "").strip() for suffix in LANGUAGE_SUFFIXES):
        raise ValidationError(
            {"name_es": _("Give a name in at least one language.")}, code="no_name"
        )


# --------------------------------------------------------------------------------------------
# Competency frameworks
# --------------------------------------------------------------------------------------------


PROFILE_SECTIONS_HOOK = "tutoria_tutor_profile_sections"


class CompetencyFrameworkManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class CompetencyFramework(LocalizedTextMixin, ClusterableModel):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_es = _name_field("es")
    name_pt_br = _name_field("pt_br")
    name_en = _name_field("en")
    description_es = _description_field("es")
    description_pt_br = _description_field("pt_br")
    description_en = _description_field("en")

    objects = CompetencyFrameworkManager()

    base_form_class = FrameworkForm
    panels = [
        FieldPanel("code"),
        *text_panels(),
        InlinePanel(
            "levels",
            heading=_("Level scale"),
            label=_("Level"),
            min_num=2,
            panels=[
                FieldPanel("value"),
                FieldRowPanel([FieldPanel(f"name_{s}") for s in LANGUAGE_SUFFIXES]),
                MultiFieldPanel(
                    [FieldPanel(f"description_{s}") for s in LANGUAGE_SUFFIXES],
                    heading=_("Descriptor"),
                ),
            ],
        ),
        InlinePanel(
            "dimensions",
            heading=_("Dimensions"),
            label=_("Dimension"),
            panels=[FieldPanel("code"), *text_panels()],
        ),
    ]

    class Meta:
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        ordering = ["code"]

    def natural_key(self):
        return (self.code,)

    def clean(self):
        super().clean()
        check_has_a_name(self)

    def level_values(self):
        return [level.value for level in self.levels.all()]


class FrameworkLevelManager(models.Manager):
    def get_by_natural_key(self, framework_code, value):
        return self.get(framework__code=framework_code, value=value)


class FrameworkLevel(LocalizedTextMixin, models.Model):
    """One step of a framework's level scale, with its descriptor."""

    framework = ParentalKey(
        CompetencyFramework,
        on_delete=models.CASCADE,
        related_name="levels",
        verbose_name=_("framework"),
    )
    value = models.PositiveSmallIntegerField(
        _("value"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    name_es = _name_field("es")
    name_pt_br = _name_field("pt_br")
    name_en = _name_field("en")
    description_es = _description_field("es", DESCRIPTOR_LABELS)
    description_pt_br = _description_field("pt_br", DESCRIPTOR_LABELS)
    description_en = _description_field("en", DESCRIPTOR_LABELS)

    objects = FrameworkLevelManager()

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["framework", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "value"], name="tutoria_tutors_level_unique_value"
            )
        ]

    def __str__(self):
        return f"{self.value}. {self.name}" if self.name else str(self.value)

    def natural_key(self):
        return (self.framework.code, self.value)

    natural_key.dependencies = ["tutoria_tutors.competencyframework"]


class DimensionManager(models.Manager):
    def get_by_natural_key(self, framework_code, code):
        return self.get(framework__code=framework_code, code=code)


class Dimension(LocalizedTextMixin, Orderable, ClusterableModel):
    """A dimension of a framework: scientific (knowing), human (being), technical (knowing how)."""

    framework = ParentalKey(
        CompetencyFramework,
        on_delete=models.CASCADE,
        related_name="dimensions",
        verbose_name=_("framework"),
    )
    code = models.SlugField(_("code"), max_length=64)
    name_es = _name_field("es")
    name_pt_br = _name_field("pt_br")
    name_en = _name_field("en")
    description_es = _description_field("es")
    description_pt_br = _description_field("pt_br")
    description_en = _description_field("en")

    objects = DimensionManager()

    base_form_class = DimensionForm
    panels = [
        FieldPanel("framework"),
        FieldPanel("code"),
        *text_panels(),
        InlinePanel(
            "competencies",
            heading=_("Competencies"),
            label=_("Competency"),
            panels=[FieldPanel("code"), *text_panels()],
        ),
    ]

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["framework", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="tutoria_tutors_dimension_unique_code"
            )
        ]

    def natural_key(self):
        return (self.framework.code, self.code)

    natural_key.dependencies = ["tutoria_tutors.competencyframework"]

    def clean(self):
        super().clean()
        check_has_a_name(self)


class CompetencyManager(models.Manager):
    def get_by_natural_key(self, framework_code, code):
        return self.get(dimension__framework__code=framework_code, code=code)


class Competency(LocalizedTextMixin, Orderable):
    """A competency of a good tutor. Its code is unique within its framework."""

    dimension = ParentalKey(
        Dimension,
        on_delete=models.CASCADE,
        related_name="competencies",
        verbose_name=_("dimension"),
    )
    code = models.SlugField(_("code"), max_length=64)
    name_es = _name_field("es")
    name_pt_br = _name_field("pt_br")
    name_en = _name_field("en")
    description_es = _description_field("es")
    description_pt_br = _description_field("pt_br")
    description_en = _description_field("en")

    objects = CompetencyManager()

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["dimension", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "code"], name="tutoria_tutors_competency_unique_code"
            )
        ]

    def natural_key(self):
        return (self.dimension.framework.code, self.code)

    natural_key.dependencies = ["tutoria_tutors.dimension"]

    def clean(self):
        super().clean()
        check_has_a_name(self)
        if self.dimension_id and self.code:
            clash = Competency.objects.filter(
                dimension__framework_id=self.dimension.framework_id, code=self.code
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"code": _("Another competency of this framework already has this code.")},
                    code="duplicate_code",
                )


@register_setting(icon="group")
class TutorDirectorySettings(BaseSiteSetting):
    framework = models.ForeignKey(
        CompetencyFramework,
        verbose_name=_("competency framework"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The framework the site's tutor profiles are assessed against."),
    )

    panels = [FieldPanel("framework")]

    class Meta:
        verbose_name = _("tutor directory")

    @classmethod
    def get_permission_policy(cls):
        """Wagtail's site policy, within the institutions where the person holds it."""
        from ..core.institutions import InstitutionSitePermissionPolicy

        return InstitutionSitePermissionPolicy(cls)


# --------------------------------------------------------------------------------------------
# Tutor directory pages
# --------------------------------------------------------------------------------------------


class TutorDisciplineTag(TaggedItemBase):
    content_object = ParentalKey(
        PAGE_MODEL, on_delete=models.CASCADE, related_name="tutor_discipline_items"
    )

    class Meta:
        verbose_name = _("discipline tag")


class TutorExpertiseTag(TaggedItemBase):
    content_object = ParentalKey(
        PAGE_MODEL, on_delete=models.CASCADE, related_name="tutor_expertise_items"
    )

    class Meta:
        verbose_name = _("expertise tag")


class TutorIndexPageMixin(SuiteTemplateMixin, models.Model):
    """The tutor directory: filters, search and pagination over the profiles below it."""

    suite_template = "tutoria_cms/tutors/tutor_index_page.html"

    introduction = RichTextField(_("introduction"), blank=True)
    tutors_per_page = models.PositiveSmallIntegerField(
        _("tutors per page"), default=12, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    # "app_label.Model" of the profiles listed; None: the suite's tutor profile page
    # (TUTORIA_TUTORS_TUTORPROFILEPAGE_MODEL, by default TutorProfilePage).
    profile_page_model = None

    index_panels = [FieldPanel("introduction"), FieldPanel("tutors_per_page")]
    index_search_fields = [index.SearchField("introduction")]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        is_new = self.pk is None
        result = super().save(*args, **kwargs)
        if is_new:
            from .services import open_directory_to_tutors

            open_directory_to_tutors(self)
        return result

    def get_profile_model(self):
        if self.profile_page_model:
            return apps.get_model(self.profile_page_model)
        return get_page_model_for("tutor_profile")

    def get_context(self, request, *args, **kwargs):
        from .directory import directory_context

        context = super().get_context(request, *args, **kwargs)
        context.update(directory_context(self, request))
        return context


class TutorProfilePageMixin(SuiteTemplateMixin, models.Model):
    """A tutor's public profile. Its ``owner`` is always the tutor's account (``user``)."""

    suite_template = "tutoria_cms/tutors/tutor_profile_page.html"

    # Lets other apps recognise a profile page without importing this app.
    is_tutor_profile = True
    # A copy is a new profile, of nobody yet: the account is one tutor's only (a copy that
    # kept it broke the one-profile-per-tutor constraint: a server error).
    exclude_fields_in_copy = ["user"]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tutor's user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The tutor who owns this profile and edits it. One profile per tutor."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    academic_title = models.CharField(
        _("academic title"),
        max_length=100,
        blank=True,
        help_text=_("For example: Dra., Mtro., Prof. Dr."),
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    disciplines = ClusterTaggableManager(
        verbose_name=_("disciplines"),
        through=TutorDisciplineTag,
        blank=True,
        related_name="tutor_profiles_by_discipline+",
    )
    expertise = ClusterTaggableManager(
        verbose_name=_("expertise"),
        through=TutorExpertiseTag,
        blank=True,
        related_name="tutor_profiles_by_expertise+",
    )
    biography = RichTextField(
        _("biography"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    tutor_types = MultipleChoiceField(verbose_name=_("tutor types"), choices=TutorType.choices)
    attention_types = MultipleChoiceField(
        verbose_name=_("attention types offered"), choices=AttentionType.choices
    )
    modalities = MultipleChoiceField(verbose_name=_("modalities offered"), choices=Modality.choices)
    office_hours = models.TextField(_("office hours"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    meeting_link = models.URLField(_("meeting link"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("How many tutees this tutor can take."),
    )
    contact_email = models.EmailField(_("public e-mail"), blank=True)
    contact_phone = models.CharField(_("public telephone"), max_length=40, blank=True)
    show_contact = models.BooleanField(
        _("show my contact details on the public profile"), default=False
    )

    profile_panels = [
        FieldPanel("user"),
        MultiFieldPanel(
            [
                FieldPanel("photo"),
                FieldRowPanel([FieldPanel("academic_title"), FieldPanel("department")]),
                FieldPanel("disciplines"),
                FieldPanel("expertise"),
                FieldPanel("biography"),
            ],
            heading=_("About the tutor"),
        ),
        MultiFieldPanel(
            [FieldPanel("tutor_types"), FieldPanel("attention_types"), FieldPanel("modalities")],
            heading=_("Tutoring offered"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("office_hours"),
                FieldRowPanel([FieldPanel("place"), FieldPanel("meeting_link")]),
                FieldPanel("capacity"),
            ],
            heading=_("Availability"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
                FieldPanel("show_contact"),
            ],
            heading=_("Public contact"),
        ),
    ]
    profile_search_fields = [
        index.SearchField("department"),
        index.SearchField("biography"),
        index.RelatedFields("expertise", [index.SearchField("name")]),
        index.RelatedFields("disciplines", [index.SearchField("name")]),
        # The words people type: "tutor", "docente", the competencies, the modalities...
        index.SearchField("get_search_keywords"),
        index.FilterField("user"),
    ]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Page ownership is what lets a tutor (with "add" permission on the directory) edit
        # this page and no other: the owner is always the profile's tutor.
        if self.user_id and self.owner_id != self.user_id:
            self.owner_id = self.user_id
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "owner"}
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.user_id:
            from .permissions import profile_for_user

            other = profile_for_user(self.user, exclude_pk=self.pk)
            if other is not None:
                raise ValidationError(
                    {
                        "user": _("This tutor already has a profile: %(title)s.")
                        % {"title": other.title}
                    },
                    code="one_profile_per_tutor",
                )

    def get_search_keywords(self):
        """What the search index adds to the page's own fields: the page type's names and
        synonyms, the academic title, the competencies of the public matrix (those with a
        published or validated level, named in every language), the tutor types and
        modalities in every language."""
        from tutoria_cms.core.search import labels_in_every_language, search_text, type_keywords

        return search_text(
            type_keywords(self, "tutor_profile"),
            self.academic_title,
            self.public_competency_names(),
            labels_in_every_language(TutorType.choices, list(self.tutor_types or [])),
            labels_in_every_language(Modality.choices, list(self.modalities or [])),
        )

    def public_competency_names(self):
        """The names (every language) of the competencies the public profile shows a level of."""
        if not self.pk:
            return []
        assessments = (
            CompetencyAssessment.objects.filter(profile_id=self.pk)
            .filter(
                models.Q(published_level__isnull=False) | models.Q(validated_level__isnull=False)
            )
            .select_related("competency")
            .order_by("competency__sort_order", "competency_id")
        )
        names = []
        for assessment in assessments:
            competency = assessment.competency
            names.extend([competency.name_es, competency.name_pt_br, competency.name_en])
        return [name for name in names if name]

    # Display helpers (translated labels, in the order of the choices).
    def tutor_type_labels(self):
        return choice_labels(self._meta.get_field("tutor_types"), self.tutor_types)

    def attention_type_labels(self):
        return choice_labels(self._meta.get_field("attention_types"), self.attention_types)

    def modality_labels(self):
        return choice_labels(self._meta.get_field("modalities"), self.modalities)

    @property
    def display_name(self):
        return f"{self.academic_title} {self.title}".strip()

    def get_matrix(self, request=None):
        from .services import framework_for_page, public_matrix

        return public_matrix(
            self,
            preview=bool(getattr(request, "is_preview", False)),
            framework=framework_for_page(self, request),
        )

    def get_context(self, request, *args, **kwargs):
        from django.db.models import prefetch_related_objects

        # The tags are shown twice (the page, its JSON-LD): read once.
        prefetch_related_objects([self], "disciplines", "expertise")
        context = super().get_context(request, *args, **kwargs)
        # Lazy: the template keeps them in the cache ({% tutoria_fragment %}).
        context["matrix"] = SimpleLazyObject(lambda: self.get_matrix(request))
        context["profile_sections"] = SimpleLazyObject(lambda: self.get_sections(request))
        return context

    def get_sections(self, request):
        """Sections other apps add to the profile (workshops facilitated...), by a hook."""
        sections = []
        for hook in hooks.get_hooks(PROFILE_SECTIONS_HOOK):
            section = hook(self, request)
            if section:
                sections.append(section)
        return sections


@leave_out_if_swapped
class TutorIndexPage(TutorIndexPageMixin, Page):  # noqa: DJ008 (Page.__str__)
    content_panels = Page.content_panels + TutorIndexPageMixin.index_panels
    search_fields = Page.search_fields + TutorIndexPageMixin.index_search_fields
    subpage_types = [get_page_model_name_for("tutor_profile")]
    template = "tutoria_cms/tutors/tutor_index_page.html"

    class Meta:
        verbose_name = _("tutor directory page")
        verbose_name_plural = _("tutor directory pages")
        swappable = swappable_page_setting("tutor_index")


@leave_out_if_swapped
class TutorProfilePage(TutorProfilePageMixin, Page):  # noqa: DJ008 (Page.__str__)
    content_panels = Page.content_panels + TutorProfilePageMixin.profile_panels
    search_fields = Page.search_fields + TutorProfilePageMixin.profile_search_fields
    parent_page_types = [get_page_model_name_for("tutor_index")]
    subpage_types = []
    base_form_class = TutorProfilePageForm
    template = "tutoria_cms/tutors/tutor_profile_page.html"

    class Meta:
        verbose_name = _("tutor profile")
        verbose_name_plural = _("tutor profiles")
        swappable = swappable_page_setting("tutor_profile")


# --------------------------------------------------------------------------------------------
# The competency matrix (operational data, history kept)
# --------------------------------------------------------------------------------------------


class CompetencyAssessment(models.Model):
    """A tutor's level in one competency: self-assessed, published and validated."""

    # PROTECT: the matrix is evidence of the programme; a profile that holds assessments is
    # unpublished, not deleted (wagtail_hooks refuses the deletion with a message).
    profile = models.ForeignKey(
        PAGE_MODEL,
        on_delete=models.PROTECT,
        related_name="competency_assessments",
        verbose_name=_("tutor profile"),
    )
    # PROTECT: a framework, dimension or competency that tutors have assessed themselves
    # against cannot be deleted (the admin says why; see forms.AssessedChildrenFormMixin).
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("competency"),
    )
    self_level = models.PositiveSmallIntegerField(_("self-assessed level"), null=True, blank=True)
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("evidence document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_level = models.PositiveSmallIntegerField(
        _("published level"),
        null=True,
        blank=True,
        help_text=_(
            "The self-assessed level as of the profile's last publication: what the "
            "public sees, so that tutors' changes go through moderation."
        ),
    )
    validated_level = models.PositiveSmallIntegerField(_("validated level"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("historical competency assessment"))

    class Meta:
        verbose_name = _("competency assessment")
        verbose_name_plural = _("competency assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "competency"], name="tutoria_tutors_assessment_unique"
            )
        ]
        permissions = [
            ("validate_competencyassessment", _("Can validate competency assessments")),
        ]

    def __str__(self):
        return f"{self.competency} ({self.profile_id})"

    @property
    def is_validated(self):
        return self.validated_level is not None

    @property
    def needs_revalidation(self):
        return bool(
            self.validated_at
            and self.self_assessed_at
            and self.self_assessed_at > self.validated_at
        )


def has_competency_assessments(page):
    """Whether ``page`` or a page below it is a tutor profile with competency assessments."""
    return CompetencyAssessment.objects.filter(
        profile__path__startswith=page.path, profile__depth__gte=page.depth
    ).exists()
