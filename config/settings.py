"""Settings for the forum platform, read from the environment.

Two profiles:

* development (default, ``DJANGO_ENV`` unset): the embedded demo. SQLite in ``var/``, Celery
  tasks run eagerly in the web process, email is written to ``var/mail/``. Nothing to install.
* production (``DJANGO_ENV=production``): refuses to start without ``SECRET_KEY``,
  ``ALLOWED_HOSTS`` and ``DATABASE_URL``, and turns on every ``check --deploy`` hardening.
"""

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.storage import storages as storage_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"


def _required_in_production(name):
    value = env.str(name, default="")
    if PRODUCTION and not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_ENV=production")
    return value


SECRET_KEY = _required_in_production("SECRET_KEY") or "insecure-development-key-not-for-production-use-0123456789"


def _field_encryption_keys():
    """Fernet keys for personal data encrypted at rest (passport numbers, health-related needs).

    ``FIELD_ENCRYPTION_KEYS`` is a comma-separated list of Fernet keys (32 url-safe base64 bytes,
    ``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``).
    The first key encrypts; every key decrypts, so a new key is rotated in by listing it first
    (then ``manage.py rotate_encryption_keys`` and drop the old one). Required in production;
    development derives a stable key from SECRET_KEY.
    """
    import base64
    import binascii
    import hashlib

    keys = [key.strip() for key in _required_in_production("FIELD_ENCRYPTION_KEYS").split(",") if key.strip()]
    if not keys:
        digest = hashlib.sha256(b"forum.field-encryption:" + SECRET_KEY.encode()).digest()
        return [base64.urlsafe_b64encode(digest).decode()]
    for position, key in enumerate(keys, start=1):
        try:
            valid = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded bytes)"
            )
    return keys


FIELD_ENCRYPTION_KEYS = _field_encryption_keys()
DEBUG = False if PRODUCTION else env.bool("DEBUG", default=DJANGO_ENV == "development")
ALLOWED_HOSTS = (
    env.list("ALLOWED_HOSTS", default=[])
    if PRODUCTION
    else env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"])
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "config.admin.SuperuserAdminConfig",  # django.contrib.admin, kept for superusers
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "django_celery_beat",
    "axes",
    "core",
    "forum",
    "panels",
    "speakers",
    "visas",
    "registration",
    "notifications",
    "organizer",
    "api",
]

MIDDLEWARE = [
    # First, so every log line of the request (and every task it enqueues) carries its id.
    "config.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (see below).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Bodies in another charset than UTF-8 and control characters in any input: a 400 before
    # anything reads them (core/middleware.py, core/text.py).
    "core.middleware.RefuseUnreadableInputMiddleware",
    # ``?lang=ru`` over the cookie and Accept-Language (exports and the API are fetched by tools).
    "core.language.QueryLanguageMiddleware",
    # Every request renders and parses date-times in its edition's zone (forum/timezones.py).
    "forum.timezones.ForumTimezoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every GET and 304 for a matching If-None-Match (pages, exports and API lists).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.middleware.ApiVersionHeadersMiddleware",
    # Turns django-ratelimit's Ratelimited (a PermissionDenied) into RATELIMIT_VIEW's 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    "api.middleware.RefuseNulInApiUrlsMiddleware",
    # Answers a locked-out sign-in with AXES_LOCKOUT_CALLABLE's page (see below); last, so it sees
    # the flag any login view sets.
    "axes.middleware.AxesMiddleware",
]

