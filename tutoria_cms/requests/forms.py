from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tutoria_cms.core import institutions
from tutoria_cms.core.choices import TutoringReason
from tutoria_cms.core.forms import CleanTextFormMixin, NativeDateInput

from .models import NO_INDIVIDUAL_CLASSES_HERE, ReferralService, TutoringRequest, site_rule_set

# Named, not imported: requests do not depend on the programmes app; a site's own programme
# page classes built on the mixin count too.
PROGRAMME_PAGE_MIXIN = "tutoria_cms.programmes.models.TutoringProgrammePageMixin"


def programme_pages(sites=None):
    """The pages a request may name as its programme: pages of the tutoring-programme mixin
    (``TutoringProgrammePage`` and a site's own programme pages), not the rest of the tree;
    with ``sites``, only those under these Sites' root pages (their institutions')."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, get_page_models

    models_ = [
        model
        for model in get_page_models()
        if any(
            f"{base.__module__}.{base.__qualname__}" == PROGRAMME_PAGE_MIXIN
            for base in model.__mro__
        )
    ]
    if not models_:
        return Page.objects.none()
    content_types = ContentType.objects.get_for_models(*models_, for_concrete_models=False)
    pages = Page.objects.filter(content_type__in=content_types.values())
    if sites is not None:
        pages = pages.filter(under_sites(sites))
    return pages.order_by("title")


def under_sites(sites):
    """A ``Q`` matching the pages under (or at) the root page of one of ``sites``."""
    from django.db.models import Q

    condition = Q(pk__in=[])
    for site in sites:
        condition |= Q(path__startswith=site.root_page.path)
    return condition


INSTITUTION_RECORDS = ("student", "term", "component")


class NewRequestForm(CleanTextFormMixin, forms.ModelForm):
    """What coordination records when a request arrives (never the confidential part).

    The request goes to the coordinator's institution (``institutions.institution_for_new``);
    a person who coordinates in several chooses it ("Institution", limited to theirs). The
    programme is a programme page of that institution.
    """

    site = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=None,
        required=True,
        help_text=_("The institution the request belongs to."),
    )

    language = forms.ChoiceField(
        label=_("Language of notifications"),
        choices=settings.LANGUAGES,
        initial="es",
    )

    class Meta:
        model = TutoringRequest
        fields = [
            "kind",
            "student",
            "term",
            "programme",
            "component",
            "component_offered_this_term",
            "schedule_clash",
            "procedures_compatible",
            "mentoring_role",
            "language",
        ]

    def __init__(self, *args, user=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .permissions import MANAGE

        sites = list(institutions.sites_for(user, MANAGE).select_related("root_page"))
        self.institution = institutions.institution_for_new(user, MANAGE, request)
        if len(sites) > 1:
            self.fields["site"].queryset = institutions.sites_for(user, MANAGE)
            self.fields["site"].label_from_instance = institutions.institution_name
            if self.institution is not None:
                self.fields["site"].initial = self.institution.pk
        else:
            del self.fields["site"]
            if self.institution is None and sites:
                self.institution = sites[0]
        self.institution_choices = sites
        self.fields["programme"].queryset = programme_pages(sites)
        # The student, term and component are records of the coordinator's institutions.
        for name in INSTITUTION_RECORDS:
            field = self.fields[name]
            field.queryset = field.queryset.filter(site__in=[site.pk for site in sites])

    def clean(self):
        data = super().clean()
        if "site" in self.fields:
            site = data.get("site")
        else:
            site = data["site"] = self.institution
            if site is None:
                raise forms.ValidationError(_("You do not coordinate tutoring in any institution."))
        programme = data.get("programme")
        if (
            site is not None
            and programme is not None
            and not programme.path.startswith(site.root_page.path)
        ):
            self.add_error("programme", _("Choose a programme of the request's institution."))
        for name in INSTITUTION_RECORDS:
            record = data.get(name)
            if site is not None and record is not None and record.site_id != site.pk:
                self.add_error(name, _("Choose a record of the request's institution."))
        if data.get("kind") == "individual_class":
            for field in ("term", "component"):
                if not data.get(field):
                    self.add_error(field, _("An individual-class request needs this field."))
            # The rule set of the request's site (``workflow.rule_set_for``): none, no request.
            place = programme.get_site() if programme is not None else site
            if place is not None and site_rule_set(place) is None:
                self.add_error("kind", NO_INDIVIDUAL_CLASSES_HERE)
        if data.get("kind") == "peer_mentoring" and not data.get("mentoring_role"):
            self.add_error("mentoring_role", _("Choose whether the student is mentee or mentor."))
        return data


class TransitionForm(CleanTextFormMixin, forms.Form):
    """The reasons of a transition; required for every decision but approval, with the
    regular class for a redirect."""

    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required to deny: the student receives these reasons."),
    )

    def __init__(self, *args, action, **kwargs):
        from .eligibility import DECISION_OUTCOMES, REDIRECT

        super().__init__(*args, **kwargs)
        self.action = action
        if action == "deny":
            self.fields["reason"].required = True
        if action in DECISION_OUTCOMES:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _(
                "Required: the student receives these reasons, with what to do next."
            )
        if action == REDIRECT:
            self.fields["regular_class"] = forms.CharField(
                label=_("Regular class"),
                max_length=200,
                help_text=_(
                    "The regular class the student is sent to: component, class code, schedule."
                ),
            )
            # The regular class first: the reasons explain it.
            self.order_fields(["regular_class", "reason"])


def tutor_label(user):
    """A tutor by name, with their username (two tutors may share a name)."""
    name = user.get_full_name().strip()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class TutorChoiceField(forms.ModelChoiceField):
    """Tutors by name, with their username (two tutors may share a name)."""

    def label_from_instance(self, user):
        return tutor_label(user)


class AssignTutorForm(forms.Form):
    """The tutor of a request, or the designated tutor of an individual class."""

    tutor = TutorChoiceField(label=_("Tutor"), queryset=None)

    def __init__(self, *args, tutors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = tutors


class DisclosureForm(CleanTextFormMixin, forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=TutoringReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Private description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class SessionForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        from .models import TutoringSession

        model = TutoringSession
        fields = ["date", "modality", "attention_type", "duration_minutes", "private_notes"]
        widgets = {"date": NativeDateInput()}


class ReferralForm(CleanTextFormMixin, forms.Form):
    """The service is one of the request's institution's active referral services (another
    institution's, or an inactive one, is refused when posted)."""

    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=None,
        help_text=_("The service the student is referred to (Settings › Referral services)."),
    )
    reason = forms.CharField(
        label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        field.queryset = ReferralService.objects.offered(site)
        if not field.queryset.exists():
            # An institution that has not set its services up yet: its orientation service
            # (services.default_referral_service).
            field.required = False
            field.empty_label = _("Orientation service")


class ReferralUpdateForm(CleanTextFormMixin, forms.Form):
    from .models import ReferralStatus

    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)
    outcome_notes = forms.CharField(
        label=_("Outcome notes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class GroupSessionForm(CleanTextFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=NativeDateInput())
    topic = forms.CharField(label=_("Topic"), max_length=200)
    modality = forms.ChoiceField(label=_("Modality"), choices=())
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=600)
    attendees = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("attendees", "Present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, group, **kwargs):
        from tutoria_cms.core.choices import Modality

        super().__init__(*args, **kwargs)
        self.fields["modality"].choices = Modality.choices
        self.fields["attendees"].queryset = group.members.order_by("full_name")


class ClassSessionForm(CleanTextFormMixin, forms.Form):
    """A session of an individual class: its modality and duration count towards the rule
    set's in-person share."""

    date = forms.DateField(label=_("Date"), widget=NativeDateInput())
    modality = forms.ChoiceField(label=_("Modality"), choices=())
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=600)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        from tutoria_cms.core.choices import Modality

        super().__init__(*args, **kwargs)
        self.fields["modality"].choices = Modality.choices


class ReportForm(CleanTextFormMixin, forms.Form):
    from .models import ReportOutcome

    progress = forms.CharField(
        label=pgettext_lazy("term report", "Progress"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    difficulties = forms.CharField(
        label=_("Difficulties"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recommendation = forms.CharField(
        label=_("Recommendation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *ReportOutcome.choices]
    )


class ReviewForm(CleanTextFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you return the report."),
    )
