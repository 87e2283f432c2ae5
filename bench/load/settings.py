"""Settings of the load benchmark: production's, served over plain HTTP on the loopback.

Everything comes from ``sites.settings.production`` (DEBUG off, ``SECRET_KEY`` and
``ALLOWED_HOSTS`` from the environment, manifest static files, persistent connections with
health checks when ``CONN_MAX_AGE`` is set). Only what plain HTTP on 127.0.0.1 needs differs:
no HTTPS redirect, no HSTS, and cookies without the ``Secure`` flag (a client does not send a
``Secure`` cookie over plain HTTP, so sessions and CSRF would fail). E-mail goes to the
console (gunicorn's log), or over SMTP with ``BENCH_EMAIL_BACKEND`` (``--web-nodes``: to the
bench's SMTP sink, which counts them); server errors are logged with their traceback.
"""

import os

from sites.settings.production import *  # noqa: F403

# ``python -m bench.load --no-health-checks`` shows what production would do without them.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool(  # noqa: F405
    "BENCH_CONN_HEALTH_CHECKS", True
)

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = os.environ.get(
    "BENCH_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# Every simulated student comes from 127.0.0.1, and the bench measures the server, not the
# sign-up rate limits (tested in tests/workshops): no limit here. The public form answers
# "requested" (a pending sign-up, confirmed from the e-mailed link, which the bench does not
# follow over HTTP; bench/signups.py measures both steps through the services).
TUTORIA_CMS = {
    **TUTORIA_CMS,  # noqa: F405
    "SIGNUP_RATE_PER_ADDRESS": 0,
    "SIGNUP_RATE_PER_WORKSHOP": 0,
}

LOGGING = {
    **LOGGING,  # noqa: F405
    "loggers": {
        **LOGGING["loggers"],  # noqa: F405
        # DEBUG off: Django only mails 500s to ADMINS; the bench wants them in the log.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "tutoria_cms": {"handlers": ["console"], "level": "WARNING"},
    },
}
