"""The tutor directory's contribution to accreditation workbooks (``register_tutoria_evidence``).

Sheets: tutors (one row per tutor profile) and their competency matrix (one row per tutor and
competency of the framework of the tutor's site: self-assessed level, validated level, the
level that counts, validated or not). Tutors are staff with public profiles: they are named.
Indicators: tutors, tutors with validated competencies, share of assessed levels validated.

Scope: profiles below the export's site (the programme filter does not apply: tutors belong to
the directory, not to a programme). Assessments are history-tracked: with an "as of" date the
matrix is rebuilt from the history table; the tutors sheet (pages) shows current data.
"""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from tutoria_cms.core.evidence import (
    EvidenceSource,
    HeatMap,
    HeatMapRow,
    Indicator,
    Unit,
)
from tutoria_cms.core.history import rows_as_of

from .models import CompetencyAssessment, TutorProfilePageMixin
from .services import framework_for_site, framework_structure, heat_map

SECTION = _("Tutors")


def _page_model():
    import swapper

    return swapper.load_model("wagtailcore", "Page")


def profile_pages(context):
    pages = _page_model().objects.type(TutorProfilePageMixin)
    return context.pages_in_scope(pages, programme=False)


def assessments(context):
    return context.pages_in_scope(
        CompetencyAssessment.objects.all(), "profile__path", programme=False
    )


def _labels(items):
    return ", ".join(str(item) for item in items)


def _site_of(path, sites):
    for root_path, site in sites:
        if path.startswith(root_path):
            return site
    return None


class TutorsSource(EvidenceSource):
    key = "tutors"
    title = _("Tutors")
    section = SECTION
    order = 40
    programme_filtered = False
    columns = (
        _("Tutor id"),
        _("Tutor"),
        _("Department"),
        _("Tutor types"),
        _("Attention types"),
        _("Modalities"),
        _("Capacity"),
        _("Published"),
        _("Competencies assessed"),
        _("Competencies validated"),
    )

    def count(self, context):
        return profile_pages(context).count()

    def rows(self, context):
        counts = {
            profile_id: (assessed, validated)
            for profile_id, assessed, validated in assessments(context)
            .values_list("profile_id")
            .annotate(
                assessed=Count(
                    "pk", filter=Q(self_level__isnull=False) | Q(validated_level__isnull=False)
                ),
                validated=Count("pk", filter=Q(validated_level__isnull=False)),
            )
            .order_by()
        }
        for page in profile_pages(context).order_by("title", "pk").specific():
            assessed, validated = counts.get(page.pk, (0, 0))
            yield (
                page.pk,
                page.display_name,
                page.department,
                _labels(page.tutor_type_labels()),
                _labels(page.attention_type_labels()),
                _labels(page.modality_labels()),
                page.capacity,
                page.live,
                assessed,
                validated,
            )

    def indicators(self, context):
        levels = assessments(context).filter(
            Q(self_level__isnull=False) | Q(validated_level__isnull=False)
        )
        totals = levels.aggregate(
            assessed=Count("pk"), validated=Count("pk", filter=Q(validated_level__isnull=False))
        )
        with_validated = (
            levels.filter(validated_level__isnull=False, profile__live=True)
            .values("profile_id")
            .distinct()
            .count()
        )
        share = None
        if totals["assessed"]:
            share = round(100 * totals["validated"] / totals["assessed"], 1)
        return [
            context.count_indicator(
                "tutors",
                _("Tutors in the directory"),
                profile_pages(context).live().count(),
                definition=_("Published tutor profiles of the site."),
            ),
            context.count_indicator(
                "tutors_with_validated_competencies",
                _("Tutors with validated competencies"),
                with_validated,
                definition=_(
                    "Published tutor profiles with at least one competency level "
                    "validated by a coordinator."
                ),
            ),
            Indicator(
                "competency_levels_validated",
                _("Competency levels validated"),
                share,
                unit=Unit.PERCENT,
                definition=_(
                    "Competencies with a level (self-assessed or validated) whose "
                    "level is validated, in per cent (empty when none is assessed)."
                ),
            ),
        ]

    def charts(self, context):
        """The coordinators' competency heat map of each site in scope (the export's site,
        else every site with published tutor profiles): competencies x tutors."""
        if context.site is not None:
            sites = [context.site]
        else:
            sites = list(Site.objects.select_related("root_page").order_by("hostname", "port"))
        pages = profile_pages(context).live()
        charts = []
        for site in sites:
            profiles = list(
                pages.filter(path__startswith=site.root_page.path).order_by("title", "pk")
            )
            if context.site is None and not profiles:
                continue
            charts.append(competency_heat_map(site, profiles, several=context.site is None))
        return charts


def _mean(values):
    values = [value for value in values if value is not None]
    return round(sum(values) / len(values), 2) if values else None


