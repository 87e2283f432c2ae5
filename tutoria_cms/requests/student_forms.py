"""The forms a student fills in their area on the public site (student_area.py).

Only the student's own institution's records are offered (terms, components, programmes);
the student is never a field: it is the signed-in student's record.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.choices import TutoringReason
from tutoria_cms.core.forms import CleanTextFormMixin

from .models import MentoringRole
from .services import MAX_REASON_LENGTH

NOTICE_CHANGED = _(
    "The privacy notice has changed since you opened this page: read it again and accept it."
)


class RecordChoiceField(forms.ModelChoiceField):
    """A term or component by its name (and code), as the institution's records have it."""

    def label_from_instance(self, obj):
        code = getattr(obj, "code", "")
        name = getattr(obj, "name", "") or str(obj)
        return f"{code} · {name}" if code and code != name else name


class ProgrammeMixin:
    """An optional programme: one of the institution's tutoring-programme pages, if any."""

    def set_programmes(self, site):
        from .forms import programme_pages

        pages = programme_pages([site]).live().public() if site is not None else None
        if pages is None or not pages.exists():
            del self.fields["programme"]
        else:
            self.fields["programme"].queryset = pages


class SupportRequestForm(ProgrammeMixin, CleanTextFormMixin, forms.Form):
    """A support request: the privacy notice accepted first, then the confidential details."""

    notice_version = forms.IntegerField(widget=forms.HiddenInput)
    accept_notice = forms.BooleanField(
        label=_("I have read the privacy notice and I accept it."),
        required=True,
        error_messages={"required": _("Accept the privacy notice to file a request.")},
    )
    reasons = forms.MultipleChoiceField(
        label=_("Why do you ask for tutoring?"),
        choices=TutoringReason.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more. Only your tutor will read them."),
        error_messages={"required": _("Choose at least one reason.")},
    )
    description = forms.CharField(
        label=_("Tell us more (optional)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_REASON_LENGTH,
        help_text=_(
            "Private: only your tutor (and, if you are referred, the orientation service) reads it."
        ),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("Any programme")
    )

    def __init__(self, *args, site=None, notice_version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice_version = notice_version
        self.fields["notice_version"].initial = notice_version
        self.set_programmes(site)

    def clean_notice_version(self):
        version = self.cleaned_data["notice_version"]
        if version != self.notice_version:
            raise forms.ValidationError(NOTICE_CHANGED, code="notice_changed")
        return version


class IndividualClassRequestForm(CleanTextFormMixin, forms.Form):
    """An individual-class request: the term and component from the institution's records,
    and the facts the board judges (as on coordination's form)."""

    term = RecordChoiceField(label=_("Term"), queryset=None)
    component = RecordChoiceField(label=_("Curricular component"), queryset=None)
    component_offered_this_term = forms.BooleanField(
        label=_("The component (or an equivalent) is offered this term"), required=False
    )
    schedule_clash = forms.BooleanField(
        label=_("Its schedule clashes with another mandatory component of mine"), required=False
    )
    procedures_compatible = forms.BooleanField(
        label=_("Its teaching procedures suit an individual class"),
        required=False,
        initial=True,
        help_text=_(
            "For example, it needs no laboratory or field work that a class of a few "
            "students cannot do."
        ),
    )

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        from tutoria_cms.academics.models import CurricularComponent, Term

        self.fields["term"].queryset = Term.objects.filter(site=site).order_by("-starts_on")
        self.fields["component"].queryset = CurricularComponent.objects.filter(site=site).order_by(
            "code", "name"
        )

    FACTS = ("component_offered_this_term", "schedule_clash", "procedures_compatible")

    def facts(self):
        return {name: self.cleaned_data[name] for name in self.FACTS}


class MentoringRequestForm(ProgrammeMixin, forms.Form):
    mentoring_role = forms.ChoiceField(
        label=_("I would like to take part as"),
        choices=MentoringRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you would be a mentee or a mentor.")},
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("Any programme")
    )

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_programmes(site)


class WithdrawForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw it? (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_REASON_LENGTH,
    )
