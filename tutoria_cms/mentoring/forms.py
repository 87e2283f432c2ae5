"""Admin forms of peer mentoring. They only collect data: the rules live in ``services``."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from tutoria_cms.core import institutions
from tutoria_cms.core.choices import Modality
from tutoria_cms.core.forms import CleanTextFormMixin

from . import permissions
from .choices import RATING_CHOICES, ParticipantRole
from .models import MentoringProgramme, Participant
from .tags import normalise_tags


class TagListField(forms.CharField):
    """A list of tags typed as comma-separated text."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        return normalise_tags(super().to_python(value))

    def has_changed(self, initial, data):
        return normalise_tags(initial or []) != self.to_python(data)


class ParticipantForm(CleanTextFormMixin, WagtailAdminModelForm):
    goals = TagListField(
        label=_("goals (keywords)"), help_text=Participant._meta.get_field("goals").help_text
    )
    interests = TagListField(
        label=_("interests (keywords)"),
        help_text=Participant._meta.get_field("interests").help_text,
    )
    languages = TagListField(
        label=_("languages"), help_text=Participant._meta.get_field("languages").help_text
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        site_ids = [site.pk for site in institutions.sites_for(user, permissions.MANAGE)]
        self.institution_ids = site_ids
        fields = self.fields
        if "programme" in fields:
            fields["programme"].queryset = permissions.managed(
                MentoringProgramme.objects.select_related("page"), user
            )
        if "user" in fields:
            fields["user"].queryset = (
                get_user_model()
                .objects.filter(is_active=True, tutoria_memberships__site__in=site_ids)
                .distinct()
            )
        for name in ("student", "request"):
            if name in fields:
                fields[name].queryset = in_institutions(fields[name].queryset, site_ids)

    def clean(self):
        cleaned = super().clean()
        programme = cleaned.get("programme")
        if programme is None:
            return cleaned
        site_id = programme.site_id
        account = cleaned.get("user")
        if account is not None and not account.tutoria_memberships.filter(site_id=site_id):
            self.add_error("user", _("Choose an account of the programme's institution."))
        for name in ("student", "request"):
            value = cleaned.get(name)
            if value is not None and getattr(value, "site_id", site_id) != site_id:
                self.add_error(name, _("Choose a record of the programme's institution."))
        return cleaned


class MentoringProgrammeForm(CleanTextFormMixin, WagtailAdminModelForm):
    """A programme's page (and closing event) in an institution the user coordinates."""

    def clean(self):
        cleaned = super().clean()
        page = cleaned.get("page")
        if page is None:
            return cleaned
        site = page.get_site()
        if site is None or not institutions.holds(self.for_user, permissions.MANAGE, site):
            self.add_error("page", _("Choose a page of an institution you coordinate."))
            return cleaned
        event = cleaned.get("closing_event")
        if event is not None and event.get_site() != site:
            self.add_error("closing_event", _("Choose a page of the programme's institution."))
        return cleaned


def in_institutions(queryset, site_ids):
    """``queryset`` limited to the institutions ``site_ids`` when its records have one."""
    if any(field.name == "site" for field in queryset.model._meta.get_fields()):
        return queryset.filter(site__in=site_ids)
    return queryset


def date_field(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=AdminDateInput, **kwargs)


class ReasonForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MentorForm(ReasonForm):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Participant.objects.none())

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].label_from_instance = lambda mentor: mentor.student.full_name


class GoalForm(CleanTextFormMixin, forms.Form):
    # Not required here: the service refuses each missing SMART part with its own message.
    specific = forms.CharField(
        label=_("Specific goal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Exactly what the mentee will achieve."),
    )
    indicator = forms.CharField(
        label=_("Measurable indicator"),
        required=False,
        max_length=200,
        help_text=_("What is measured, with its unit, e.g. “hours of study per week”."),
    )
    target = forms.CharField(
        label=_("Target"),
        required=False,
        max_length=20,
        help_text=_("The value of the indicator that means the goal is met."),
    )
    achievable_relevant = forms.CharField(
        label=_("Why it is achievable and relevant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_date = date_field(_("Due date"), required=False)
    steps = forms.CharField(
        label=_("Action steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    workshops = forms.ModelMultipleChoiceField(
        label=_("Linked workshops"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Group workshops of the programme that help with this goal."),
    )

    def __init__(self, *args, workshops=None, **kwargs):
        super().__init__(*args, **kwargs)
        if workshops is None:
            del self.fields["workshops"]
        else:
            self.fields["workshops"].queryset = workshops

    def clean_steps(self):
        return [line.strip() for line in self.cleaned_data["steps"].splitlines() if line.strip()]


class MeetingForm(CleanTextFormMixin, forms.Form):
    date = date_field(_("Date"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Modality.choices)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=600)
    shared_notes = forms.CharField(
        label=_("Shared notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Read by the mentor, the mentee and the coordination."),
    )
    mentor_private_notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you, the mentor, read these notes."),
    )

    def __init__(self, *args, private_notes=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not private_notes:
            del self.fields["mentor_private_notes"]


class ScheduleForm(forms.Form):
    date = date_field(_("Date"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Modality.choices)


class CheckInForm(CleanTextFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Rated by"))
    date = date_field(_("Date"), initial=timezone.localdate)

    def __init__(self, *args, goals, roles, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ParticipantRole.choices)
        self.fields["role"].choices = [(role, labels[role]) for role in roles]
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"rating_{goal.pk}"] = forms.TypedChoiceField(
                label=_("Progress on “%(goal)s”") % {"goal": goal.specific[:80]},
                choices=[("", "—"), *RATING_CHOICES],
                coerce=int,
                required=False,
                empty_value=None,
            )
            self.fields[f"feedback_{goal.pk}"] = forms.CharField(
                label=_("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def ratings(self):
        return [
            (goal, self.cleaned_data[f"rating_{goal.pk}"], self.cleaned_data[f"feedback_{goal.pk}"])
            for goal in self.goals
            if self.cleaned_data.get(f"rating_{goal.pk}") is not None
        ]


class CloseForm(CleanTextFormMixin, forms.Form):
    final_reflection = forms.CharField(
        label=_("Final reflection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the mentee learnt and how they will go on; the mentor's contribution."),
    )

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            title = goal.specific[:80]
            self.fields[f"achieved_{goal.pk}"] = forms.BooleanField(
                label=_("“%(goal)s” achieved") % {"goal": title}, required=False
            )
            self.fields[f"value_{goal.pk}"] = forms.DecimalField(
                label=_("Value reached (%(indicator)s)") % {"indicator": goal.indicator},
                required=False,
                max_digits=10,
                decimal_places=2,
            )
            self.fields[f"note_{goal.pk}"] = forms.CharField(
                label=_("Achievements"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def achievements(self):
        return {
            goal.pk: {
                "achieved": self.cleaned_data[f"achieved_{goal.pk}"],
                "value": self.cleaned_data[f"value_{goal.pk}"],
                "note": self.cleaned_data[f"note_{goal.pk}"],
            }
            for goal in self.goals
        }
