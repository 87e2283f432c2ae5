"""The browser's listings, one per evidence record type, for the apps that are installed.

What is never shown, searched or exported here: a request's confidential details
(``RequestDisclosure``: reasons, private description), its referrals (reason, outcome notes,
even their existence per request), its reasoned decision text outside the history's change
reason, session private notes, registrants' names and e-mail addresses, assessments' evidence
text, and raw student numbers without ``export_identified``.
"""

from django.apps import apps
from django.contrib.admin import SimpleListFilter
from django.utils.translation import gettext_lazy as _

from .options import EvidenceModelAdmin, display

# What the listing-export log shows a pseudonymised reader instead of the search typed in an
# identified export (it may be a student number).
SEARCH_WITHHELD = _("(hidden: searched in an identified export)")


def request_admins():
    from tutoria_cms.requests.models import TutoringRequest, TutoringSession

    class TutoringRequestAdmin(EvidenceModelAdmin):
        model = TutoringRequest
        base_url_path = "evidence/requests"
        menu_label = _("Tutoring requests")
        menu_icon = "form"
        list_display = (
            "request_id",
            "kind",
            "state",
            "term",
            "student",
            "component",
            "created_at",
            "submitted_at",
            "decided_at",
        )
        list_filter = ("state", "kind", "term")
        list_select_related = ("term", "student", "component")
        search_fields = ("component__code", "component__name", "term__code")
        identified_search_fields = ("student__student_number",)
        inspect_view_fields = (
            "request_id",
            "kind",
            "state",
            "term",
            "programme",
            "student",
            "component",
            "mentoring_role",
            "rule_set",
            "assigned_tutor",
            "created_at",
            "submitted_at",
            "decided_at",
            "decided_by",
        )
        history_fields = ("state",)

        def history_reason(self, reason, privacy):
            # An action code ("submit") by its translated name; a reason staff typed (free
            # text about a student) only to identified users, as in the evidence workbook.
            from tutoria_cms.requests.evidence import REASON_WITHHELD
            from tutoria_cms.requests.viewsets import history_action

            label = history_action(reason)
            if label or not reason:
                return label or ""
            return reason if privacy.identified else REASON_WITHHELD

        @display(_("request"), "pk")
        def request_id(self, obj):
            return f"#{obj.pk}"

        def student_number_of(self, obj):
            return obj.student.student_number

    class TutoringSessionAdmin(EvidenceModelAdmin):
        model = TutoringSession
        base_url_path = "evidence/sessions"
        menu_label = _("Tutoring sessions")
        menu_icon = "time"
        list_display = (
            "date",
            "attention_type",
            "modality",
            "duration_minutes",
            "request_ref",
            "student",
        )
        list_filter = ("attention_type", "modality", "date")
        list_select_related = ("request__student",)
        search_fields = ()
        identified_search_fields = ("request__student__student_number",)
        inspect_view_fields = (
            "date",
            "attention_type",
            "modality",
            "duration_minutes",
            "request_ref",
            "student",
            "recorded_by",
        )
        history_fields = ("date", "modality", "duration_minutes")

        @display(_("request"), "request_id")
        def request_ref(self, obj):
            return f"#{obj.request_id}"

        def student_number_of(self, obj):
            return obj.request.student.student_number

    return [TutoringRequestAdmin, TutoringSessionAdmin]


