"""Every write of the tutor directory, and the matrix and heat-map computations.

Assessments are history-tracked (django-simple-history): they are saved one by one, never with
``QuerySet.update()`` or bulk writes, and always attributed (``core.history.attributed``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import swapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutoria_cms.core import institution_groups, roles
from tutoria_cms.core.history import attributed, field_changes, rows_as_of

from . import permissions
from .models import (
    Competency,
    CompetencyAssessment,
    CompetencyFramework,
    Dimension,
    FrameworkLevel,
    TutorDirectorySettings,
)

# --------------------------------------------------------------------------------------------
# Directory set-up
# --------------------------------------------------------------------------------------------


DIRECTORY_ACTIONS = ("add",)


def open_directory_to_tutors(index_page):
    """Give the tutors of the directory page's institution "add" on it (their institution
    group, "Tutors · <institution>"): they may then create their profile below it and edit the
    page they own (Wagtail's ownership rule), and nothing else. The same grant comes from
    :func:`directory_page_permissions` whenever the institution is synchronised."""
    institution_groups.grant_in_institution(index_page, roles.TUTORS, DIRECTORY_ACTIONS)


def directory_page_permissions(site):
    """The ``register_tutoria_page_permissions`` contribution: the institution's tutors hold
    "add" on each tutor directory page of the site's tree."""
    page_model = swapper.load_model("wagtailcore", "Page")
    directories = page_model.objects.descendant_of(site.root_page, inclusive=True).type(
        *permissions.directory_models()
    )
    return [(roles.TUTORS, DIRECTORY_ACTIONS, list(directories))]


# --------------------------------------------------------------------------------------------
# Frameworks
# --------------------------------------------------------------------------------------------


def default_framework():
    return CompetencyFramework.objects.order_by("pk").first()


def framework_for_site(site):
    """The framework chosen in the site's settings, else the first one installed (kept in
    the cache until a framework, a setting or any content changes: core.page_cache)."""
    from tutoria_cms.core.page_cache import cached

    def compute():
        if site is not None:
            chosen = TutorDirectorySettings.for_site(site).framework
            if chosen is not None:
                return chosen
        return default_framework()

    return cached("tutors-framework", getattr(site, "pk", None), compute=compute)


def framework_for_page(page, request=None):
    from tutoria_cms.core.sites import site_for

    return framework_for_site(site_for(page, request))


def level_values(framework):
    return set(FrameworkLevel.objects.filter(framework=framework).values_list("value", flat=True))


def check_level(framework, level, field="level"):
    """Refuse a level that is not a step of the framework's scale (None means "no level")."""
    if level is None:
        return
    values = level_values(framework)
    if level not in values:
        message = _("%(level)s is not a level of the scale of %(framework)s (levels: %(levels)s).")
        raise ValidationError(
            {
                field: ValidationError(
                    message
                    % {
                        "level": level,
                        "framework": framework.name,
                        "levels": ", ".join(str(v) for v in sorted(values)),
                    },
                    code="level_not_in_scale",
                )
            }
        )


# --------------------------------------------------------------------------------------------
# Assessments
# --------------------------------------------------------------------------------------------


def reindex_profile(profile):
    """Index ``profile`` again: its search words include the competencies of its public
    matrix, which change without the page being saved (validation, publication)."""
    from wagtail.search.tasks import insert_or_update_object_task

    meta = profile.specific_class._meta if hasattr(profile, "specific_class") else profile._meta
    insert_or_update_object_task.enqueue(meta.app_label, meta.model_name, str(profile.pk))


def _get_or_new(profile, competency):
    """The assessment, locked for the update, or a new unsaved one (saved once: one history
    record per change)."""
    assessment = (
        CompetencyAssessment.objects.select_for_update()
        .filter(profile_id=profile.pk, competency=competency)
        .first()
    )
    if assessment is None:
        return CompetencyAssessment(profile_id=profile.pk, competency=competency), True
    return assessment, False


def _framework_of(competency):
    return CompetencyFramework.objects.get(dimensions__competencies=competency)


@transaction.atomic
def self_assess(
    profile, competency, *, user, level, evidence="", evidence_url="", evidence_document=None
):
    """The tutor records their own level and evidence for a competency (returns the
    assessment, or None when there was nothing to record)."""
    if not permissions.can_self_assess(user, profile):
        raise PermissionDenied(_("Only the tutor of this profile may assess themself."))
    check_level(_framework_of(competency), level)
    assessment, created = _get_or_new(profile, competency)
    new = {
        "self_level": level,
        "evidence": evidence or "",
        "evidence_url": evidence_url or "",
        "evidence_document_id": evidence_document.pk if evidence_document else None,
    }
    if created and level is None and not any(v for k, v in new.items() if k != "self_level"):
        return None  # nothing to record
    if not created and all(getattr(assessment, name) == value for name, value in new.items()):
        return assessment
    for name, value in new.items():
        setattr(assessment, name, value)
    assessment.self_assessed_at = timezone.now()
    attributed(assessment, user).save()
    return assessment


@transaction.atomic
def validate(profile, competency, *, user, level):
    """A coordinator agrees a level with the tutor (``level=None`` withdraws the validation)."""
    if permissions.is_coordinator(user) and profile.user_id == user.pk:
        raise ValidationError(
            _("You cannot validate your own competency matrix: another coordinator must."),
            code="own_matrix",
        )
    if not permissions.can_validate(user, profile):
        raise PermissionDenied(_("Only the tutoring coordination validates competency matrices."))
    check_level(_framework_of(competency), level)
    assessment, created = _get_or_new(profile, competency)
    if assessment.validated_level == level and (not created or level is None):
        return assessment
    assessment.validated_level = level
    assessment.validated_by = user if level is not None else None
    assessment.validated_at = timezone.now() if level is not None else None
    attributed(assessment, user).save()
    reindex_profile(profile)
    return assessment


@transaction.atomic
def publish_matrix(profile, user=None):
    """Make the tutor's current self-assessed levels public (called when the profile is
    published, that is after moderation)."""
    changed = 0
    for assessment in CompetencyAssessment.objects.filter(profile_id=profile.pk):
        if assessment.published_level != assessment.self_level:
            assessment.published_level = assessment.self_level
            attributed(assessment, user).save()
            changed += 1
    if changed:
        reindex_profile(profile)
    return changed


# --------------------------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------------------------


@dataclass
class MatrixRow:
    competency: Competency
    level: int | None = None
    self_level: int | None = None
    validated_level: int | None = None
    validated_by: object = None
    validated_at: datetime.datetime | None = None
    evidence: str = ""
    evidence_url: str = ""
    evidence_document_id: int | None = None
    max_level: int = 0

    @property
    def validated(self):
        return self.validated_level is not None

    @property
    def percent(self):
        if not self.level or not self.max_level:
            return 0
        return round(100 * self.level / self.max_level)


@dataclass
class MatrixDimension:
    dimension: Dimension
    rows: list = field(default_factory=list)

    @property
    def average(self):
        levels = [row.level for row in self.rows if row.level is not None]
        return round(sum(levels) / len(levels), 2) if levels else None


@dataclass
class Matrix:
    framework: CompetencyFramework | None
    levels: list = field(default_factory=list)
    dimensions: list = field(default_factory=list)
    as_of: datetime.datetime | None = None

    @property
    def max_level(self):
        return max((level.value for level in self.levels), default=0)

    @property
    def has_levels(self):
        return any(row.level is not None for d in self.dimensions for row in d.rows)

    def rows(self):
        return [row for dimension in self.dimensions for row in dimension.rows]


def framework_structure(framework):
    """Levels and dimensions with their competencies: three queries."""
    if framework is None:
        return [], []
    from tutoria_cms.core.page_cache import cached

    def compute():
        levels = list(FrameworkLevel.objects.filter(framework=framework).order_by("value"))
        dimensions = list(
            Dimension.objects.filter(framework=framework).prefetch_related("competencies")
        )
        return levels, dimensions

    # Kept in the cache (core.page_cache): a public page asks for it on every view.
    return cached("tutors-framework-structure", framework.pk, compute=compute)


def build_matrix(framework, records, *, mode="current", as_of=None):
    """A matrix from assessment-like records (rows or historical rows) keyed by competency id.

    ``mode`` "current": the level is the validated level, else the self-assessed one;
    "public": the validated level, else the self-assessed level as of the last publication.
    """
    levels, dimensions = framework_structure(framework)
    matrix = Matrix(framework=framework, levels=levels, as_of=as_of)
    max_level = matrix.max_level
    for dimension in dimensions:
        block = MatrixDimension(dimension=dimension)
        for competency in dimension.competencies.all():
            record = records.get(competency.pk)
            row = MatrixRow(competency=competency, max_level=max_level)
            if record is not None:
                own = record.published_level if mode == "public" else record.self_level
                row.self_level = own
                row.validated_level = record.validated_level
                row.validated_at = record.validated_at
                row.validated_by = getattr(record, "validated_by", None)
                row.level = record.validated_level if record.validated_level is not None else own
                if mode != "public":
                    row.evidence = record.evidence
                    row.evidence_url = record.evidence_url
                    row.evidence_document_id = record.evidence_document_id
            block.rows.append(row)
        matrix.dimensions.append(block)
    return matrix


def current_matrix(profile, framework=None):
    framework = framework or framework_for_page(profile)
    records = {
        a.competency_id: a
        for a in CompetencyAssessment.objects.filter(profile_id=profile.pk).select_related(
            "validated_by", "evidence_document"
        )
    }
    return build_matrix(framework, records, mode="current")


def public_matrix(profile, preview=False, framework=None):
    """What the public profile shows; a preview shows the current (unmoderated) levels."""
    if preview:
        return current_matrix(profile, framework)
    framework = framework or framework_for_page(profile)
    records = {
        a.competency_id: a
        for a in CompetencyAssessment.objects.filter(profile_id=profile.pk).select_related(
            "validated_by"
        )
    }
    return build_matrix(framework, records, mode="public")


def matrix_as_of(profile, when, framework=None):
    """The matrix as it stood at ``when`` (a datetime, or a date: the end of that day),
    rebuilt from the history table (``core.history.rows_as_of``)."""
    if isinstance(when, datetime.date) and not isinstance(when, datetime.datetime):
        when = timezone.make_aware(datetime.datetime.combine(when, datetime.time.max))
    framework = framework or framework_for_page(profile)
    history = CompetencyAssessment.history.filter(profile_id=profile.pk).select_related(
        "validated_by"
    )
    records = {row.competency_id: row for row in rows_as_of(history, when)}
    return build_matrix(framework, records, mode="current", as_of=when)


TRACKED_FIELDS = (
    "self_level",
    "evidence",
    "evidence_url",
    "evidence_document",
    "published_level",
    "validated_level",
    "validated_by",
)


def _person(user):
    return user.get_full_name() or user.get_username()


def assessment_history(profile):
    """Every change of the profile's assessments, newest first: who, when, what
    (``core.history.HistoryEntry``, the competency as subject)."""
    rows = CompetencyAssessment.history.filter(profile_id=profile.pk).select_related(
        "history_user", "competency"
    )
    entries = [
        row.entry(row.record.competency.name, created=False)
        for row in field_changes(rows, TRACKED_FIELDS, {"validated_by": _person})
        if row.changes or row.deleted
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


# --------------------------------------------------------------------------------------------
# The programme's heat map
# --------------------------------------------------------------------------------------------


def _average(values):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 2) if values else None


@dataclass
class HeatColumn:
    competency: Competency
    dimension: Dimension
    count: int = 0
    average: float | None = None


@dataclass
class HeatDimension:
    dimension: Dimension
    columns: list
    count: int = 0
    average: float | None = None


@dataclass
class HeatRow:
    profile: object
    cells: list  # (column, level or None) in column order
    dimension_averages: list  # (HeatDimension, average) in dimension order


@dataclass
class HeatMap:
    framework: CompetencyFramework | None
    levels: list
    dimensions: list
    rows: list
    lowest: list

    @property
    def columns(self):
        return [column for dimension in self.dimensions for column in dimension.columns]

    @property
    def max_level(self):
        return max((level.value for level in self.levels), default=0)


def heat_map(framework, profiles, lowest_count=3):
    """Tutors x competencies, levels being the validated level, else the self-assessed one.

    Per competency and per dimension: how many levels are known and their average. The
    competencies with the lowest averages (ties at the boundary included) are the suggested
    topics of tutor-training workshops. Queries: three for the framework, one for assessments.
    """
    levels, dimensions = framework_structure(framework)
    profiles = list(profiles)
    effective = {}
    assessments = CompetencyAssessment.objects.filter(
        profile_id__in=[p.pk for p in profiles],
        competency__dimension__framework=framework,
    ).values_list("profile_id", "competency_id", "self_level", "validated_level")
    for profile_id, competency_id, self_level, validated_level in assessments:
        level = validated_level if validated_level is not None else self_level
        if level is not None:
            effective[(profile_id, competency_id)] = level

    heat_dimensions = []
    by_competency = defaultdict(list)
    for (_profile_id, competency_id), level in effective.items():
        by_competency[competency_id].append(level)
    for dimension in dimensions:
        columns = []
        for competency in dimension.competencies.all():
            values = by_competency.get(competency.pk, [])
            columns.append(HeatColumn(competency, dimension, len(values), _average(values)))
        all_values = [v for c in dimension.competencies.all() for v in by_competency.get(c.pk, [])]
        heat_dimensions.append(
            HeatDimension(dimension, columns, len(all_values), _average(all_values))
        )

    rows = []
    for profile in profiles:
        cells = []
        averages = []
        for heat_dimension in heat_dimensions:
            values = []
            for column in heat_dimension.columns:
                level = effective.get((profile.pk, column.competency.pk))
                cells.append((column, level))
                values.append(level)
            averages.append((heat_dimension, _average(values)))
        rows.append(HeatRow(profile, cells, averages))

    ranked = sorted(
        (c for d in heat_dimensions for c in d.columns if c.average is not None),
        key=lambda column: column.average,
    )
    lowest = ranked[:lowest_count]
    if lowest:
        boundary = lowest[-1].average
        lowest += [c for c in ranked[lowest_count:] if c.average == boundary]
    return HeatMap(framework, levels, heat_dimensions, rows, lowest)