# Every password check goes through django-axes first (the admin's login, the API's token login,
# any other sign-in view that calls authenticate()): after AXES_FAILURE_LIMIT failed attempts an
# account, and separately an address, is locked out for AXES_COOLOFF_TIME. Organizers unlock from
# the admin (Axes › Access attempts: delete the rows) or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "forum.views.locked_out"
# The client address axes counts per: the same one the rate limits use.
AXES_CLIENT_IP_CALLABLE = "forum.views.client_address"
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL; otherwise an embedded SQLite file whose write
# transactions start IMMEDIATE so concurrent writers queue instead of failing mid-transaction.
_database_url = _required_in_production("DATABASE_URL")
if _database_url:
    DATABASES = {"default": env.db_url_config(_database_url)}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A runaway query must not hold a web worker (and its connection) for minutes: every statement
    # stops after this long. Set 0 for a one-off command that needs longer (a migration on a large
    # table). Behind a pooler that refuses startup options (PgBouncer), set it on the role instead:
    # ALTER ROLE forum SET statement_timeout = '30s' (docs/performance.md).
    _statement_timeout_ms = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=30_000 if PRODUCTION else 0)
    if _statement_timeout_ms and DATABASES["default"]["ENGINE"].endswith("postgresql"):
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c statement_timeout={_statement_timeout_ms}".strip()
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Organizers sign in on the console's own page and land on their editions; the admin keeps its own
# login for superusers.
LOGIN_URL = "organizer:login"
LOGIN_REDIRECT_URL = "organizer:editions"
# Password reset links (Django's default is three days) stay valid for one day.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Languages: Azerbaijani first and default; content fields fall back to it.
LANGUAGE_CODE = "az"
LANGUAGES = [
    ("az", _("Azerbaijani")),
    ("en", _("English")),
    ("ru", _("Russian")),
    ("tr", _("Turkish")),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "az"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("az", "en")}
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
# One way to write dates and times per language (24-hour, day first), in pages, emails and PDFs.
FORMAT_MODULE_PATH = ["core.formats"]
FORUM_DEFAULT_TIMEZONE = "Asia/Baku"
FORUM_DEFAULT_COUNTRY = "AZ"

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Private files (signatures, stamps, visa letters: anything with a passport number): outside
# MEDIA_ROOT, never under MEDIA_URL; organizers fetch them through a guarded view
# (PRIVATE_FILE_VIEW, visas/views.py). Media and private files go to an S3-compatible bucket when
# MEDIA_S3_BUCKET / PRIVATE_S3_BUCKET are set (config/storage.py, docs/deployment-storage.md).
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
PRIVATE_FILE_VIEW = "visas:private-file"
# Behind nginx: the guarded view answers with X-Accel-Redirect to this internal location instead of
# streaming the file itself (deploy/nginx/forum.conf). Empty: Django streams it.
PRIVATE_FILES_ACCEL_PREFIX = env.str("PRIVATE_FILES_ACCEL_PREFIX", default="")
STORAGES = storage_settings(os.environ, production=PRODUCTION)

