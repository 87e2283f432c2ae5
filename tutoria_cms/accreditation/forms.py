from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from tutoria_cms.core import institutions
from tutoria_cms.core.forms import CleanTextFormMixin

from .context import EXPORT_PERMISSION, can_export_identified, term_model

VIEW_INDICATORS = "tutoria_accreditation.view_indicators"


def site_choices(user, permission):
    """The institutions where ``user`` holds ``permission``: an export (and the indicators)
    is about one of them."""
    return [
        (site.hostname, f"{site.site_name or site.hostname} ({site.hostname})")
        for site in institutions.sites_for(user, permission)
    ]


def term_choices(user, permission):
    """The terms of the institutions where ``user`` holds ``permission`` (codes are per
    institution: a term is looked up in the chosen one)."""
    model = term_model()
    if model is None:
        return [("", _("No term"))]
    terms = institutions.scope(model.objects.select_related("site"), user, permission)
    several = len(site_choices(user, permission)) > 1
    return [("", _("No term (use the dates)"))] + list(
        dict.fromkeys(
            (
                term.code,
                f"{term.code} · {term.name}"
                + (f" ({institutions.institution_name(term.site)})" if several else ""),
            )
            for term in terms
        )
    )


class InstitutionChoiceMixin:
    permission = EXPORT_PERMISSION

    def set_institution_choices(self, user):
        choices = site_choices(user, self.permission)
        self.fields["site"].choices = choices
        self.fields["site"].required = True
        self.fields["term"].choices = term_choices(user, self.permission)
        if not self.is_bound:
            self.initial.setdefault("site", self.default_site())

    def default_site(self):
        choices = self.fields["site"].choices
        return choices[0][0] if choices else ""


class ExportForm(InstitutionChoiceMixin, CleanTextFormMixin, forms.Form):
    site = forms.ChoiceField(label=_("Institution"))
    term = forms.ChoiceField(label=_("Term"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=AdminDateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=AdminDateInput)
    programme = forms.SlugField(
        label=_("Programme (slug)"),
        required=False,
        max_length=255,
        help_text=_("Leave empty for every programme."),
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=AdminDateInput,
        help_text=_(
            "Rebuild the sheets and indicators that have a change history as they were at "
            "the end of this day; the others show current data and say so. Empty: current "
            "data."
        ),
    )
    identified = forms.BooleanField(
        label=_("Identified data"),
        required=False,
        help_text=_("Show student numbers instead of pseudonyms."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_institution_choices(user)
        if not can_export_identified(user):
            del self.fields["identified"]

    def filters(self):
        data = self.cleaned_data
        return {
            "site": data.get("site") or "",
            "term": data.get("term") or "",
            "date_from": data["date_from"].isoformat() if data.get("date_from") else "",
            "date_to": data["date_to"].isoformat() if data.get("date_to") else "",
            "programme": data.get("programme") or "",
            "as_of": data["as_of"].isoformat() if data.get("as_of") else "",
            "identified": bool(data.get("identified")),
        }


class IndicatorsForm(InstitutionChoiceMixin, forms.Form):
    site = forms.ChoiceField(label=_("Institution"))
    term = forms.ChoiceField(label=_("Term"), required=False)
    permission = VIEW_INDICATORS

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_institution_choices(user)


class SubjectAccessForm(CleanTextFormMixin, forms.Form):
    student_number = forms.CharField(
        label=_("Student number"),
        max_length=20,
        help_text=_(
            "The workbook holds everything the suite keeps about this student, "
            "including confidential details: hand it only to the student."
        ),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why you export this student's data (e.g. the student's request of access, with "
            "its date). It is kept with the log of this export."
        ),
    )
