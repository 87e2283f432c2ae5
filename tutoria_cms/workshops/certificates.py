"""Certificates (constancias / declarações): issuing, the PDF and the public lookup.

Three kinds, one model, one verification page, one PDF pipeline:

- **workshop attendance**: issued by coordination from a registration whose identity was
  verified (the only kind that counts as the student's, see docs/privacy.md) and that attended
  at least one session. Its facts (the holder's name and student number, the workshop, the
  hours and sessions attended, their dates) are frozen when it is issued.
- **tutoring received in a term** (constancia de tutoría / declaração de tutoria): one student
  record and one academic term, the hours of each kind of tutoring activity received in the
  term's dates (individual tutoring sessions, individual-class sessions, group sessions
  attended, workshop hours attended) and their total. The student issues it from the student
  area's "My tutoring" (:func:`issue_term_certificate`).
- **tutoring given in a term**: one tutor and one term, the hours of sessions given per kind;
  issued by coordination.

The hours per kind come from the apps that hold the activities, through the Wagtail hook
``register_tutoria_term_hours`` (:data:`TERM_HOURS_HOOK`): each function is called with the
kind (``"received"`` or ``"given"``), the holder (a ``StudentRecord`` or a user) and the term,
and returns a list of dicts ``{"key", "label", "minutes", "sessions"}`` (a stable key, a
translatable label, the minutes and the number of the holder's activities of that kind). This
app contributes workshop hours attended; the requests app tutoring sessions, class sessions and
group sessions. So this module never imports the requests app.

Issuing is idempotent: :func:`issue_workshop_certificate` returns the registration's current
certificate while its facts still hold. When they changed (attendance recorded or corrected,
the name taken from the student record, the workshop renamed; for a term certificate, any
hours), the current certificate is revoked and a new one, with a new code, is issued: a
certificate never states what the records no longer say, and the old code then reads "not
found or no longer valid". The same holds for :func:`issue_term_certificate`.

The PDF is rendered by WeasyPrint (the ``certificates`` extra; ``tutoria_workshops.W011``
when it is missing) from an HTML template, without fetching anything (no network, no files).
"""

import re
from decimal import Decimal
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from tutoria_cms.core.history import attributed
from tutoria_cms.core.institutions import institution_name
from tutoria_cms.core.student_numbers import normalise_student_number

from .models import Attendance, Certificate, WorkshopRegistration

ISSUE_CERTIFICATE = "tutoria_workshops.issue_certificate"
VERIFY_URL_NAME = "tutoria_certificate_verify"
VERIFY_FORM_URL_NAME = "tutoria_certificate_verify_form"
CODE_RE = re.compile(r"[A-Z2-7]{16}")
# What is compared to decide whether a certificate still states the records' facts.
FROZEN_FACTS = (
    "holder_name",
    "student_number",
    "workshop_title",
    "hours",
    "sessions",
    "first_session_date",
    "last_session_date",
)


class CertificateError(ValidationError):
    """A certificate cannot be issued for this registration."""


class CertificatesUnavailable(RuntimeError):
    """WeasyPrint (the ``certificates`` extra) cannot be imported."""


def attendance_facts(registration):
    """What the registration attended: hours, sessions and the first and last dates."""
    present = Attendance.objects.filter(registration=registration, present=True).select_related(
        "session"
    )
    hours = sum((attendance.session.hours for attendance in present), Decimal("0"))
    dates = present.aggregate(first=Min("session__date"), last=Max("session__date"))
    return {
        "hours": hours.quantize(Decimal("0.01")),
        "sessions": len(present),
        "first_session_date": dates["first"],
        "last_session_date": dates["last"],
    }


def refusal(registration):
    """Why a workshop attendance certificate cannot be issued for ``registration`` (or None)."""
    if not registration.identity_verified:
        return _(
            "Certificates are issued only for registrations whose identity was verified "
            "(confirmed from the e-mail on the student's record, or checked in person)."
        )
    if attendance_facts(registration)["hours"] <= 0:
        return _("This registration has no attendance recorded: there is nothing to certify.")
    return None


