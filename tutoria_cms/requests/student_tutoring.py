"""The student area's "My tutoring" section (``tutoria_cms.students``): what the signed-in
student's tutoring looks like from their side.

Their tutors (of their requests approved or in progress), their tutoring sessions, their
individual classes and class sessions, their tutoring groups and the group sessions, and where
their referrals stand, and the certificate of the tutoring they received in each term
(constancia de tutoría / declaração de tutoria: a PDF made on demand from the one certificate
of the record and term, ``tutoria_cms.workshops.public``, where the workshops app is
installed). Never what staff wrote about them: not a session's private notes, not a
referral's reason or outcome notes, not the confidential details of a request, not end-of-term
reports. The querysets below select only the columns shown (``only``), so those texts are not
even read.

Every lookup starts from ``request.student`` (their record, of the area's institution): an id
of another student's class or group is "not found".
"""

from decimal import Decimal

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import (
    ClassSession,
    GroupSession,
    IndividualClass,
    Referral,
    RequestState,
    StudentGroup,
    TutoringRequest,
    TutoringSession,
)

SLUG = "tutoring"
TEMPLATES = "tutoria_cms/requests/student_tutoring/"
# The requests whose assigned tutor is the student's tutor now.
TUTORED_STATES = (RequestState.APPROVED, RequestState.IN_PROGRESS)


def hours(minutes):
    """Minutes as hours, to two decimals (90 → 1.50; templates show it with floatformat)."""
    return (Decimal(minutes or 0) / Decimal(60)).quantize(Decimal("0.01"))


def person_name(user):
    """A member of staff as the student sees them: their name (else their user name)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# What belongs to the student ------------------------------------------------------------------


def own_requests(student):
    return TutoringRequest.objects.filter(student=student, site_id=student.site_id)


def own_sessions(student):
    """The tutoring sessions of the student's requests, without their private notes."""
    return (
        TutoringSession.objects.filter(
            request__student=student, request__site_id=student.site_id, site_id=student.site_id
        )
        .only("pk", "date", "modality", "attention_type", "duration_minutes", "request_id")
        .order_by("-date", "-pk")
    )


def own_classes(student):
    return (
        IndividualClass.objects.filter(
            requests__student=student, requests__site_id=student.site_id, site_id=student.site_id
        )
        .distinct()
        .select_related("term", "component", "tutor")
        .order_by("-term__starts_on", "component__code")
    )


def own_groups(student):
    return (
        StudentGroup.objects.filter(members=student, site_id=student.site_id)
        .distinct()
        .select_related("term", "tutor")
        .order_by("-term__starts_on", "code")
    )


def own_referrals(student):
    """The referrals of the student's requests: service, status and dates only."""
    return (
        Referral.objects.filter(
            request__student=student, request__site_id=student.site_id, site_id=student.site_id
        )
        .select_related("service")
        .only(
            "pk",
            "status",
            "created_at",
            "status_changed_at",
            "request_id",
            "service",
            "service__name",
            "service__site_id",
        )
        .order_by("-created_at", "-pk")
    )


def own_tutors(student):
    """[(tutor's name, the request's kind)] of the requests approved or in progress."""
    rows = (
        own_requests(student)
        .filter(state__in=TUTORED_STATES, assigned_tutor__isnull=False)
        .select_related("assigned_tutor")
        .order_by("assigned_tutor__last_name", "assigned_tutor__first_name", "pk")
    )
    seen = {}
    for row in rows:
        entry = seen.setdefault(
            row.assigned_tutor_id, {"name": person_name(row.assigned_tutor), "kinds": []}
        )
        kind = row.get_kind_display()
        if kind not in entry["kinds"]:
            entry["kinds"].append(kind)
    return list(seen.values())


def current_term(student):
    """The student's institution's term under way today, or None."""
    from tutoria_cms.academics.models import Term

    today = timezone.localdate()
    return (
        Term.objects.filter(site_id=student.site_id, starts_on__lte=today, ends_on__gte=today)
        .order_by("starts_on")
        .first()
    )


def session_count(student, start=None, end=None):
    """Tutoring sessions, class sessions and group sessions attended, between the dates."""
    dates = Q()
    if start is not None:
        dates &= Q(date__gte=start)
    if end is not None:
        dates &= Q(date__lte=end)
    classes = own_classes(student).values("pk")
    return (
        own_sessions(student).filter(dates).count()
        + ClassSession.objects.filter(dates, individual_class__in=classes).count()
        + GroupSession.objects.filter(
            dates, attendees=student, group__members=student, site_id=student.site_id
        )
        .distinct()
        .count()
    )


def summary(request):
    """The overview's line: "3 sessions this term" (else in all), or None."""
    student = request.student
    term = current_term(student)
    if term is not None:
        count = session_count(student, term.starts_on, term.ends_on)
        return ngettext("%(count)d session this term", "%(count)d sessions this term", count) % {
            "count": count
        }
    count = session_count(student)
    if not count:
        return None
    return ngettext("%(count)d session", "%(count)d sessions", count) % {"count": count}