def competency_heat_map(site, profiles, several=False):
    """:class:`HeatMap` data of :func:`services.heat_map` for ``profiles`` of ``site``."""
    framework = framework_for_site(site)
    title = _("Competency heat map")
    if several:
        title = _("Competency heat map: %(site)s") % {"site": site.site_name or site.hostname}
    chart = HeatMap(
        key=f"competency_heat_map_{site.pk}",
        title=str(title),
        description="",
        row_header=str(_("Competency")),
        columns=[profile.title for profile in profiles],
        summary_label=str(_("Average")),
        column_summary_label=str(_("Average")),
        section=str(SECTION),
        note=str(
            _(
                "Level of each tutor: the level validated by the coordination, else the "
                "tutor's self-assessed level. Empty cells: not assessed."
            )
        ),
    )
    if framework is None:
        chart.empty_text = str(_("No competency framework is installed yet."))
        return chart
    if not profiles:
        chart.empty_text = str(_("There are no published tutor profiles yet."))
        return chart
    heat = heat_map(framework, profiles)
    chart.scale = [(level.value, level.name) for level in heat.levels]
    levels_by_tutor = [[] for _profile in profiles]
    cells = [{c.competency.pk: level for c, level in row.cells} for row in heat.rows]
    for column in heat.columns:
        values = []
        for index, row_cells in enumerate(cells):
            level = row_cells[column.competency.pk]
            values.append(level)
            levels_by_tutor[index].append(level)
        chart.rows.append(
            HeatMapRow(
                column.competency.name, values, group=column.dimension.name, summary=column.average
            )
        )
    chart.column_summaries = [_mean(levels) for levels in levels_by_tutor]
    lowest = "; ".join(f"{column.competency.name} ({column.average:.2f})" for column in heat.lowest)
    chart.description = str(
        _(
            "Levels of %(tutors)d tutors in %(competencies)d competencies of %(framework)s, "
            "from %(low)s to %(high)s. Lowest averages: %(lowest)s."
        )
        % {
            "tutors": len(profiles),
            "competencies": len(chart.rows),
            "framework": framework.name,
            "low": heat.levels[0].value if heat.levels else "-",
            "high": heat.levels[-1].value if heat.levels else "-",
            "lowest": lowest or "-",
        }
    )
    return chart


class CompetencyMatrixSource(EvidenceSource):
    key = "competency_matrix"
    title = _("Competency matrix")
    section = SECTION
    order = 41
    as_of_supported = True
    programme_filtered = False
    columns = (
        _("Tutor id"),
        _("Tutor"),
        _("Framework"),
        _("Dimension"),
        _("Competency code"),
        _("Competency"),
        _("Self-assessed level"),
        _("Validated level"),
        _("Level"),
        _("Validated"),
        _("Validated at"),
    )
    FIELDS = ("profile_id", "competency_id", "self_level", "validated_level", "validated_at")

    def _records(self, context):
        """{profile id: {competency id: (self, validated, validated at)}}."""
        records = defaultdict(dict)
        if context.as_of is None:
            rows = assessments(context).values_list(*self.FIELDS)
        else:
            history = context.pages_in_scope(
                CompetencyAssessment.history.all(), "profile__path", programme=False
            )
            rows = rows_as_of(
                history, context.as_of_moment, self.FIELDS, chunk_size=context.chunk_size
            )
        for profile_id, competency_id, own, validated, validated_at in rows:
            records[profile_id][competency_id] = (own, validated, validated_at)
        return records

    def rows(self, context):
        sites = sorted(
            ((site.root_page.path, site) for site in Site.objects.select_related("root_page")),
            key=lambda item: -len(item[0]),
        )
        structures, by_site = {}, {}

        def structure(site):
            # Once per site (the site's setting) and once per framework, not per profile.
            if site.pk not in by_site:
                framework = framework_for_site(site)
                key = framework.pk if framework is not None else None
                if key not in structures:
                    _levels, dimensions = framework_structure(framework)
                    structures[key] = (
                        framework,
                        [
                            (dimension, list(dimension.competencies.all()))
                            for dimension in dimensions
                        ],
                    )
                by_site[site.pk] = structures[key]
            return by_site[site.pk]

        records = self._records(context)
        profiles = profile_pages(context).order_by("title", "pk").values_list("pk", "title", "path")
        for profile_id, title, path in profiles:
            framework, dimensions = structure(_site_of(path, sites))
            mine = records.get(profile_id, {})
            for dimension, competencies in dimensions:
                for competency in competencies:
                    own, validated, validated_at = mine.get(competency.pk, (None, None, None))
                    yield (
                        profile_id,
                        title,
                        framework.name,
                        dimension.name,
                        competency.code,
                        competency.name,
                        own,
                        validated,
                        validated if validated is not None else own,
                        validated is not None,
                        validated_at,
                    )
