"""Admin views: the export form and the list of past exports, a job's progress page (it
refreshes itself without JavaScript), the download, and the indicators dashboard."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from tutoria_cms.core import institutions
from tutoria_cms.core.evidence import HeatMap

from ..core.views import AdminFormView, AdminPageMixin
from . import permissions, services
from .builder import collect_indicators, unit_label
from .charts import bar_chart, heat_map_chart, line_chart
from .context import IDENTIFIED_PERMISSION, FilterError, build_context
from .forms import ExportForm, IndicatorsForm, SubjectAccessForm
from .models import ExportJob
from .registry import Unit, get_sources
from .subject_access import build_subject_workbook
from .trends import collect_trends

REFRESH_SECONDS = 2


class AccreditationView(AdminPageMixin, TemplateView):
    header_icon = "download"


class ExportView(AccreditationView):
    """The quality office's export form, and the exports made so far."""

    page_title = gettext_lazy("Evidence workbooks")
    template_name = "tutoria_cms/accreditation/export.html"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_export(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = ExportForm(request.POST, user=request.user)
        if form.is_valid():
            job = services.start_export(
                request.user, form.context(), language=translation.get_language()
            )
            return redirect("tutoria_accreditation:job", job.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or ExportForm(user=self.request.user)
        context["jobs"] = permissions.visible_jobs(self.request.user)[:50]
        return context


class JobView(AccreditationView):
    page_title = gettext_lazy("Evidence workbook")
    template_name = "tutoria_cms/accreditation/job.html"

    def dispatch(self, request, pk, *args, **kwargs):
        self.job = get_object_or_404(permissions.jobs_in_reach(request.user), pk=pk)
        if not permissions.can_view_job(request.user, self.job):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        context.update(
            job=job,
            refresh=None if job.is_finished else REFRESH_SECONDS,
            can_download=permissions.can_download(self.request.user, job),
            # The purpose is typed text that may name the student: identified readers only.
            show_purpose=bool(job.purpose)
            and institutions.holds(self.request.user, IDENTIFIED_PERMISSION, job.site_id),
        )
        return context


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(request, pk):
    """The workbook, from the private storage, as an attachment (never shown inline)."""
    job = get_object_or_404(permissions.jobs_in_reach(request.user), pk=pk)
    if not permissions.can_download(request.user, job):
        raise PermissionDenied
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:  # deleted by purge_tutoria_files
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=job.filename(), content_type=XLSX_CONTENT_TYPE
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def indicator_display(indicator):
    """The text shown for an indicator's value: suppressed, not available (and why), none."""
    if indicator.suppressed:
        return _("suppressed")
    if indicator.value is None:
        return str(indicator.unavailable) if indicator.unavailable else _("no data")
    return str(indicator.value)


def indicator_groups(indicators):
    """[(section, [(indicator, display, unit label)])] in the order of the sections' first
    indicator: the home page's tables, one per section, each figure with its unit."""
    groups = {}
    for indicator in indicators:
        display = indicator_display(indicator)
        has_value = not indicator.suppressed and indicator.value is not None
        unit = unit_label(indicator.unit) if has_value else ""
        groups.setdefault(str(indicator.section), []).append((indicator, display, unit))
    return list(groups.items())


def _bars_chart(chart_id, title, selected, unit):
    displays = [indicator_display(i) for i in selected]
    # Beside a bar, "not available" is enough: the description and the table say why.
    bars = [
        (
            i.label,
            i.display_value,
            _("not available")
            if i.value is None and i.unavailable and not i.suppressed
            else display,
        )
        for i, display in zip(selected, displays, strict=True)
    ]
    description = "; ".join(
        f"{i.label}: {display}" for i, display in zip(selected, displays, strict=True)
    )
    svg = bar_chart(
        chart_id, title, description, bars, maximum=100 if unit == Unit.PERCENT else None
    )
    return {
        "kind": "bars",
        "title": title,
        "svg": svg,
        "unit": unit_label(unit),
        "rows": list(zip(selected, displays, strict=True)),
    }


def indicator_charts(indicators):
    """One chart per group of indicators that asks for one (``Indicator.chart``: requests by
    state, reasons by category, ...) in the order they come, then one per unit (counts,
    hours, percentages) for the others, each with the rows of its table."""
    titles = {
        Unit.COUNT: _("Counts"),
        Unit.HOURS: _("Hours"),
        Unit.PERCENT: _("Percentages"),
    }
    groups = {}
    for indicator in indicators:
        if indicator.chart:
            groups.setdefault(indicator.chart, []).append(indicator)
    charts = []
    for key, selected in groups.items():
        units = {i.unit for i in selected}
        unit = units.pop() if len(units) == 1 else Unit.COUNT
        title = str(selected[0].chart_title or key)
        charts.append(_bars_chart(f"chart-{key}", title, selected, unit))
    for unit in (Unit.COUNT, Unit.HOURS, Unit.PERCENT):
        selected = [i for i in indicators if i.unit == unit and not i.chart]
        if selected:
            charts.append(_bars_chart(f"chart-{unit}", titles[unit], selected, unit))
    return charts


def trend_display(value):
    return "—" if value is None else str(value)


def trend_charts(periods, trends):
    """A line chart per unit of the trend series (percentages, counts, hours), each with the
    table of its figures (series x terms)."""
    titles = {
        Unit.PERCENT: _("Trend over terms: percentages"),
        Unit.COUNT: _("Trend over terms: counts"),
        Unit.HOURS: _("Trend over terms: hours"),
    }
    labels = [period.label for period in periods]
    charts = []
    for unit in (Unit.PERCENT, Unit.COUNT, Unit.HOURS):
        selected = [trend for trend in trends if trend.unit == unit]
        if not selected:
            continue
        series, rows = [], []
        for trend in selected:
            values = [trend.values.get(period.key) for period in periods]
            displays = [trend_display(value) for value in values]
            series.append((trend.label, values, displays))
            rows.append((trend, displays))
        description = "; ".join(
            f"{label}: "
            + ", ".join(f"{term} {shown}" for term, shown in zip(labels, displays, strict=True))
            for label, _values, displays in series
        )
        svg = line_chart(
            f"trend-{unit}",
            titles[unit],
            description,
            labels,
            series,
            maximum=100 if unit == Unit.PERCENT else None,
            suffix=" %" if unit == Unit.PERCENT else "",
        )
        charts.append(
            {
                "kind": "trend",
                "title": titles[unit],
                "svg": svg,
                "unit": unit_label(unit),
                "periods": periods,
                "rows": rows,
            }
        )
    return charts


def heat_map_charts(context, sources=None):
    """The heat maps the installed apps contribute (``EvidenceSource.charts``), rendered."""
    charts = []
    for source in get_sources() if sources is None else sources:
        for heat in source.charts(context):
            if not isinstance(heat, HeatMap):
                continue
            charts.append(
                {
                    "kind": "heat",
                    "title": heat.title,
                    "heat": heat,
                    "svg": heat_map_chart(f"heat-{heat.key}", heat) if heat.rows else "",
                }
            )
    return charts


def dashboard_indicators(site_hostname="", term_code="", user=None):
    """The indicators of an institution and term (whoever may see indicators there may see
    these)."""
    context = build_context(
        {"site": site_hostname, "term": term_code},
        permission=permissions.VIEW_INDICATORS,
        **({"user": user} if user is not None else {}),
    )
    return context, collect_indicators(context, context.sources)


class IndicatorsView(AccreditationView):
    page_title = gettext_lazy("Indicators")
    header_icon = "table"
    template_name = "tutoria_cms/accreditation/indicators.html"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_view_indicators(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = IndicatorsForm(self.request.GET or None, user=user)
        site = term = ""
        if form.is_valid():
            site, term = form.cleaned_data["site"], form.cleaned_data["term"]
        try:
            export_context, indicators = dashboard_indicators(site, term, user=user)
        except FilterError as error:
            messages.error(self.request, str(error))
            export_context, indicators = dashboard_indicators(form.default_site(), user=user)
        periods, trends = collect_trends(export_context, export_context.sources)
        context.update(
            form=form if form.is_bound else IndicatorsForm(user=user),
            indicators=indicators,
            charts=indicator_charts(indicators),
            heat_maps=heat_map_charts(export_context, export_context.sources),
            trend_charts=trend_charts(periods, trends),
            trend_periods=periods,
            export_context=export_context,
            generated_at=timezone.localtime(),
            export_url=reverse("tutoria_accreditation:export")
            if permissions.can_export(self.request.user)
            else None,
        )
        return context


class SubjectAccessView(AdminFormView):
    """A form for one student number; the workbook is downloaded directly (and logged)."""

    form_class = SubjectAccessForm
    page_title = gettext_lazy("Subject access")
    header_icon = "user"
    submit_label = gettext_lazy("Download the workbook")
    intro = gettext_lazy(
        "Everything the suite holds about one student of your institutions, as a workbook: "
        "academic record, requests with their history, notices and confidential details, "
        "sessions, referrals, individual classes, student groups and group sessions, "
        "end-of-term reports, workshop registrations and attendance, peer mentoring, and who "
        "read the confidential details. The export is logged with its purpose. Superusers "
        "get the confidential texts withheld, as in every other screen."
    )

    def has_permission(self):
        return permissions.can_export_identified(self.request.user)

    def get_cancel_url(self):
        return ""

    def form_valid(self, form):
        buffer = io.BytesIO()
        build_subject_workbook(
            form.cleaned_data["student_number"],
            buffer,
            self.request.user,
            form.cleaned_data["purpose"],
            language=translation.get_language() or "",
        )
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="subject-access.xlsx"'
        response["Cache-Control"] = "no-store"
        return response
