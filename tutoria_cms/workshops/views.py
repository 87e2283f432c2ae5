"""Admin views: the attendance sheets, the actions on a registration (cancel, verify
identity, issue a certificate) and the certificate's download.

They check permissions themselves and write only through ``services``.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..core.institutions import scope, scope_pages
from ..core.views import ObjectFormView, safe_next
from . import certificates, services
from .forms import AttendanceForm
from .models import (
    Attendance,
    Certificate,
    GroupWorkshopPageMixin,
    WorkshopRegistration,
    get_page_model,
)

RECORD_ATTENDANCE = "tutoria_workshops.record_attendance"
CANCEL_REGISTRATION = "tutoria_workshops.cancel_workshopregistration"
VERIFY_IDENTITY = "tutoria_workshops.verify_workshopregistration"


def can_record_attendance(user):
    return user.has_perm(RECORD_ATTENDANCE)


def can_cancel_registration(user):
    return user.has_perm(CANCEL_REGISTRATION)


def can_verify_identity(user):
    return user.has_perm(VERIFY_IDENTITY)


def verify_identity_url(registration, next_url=None):
    url = reverse("workshop_registrations:verify", args=[registration.pk])
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return url


def attendance_url(page):
    return reverse("workshop_attendance:sheet", args=[page.pk])


VIEW_REGISTRATIONS = "tutoria_workshops.view_workshopregistration"


def workshop_pages(user=None, perm=None):
    """Every workshop page, whatever concrete page class it uses; with ``user``, those of the
    institutions where ``user`` holds ``perm``."""
    pages = get_page_model().objects.type(GroupWorkshopPageMixin)
    return pages if user is None else scope_pages(pages, user, perm)


def registrations_of(user, perm=VIEW_REGISTRATIONS):
    """The registrations of the workshops of the institutions where ``user`` holds ``perm``."""
    return scope_pages(WorkshopRegistration.objects.all(), user, perm, "workshop__path")


class AttendanceIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The workshops, each with a link to its attendance sheet."""

    template_name = "tutoria_cms/workshops/admin/attendance_index.html"
    page_title = gettext_lazy("Attendance")
    header_icon = "tasks"
    per_page = 50

    def dispatch(self, request, *args, **kwargs):
        if not can_record_attendance(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        confirmed = WorkshopRegistration.Status.CONFIRMED
        workshops = (
            workshop_pages(self.request.user, RECORD_ATTENDANCE)
            .annotate(
                confirmed_count=Count(
                    "workshop_registrations",
                    filter=Q(workshop_registrations__status=confirmed),
                    distinct=True,
                ),
                session_count=Count("workshop_sessions", distinct=True),
            )
            .order_by("-first_published_at", "title")
        )
        paginator = Paginator(workshops, self.per_page)
        context["workshops"] = paginator.get_page(self.request.GET.get("p"))
        return context


class AttendanceView(WagtailAdminTemplateMixin, TemplateView):
    """One workshop's sheet: confirmed registrations x sessions, a checkbox per cell."""

    template_name = "tutoria_cms/workshops/admin/attendance.html"
    page_title = gettext_lazy("Attendance")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not can_record_attendance(request.user):
            raise PermissionDenied
        # Another institution's workshop is not found.
        pages = scope_pages(get_page_model().objects.all(), request.user, RECORD_ATTENDANCE)
        page = get_object_or_404(pages, pk=kwargs["page_id"]).specific
        if not isinstance(page, GroupWorkshopPageMixin):
            raise Http404
        self.workshop = page
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.workshop.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("workshop_attendance:index"), "label": _("Attendance")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    @cached_property
    def sessions(self):
        return list(self.workshop.workshop_sessions.order_by("date", "start_time", "pk"))

    @cached_property
    def sessions_held(self):
        return [session for session in self.sessions if session.has_started()]

    @cached_property
    def registrations(self):
        return list(
            WorkshopRegistration.objects.filter(
                workshop_id=self.workshop.pk, status=WorkshopRegistration.Status.CONFIRMED
            ).order_by("full_name", "pk")
        )

    def get_form(self, data=None):
        recorded = {
            (row["session_id"], row["registration_id"]): row["present"]
            for row in Attendance.objects.filter(session__in=self.sessions_held).values(
                "session_id", "registration_id", "present"
            )
        }
        return AttendanceForm(
            data,
            sessions=self.sessions_held,
            registrations=self.registrations,
            recorded=recorded,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid():
            messages.error(request, _("The attendance could not be saved."))
            return self.render_to_response(self.get_context_data(form=form))
        changed = 0
        try:
            for session, presence in form.presence_by_session().items():
                changed += services.record_attendance(session, presence, request.user)
        except services.AttendanceError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            ngettext(
                "Attendance saved (%(count)d change).",
                "Attendance saved (%(count)d changes).",
                changed,
            )
            % {"count": changed},
        )
        return redirect(attendance_url(self.workshop))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "workshop": self.workshop,
                "sessions": self.sessions,
                "sessions_held": self.sessions_held,
                "sessions_to_come": [s for s in self.sessions if s not in self.sessions_held],
                "registrations_url": reverse("workshop_registrations:index")
                + f"?workshop={self.workshop.pk}",
            }
        )
        return context