def certificate_language(site, registration=None):
    """The institution's language (its root page's locale), else the registration's."""
    locale = getattr(site.root_page, "locale", None)
    fallback = registration.language if registration is not None else None
    for code in (getattr(locale, "language_code", None), fallback):
        if not code:
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def current_certificate(registration):
    """The registration's valid workshop attendance certificate, or None."""
    return (
        Certificate.objects.filter(
            registration=registration,
            kind=Certificate.Kind.WORKSHOP_ATTENDANCE,
            revoked_at__isnull=True,
        )
        .order_by("-issued_at", "-pk")
        .first()
    )


def issue_workshop_certificate(registration, user):
    """Issue (or return the still valid) workshop attendance certificate of ``registration``.

    Returns ``(certificate, created)``. Raises :class:`CertificateError` when the
    registration's identity was not verified or it attended nothing.
    """
    with transaction.atomic():
        registration = (
            WorkshopRegistration.objects.select_for_update()
            .select_related("workshop")
            .get(pk=registration.pk)
        )
        reason = refusal(registration)
        if reason:
            raise CertificateError(reason, code="not_eligible")
        site = registration.workshop.get_site()
        if site is None:
            raise CertificateError(
                _("The workshop is not under any site: its institution is unknown."),
                code="no_site",
            )
        facts = {
            "holder_name": registration.full_name,
            "student_number": registration.student_number,
            "workshop_title": registration.workshop.title,
            **attendance_facts(registration),
        }
        existing = current_certificate(registration)
        if existing is not None:
            if all(getattr(existing, name) == facts[name] for name in FROZEN_FACTS):
                return existing, False
            existing.revoked_at = timezone.now()
            attributed(existing, user).save(update_fields=["revoked_at"])
        certificate = Certificate(
            kind=Certificate.Kind.WORKSHOP_ATTENDANCE,
            registration=registration,
            site=site,
            language=certificate_language(site, registration),
            issued_by=user,
            **facts,
        )
        attributed(certificate, user).save()
        enqueue_notice(certificate)
    return certificate, True


# Term certificates --------------------------------------------------------------------------

TERM_HOURS_HOOK = "register_tutoria_term_hours"
RECEIVED = "received"
GIVEN = "given"
TERM_KIND = {RECEIVED: Certificate.Kind.TUTORING_RECEIVED, GIVEN: Certificate.Kind.TUTORING_GIVEN}
TERM_FROZEN_FACTS = ("holder_name", "student_number", "term_name", "hours", "sessions", "lines")


def _hours(minutes):
    return (Decimal(minutes or 0) / Decimal(60)).quantize(Decimal("0.01"))


def term_lines(kind, holder, term):
    """The non-empty activity lines of ``holder`` in ``term`` from every app's hook, in the
    current language, as frozen in a certificate: [{"key", "label", "hours", "sessions"}]."""
    lines = []
    for function in hooks.get_hooks(TERM_HOURS_HOOK):
        for line in function(kind, holder, term) or ():
            if line["minutes"] > 0:
                lines.append(
                    {
                        "key": line["key"],
                        "label": str(line["label"]),
                        "hours": str(_hours(line["minutes"])),
                        "sessions": line["sessions"],
                    }
                )
    return lines


def workshop_term_hours(kind, holder, term):
    """This app's ``register_tutoria_term_hours`` contribution: the workshop hours a student
    record attended in the term's dates (identity-verified registrations with its number, in
    workshops of its institution only)."""
    if kind != RECEIVED:
        return []
    root = term.site.root_page
    present = Attendance.objects.filter(
        present=True,
        registration__student_number=normalise_student_number(holder.student_number),
        registration__identity_verified_at__isnull=False,
        registration__workshop__path__startswith=root.path,
        registration__workshop__depth__gt=root.depth,
        session__date__gte=term.starts_on,
        session__date__lte=term.ends_on,
    ).select_related("session")
    minutes = sum(int(attendance.session.hours * 60) for attendance in present)
    return [
        {
            "key": "workshops",
            "label": _("Workshop sessions attended"),
            "minutes": minutes,
            "sessions": len(present),
        }
    ]


