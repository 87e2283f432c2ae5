from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput
from wagtail.models import Site

from tutoria_cms.core.forms import CleanTextFormMixin

from .context import can_export_identified, term_model


def site_choices():
    return [("", _("All sites"))] + [
        (site.hostname, f"{site.site_name or site.hostname} ({site.hostname})")
        for site in Site.objects.order_by("hostname", "port")
    ]


def term_choices():
    model = term_model()
    if model is None:
        return [("", _("No term"))]
    return [("", _("No term (use the dates)"))] + [
        (term.code, f"{term.code} · {term.name}") for term in model.objects.all()
    ]


class ExportForm(CleanTextFormMixin, forms.Form):
    site = forms.ChoiceField(label=_("Site"), required=False)
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
            "Rebuild registrations, attendance and competency levels as they were on "
            "this day. Empty: current data."
        ),
    )
    identified = forms.BooleanField(
        label=_("Identified data"),
        required=False,
        help_text=_("Show student numbers instead of pseudonyms."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices()
        self.fields["term"].choices = term_choices()
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


class IndicatorsForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"), required=False)
    term = forms.ChoiceField(label=_("Term"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices()
        self.fields["term"].choices = term_choices()


class SubjectAccessForm(CleanTextFormMixin, forms.Form):
    student_number = forms.CharField(
        label=_("Student number"),
        max_length=20,
        help_text=_(
            "The workbook holds everything the suite keeps about this student, "
            "including confidential details: hand it only to the student."
        ),
    )
