"""Certificates (constancias / declarações): issuing, the PDF and the public lookup.

Only the workshop attendance certificate for now: issued by coordination from a registration
whose identity was verified (the only kind that counts as the student's, see
docs/privacy.md) and that attended at least one session. Its facts (the holder's name and
student number, the workshop, the hours and sessions attended, their dates) are frozen when
it is issued.

Issuing is idempotent: :func:`issue_workshop_certificate` returns the registration's current
certificate while its facts still hold. When they changed (attendance recorded or corrected,
the name taken from the student record, the workshop renamed), the current certificate is
revoked and a new one, with a new code, is issued: a certificate never states what the
records no longer say, and the old code then reads "not found or no longer valid".

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

from tutoria_cms.core.institutions import institution_name

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


def certificate_language(site, registration):
    """The institution's language (its root page's locale), else the registration's."""
    locale = getattr(site.root_page, "locale", None)
    for code in (getattr(locale, "language_code", None), registration.language):
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
            existing._history_user = user
            existing.save(update_fields=["revoked_at"])
        certificate = Certificate(
            kind=Certificate.Kind.WORKSHOP_ATTENDANCE,
            registration=registration,
            site=site,
            language=certificate_language(site, registration),
            issued_by=user,
            **facts,
        )
        certificate._history_user = user
        certificate.save()
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
    if not apps.is_installed("tutoria_cms.students"):
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


def render_html(certificate):
    """The certificate's HTML, in its language."""
    with translation.override(certificate.language):
        return render_to_string(
            "tutoria_cms/workshops/certificates/workshop_attendance.html",
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