def _term_holder_facts(kind, holder, term):
    if kind == RECEIVED:
        return {"holder_name": holder.full_name, "student_number": holder.student_number}
    return {"holder_name": holder.get_full_name() or holder.get_username(), "student_number": ""}


def current_term_certificate(kind, holder, term):
    """The valid certificate of ``holder``'s tutoring ``kind`` in ``term``, or None."""
    holder_field = "record" if kind == RECEIVED else "tutor"
    return (
        Certificate.objects.filter(
            kind=TERM_KIND[kind], term=term, revoked_at__isnull=True, **{holder_field: holder}
        )
        .order_by("-issued_at", "-pk")
        .first()
    )


def issue_term_certificate(kind, holder, term, user, *, notify=True):
    """Issue (or return the still valid) certificate of the tutoring ``holder`` received
    (``kind`` RECEIVED, a student record) or gave (GIVEN, a user) in ``term``.

    Returns ``(certificate, created)``. Raises :class:`CertificateError` when the holder
    has no tutoring hours in the term. The holder's row is locked, so that two requests at
    once issue one certificate (a partial unique constraint backs it).
    """
    from django.contrib.auth import get_user_model

    from tutoria_cms.academics.models import StudentRecord

    site = term.site
    language = certificate_language(site)
    with transaction.atomic():
        model = StudentRecord if kind == RECEIVED else get_user_model()
        holder = model.objects.select_for_update().get(pk=holder.pk)
        with translation.override(language):
            lines = term_lines(kind, holder, term)
        total = sum((Decimal(line["hours"]) for line in lines), Decimal("0"))
        if total <= 0:
            raise CertificateError(
                _("There is no tutoring recorded in this term: there is nothing to certify."),
                code="not_eligible",
            )
        facts = {
            **_term_holder_facts(kind, holder, term),
            "term_name": term.name or term.code,
            "hours": total.quantize(Decimal("0.01")),
            "sessions": sum(line["sessions"] for line in lines),
            "lines": lines,
        }
        existing = current_term_certificate(kind, holder, term)
        if existing is not None:
            if all(getattr(existing, name) == facts[name] for name in TERM_FROZEN_FACTS):
                return existing, False
            existing.revoked_at = timezone.now()
            attributed(existing, user).save(update_fields=["revoked_at"])
        certificate = Certificate(
            kind=TERM_KIND[kind],
            term=term,
            site=site,
            language=language,
            issued_by=user,
            **({"record": holder} if kind == RECEIVED else {"tutor": holder}),
            **facts,
        )
        attributed(certificate, user).save()
        if notify:
            enqueue_notice(certificate)
    return certificate, True


# The holder's e-mail ----------------------------------------------------------------------


def enqueue_notice(certificate):
    """Once the transaction has committed, e-mail the holder that ``certificate`` is
    available (``tasks.send_certificate_email``: claim-then-send, as the registration
    e-mails)."""
    from .tasks import send_certificate_email

    transaction.on_commit(partial(send_certificate_email.enqueue, certificate.pk))


def holder_record(certificate):
    """The student record of the certificate's holder, or None (no record, or the
    institution keeps none)."""
    if certificate.record_id is not None:
        return certificate.record
    if certificate.registration_id is None:
        return None
    from .services import find_student_record

    _has_records, record = find_student_record(
        certificate.registration.workshop, certificate.registration.student_number
    )
    return record


def holder_contact(certificate):
    """(address, student record or None) where the holder is told: the e-mail on their
    student record, else (an institution without records, or a record without an address
    whose registration was verified in person) the registration's."""
    record = holder_record(certificate)
    if record is not None and record.email:
        return record.email, record
    if certificate.registration_id is not None:
        return certificate.registration.email, record
    if certificate.tutor_id is not None:
        return certificate.tutor.email, None
    return "", record