class RegistrationActionView(ObjectFormView):
    """An action on one registration, confirmed on a form page; back to the listing (or the
    page given in ``next``, on this site) afterwards."""

    header_icon = "group"
    permission_before_object = True
    required_permission = None

    def has_permission(self):
        return self.request.user.has_perm(self.required_permission)

    def get_object_queryset(self):
        registrations = registrations_of(self.request.user, self.required_permission)
        return registrations.select_related("workshop")

    def get_object_url(self):
        return reverse("workshop_registrations:index")

    def get_parent_breadcrumbs(self):
        return [
            {"url": reverse("workshop_registrations:index"), "label": _("Workshop registrations")}
        ]

    def get_success_url(self):
        return safe_next(self.request, reverse("workshop_registrations:index"))

    def get_cancel_url(self):
        return self.get_success_url()

    def get_initial(self):
        return {"next": self.get_success_url()}

    def refusal(self):
        """Why the action cannot be taken on this registration any more (or None)."""
        return None

    def get(self, request, *args, **kwargs):
        refusal = self.refusal()
        if refusal:
            messages.warning(request, refusal)
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        refusal = self.refusal()
        if refusal:
            messages.warning(request, refusal)
            return redirect(self.get_success_url())
        return super().post(request, *args, **kwargs)


class CancelRegistrationForm(forms.Form):
    """Confirms the cancellation; carries where to go back to."""

    next = forms.CharField(widget=forms.HiddenInput, required=False)


class CancelRegistrationView(RegistrationActionView):
    """Confirm (GET), then cancel (POST) a registration through ``services.cancel``."""

    form_class = CancelRegistrationForm
    page_title = gettext_lazy("Cancel registration")
    submit_label = gettext_lazy("Yes, cancel the registration")
    cancel_label = gettext_lazy("No, keep it")
    required_permission = CANCEL_REGISTRATION

    def get_intro(self):
        registration = self.object
        intro = _("Cancel the registration of %(name)s (%(student)s) for “%(workshop)s”?") % {
            "student": registration.student_number,
            "name": registration.full_name,
            "workshop": registration.workshop.title,
        }
        if registration.status == WorkshopRegistration.Status.CONFIRMED:
            intro += " " + _(
                "The place goes to the first person on the waiting list, who is sent an e-mail."
            )
        return intro

    def refusal(self):
        if not self.object.is_active:
            return _("This registration was already cancelled.")
        return None

    def perform(self, form):
        return services.cancel(self.object, self.request.user)

    def get_success_message(self):
        return _("Registration %(registration)s cancelled.") % {
            "registration": self.object.student_number
        }

    def form_valid(self, form):
        response = super().form_valid(form)
        promoted = getattr(self, "result", None)
        if promoted is not None and response.status_code == 302:
            messages.success(
                self.request,
                _(
                    "The place went to %(registration)s, the first on the waiting list, "
                    "who has been sent an e-mail."
                )
                % {"registration": promoted.student_number},
            )
        return response


