"""What an export is about (filters), who asked, and the privacy rules applied to it.

:func:`build_context` turns filters (as the form and the command give them, JSON-able) into an
:class:`ExportContext`, or raises :class:`FilterError` with a translated message.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from tutoria_cms.core import institutions
from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.pseudonyms import Pseudonymiser

from . import disclosure
from .registry import Indicator, Unit

IDENTIFIED_PERMISSION = "tutoria_accreditation.export_identified"
EXPORT_PERMISSION = "tutoria_accreditation.export_evidence"
FILTER_KEYS = ("site", "term", "date_from", "date_to", "programme", "as_of", "identified")


class FilterError(ValueError):
    """Filters that do not make sense (message translated, safe to show)."""


def end_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


@dataclass
class ExportContext:
    site: object = None
    term: object = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    programme: object = None
    as_of: datetime.date | None = None
    identified: bool = False
    user: object = None
    pseudonymiser: Pseudonymiser = field(default_factory=Pseudonymiser)
    small_cell_threshold: int = field(default_factory=lambda: tutoria_settings.SMALL_CELL_THRESHOLD)
    generated_at: datetime.datetime = field(default_factory=timezone.now)
    chunk_size: int = 2000
    sources: list | None = None  # the registered sources (None: ask the registry)

    # Scope ---------------------------------------------------------------------------------

    @property
    def scope_path(self):
        """Tree path under which pages are in scope (programme, else site), or None (all)."""
        if self.programme is not None:
            return self.programme.path
        if self.site is not None:
            return self.site.root_page.path
        return None

    @property
    def site_path(self):
        return self.site.root_page.path if self.site is not None else None

    def pages_in_scope(self, queryset, path_field="path", programme=True):
        path = self.scope_path if programme else self.site_path
        if path is None:
            return queryset
        return queryset.filter(**{f"{path_field}__startswith": path})

    def in_institution(self, queryset, field="site"):
        """``queryset`` limited to the export's institution (its rows with ``field``)."""
        if self.site is None:
            return queryset
        return queryset.filter(**{field: self.site})

    def date_q(self, field_name):
        q = Q()
        if self.date_from is not None:
            q &= Q(**{f"{field_name}__gte": self.date_from})
        if self.date_to is not None:
            q &= Q(**{f"{field_name}__lte": self.date_to})
        return q

    @property
    def as_of_moment(self):
        """End of the "as of" day (aware), or None for current data."""
        return end_of_day(self.as_of) if self.as_of is not None else None

    # Privacy -------------------------------------------------------------------------------

    def student_id(self, student_number):
        """The student number itself in an identified export, else its pseudonym."""
        if self.identified:
            return student_number
        return self.pseudonymiser(student_number)

    def count_indicator(self, key, label, value, *, sensitive=False, **kwargs):
        """A count indicator. A sensitive one must be counted over
        :meth:`sensitive_context` (None when it withholds them: then the indicator says
        why); it is released randomly rounded to base 5 (:meth:`release`), and suppressed
        when under the small-cell threshold after rounding."""
        suppressed = False
        if sensitive:
            if value is None and not kwargs.get("unavailable"):
                kwargs["unavailable"] = self.withheld_note()
            value = self.round_sensitive((key,), value)
            suppressed = value is not None and value < self.small_cell_threshold
        return Indicator(
            key=key,
            label=label,
            value=value,
            unit=Unit.COUNT,
            sensitive=sensitive,
            suppressed=suppressed,
            **kwargs,
        )

    # Sensitive counts (statistical disclosure control, see disclosure.py) -----------------

    def reference_day(self):
        """(day, inclusive): terms must have ended by the "as of" day (included), else
        before today."""
        if self.as_of is not None:
            return self.as_of, True
        return timezone.localdate(), False

    def released_terms(self):
        """The whole terms of the institution, in the range and ended, over which sensitive
        counts are released (oldest first; empty without the academics app)."""
        if not hasattr(self, "_released_terms"):
            model = term_model()
            terms = []
            if model is not None:
                candidates = model.objects.all()
                if self.site is not None:
                    candidates = candidates.filter(site=self.site)
                day, inclusive = self.reference_day()
                terms = disclosure.released_terms(
                    candidates, self.date_from, self.date_to, day, inclusive
                )
            self._released_terms = terms
        return self._released_terms

    def sensitive_context(self):
        """This context narrowed to the span of :meth:`released_terms` (from the first one's
        start to the last one's end), or None when no whole ended term lies in the range:
        count every sensitive figure over it, never over the export's own dates."""
        terms = self.released_terms()
        if not terms:
            return None
        narrowed = dataclasses.replace(
            self,
            term=None,
            date_from=min(term.starts_on for term in terms),
            date_to=max(term.ends_on for term in terms),
        )
        narrowed._released_terms = terms
        return narrowed

    def cell_identity(self, cell):
        """What names a sensitive count for its rounding draw: institution, programme and
        ``cell`` (not the dates: the same true value draws the same rounding whatever range
        covers it, so padding a range with empty terms gives no fresh draw)."""
        return (
            self.site.pk if self.site is not None else "",
            self.programme.pk if self.programme is not None else "",
            *cell,
        )

    def round_sensitive(self, cell, value):
        """``value`` randomly rounded to base 5, consistently (see disclosure.py)."""
        return disclosure.random_round(value, self.cell_identity(cell))

    def release(self, cell, value):
        """A sensitive count as a sheet shows it: rounded to base 5, or "< n" when under the
        small-cell threshold after rounding."""
        rounded = self.round_sensitive(cell, value)
        threshold = self.small_cell_threshold
        return rounded if rounded >= threshold else f"< {threshold}"

    def released_period_text(self):
        """The released terms and their span, for notes ("" when none)."""
        terms = self.released_terms()
        if not terms:
            return ""
        codes = ", ".join(term.code for term in terms)
        first = min(term.starts_on for term in terms).isoformat()
        last = max(term.ends_on for term in terms).isoformat()
        return f"{codes} ({first} – {last})"

    def withheld_note(self):
        return _(
            "Withheld: sensitive counts are released only for whole terms that have ended, "
            "and none lies in this range."
        )

    def share_indicator(self, key, label, part, whole, *, sensitive=True, **kwargs):
        """A percentage ``part`` / ``whole`` of a group of students (one decimal; None when the
        group is empty). Sensitive shares are suppressed when ``part`` or ``whole`` is under
        the small-cell threshold (zero included), as sensitive counts are."""
        from decimal import Decimal

        value = None
        if part is not None and whole:
            value = (Decimal(100) * part / whole).quantize(Decimal("0.1"))
        threshold = self.small_cell_threshold
        suppressed = (
            sensitive
            and part is not None
            and whole is not None
            and (part < threshold or whole < threshold)
        )
        return Indicator(
            key=key,
            label=label,
            value=value,
            unit=Unit.PERCENT,
            sensitive=sensitive,
            suppressed=suppressed,
            **kwargs,
        )

    # Tutored students ----------------------------------------------------------------------

    def tutored_students(self):
        """The student records tutored in the scope and period, as the list of querysets the
        installed apps give (:meth:`EvidenceSource.tutored_students`), or None when no
        installed app records tutoring. Computed once per context."""
        if not hasattr(self, "_tutored"):
            from .registry import get_sources

            found = None
            for source in self.sources if self.sources is not None else get_sources():
                querysets = source.tutored_students(self)
                if querysets is not None:
                    found = (found or []) + list(querysets)
            self._tutored = found
        return self._tutored

    # Description ---------------------------------------------------------------------------

    @property
    def filters(self):
        """The filters, JSON-able (what an ExportJob stores)."""
        return {
            "site": self.site.hostname if self.site else "",
            "term": self.term.code if self.term is not None else "",
            # A term stands for its dates: storing both would make the job's own filters
            # refused when the task rebuilds the context ("a term or a date range").
            "date_from": self.date_from.isoformat() if self.date_from and not self.term else "",
            "date_to": self.date_to.isoformat() if self.date_to and not self.term else "",
            "programme": self.programme.slug if self.programme is not None else "",
            "as_of": self.as_of.isoformat() if self.as_of else "",
            "identified": self.identified,
        }