def wants_notices(record):
    """Whether the student takes the optional e-mails: their choice in the student area
    (``StudentAccount.email_news``) when the students app is installed and they have an
    account; on otherwise."""
    if record is None or not apps.is_installed("tutoria_cms.students"):
        return True
    try:
        return record.student_account.email_news
    except (AttributeError, ObjectDoesNotExist):
        return True


def student_area_url(certificate):
    """The absolute URL of the holder's student area on the certificate's site, or None
    (the students app not installed, or no live area page)."""
    if certificate.tutor_id is not None or not apps.is_installed("tutoria_cms.students"):
        return None
    from tutoria_cms.students.models import area_page_for

    page = area_page_for(certificate.site)
    return page.get_full_url() if page is not None else None


def verification_url(certificate):
    """The absolute URL of the certificate's verification page, on its institution's site."""
    path = reverse(VERIFY_URL_NAME, args=[certificate.code])
    return certificate.site.root_url.rstrip("/") + path


def verification_url_or_none(certificate):
    """As :func:`verification_url`; None when the site's URLconf does not include the page."""
    try:
        return verification_url(certificate)
    except NoReverseMatch:
        return None


def normalise_code(text):
    """A code as typed (lower case, with spaces or hyphens) as stored, or None if it cannot
    be one."""
    code = re.sub(r"[\s\-]", "", text or "").upper()
    return code if CODE_RE.fullmatch(code) else None


def find_valid(site, text):
    """The valid certificate of ``site``'s institution with the code ``text``, or None
    (unknown, changed, revoked or another institution's: the same answer)."""
    code = normalise_code(text)
    if code is None or site is None:
        return None
    return (
        Certificate.objects.filter(code=code, site=site, revoked_at__isnull=True)
        .select_related("site")
        .first()
    )


# The PDF ----------------------------------------------------------------------------------


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: pango missing
        raise CertificatesUnavailable(str(error)) from error
    return weasyprint


def _refuse(url):
    raise ValueError(f"certificates fetch nothing: {url}")


def offline_url_fetcher():
    """A WeasyPrint URL fetcher that fetches nothing but inline ``data:`` URLs: a certificate
    never reaches the network (nor the server's files)."""
    weasyprint = _weasyprint()
    fetcher_class = getattr(weasyprint.urls, "URLFetcher", None)
    if fetcher_class is None:  # WeasyPrint < 68: a function
        default = weasyprint.urls.default_url_fetcher

        def fetch(url, *args, **kwargs):
            if not url.startswith("data:"):
                _refuse(url)
            return default(url, *args, **kwargs)

        return fetch

    class OfflineFetcher(fetcher_class):
        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                _refuse(url)
            return super().fetch(url, headers)

    return OfflineFetcher(allowed_protocols=("data",))


TEMPLATE_DIR = "tutoria_cms/workshops/certificates/"
TEMPLATES = {
    Certificate.Kind.WORKSHOP_ATTENDANCE: TEMPLATE_DIR + "workshop_attendance.html",
    Certificate.Kind.TUTORING_RECEIVED: TEMPLATE_DIR + "term_tutoring.html",
    Certificate.Kind.TUTORING_GIVEN: TEMPLATE_DIR + "term_tutoring.html",
}


def render_html(certificate):
    """The certificate's HTML, in its language."""
    with translation.override(certificate.language):
        return render_to_string(
            TEMPLATES[certificate.kind],
            {
                "certificate": certificate,
                "institution": institution_name(certificate.site),
                "verification_url": verification_url(certificate),
            },
        )


def render_document(certificate):
    """The laid-out WeasyPrint document (its pages); tests read its text."""
    weasyprint = _weasyprint()
    html = weasyprint.HTML(string=render_html(certificate), url_fetcher=offline_url_fetcher())
    return html.render()


def render_pdf(certificate):
    """The certificate as PDF bytes (A4)."""
    return render_document(certificate).write_pdf()


def pdf_filename(certificate):
    return f"certificate-{certificate.code}.pdf"