# Cache: Redis when configured (shared by all web processes), local memory otherwise.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds the public program page and its exports stay cached (panels/caching.py); 0 turns it off.
# Keys carry the program's version stamp, so an edit shows at once: this only bounds how long
# superseded copies linger.
PROGRAM_CACHE_TIMEOUT = env.int("PROGRAM_CACHE_TIMEOUT", default=300)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "forum.views.ratelimited"
# Every rate limit and API throttle is a budget of core/ratelimit.py (docs/security-limits.md).
# Where the client address comes from (core/clientip.py), for rate limits, API throttles and logs.
# Behind a reverse proxy REMOTE_ADDR is the proxy: list the proxies' addresses (or CIDR blocks) in
# TRUSTED_PROXIES and the header they write in TRUSTED_PROXY_HEADER. The header is believed only
# from those addresses, so a visitor's own X-Forwarded-For never picks the address that is limited.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="X-Forwarded-For")

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Email: EMAIL_URL (smtp://user:pass@host:port, smtp+tls://...) or a local folder in development.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cybersecurity Forum <forum@localhost>")
ORGANIZER_EMAILS = env.list("ORGANIZER_EMAILS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Attendee registration: how long a seat is held while the email confirmation is pending, how long
# a promoted waitlister has to confirm, and the per-address rate of the public form.
# A seat waits a whole day for its confirmation: long enough to register at night and confirm
# from the morning's mail.
REGISTRATION_HOLD_MINUTES = env.int("REGISTRATION_HOLD_MINUTES", default=24 * 60)
REGISTRATION_PROMOTION_HOLD_MINUTES = env.int("REGISTRATION_PROMOTION_HOLD_MINUTES", default=24 * 60)
# Flood ceiling of the form per address, every POST counted (invalid ones included); high, since a
# ministry registers from one address. What is budgeted is accepted sign-ups, per address and per
# email (registration/limits.py, docs/security-limits.md). A form sent sooner than
# REGISTRATION_MIN_FILL_SECONDS after it was shown is a bot's.
REGISTRATION_FORM_RATE = env.str("REGISTRATION_FORM_RATE", default="300/h")
REGISTRATION_ADDRESS_RATE = env.str("REGISTRATION_ADDRESS_RATE", default="100/h")
REGISTRATION_EMAIL_RATE = env.str("REGISTRATION_EMAIL_RATE", default="3/h")
REGISTRATION_MIN_FILL_SECONDS = env.int("REGISTRATION_MIN_FILL_SECONDS", default=3)
# Per address, over every personal-link page (confirm, manage, badge, calendar, cancel).
REGISTRATION_LINK_RATE = env.str("REGISTRATION_LINK_RATE", default="120/h")

# Celery: Redis broker from the environment; eager (in-process) when none is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# django-celery-beat's database schedule behind a Redis leader lock (config/beat.py): a second beat
# stands by instead of sending every periodic job twice. Each sent job is written to the database at
# once, so a standby taking over knows what already ran. BEAT_LOCK_TIMEOUT=0 turns the lock off.
CELERY_BEAT_SCHEDULER = "config.beat:SingleBeatScheduler"
CELERY_BEAT_SYNC_EVERY = 1
BEAT_LOCK_TIMEOUT = env.float("BEAT_LOCK_TIMEOUT", default=30)
# Mail has its own queue so a burst of reminders never delays expiring holds or the waitlist;
# `make worker` consumes both queues, a larger site runs a dedicated mail worker.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"notifications.tasks.deliver_message": {"queue": "mail"}}
# A user's request must never hang on an unreachable broker: fail fast, the sweeper resends.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "max_retries": 0,
    # Unacknowledged tasks of a lost worker come back after this; the outbox sweeper does not
    # wait for it (stale claims and lost tasks are re-dispatched from the database). Keep it
    # above the longest countdown (60 s) and the longest task.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
}

# Outbox delivery (notifications): bounded retries with exponential backoff and jitter.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.float("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600)
# A claim older than this (a worker died mid-send) is put back to "retrying" by the sweeper.
NOTIFICATIONS_SENDING_TIMEOUT = env.int("NOTIFICATIONS_SENDING_TIMEOUT", default=600)
# A dispatched task not picked up within this many seconds is dispatched again by the sweeper.
NOTIFICATIONS_REDISPATCH_AFTER = env.int("NOTIFICATIONS_REDISPATCH_AFTER", default=300)
NOTIFICATIONS_SWEEP_BATCH = env.int("NOTIFICATIONS_SWEEP_BATCH", default=500)

# Background jobs of the organizers (core/jobs.py): badge PDFs, large speaker imports.
# A running job whose progress has not moved for JOBS_STALE_SECONDS lost its worker and goes back
# to the queue, at most JOBS_MAX_ATTEMPTS claims in all; a queued job the broker never got is
# published again after JOBS_REDISPATCH_SECONDS. One run is stopped after JOBS_TIME_LIMIT_SECONDS.
# Result and input files (names, emails, badge codes) are deleted JOBS_KEEP_DAYS after the end.
JOBS_STALE_SECONDS = env.int("JOBS_STALE_SECONDS", default=300)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)
JOBS_REDISPATCH_SECONDS = env.int("JOBS_REDISPATCH_SECONDS", default=600)
JOBS_TIME_LIMIT_SECONDS = env.int("JOBS_TIME_LIMIT_SECONDS", default=1800)
JOBS_KEEP_DAYS = env.int("JOBS_KEEP_DAYS", default=7)
# After a failed publish, requests skip the broker for this many seconds (the sweeper sends).
NOTIFICATIONS_BROKER_BACKOFF_SECONDS = env.float("NOTIFICATIONS_BROKER_BACKOFF_SECONDS", default=15)
# How long a locked write (seats, the schedule) waits for its lock, and runs, on PostgreSQL.
LOCK_TIMEOUT_MS = env.int("LOCK_TIMEOUT_MS", default=10000)
STATEMENT_TIMEOUT_MS = env.int("STATEMENT_TIMEOUT_MS", default=30000)
# The forum name and dates in the layout of every email: the outbox asks the forum app for them.
NOTIFICATIONS_BRANDING = "forum.branding.email_branding"
# A worker thread keeps its SMTP connection open from one message to the next (see
# notifications/mailconnection.py); off opens and closes one per message.
NOTIFICATIONS_REUSE_SMTP_CONNECTION = env.bool("NOTIFICATIONS_REUSE_SMTP_CONNECTION", default=True)
# A connection idle at least this long must answer NOOP before it carries another message.
NOTIFICATIONS_SMTP_IDLE_CHECK_SECONDS = env.float("NOTIFICATIONS_SMTP_IDLE_CHECK_SECONDS", default=5)
# Connections are recycled after this many messages or seconds.
NOTIFICATIONS_SMTP_MAX_MESSAGES_PER_CONNECTION = env.int("NOTIFICATIONS_SMTP_MAX_MESSAGES_PER_CONNECTION", default=100)
NOTIFICATIONS_SMTP_MAX_CONNECTION_AGE_SECONDS = env.float("NOTIFICATIONS_SMTP_MAX_CONNECTION_AGE_SECONDS", default=60)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.rest.schema.ForumAutoSchema",
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser", "api.parsers.FormParser", "api.parsers.MultiPartParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so unauthenticated API calls get 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.rest.permissions.PublicReadOrganizerWrite"],
    "DEFAULT_THROTTLE_CLASSES": ["core.rest.throttles.PublicAnonThrottle"],
    "DEFAULT_FILTER_BACKENDS": [
        "core.rest.filters.ForumFilterBackend",
        "core.rest.filters.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="600/hour"),
        "registration": env.str("THROTTLE_REGISTRATION", default="300/hour"),
        "login": env.str("THROTTLE_LOGIN", default="20/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "National Cybersecurity Forum API",
    "DESCRIPTION": "Editions, themes, rooms, panels, speakers and registrations of the forum.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Enum components as drf-spectacular makes them, then what every body and parameter accepts
    # (free text without control characters, no undocumented fields, JSON for nested bodies).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.rest.schema.tighten_request_schemas",
    ],
    # One enum for the site's languages wherever a field offers them.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "config.settings.LANGUAGES",
        "PanelStatusEnum": "panels.models.Panel.Status",
        "CountryCodeEnum": "visas.api.COUNTRY_CODES",
        # One enum of ISO 3166 codes for every country field (a speaker's country, a nationality).
        "CountryEnum": "django_countries.countries",
    },
}