class VerifyIdentityForm(forms.Form):
    """The member of staff states they checked the student's identity."""

    checked = forms.BooleanField(
        label=gettext_lazy(
            "I have seen the student's identity document or student card, and the name and "
            "student number match this registration."
        ),
        error_messages={
            "required": gettext_lazy(
                "Tick the box to confirm that you checked the student's identity."
            )
        },
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class VerifyIdentityView(RegistrationActionView):
    """Confirm (GET), then verify (POST) a registration's identity through
    ``services.verify_identity``: the registration then counts as the student's (pseudonym,
    attendance) like one confirmed from the e-mail on the student's record."""

    form_class = VerifyIdentityForm
    page_title = gettext_lazy("Verify identity")
    submit_label = gettext_lazy("Verify identity")
    required_permission = VERIFY_IDENTITY
    domain_errors = (services.IdentityError,)
    notice = gettext_lazy(
        "Verify only after seeing the student in person with an identity document. Until then "
        "the registration is not linked to the student: its attendance does not count in the "
        "evidence and it has no pseudonym of the student."
    )

    def get_intro(self):
        return _(
            "Verify the identity of %(name)s (%(student)s), registered for “%(workshop)s”."
        ) % {
            "student": self.object.student_number,
            "name": self.object.full_name,
            "workshop": self.object.workshop.title,
        }

    def refusal(self):
        if self.object.identity_verified:
            return _("The identity of this registration has already been verified.")
        if not self.object.is_active:
            return _("Only confirmed and waiting-list registrations can be verified.")
        return None

    def perform(self, form):
        return services.verify_identity(self.object, self.request.user)

    def get_success_message(self):
        return _("Identity of registration %(registration)s verified.") % {
            "registration": self.object.student_number
        }


# Certificates -------------------------------------------------------------------------------


def can_issue_certificate(user):
    return user.has_perm(certificates.ISSUE_CERTIFICATE)


def issue_certificate_url(registration, next_url=None):
    url = reverse("workshop_registrations:certificate", args=[registration.pk])
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return url


def certificate_download_url(certificate):
    return reverse("workshop_registrations:certificate_download", args=[certificate.pk])


class IssueCertificateForm(forms.Form):
    """Confirms issuing; carries where to go back to."""

    next = forms.CharField(widget=forms.HiddenInput, required=False)


class IssueCertificateView(RegistrationActionView):
    """Confirm (GET), then issue (POST) the workshop attendance certificate of a registration
    through ``certificates.issue_workshop_certificate`` (idempotent while its facts hold); then
    to the registration's page, where it is downloaded."""

    form_class = IssueCertificateForm
    page_title = gettext_lazy("Issue certificate")
    submit_label = gettext_lazy("Issue certificate")
    required_permission = certificates.ISSUE_CERTIFICATE
    domain_errors = (certificates.CertificateError, certificates.CertificatesUnavailable)
    notice = gettext_lazy(
        "The certificate states the name, student number and attendance recorded now. Issued "
        "again with the same attendance, it is the same certificate; after attendance changes, "
        "a new certificate with a new code replaces it and the old code stops being valid."
    )

    def get_intro(self):
        facts = certificates.attendance_facts(self.object)
        return _(
            "Issue a certificate of attendance to %(name)s (%(student)s) for “%(workshop)s”: "
            "%(sessions)d session(s), %(hours)s hours attended."
        ) % {
            "name": self.object.full_name,
            "student": self.object.student_number,
            "workshop": self.object.workshop.title,
            "sessions": facts["sessions"],
            "hours": floatformat(facts["hours"], "-2"),
        }

    def refusal(self):
        return certificates.refusal(self.object)

    def perform(self, form):
        return certificates.issue_workshop_certificate(self.object, self.request.user)

    def add_domain_error(self, form, error):
        if isinstance(error, certificates.CertificatesUnavailable):
            error = forms.ValidationError(
                _("Certificates cannot be made on this server: WeasyPrint is not installed.")
            )
        super().add_domain_error(form, error)

    def get_success_url(self):
        if getattr(self, "result", None) is not None:
            return reverse("workshop_registrations:inspect", args=[self.object.pk])
        return super().get_success_url()

    def get_success_message(self):
        certificate, created = self.result
        message = (
            _("Certificate %(code)s issued.")
            if created
            else _("Certificate %(code)s was already issued with this attendance.")
        )
        return message % {"code": certificate.grouped_code}


class CertificateDownloadView(View):
    """The PDF of a valid certificate of the person's institutions (issue_certificate)."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, pk):
        if not can_issue_certificate(request.user):
            raise PermissionDenied
        queryset = scope(Certificate.objects.all(), request.user, certificates.ISSUE_CERTIFICATE)
        certificate = get_object_or_404(
            queryset.select_related("site"), pk=pk, revoked_at__isnull=True
        )
        try:
            pdf = certificates.render_pdf(certificate)
        except certificates.CertificatesUnavailable:
            messages.error(
                request,
                _("Certificates cannot be made on this server: WeasyPrint is not installed."),
            )
            if certificate.registration_id is None:
                return redirect(reverse("tutoria_certificates:index"))
            inspect = reverse("workshop_registrations:inspect", args=[certificate.registration_id])
            return redirect(inspect)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{certificates.pdf_filename(certificate)}"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
