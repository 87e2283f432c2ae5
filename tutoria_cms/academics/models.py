"""Academic facts imported from the institution's academic system.

Terms, curricular components (with equivalences), student records and, per component, each
student's failures by absence and by grade. They feed eligibility (requests) and indicators.
Student records hold personal data: ``__str__`` shows the student number only, and the
special-educational-need flag and date of birth are sensitive (never listed or searched).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tutoria_cms.core.models import InstitutionScopedModel


class TermKind(models.TextChoices):
    REGULAR = "regular", _("Regular term")
    SPECIAL = "special", _("Special (vacation) term")


class Term(InstitutionScopedModel):
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=TermKind.choices, default=TermKind.REGULAR
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="tutoria_term_ends_after_start"
            ),
            models.UniqueConstraint(fields=["site", "code"], name="tutoria_term_code_per_site"),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("A term must end after it starts.")})

    @property
    def is_regular(self):
        return self.kind == TermKind.REGULAR


class CurricularComponent(InstitutionScopedModel):
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    hours = models.PositiveIntegerField(
        pgettext_lazy("curricular component", "hours"), validators=[MinValueValidator(1)]
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)
    is_activity = models.BooleanField(
        _("activity-type component"),
        default=False,
        help_text=_("Internships, final projects and other activities (not taught classes)."),
    )
    equivalents = models.ManyToManyField(
        "self", verbose_name=_("equivalent components"), blank=True, symmetrical=True
    )

    history = HistoricalRecords(m2m_fields=["equivalents"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("curricular component")
        verbose_name_plural = _("curricular components")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="tutoria_component_hours"),
            models.UniqueConstraint(
                fields=["site", "code"], name="tutoria_component_code_per_site"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class StudentRecord(InstitutionScopedModel):
    student_number = models.CharField(_("student number"), max_length=20)
    full_name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    programme_of_study = models.CharField(_("programme of study"), max_length=150, blank=True)
    curriculum_hours = models.PositiveIntegerField(
        _("curriculum hours"), validators=[MinValueValidator(1)]
    )
    completed_hours = models.PositiveIntegerField(_("hours completed"), default=0)
    regular_undergraduate = models.BooleanField(_("regular undergraduate student"), default=True)
    # Sensitive: visible only to those who need it (see the requests app's permissions).
    special_educational_need = models.BooleanField(
        _("registered special educational need"), default=False
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["student_number"]
        verbose_name = _("student record")
        verbose_name_plural = _("student records")
        constraints = [
            models.CheckConstraint(
                condition=Q(curriculum_hours__gt=0) & Q(completed_hours__lte=F("curriculum_hours")),
                name="tutoria_student_hours",
            ),
            models.UniqueConstraint(
                fields=["site", "student_number"], name="tutoria_student_number_per_site"
            ),
        ]

    def __str__(self):
        return self.student_number

    def clean(self):
        if (
            self.curriculum_hours
            and self.completed_hours is not None
            and self.completed_hours > self.curriculum_hours
        ):
            raise ValidationError(
                {"completed_hours": _("Hours completed cannot exceed the curriculum hours.")}
            )


class ComponentRecord(InstitutionScopedModel):
    """A student's history in one component: failures by absence and by grade."""

    institution_parent = "student"

    student = models.ForeignKey(
        StudentRecord,
        on_delete=models.CASCADE,
        related_name="component_records",
        verbose_name=_("student"),
    )
    component = models.ForeignKey(
        CurricularComponent,
        on_delete=models.PROTECT,
        related_name="student_records",
        verbose_name=_("component"),
    )
    failures_by_absence = models.PositiveSmallIntegerField(_("failures by absence"), default=0)
    failures_by_grade = models.PositiveSmallIntegerField(_("failures by grade"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("component record")
        verbose_name_plural = _("component records")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "component"], name="tutoria_component_record_unique"
            )
        ]
        permissions = [("import_academics", _("Can import academic records"))]

    def __str__(self):
        return f"{self.student_id}:{self.component_id}"


class TermStanding(InstitutionScopedModel):
    """A student's outcome in one term, as the academic system records it at the term's end.

    The smallest record that lets the indicators compare failure, lag and dropout of tutored
    and other students: how many components the student failed in the term, whether the
    student is behind the curriculum's expected progress (lag: rezago / retenção) and whether
    the student left the programme (dropout: deserción / evasão). A student with a standing in
    a term was enrolled in it. Imported like the other academic records.
    """

    institution_parent = "student"

    student = models.ForeignKey(
        StudentRecord,
        on_delete=models.CASCADE,
        related_name="term_standings",
        verbose_name=_("student"),
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="standings", verbose_name=_("term")
    )
    failed_components = models.PositiveSmallIntegerField(
        _("components failed"),
        default=0,
        help_text=_("Curricular components the student failed in the term (by absence or grade)."),
    )
    lagging = models.BooleanField(
        _("lagging"),
        default=False,
        help_text=_("At the end of the term, behind the progress the curriculum expects."),
    )
    dropped_out = models.BooleanField(
        _("dropped out"),
        default=False,
        help_text=_("Left the programme during or at the end of the term."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["term", "student"]
        verbose_name = _("term outcome")
        verbose_name_plural = _("term outcomes")
        constraints = [
            models.UniqueConstraint(fields=["student", "term"], name="tutoria_term_standing_unique")
        ]

    def __str__(self):
        return f"{self.student_id}:{self.term_id}"
