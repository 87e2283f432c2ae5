"""Settings shared by every environment of the example deployment.

Configuration comes from the environment: DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, CACHE_URL,
EMAIL_URL-like variables (EMAIL_BACKEND, EMAIL_HOST, ...), WAGTAILSEARCH_BACKEND. Every
variable is listed in docs/deployment.md.
"""

import os
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url

from tutoria_cms.core.search import search_config_for
from tutoria_cms.students.sso import providers_setting

from .ops import cache_from_url

SITES_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SITES_DIR.parent
VAR_DIR = Path(os.environ.get("TUTORIA_VAR_DIR", BASE_DIR / "var"))


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    # The suite: each app can be installed on its own (core first).
    "tutoria_cms.core",
    "tutoria_cms.academics",
    "tutoria_cms.programmes",
    "tutoria_cms.workshops",
    "tutoria_cms.tutors",
    "tutoria_cms.partnerships",
    "tutoria_cms.requests",
    "tutoria_cms.mentoring",
    "tutoria_cms.accreditation",
    # Students sign in on their institution's public site (django-allauth; docs/installation.md).
    "tutoria_cms.students",
    # Optional: the read-only evidence browser (the one use of wagtail-modeladmin).
    "tutoria_cms.contrib.modeladmin",
    "wagtail_modeladmin",
    # The example site.
    "sites.home",
    "sites.documents",  # its document model: files in private storage
    # Wagtail.
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",  # with django.contrib.sitemaps (its sitemap.xml template)
    "wagtail.embeds",
    "wagtail.sites",
    "tutoria_cms.core.users.TutoriaUsersAppConfig",  # wagtail.users, role names translated
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "simple_history",
    # Sign-in protection: lockout after failed sign-ins, two-step verification (TOTP).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Students' accounts: local (verified e-mail) and the institutions' single sign-on (OIDC).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # SAML 2.0 single sign-on, when python3-saml (and the lxml it needs) is installed: the
    # `saml` extra.
    *(
        ["allauth.socialaccount.providers.saml"]
        if find_spec("onelogin") and find_spec("lxml")
        else []
    ),
    # Django.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: every log record of the request carries its id (X-Request-ID, docs/deployment.md).
    "tutoria_cms.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Two-step verification: a pending sign-in answers only the code page (core.two_factor).
    "tutoria_cms.core.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # django-allauth's sign-in flows (students; tutoria_cms.students).
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Activates the language of the Wagtail Site serving the request (es / pt-BR).
    "tutoria_cms.core.middleware.SiteLanguageMiddleware",
    # Anonymous GETs of public pages from the cache (TUTORIA_CMS["PAGE_CACHE_SECONDS"],
    # docs/settings.md#page-cache): after the session, CSRF, user and language above.
    "tutoria_cms.core.page_cache.PageCacheMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a refused sign-in into the lockout page (in the request's language).
    "axes.middleware.AxesMiddleware",
]

# Sign-in lockout (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins with one username
# from one address, that username is refused from that address (even with the right password)
# for LOGIN_COOLOFF_MINUTES, or until a superuser unlocks it (Settings › Login lockouts).
# Username and address together: an attacker cannot lock everybody out from one address, nor
# one person out from everywhere. A successful sign-in forgets the failures.
# Students sign in with their e-mail address through allauth's backend, after these two: axes
# still checks first (an e-mail address counts as the username, AXES_USERNAME_CALLABLE).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_USERNAME_CALLABLE = "tutoria_cms.students.lockouts.username_from_credentials"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tutoria_cms.core.lockouts.lockout_response"
AXES_VERBOSE = False
# Behind LOGIN_PROXY_COUNT reverse proxies, the client's address is taken from
# X-Forwarded-For (the proxies must set it); directly exposed, from the connection.
if os.environ.get("LOGIN_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["LOGIN_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Two-step verification (django-otp, TOTP): the name authenticator apps show for the account.
# Whether roles that read confidential details must use it: TUTORIA_CMS
# ["REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL"] (production.py: REQUIRE_TWO_FACTOR, on by default).
OTP_TOTP_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "tutoria-cms")

ROOT_URLCONF = "sites.urls"
WSGI_APPLICATION = "sites.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITES_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tutoria.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        # With persistent connections (CONN_MAX_AGE > 0), check a reused connection at the
        # start of each request: after a database restart the next request reconnects
        # instead of failing on a dead connection (bench/load shows it).
        conn_health_checks=True,
    )
}
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts, so that "read then write" sections
    # (workshop capacity, workflow transitions) are serialised on SQLite too.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: each Wagtail Site is served in the language of its root page's locale;
