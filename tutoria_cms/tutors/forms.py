"""Forms of the tutor directory: the profile page form, the matrix formsets, directory filters."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from tutoria_cms.core.choices import AttentionType, Modality
from tutoria_cms.core.forms import CleanTextFormMixin
from tutoria_cms.core.text import clean_text

from .choices import TutorType


class AssessedChildrenFormMixin:
    """Refuses to remove, from an inline panel, a row that tutors' competency assessments use.

    Deleting it would delete the competencies below it, which assessments protect
    (``on_delete=PROTECT``): without this check the save would fail with a server error.
    ``assessed_formsets`` maps a formset (the inline panel's relation) to the lookup from a
    competency assessment to that formset's rows.
    """

    assessed_formsets = {}

    def clean(self):
        cleaned_data = super().clean()
        from .models import CompetencyAssessment

        for name, lookup in self.assessed_formsets.items():
            formset = self.formsets.get(name)
            if formset is None:
                continue
            for form in formset.deleted_forms:
                row = form.instance
                if row.pk and CompetencyAssessment.objects.filter(**{lookup: row.pk}).exists():
                    self.add_error(
                        None,
                        _(
                            "“%(name)s” cannot be removed: tutors have assessed themselves "
                            "against it. Their assessments would be lost."
                        )
                        % {"name": row},
                    )
        return cleaned_data


class FrameworkForm(AssessedChildrenFormMixin, WagtailAdminModelForm):
    assessed_formsets = {"dimensions": "competency__dimension"}


class DimensionForm(AssessedChildrenFormMixin, WagtailAdminModelForm):
    assessed_formsets = {"competencies": "competency"}


class TutorProfilePageForm(CleanTextFormMixin, WagtailAdminPageForm):
    """A tutor's own profile: the account field is fixed to the tutor for tutors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("user")
        if field is None or self.for_user is None:
            return
        from . import permissions

        page = self.instance if self.instance.pk else self.parent_page
        if page is not None and permissions.can_assign_profile_user(self.for_user, page):
            return
        # A tutor: the profile is theirs, and that cannot be changed from this form.
        if not self.instance.pk or self.instance.user_id is None:
            self.initial["user"] = self.for_user.pk
            self.instance.user = self.for_user
        field.disabled = True
        field.help_text = _("This profile is yours. Ask the coordination to change its owner.")


def level_choices(levels, blank_label):
    return [("", blank_label)] + [(str(level.value), str(level)) for level in levels]


class SelfAssessmentForm(CleanTextFormMixin, forms.Form):
    """One competency of "My competency matrix"."""

    competency = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.TypedChoiceField(
        label=_("My level"), coerce=int, required=False, empty_value=None
    )
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")
    evidence_document = forms.ModelChoiceField(
        label=_("Evidence document"),
        queryset=None,
        required=False,
        help_text=_("A document you uploaded in Documents."),
    )

    def __init__(self, *args, levels=(), documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(levels, _("Not assessed"))
        self.fields["evidence_document"].queryset = documents

    def clean_evidence(self):
        return clean_text(
            self.cleaned_data.get("evidence"), max_length=4000, allow_newlines=True, required=False
        )


class ValidationForm(forms.Form):
    """One competency of a coordinator's validation of a tutor's matrix."""

    competency = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.TypedChoiceField(
        label=_("Agreed level"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(levels, _("Not validated"))


SelfAssessmentFormSet = forms.formset_factory(SelfAssessmentForm, extra=0)
ValidationFormSet = forms.formset_factory(ValidationForm, extra=0)


class DirectoryFilterForm(forms.Form):
    """The public directory's filters (GET)."""

    q = forms.CharField(label=_("Name or expertise"), required=False, max_length=100)
    dimension = forms.ChoiceField(label=_("Strong in"), required=False)
    min_level = forms.TypedChoiceField(
        label=_("Minimum average level"), required=False, coerce=int, empty_value=None
    )
    tutor_type = forms.ChoiceField(label=_("Tutor type"), required=False)
    modality = forms.ChoiceField(label=_("Modality"), required=False)
    attention_type = forms.ChoiceField(label=_("Attention type"), required=False)
    discipline = forms.ChoiceField(label=_("Discipline"), required=False)

    def __init__(self, *args, dimensions=(), levels=(), disciplines=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["dimension"].choices = anything + [(d.code, d.name) for d in dimensions]
        self.fields["min_level"].choices = anything + [
            (str(level.value), str(level)) for level in levels
        ]
        self.fields["tutor_type"].choices = anything + list(TutorType.choices)
        self.fields["modality"].choices = anything + list(Modality.choices)
        self.fields["attention_type"].choices = anything + list(AttentionType.choices)
        self.fields["discipline"].choices = anything + [(t.slug, t.name) for t in disciplines]

    def clean_q(self):
        return clean_text(self.cleaned_data.get("q"), max_length=100, required=False)