# LOG_FORMAT=json (production hosts, the cluster): one JSON object per line with the request id
# (config/requestid.py) that nginx's access log and the Celery task lines share.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per request is for production's JSON logs; the demo's console shows the errors.
        "forum.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # A line per delivered email drowns the demo's console; failures still show.
        "celery.app.trace": {"level": "WARNING"},
        # One line per failed sign-in from django-axes; lockouts still show as warnings.
        "axes": {"level": "WARNING"},
    },
}
# With JSON logs, workers and beat log through LOGGING above (request ids included), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# Content-Security-Policy (django-csp), in every profile so that development shows what production
# would refuse. Scripts, styles, fonts, images and fetches come from the site itself: there is no
# inline script or event handler anywhere, and no CDN (the API docs are served by the sidecar).
# The one relaxation is style *attributes*: templates give panels and themes their colour with
# style="--theme-colour: …" and the grid places cells with style="grid-row: …". style-src-attr
# allows those attributes only; <style> elements and stylesheets stay 'self' (style-src-elem), so
# injected markup cannot bring its own stylesheet. img-src allows data: for the QR codes and the

# The check-in camera feeds <video> through srcObject, which media-src does not govern.
# The API docs pages widen this per view (api/views.py), and only as far as they need.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}
# Permissions-Policy (django-permissions-policy): the check-in desk's camera, on this origin only;
# every other powerful feature is off, for the site and anything it might ever embed.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": ["self"],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Visa support letters: reference numbers <PREFIX>-<year>-<number>. Who signs is the edition's
# signatory (organizer console → Organization and arrival). Speakers: the RSVP rate limit.
VISA_LETTER_PREFIX = env.str("VISA_LETTER_PREFIX", default="NCF")
RSVP_RATE_LIMIT = env.str("RSVP_RATE_LIMIT", default="120/h")
# Every form that emails a link to the address typed in ("email me my link again" for speakers and
# attendees, the organizers' password reset), per address asked for and per client address.
LINK_AGAIN_RATE = env.str("LINK_AGAIN_RATE", default="5/h")
# The organizers' password reset link page (opened, then the new password posted), per client.
PASSWORD_RESET_LINK_RATE = env.str("PASSWORD_RESET_LINK_RATE", default="30/h")
# Visas: the public verification page's limit per address, and how many days before the first
# forum day and after the last one a stay named in a letter may reach.
VISA_VERIFY_RATE = env.str("VISA_VERIFY_RATE", default="30/m")
VISA_STAY_WINDOW_DAYS = env.int("VISA_STAY_WINDOW_DAYS", default=7)
