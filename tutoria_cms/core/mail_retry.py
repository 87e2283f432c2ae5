"""Retrying the e-mails of background tasks after a temporary failure of the mail server.

Every e-mail task of the suite claims its e-mail before sending it (claim-then-send), so a
retry never sends twice. When the mail server fails:

- a temporary failure (a 4xx answer such as "421 try again later", a dropped or refused
  connection, a time-out) is tried again later: the task is enqueued again with
  ``run_after`` = now + ``EMAIL_RETRY_BACKOFF_SECONDS`` x 2^(tries - 1), up to
  ``EMAIL_MAX_ATTEMPTS`` tries in all (``TUTORIA_CMS`` settings);
- a permanent failure (a 5xx answer: unknown mailbox, refused sender) is not tried again;
- after the last try the e-mail is marked as failed where staff see it.

Tasks are enqueued again only with a backend that can run them later (``supports_defer``:
the database backend and its worker). The immediate backend of the demo and the tests cannot:
there a failed e-mail is left to the periodic commands (``send_tutoria_notifications``).
"""

import smtplib
from datetime import timedelta

from django.utils import timezone

from .conf import tutoria_settings

# Longest wait between two tries, whatever the number of tries.
MAX_DELAY = timedelta(hours=6)


def is_temporary(exception):
    """Whether trying again later may succeed: a 4xx answer, a dropped, refused or timed-out
    connection. A 5xx answer, or any other error (a bug, a bad address), is permanent."""
    if isinstance(exception, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exception.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exception, smtplib.SMTPConnectError):
        # No greeting, or "421 busy": only a 5xx greeting is a refusal.
        return not 500 <= exception.smtp_code < 600
    if isinstance(exception, smtplib.SMTPResponseException):
        return 400 <= exception.smtp_code < 500
    if isinstance(exception, smtplib.SMTPServerDisconnected):
        return True
    # ConnectionError (refused, reset), TimeoutError (socket.timeout), and the other
    # network errors (a name that does not resolve yet) are OSErrors.
    return isinstance(exception, OSError)


def retry_delay(attempt):
    """The wait after the ``attempt``-th failed try (1, 2, ...): the base, doubled each time."""
    base = tutoria_settings.EMAIL_RETRY_BACKOFF_SECONDS
    seconds = base * 2 ** max(0, attempt - 1)
    return min(timedelta(seconds=seconds), MAX_DELAY)


def may_retry(exception, attempt):
    """Whether a try that failed with ``exception`` (the ``attempt``-th) is tried again."""
    return is_temporary(exception) and attempt < tutoria_settings.EMAIL_MAX_ATTEMPTS


def can_schedule(task):
    """Whether ``task``'s backend runs tasks later (the immediate backend does not)."""
    return task.get_backend().supports_defer


def schedule_retry(task, failed_attempt, /, *args, **kwargs):
    """Enqueue ``task(*args, **kwargs)`` again after the wait for the ``failed_attempt``-th
    failed try. False when the task's backend cannot run a task later (the immediate
    backend)."""
    if not can_schedule(task):
        return False
    task.using(run_after=timezone.now() + retry_delay(failed_attempt)).enqueue(*args, **kwargs)
    return True


def describe(exception):
    """A short reason for a failure, kept on the claim row: the class name and the SMTP
    code (never the server's text, which may repeat the address)."""
    code = getattr(exception, "smtp_code", None)
    name = exception.__class__.__name__
    return f"{name} {code}" if code else name


def retry_later(task, exception, attempt, *args):
    """For a task that counts its tries in an ``attempt`` argument (its claim row has no
    counter): enqueue ``task(*args, attempt=attempt + 1)`` after the back-off when the
    failure is temporary and tries remain. False when it is not tried again (the caller
    then records or raises the failure)."""
    return may_retry(exception, attempt) and schedule_retry(
        task, attempt, *args, attempt=attempt + 1
    )