def find_site(hostname):
    if not hostname:
        return None
    site = (
        Site.objects.filter(hostname=hostname).select_related("root_page").order_by("port").first()
    )
    if site is None:
        known = ", ".join(Site.objects.order_by("hostname").values_list("hostname", flat=True))
        raise FilterError(
            _("No site with hostname %(hostname)r (sites: %(known)s).")
            % {"hostname": hostname, "known": known or "-"}
        )
    return site


def term_model():
    """The academics app's ``Term`` model, or None when that app is not installed
    (accreditation imports no domain app)."""
    if not apps.is_installed("tutoria_cms.academics"):
        return None
    return apps.get_model("tutoria_academics", "Term")


def find_term(code, site=None):
    """The term of ``code`` in the institution ``site`` (codes are per institution)."""
    if not code:
        return None
    if term_model() is None:
        raise FilterError(_("Terms need the academics app, which is not installed."))
    terms = term_model().objects.filter(code=code)
    if site is not None:
        terms = terms.filter(site=site)
    term = terms.first()
    if term is None:
        raise FilterError(_("No term with code %(code)r.") % {"code": code})
    return term


def find_programme(slug, site, sources):
    if not slug:
        return None
    for source in sources:
        programme = source.find_programme(slug, site)
        if programme is not None:
            return programme
    raise FilterError(_("No programme with slug %(slug)r.") % {"slug": slug})


