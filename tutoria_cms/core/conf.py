"""The suite's settings: one dict, ``settings.TUTORIA_CMS``, with documented defaults.

Read them through ``tutoria_settings``::

    from tutoria_cms.core.conf import tutoria_settings
    tutoria_settings.STUDENT_NUMBER_PATTERN

Values are re-read when Django's ``setting_changed`` signal fires (``override_settings``).
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS = {
    # A student number as the academic system writes it (regular expression, full match).
    "STUDENT_NUMBER_PATTERN": r"[A-Za-z0-9][A-Za-z0-9-]{2,19}",
    # Longest free text accepted from public forms (names, places), in characters.
    "MAX_NAME_LENGTH": 150,
    # Key of the keyed HMAC that pseudonymises student identifiers in exports.
    # Empty means "derive from SECRET_KEY" (a system check warns in production).
    "PSEUDONYMISATION_KEY": "",
    # Counts below this number are suppressed in evidence about sensitive data.
    "SMALL_CELL_THRESHOLD": 5,
    # From address of the suite's notifications; empty means DEFAULT_FROM_EMAIL.
    "FROM_EMAIL": "",
    # Imports of academic records: largest file accepted, largest uncompressed size of an
    # .xlsx (zip bomb guard), and most rows per import.
    "IMPORT_MAX_BYTES": 5 * 1024 * 1024,
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 50 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 50_000,
    # Eligibility rule set used when a site has not chosen one in its settings.
    "DEFAULT_RULE_SET": "ufopa-331-2020",
    # Confidential details of requests closed, denied or withdrawn more than this many years
    # ago are erased by ``manage.py purge_confidential`` (counts are kept).
    "RETENTION_YEARS": 5,
    # Private files (``STORAGES["tutoria_private"]``), deleted by ``manage.py
    # purge_tutoria_files``: an academic-records upload whose preview was not confirmed, after
    # this many hours; an evidence workbook, this many days after it was built (the export
    # job stays, as the log).
    "IMPORT_PREVIEW_HOURS": 24,
    "EXPORT_FILE_DAYS": 30,
    # How many terms the indicators page's trend shows (the selected term and those before).
    "TREND_TERMS": 6,
    # How many upcoming workshops a programme page lists.
    "PROGRAMME_UPCOMING_WORKSHOPS": 12,
    # Public workshop sign-ups: a sign-up holds a seat only once confirmed from the e-mail; its
    # link expires after this many hours (an unconfirmed sign-up is then deleted by
    # ``manage.py purge_workshop_signups``). Sign-up attempts allowed per client address and
    # per workshop in each window of SIGNUP_RATE_WINDOW seconds (0: no limit).
    "SIGNUP_CONFIRMATION_HOURS": 48,
    "SIGNUP_RATE_PER_ADDRESS": 10,
    "SIGNUP_RATE_PER_WORKSHOP": 200,
    "SIGNUP_RATE_WINDOW": 3600,
    # The public certificate verification page (workshops.certificates): look-ups of a code
    # allowed per client address in each window of CERTIFICATE_VERIFY_RATE_WINDOW seconds
    # (0: no limit), so that codes cannot be guessed by trying many.
    "CERTIFICATE_VERIFY_RATE_PER_ADDRESS": 30,
    "CERTIFICATE_VERIFY_RATE_WINDOW": 3600,
    # Service levels of the request workflow, in days, when a site has not set its own
    # (Settings › Tutoring requests): from submission to the decision; from approval to the
    # start of the tutoring (tutor assigned, tutoring started); from a referral to the
    # orientation service taking the student in; from then to the referral's closure.
    "DECISION_DAYS": 15,
    "START_DAYS": 10,
    "REFERRAL_ACCEPT_DAYS": 5,
    "REFERRAL_CLOSE_DAYS": 60,
    # Holders of a role that reads confidential details (roles.CONFIDENTIAL_ROLES: tutors, the
    # orientation service) must set up two-step verification (an authenticator app) before
    # anything else in the admin (core.two_factor). Off by default; on in the example
    # deployment's production settings.
    "REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL": False,
    # E-mails sent by background tasks (core.mail_retry): a temporary failure of the mail
    # server (a 4xx answer, a dropped or refused connection, a time-out) is tried again, up to
    # EMAIL_MAX_ATTEMPTS tries in all, after EMAIL_RETRY_BACKOFF_SECONDS, then twice that, four
    # times that... (only with a task backend that runs tasks later, e.g. the database
    # backend and its worker). A permanent failure (5xx) is not tried again.
    "EMAIL_MAX_ATTEMPTS": 5,
    "EMAIL_RETRY_BACKOFF_SECONDS": 60,
    # Public pages served from Django's cache to anonymous visitors, for this many seconds,
    # when core.page_cache.PageCacheMiddleware is installed (0: never). What is never cached:
    # docs/settings.md, "Page cache".
    "PAGE_CACHE_SECONDS": 300,
}


class TutoriaSettings:
    def __init__(self, defaults):
        self._defaults = defaults
        self._cache = {}

    @property
    def user_settings(self):
        return getattr(settings, "TUTORIA_CMS", None) or {}

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._defaults:
            raise AttributeError(f"Unknown tutoria-cms setting: {name!r}")
        if name not in self._cache:
            self._cache[name] = self.user_settings.get(name, self._defaults[name])
        return self._cache[name]

    def reload(self):
        self._cache.clear()


tutoria_settings = TutoriaSettings(DEFAULTS)


@receiver(setting_changed)
def _reload_tutoria_settings(*, setting, **kwargs):
    if setting == "TUTORIA_CMS":
        tutoria_settings.reload()