def workshop_admins():
    from tutoria_cms.workshops.evidence import registration_pseudonym
    from tutoria_cms.workshops.models import Attendance, WorkshopRegistration

    class WorkshopFilter(SimpleListFilter):
        title = _("workshop")
        parameter_name = "workshop"

        def lookups(self, request, model_admin):
            from tutoria_cms.workshops.models import get_page_model

            # Any page built on the workshop mixin (the default page or the site's own).
            with_registrations = WorkshopRegistration.objects.values("workshop_id")
            pages = get_page_model().objects.filter(pk__in=with_registrations).order_by("title")
            return [(str(page.pk), page.title) for page in pages]

        def queryset(self, request, queryset):
            value = self.value()
            if not value:
                return queryset
            if not value.isdigit():
                return queryset.none()
            field = (
                "workshop_id"
                if queryset.model is WorkshopRegistration
                else ("registration__workshop_id")
            )
            return queryset.filter(**{field: value})

    class RegistrationAdmin(EvidenceModelAdmin):
        model = WorkshopRegistration
        base_url_path = "evidence/registrations"
        institution_page_path = "workshop__path"
        menu_label = _("Workshop registrations")
        menu_icon = "group"
        list_display = ("workshop_title", "student", "status", "created_at")
        list_filter = ("status", WorkshopFilter, "created_at")
        list_select_related = ("workshop",)
        search_fields = ("workshop__title",)
        identified_search_fields = ("student_number",)
        inspect_view_fields = (
            "workshop_title",
            "student",
            "status",
            "consent",
            "consent_at",
            "language",
            "created_at",
        )
        history_fields = ("status",)

        def get_queryset(self, request):
            # Sign-ups never confirmed are not evidence (as in the workbooks).
            return super().get_queryset(request).exclude(status=WorkshopRegistration.Status.PENDING)

        @display(_("workshop"))
        def workshop_title(self, obj):
            return obj.workshop.title

        def student_number_of(self, obj):
            return obj.student_number

        def pseudonym_of(self, obj, pseudonymiser):
            # Only a sign-up confirmed from the student record's address is the student's.
            return registration_pseudonym(obj, pseudonymiser)

    class AttendanceAdmin(EvidenceModelAdmin):
        model = Attendance
        base_url_path = "evidence/attendance"
        institution_page_path = "registration__workshop__path"
        menu_label = _("Workshop attendance")
        menu_icon = "tick"
        list_display = ("workshop_title", "session_date", "student", "present", "recorded_at")
        list_filter = ("present", WorkshopFilter, "session__date")
        list_select_related = ("session", "registration__workshop")
        search_fields = ("registration__workshop__title",)
        identified_search_fields = ("registration__student_number",)
        inspect_view_fields = (
            "workshop_title",
            "session_date",
            "session_times",
            "student",
            "present",
            "recorded_by",
            "recorded_at",
        )
        history_fields = ("present",)

        @display(_("workshop"))
        def workshop_title(self, obj):
            return obj.registration.workshop.title

        @display(_("session date"), "session__date")
        def session_date(self, obj):
            return obj.session.date

        @display(_("session times"))
        def session_times(self, obj):
            return f"{obj.session.start_time:%H:%M}-{obj.session.end_time:%H:%M}"

        def student_number_of(self, obj):
            return obj.registration.student_number

        def pseudonym_of(self, obj, pseudonymiser):
            return registration_pseudonym(obj.registration, pseudonymiser)

    return [RegistrationAdmin, AttendanceAdmin]


def tutor_admins():
    from tutoria_cms.tutors.models import CompetencyAssessment

    class ValidatedFilter(SimpleListFilter):
        title = _("validated")
        parameter_name = "validated"

        def lookups(self, request, model_admin):
            return [("yes", _("Yes")), ("no", _("No"))]

        def queryset(self, request, queryset):
            if self.value() == "yes":
                return queryset.filter(validated_level__isnull=False)
            if self.value() == "no":
                return queryset.filter(validated_level__isnull=True)
            return queryset

    class AssessmentAdmin(EvidenceModelAdmin):
        model = CompetencyAssessment
        base_url_path = "evidence/assessments"
        institution_page_path = "profile__path"
        menu_label = _("Competency assessments")
        menu_icon = "list-ul"
        list_display = (
            "tutor",
            "competency",
            "self_level",
            "validated_level",
            "validated_at",
        )
        list_filter = (ValidatedFilter, "competency__dimension", "validated_at")
        list_select_related = ("profile", "competency")
        search_fields = (
            "profile__title",
            "competency__code",
            "competency__name_es",
            "competency__name_pt_br",
            "competency__name_en",
        )
        inspect_view_fields = (
            "tutor",
            "competency",
            "self_level",
            "self_assessed_at",
            "published_level",
            "validated_level",
            "validated_by",
            "validated_at",
        )
        history_fields = ("self_level", "published_level", "validated_level")

        @display(_("tutor"), "profile__title")
        def tutor(self, obj):
            return obj.profile.title

    return [AssessmentAdmin]


