"""The student area's "My workshops" section (``tutoria_cms.students``): the signed-in
student's workshop registrations, their sessions and attendance, their certificates, and
cancelling a registration (its seat goes to the next on the waiting list).

Which registrations are the student's: those of their institution's workshops (below the
root page of their record's Site) carrying their student number (normalised) **and whose
identity was established**: confirmed from the link e-mailed to the address on their student
record, or verified in person by coordination (``identity_verified_at``). Anyone can type a
student's number on the public sign-up form: an unverified registration with the number is
whoever typed it, so its name and address are not shown to the student and the student cannot
act on it (as subject access withholds them, ``subject.py``); the page only says that such
registrations exist and how to have them verified. Pending sign-ups (awaiting their e-mail
link, held no seat) are not shown.

Every lookup starts from ``request.student``: another student's registration id is "not
found".
"""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tutoria_cms.core.student_numbers import normalise_student_number

from . import certificates, services
from .models import Attendance, WorkshopRegistration, WorkshopSession

SLUG = "workshops"
TEMPLATES = "tutoria_cms/workshops/student_area/"
Status = WorkshopRegistration.Status


# What belongs to the student ------------------------------------------------------------------


def _institution_workshops(student):
    """A filter on registrations: the workshops below the student's institution's root page."""
    root = student.site.root_page
    return Q(workshop__path__startswith=root.path, workshop__depth__gt=root.depth)


def own_registrations(student):
    """The student's registrations: of their institution, with their number, identity
    established (by the e-mail link to their record's address, or in person); not pending."""
    return (
        WorkshopRegistration.objects.filter(
            _institution_workshops(student),
            student_number=normalise_student_number(student.student_number),
            identity_verified_at__isnull=False,
        )
        .exclude(status=Status.PENDING)
        .select_related("workshop")
    )


def unverified_registrations(student):
    """Active registrations of the institution typed with the student's number whose identity
    nobody established: not the student's until verified (never shown in detail)."""
    return WorkshopRegistration.objects.filter(
        _institution_workshops(student),
        student_number=normalise_student_number(student.student_number),
        identity_verified_at__isnull=True,
        status__in=WorkshopRegistration.ACTIVE_STATUSES,
    )


def own_registration(request, registration_id):
    found = own_registrations(request.student).filter(pk=registration_id).first()
    if found is None:
        raise Http404(_("Not found."))
    return found


def waiting_list_place(registration):
    """1 for the first in line; None when not on the waiting list."""
    if registration.status != Status.WAITLISTED:
        return None
    ahead = WorkshopRegistration.objects.filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk),
        workshop_id=registration.workshop_id,
        status=Status.WAITLISTED,
    ).count()
    return ahead + 1


def sessions_of(workshop):
    return list(WorkshopSession.objects.filter(page_id=workshop.pk).order_by("date", "start_time"))


def is_over(sessions):
    """Every session has started: the workshop is past, nothing is left to cancel."""
    return bool(sessions) and all(session.has_started() for session in sessions)


def cancel_refusal(registration, sessions):
    """Why the student cannot cancel ``registration`` (translated), or None."""
    if registration.status not in WorkshopRegistration.ACTIVE_STATUSES:
        return _("This registration is not active: there is nothing to cancel.")
    if is_over(sessions):
        return _("This workshop has already taken place: its registration cannot be cancelled.")
    return None


def summary(request):
    """The overview's line: "2 workshop registrations", or None."""
    count = (
        own_registrations(request.student)
        .filter(status__in=WorkshopRegistration.ACTIVE_STATUSES)
        .count()
    )
    if not count:
        return None
    return ngettext(
        "%(count)d active workshop registration", "%(count)d active workshop registrations", count
    ) % {"count": count}


# Views ----------------------------------------------------------------------------------------


def _verification_url(certificate):
    try:
        return certificates.verification_url(certificate)
    except NoReverseMatch:  # the site's URLconf does not include the verification page
        return None


def describe(page, request, registration):
    """What the list shows of one of the student's registrations."""
    workshop = registration.workshop.specific
    sessions = sessions_of(workshop)
    present = dict(
        Attendance.objects.filter(registration=registration).values_list("session_id", "present")
    )
    certificate = certificates.current_certificate(registration)
    refusal = cancel_refusal(registration, sessions)
    return {
        "registration": registration,
        "workshop": workshop,
        "workshop_url": workshop.get_url(request) if workshop.live else None,
        "sessions": [
            {"session": session, "present": present.get(session.pk)} for session in sessions
        ],
        "place": waiting_list_place(registration),
        "facts": certificates.attendance_facts(registration),
        "certificate": certificate,
        "certificate_url": (
            page.section_url(request, "workshops_certificate", registration.pk)
            if certificate
            else None
        ),
        "verification_url": _verification_url(certificate) if certificate else None,
        "cancel_url": (
            None if refusal else page.section_url(request, "workshops_cancel", registration.pk)
        ),
        "is_over": is_over(sessions),
    }


def registrations(page, request):
    student = request.student
    rows = [
        describe(page, request, registration)
        for registration in own_registrations(student).order_by("-created_at", "-pk")
    ]
    unverified = sorted(
        {r.workshop.title for r in unverified_registrations(student).select_related("workshop")}
    )
    context = {
        "active": [row for row in rows if row["registration"].is_active],
        "inactive": [row for row in rows if not row["registration"].is_active],
        "unverified_titles": unverified,
    }
    return page.render_section(request, SLUG, TEMPLATES + "registrations.html", context)


class CancelRegistrationForm(forms.Form):
    """The confirmation step: the page asks, its button (with the CSRF token) confirms."""


def cancel(page, request, registration_id):
    registration = own_registration(request, registration_id)
    workshop = registration.workshop.specific
    sessions = sessions_of(workshop)
    refusal = cancel_refusal(registration, sessions)
    back = page.section_url(request, SLUG)
    form = CancelRegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and refusal is None and form.is_valid():
        services.cancel(registration, user=request.user)
        messages.success(
            request,
            _("Your registration for “%(workshop)s” is cancelled.") % {"workshop": workshop.title},
        )
        return redirect(back)
    context = {
        "registration": registration,
        "workshop": workshop,
        "sessions": sessions,
        "form": form,
        "refusal": refusal,
        "back_url": back,
        "waitlisted": registration.status == Status.WAITLISTED,
    }
    status = 409 if request.method == "POST" and refusal else 200
    return page.render_section(request, SLUG, TEMPLATES + "cancel.html", context, status=status)


def certificate_pdf(page, request, registration_id):
    """The PDF of the student's own valid certificate (its holder's copy)."""
    registration = own_registration(request, registration_id)
    certificate = certificates.current_certificate(registration)
    if certificate is None:
        raise Http404(_("Not found."))
    try:
        pdf = certificates.render_pdf(certificate)
    except certificates.CertificatesUnavailable:
        messages.error(
            request,
            _(
                "The certificate cannot be made as a PDF on this server at the moment; its "
                "verification page shows what it states."
            ),
        )
        return redirect(page.section_url(request, SLUG))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{certificates.pdf_filename(certificate)}"'
    )
    return response


urlpatterns = [
    path("", registrations, name=SLUG),
    path("<int:registration_id>/cancel/", cancel, name="workshops_cancel"),
    path("<int:registration_id>/certificate/", certificate_pdf, name="workshops_certificate"),
]
