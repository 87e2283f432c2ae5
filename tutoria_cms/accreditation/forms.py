import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from tutoria_cms.core import institutions
from tutoria_cms.core.forms import CleanTextFormMixin
from tutoria_cms.core.pseudonyms import Pseudonymiser

from .context import (
    EXPORT_PERMISSION,
    FILTER_KEYS,
    ExportContext,
    FilterError,
    can_export,
    can_export_identified,
    find_institution,
    find_programme,
    find_term,
    term_model,
)

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


class FilterDateField(forms.Field):
    """A day given as YYYY-MM-DD (a ``date`` as such), refused with the filters' message."""

    def __init__(self, name, **kwargs):
        self.name = name
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(
                gettext("%(field)s: %(value)r is not a date (use YYYY-MM-DD).")
                % {"field": self.name, "value": value}
            ) from None


class ExportFiltersForm(forms.Form):
    """What an export (or the indicators) is about, checked: the one path from filters (the
    admin's form, the command's options, a job's stored filters) to an ``ExportContext``
    (``context()``). ``site``, ``term`` and ``programme`` become the site, the term and the
    programme page; a term stands for its dates. Checked in turn, the first refusal only
    (``context.build_context`` raises it as a ``FilterError``)."""

    site = forms.CharField(required=False)
    term = forms.CharField(required=False)
    date_from = FilterDateField(gettext_lazy("from"))
    date_to = FilterDateField(gettext_lazy("to"))
    programme = forms.CharField(required=False)
    as_of = FilterDateField(gettext_lazy("as of"))
    identified = forms.BooleanField(required=False)

    def __init__(self, *args, user=None, permission=None, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.permission = user, permission or EXPORT_PERMISSION
        self.sources = sources

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data.update(self.lookups(data))
        except FilterError as error:
            raise ValidationError(str(error)) from None
        return data

    def lookups(self, data):
        """The site, term, programme and dates the filters name, checked (FilterError)."""
        from .registry import get_sources

        user = self.user
        if user is not None and self.permission == EXPORT_PERMISSION and not can_export(user):
            raise FilterError(gettext("You do not have permission to export evidence."))
        site = find_institution(data.get("site"), user, self.permission)
        term = find_term(data.get("term"), site)
        date_from, date_to, as_of = data.get("date_from"), data.get("date_to"), data.get("as_of")
        if term is not None and (date_from or date_to):
            raise FilterError(gettext("Give either a term or a date range, not both."))
        if term is not None:
            date_from, date_to = term.starts_on, term.ends_on
        if date_from and date_to and date_from > date_to:
            raise FilterError(gettext("The date range ends before it starts."))
        if as_of is not None and as_of > timezone.localdate():
            raise FilterError(gettext('The "as of" date cannot be in the future.'))
        self.sources = get_sources() if self.sources is None else self.sources
        programme = find_programme(data.get("programme"), site, self.sources)
        identified = bool(data.get("identified"))
        if identified and not (user is not None and can_export_identified(user)):
            raise FilterError(
                gettext(
                    "An identified export needs a user holding the permission to export "
                    "identified data."
                )
            )
        return {
            "site": site,
            "term": term,
            "date_from": date_from,
            "date_to": date_to,
            "programme": programme,
            "as_of": as_of,
            "identified": identified,
        }

    def first_error(self):
        return next(message for errors in self.errors.values() for message in errors)

    def context(self, pseudonymiser=None):
        """The ``ExportContext`` of the valid form's cleaned data."""
        data = self.cleaned_data
        return ExportContext(
            **{name: data[name] for name in FILTER_KEYS},
            user=self.user,
            pseudonymiser=pseudonymiser or Pseudonymiser(),
            sources=self.sources,
        )


class ExportForm(InstitutionChoiceMixin, CleanTextFormMixin, ExportFiltersForm):
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
        super().__init__(*args, user=user, **kwargs)
        self.set_institution_choices(user)
        if not can_export_identified(user):
            del self.fields["identified"]


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