def certificates_installed():
    """Term certificates are the workshops app's certificates."""
    return apps.is_installed("tutoria_cms.workshops")


def started_terms(student):
    """The terms of the student's institution that have started, the latest first."""
    from tutoria_cms.academics.models import Term

    return Term.objects.filter(
        site_id=student.site_id, starts_on__lte=timezone.localdate()
    ).order_by("-starts_on", "-pk")


def certificate_terms(page, request):
    """[{term, url}] of the terms in which the student received tutoring."""
    if not certificates_installed():
        return []
    from tutoria_cms.workshops.public import terms_with_tutoring

    return [
        {"term": term, "url": page.section_url(request, "tutoring_certificate", term.pk)}
        for term in terms_with_tutoring(request.student, started_terms(request.student))
    ]


# Views ----------------------------------------------------------------------------------------


def overview(page, request):
    student = request.student
    classes = list(own_classes(student))
    groups = list(own_groups(student))
    sessions = [
        {
            "date": s.date,
            "modality": s.get_modality_display(),
            "attention_type": s.get_attention_type_display(),
            "hours": hours(s.duration_minutes),
        }
        for s in own_sessions(student)
    ]
    context = {
        "tutors": own_tutors(student),
        "sessions": sessions,
        "session_hours": sum((s["hours"] for s in sessions), Decimal("0")),
        "classes": [
            {
                "item": c,
                "tutor": person_name(c.tutor),
                "url": page.section_url(request, "tutoring_class", c.pk),
            }
            for c in classes
        ],
        "groups": [
            {
                "item": g,
                "tutor": person_name(g.tutor),
                "url": page.section_url(request, "tutoring_group", g.pk),
            }
            for g in groups
        ],
        "referrals": [
            {
                "service": r.service_label,
                "status": r.get_status_display(),
                "referred_at": r.created_at,
                "changed_at": r.status_changed_at,
            }
            for r in own_referrals(student)
        ],
        "term": current_term(student),
        "certificate_terms": certificate_terms(page, request),
    }
    return page.render_section(request, SLUG, TEMPLATES + "overview.html", context)


def individual_class(page, request, class_id):
    student = request.student
    found = own_classes(student).filter(pk=class_id).first()
    if found is None:
        raise Http404(_("Not found."))
    sessions = [
        {
            "date": s.date,
            "modality": s.get_modality_display(),
            "hours": hours(s.duration_minutes),
            "topic": s.topic,
        }
        for s in ClassSession.objects.filter(individual_class=found)
        .only("pk", "date", "modality", "duration_minutes", "topic", "individual_class_id")
        .order_by("date", "pk")
    ]
    context = {
        "individual_class": found,
        "tutor": person_name(found.tutor),
        "sessions": sessions,
        "total_hours": sum((s["hours"] for s in sessions), Decimal("0")),
        "back_url": page.section_url(request, SLUG),
    }
    return page.render_section(request, SLUG, TEMPLATES + "class.html", context)


def group(page, request, group_id):
    student = request.student
    found = own_groups(student).filter(pk=group_id).first()
    if found is None:
        raise Http404(_("Not found."))
    attended = set(
        GroupSession.objects.filter(group=found, attendees=student).values_list("pk", flat=True)
    )
    sessions = [
        {
            "date": s.date,
            "topic": s.topic,
            "modality": s.get_modality_display(),
            "hours": hours(s.duration_minutes),
            "attended": s.pk in attended,
        }
        for s in GroupSession.objects.filter(group=found)
        .only("pk", "date", "topic", "modality", "duration_minutes", "group_id")
        .order_by("date", "pk")
    ]
    context = {
        "group": found,
        "tutor": person_name(found.tutor),
        "sessions": sessions,
        "attended_count": len(attended),
        "attended_hours": sum((s["hours"] for s in sessions if s["attended"]), Decimal("0")),
        "back_url": page.section_url(request, SLUG),
    }
    return page.render_section(request, SLUG, TEMPLATES + "group.html", context)


def term_certificate(page, request, term_id):
    """The PDF certificate of the tutoring the student received in a term of their
    institution: issued once for their record and the term, reused while its facts hold."""
    if not certificates_installed():
        raise Http404(_("Not found."))
    from tutoria_cms.workshops import public

    student = request.student
    term = started_terms(student).filter(pk=term_id).first()
    if term is None:
        raise Http404(_("Not found."))
    try:
        certificate = public.issue_student_term_certificate(student, term, request.user)
    except ValidationError as error:  # nothing to certify in this term
        raise Http404(_("Not found.")) from error
    try:
        pdf, filename = public.certificate_pdf(certificate)
    except public.CertificatesUnavailable:
        messages.error(
            request,
            _(
                "The certificate cannot be made as a PDF on this server at the moment; its "
                "verification page shows what it states."
            ),
        )
        return redirect(page.section_url(request, SLUG))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("", overview, name=SLUG),
    path("class/<int:class_id>/", individual_class, name="tutoring_class"),
    path("group/<int:group_id>/", group, name="tutoring_group"),
    path("certificate/<int:term_id>/", term_certificate, name="tutoring_certificate"),
]