def can_export(user):
    return bool(user and user.is_active and user.has_perm(EXPORT_PERMISSION))


def can_export_identified(user):
    return bool(user and user.is_active and user.has_perm(IDENTIFIED_PERMISSION))


def find_institution(hostname, user, permission):
    """The one institution an export or the indicators are about.

    The site named by ``hostname``, where ``user`` must hold ``permission``; without one, the
    user's only institution; superusers, the install's only site; with several it must be
    chosen. Code that asks for nobody (the command line without ``--user``, which checks
    ``--site`` itself, and tests) may leave it out: then every institution (``None``).
    """
    site = find_site(hostname)
    if site is None and user is None:
        return None
    if site is None:
        if user is not None:
            site = institutions.institution_for_new(user, permission)
        if site is None and user.is_superuser:
            only = institutions.only_site_id()
            site = Site.objects.get(pk=only) if only is not None else None
        if site is None:
            raise FilterError(_("Choose the institution (site) the export is about."))
        site = Site.objects.select_related("root_page").get(pk=site.pk)
    if user is not None and not institutions.holds(user, permission, site):
        raise FilterError(
            _("You may not see the data of %(institution)s.")
            % {"institution": institutions.institution_name(site)}
        )
    return site


def build_context(filters, user=None, sources=None, pseudonymiser=None, permission=None):
    """An :class:`ExportContext` from ``filters`` (keys of ``FILTER_KEYS``), checked by the
    export's form (``forms.ExportFiltersForm``), or :class:`FilterError` (its first refusal).

    ``user`` is who asks; an identified export needs ``export_identified`` (explicitly granted).
    An export is about one institution (``site``), one where ``user`` holds ``permission``
    (by default the permission to export).
    """
    from .forms import ExportFiltersForm

    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise FilterError(_("Unknown filters: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    form = ExportFiltersForm(filters, user=user, permission=permission, sources=sources)
    if not form.is_valid():
        raise FilterError(form.first_error())
    return form.context(pseudonymiser)