def partnership_admins():
    from django.http import Http404

    from tutoria_cms.core import institutions
    from tutoria_cms.partnerships.models import Agreement

    from .options import EvidenceInspectView

    class AgreementInspectView(EvidenceInspectView):
        def dispatch(self, request, *args, **kwargs):
            # Another institution's agreement is not found.
            visible = institutions.scope(Agreement.objects.all(), request.user)
            if not visible.filter(pk=self.instance.pk).exists():
                raise Http404
            return super().dispatch(request, *args, **kwargs)

    class AgreementAdmin(EvidenceModelAdmin):
        model = Agreement
        inspect_view_class = AgreementInspectView

        def get_queryset(self, request):
            return institutions.scope(super().get_queryset(request), request.user)

        base_url_path = "evidence/agreements"
        menu_label = _("Agreements")
        menu_icon = "doc-full"
        list_display = (
            "title",
            "partner",
            "sector",
            "current_stage",
            "signed_on",
            "starts_on",
            "expires_on",
        )
        list_filter = ("current_stage", "partner__sector", "site", "signed_on")
        list_select_related = ("partner", "site")
        search_fields = ("title", "reference", "partner__name")
        inspect_view_fields = (
            "title",
            "reference",
            "partner",
            "sector",
            "site",
            "purposes_display",
            "current_stage",
            "signed_on",
            "starts_on",
            "expires_on",
            "supported_pages",
        )
        history_fields = ("current_stage", "signed_on", "expires_on")
        history_m2m_fields = ("supported_pages",)

        @display(_("sector"), "partner__sector")
        def sector(self, obj):
            return obj.partner.get_sector_display()

        @display(_("purposes"))
        def purposes_display(self, obj):
            return ", ".join(str(label) for label in obj.purpose_labels())

    return [AgreementAdmin]


SECTIONS = (
    ("tutoria_cms.requests", request_admins),
    ("tutoria_cms.workshops", workshop_admins),
    ("tutoria_cms.tutors", tutor_admins),
    ("tutoria_cms.partnerships", partnership_admins),
)


def evidence_admins():
    """The ModelAdmin classes of the installed apps, in menu order."""
    found = []
    for app, builder in SECTIONS:
        if apps.is_installed(app):
            found.extend(builder())
    return found + log_admins()


def log_admins():
    from .models import ListingExport

    class ListingExportAdmin(EvidenceModelAdmin):
        model = ListingExport
        base_url_path = "evidence/exports"
        # An export belongs to the institutions of the person who made it.
        institution_field = "user__tutoria_memberships__site"
        menu_label = _("Listing exports")
        menu_icon = "download"
        list_display = ("exported_at", "username", "listing_name", "rows", "identified")
        list_filter = ("identified", "exported_at")
        search_fields = ("username", "listing")
        inspect_view_fields = (
            "exported_at",
            "username",
            "listing_name",
            "filters",
            "search",
            "rows",
            "identified",
        )

        def column_value(self, name, obj, privacy):
            # An identified export's search may be a student number: hidden from the
            # pseudonymised readers of the log.
            if name == "search" and obj.identified and obj.search and not privacy.identified:
                return SEARCH_WITHHELD
            return super().column_value(name, obj, privacy)

        @display(_("listing"), "listing")
        def listing_name(self, obj):
            """The listing's name in the reader's language (stored as the model's label)."""
            try:
                return apps.get_model(obj.listing)._meta.verbose_name_plural
            except (LookupError, ValueError):
                return obj.listing

    return [ListingExportAdmin]