# the admin is offered in Spanish, Brazilian Portuguese and English.
LANGUAGE_CODE = "es"
LANGUAGES = [
    ("es", "Español"),
    ("pt-br", "Português (Brasil)"),
    ("en", "English"),
]
LOCALE_PATHS = [SITES_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Mexico_City")
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [
    ("es", "Español"),
    ("pt-br", "Português (Brasil)"),
]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [SITES_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

PRIVATE_ROOT = Path(os.environ.get("TUTORIA_PRIVATE_ROOT", VAR_DIR / "private"))
# "tutoria_private": uploads and evidence workbooks, outside MEDIA_ROOT and without a URL;
# served only by the suite's views after a permission check (docs/installation.md).
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "tutoria_private": PRIVATE_STORAGE,
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# The cache: Django's Redis backend when CACHE_URL is set (redis://host:6379/1), shared by
# every web server (the public sign-up rate limits count there, Wagtail keeps the sites' root
# paths there); a local-memory cache of each process otherwise (one machine, the demo, tests).
# Keys are prefixed (CACHE_KEY_PREFIX) and versioned (CACHE_VERSION): docs/deployment.md.
CACHES = cache_from_url(
    os.environ.get("CACHE_URL"),
    key_prefix=os.environ.get("CACHE_KEY_PREFIX", "tutoria"),
    version=os.environ.get("CACHE_VERSION", "1"),
)

# Sessions end after this many seconds without a request (an idle timeout: every request
# renews the session), not after Django's two weeks: accounts read students' health and
# family details. SESSION_IDLE_SECONDS; 30 minutes by default.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True

# E-mail: console by default; SMTP when EMAIL_HOST is given.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tutorias@localhost")

# --- Background tasks (django-tasks; docs/installation.md, "Background tasks and periodic
# jobs") ---------------------------------------------------------------------------------------
# Immediate (inside the web request) unless TASKS_BACKEND names another backend; production.py
# defaults to the database backend (django-tasks-db: TASKS_BACKEND=
# django_tasks_db.DatabaseBackend), whose worker is `manage.py db_worker`. Its app is always
# installed, so that its table exists (and is migrated) whichever backend is chosen.
INSTALLED_APPS += ["django_tasks_db"]
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}
# --- end of background tasks -----------------------------------------------------------------

WAGTAIL_SITE_NAME = "tutoria-cms"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": os.environ.get("WAGTAILSEARCH_BACKEND", "tutoria_cms.core.search_backend"),
        # On PostgreSQL, accent-insensitive ("tutoria" finds "tutoría"); see core/search.py.
        "SEARCH_CONFIG": search_config_for(DATABASES["default"]),
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
# Documents are always served by Wagtail's view, which checks collection view restrictions
# (never a direct or redirected storage URL that could be shared).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Documents' files in private storage (STORAGES["tutoria_private"]), never under MEDIA_URL. Set
# before the first migrate (docs/installation.md).
WAGTAILDOCS_DOCUMENT_MODEL = "site_documents.PrivateDocument"
# Every document is downloaded as an attachment (none shown inline in the browser).
WAGTAILDOCS_INLINE_CONTENT_TYPES = []

# --- Students' sign-in (tutoria_cms.students, django-allauth; docs/installation.md) -------------
# Local accounts: an e-mail address (verified before anything else) and a password. The account
# is linked to the student record of the site's institution with that address (never by a
# typed number; docs/privacy.md).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
LOGIN_REDIRECT_URL = "tutoria_students_my_area"
SOCIALACCOUNT_ADAPTER = "tutoria_cms.students.adapters.InstitutionSocialAccountAdapter"
# The institutions' single sign-on: STUDENT_SSO_PROVIDERS, a JSON list (students/sso.py).
SOCIALACCOUNT_PROVIDERS = providers_setting(os.environ.get("STUDENT_SSO_PROVIDERS", ""))
# The provider has verified the address it asserts (email_verified): no second e-mail.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True

# The suite's own settings (see tutoria_cms.core.conf for every key and its default).
TUTORIA_CMS = {
    # Public pages cached for anonymous visitors (0: off); PAGE_CACHE_SECONDS in the
    # environment (docs/deployment.md).
    "PAGE_CACHE_SECONDS": int(os.environ.get("PAGE_CACHE_SECONDS", "300")),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"tutoria_cms": {"handlers": ["console"], "level": "INFO"}},
}

# --- Content-Security-Policy (django-csp 4; docs/settings.md#content-security-policy) -------
# Kept in one block, apart from the rest, on purpose. Every response (public site, admin,
# login) carries the header; scripts run only from this origin or with the request's nonce
# (`request.csp_nonce`, `{{ CSP_NONCE }}`). Wagtail's own inline scripts (inline panels, date
# pickers) are replaced by data attributes read by a static file (tutoria_cms.core's
# templates/wagtailadmin overrides and static/tutoria_cms/core/js/csp-init.js).
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "sites.csp.NonceCSPMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("csp.context_processors.nonce")
# Extra origins, comma-separated: images (an object storage or CDN serving MEDIA_URL) and
# frames (video embeds in pages), e.g. CSP_IMG_HOSTS=https://media.example.org.
CSP_IMG_HOSTS = env_list("CSP_IMG_HOSTS")
CSP_FRAME_HOSTS = env_list("CSP_FRAME_HOSTS")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Styles: 'unsafe-inline' because Wagtail 8's admin cannot do without. Its scripts
        # (vendor.js: the page editor, the sidebar, the userbar on public pages, the preview)
        # insert <style> elements with no nonce, and its templates and ours write style=""
        # attributes; a nonce here would make browsers ignore 'unsafe-inline'. Injected
        # styles can restyle a page but run no code: scripts stay nonce-only. The suite's own
        # <style> elements carry the nonce anyway, for a site that tightens this.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", *CSP_IMG_HOSTS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF, *CSP_FRAME_HOSTS],
        # The page editor previews the page in an iframe of the admin (same origin).
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# Avatars from this origin only: no user's e-mail hash sent to gravatar.com (and no image
# from another origin for img-src).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the admin ask releases.wagtail.org for a newer version (connect-src 'self').
WAGTAIL_ENABLE_UPDATE_CHECK = False
# --- end of Content-Security-Policy -------------------------------------------------------
