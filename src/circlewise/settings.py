"""Circlewise settings, driven by environment variables.

Every setting has a sensible local default so `make run` works on a fresh clone; production
(`DEBUG=0`) refuses to start without the values that must never be defaulted (SECRET_KEY,
ALLOWED_HOSTS).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("CIRCLEWISE_VAR_DIR", PROJECT_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envstr(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _local_secret_key() -> str:
    """Read the development secret key from var/, creating it on first run."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# Off unless asked for: a deployment that forgets DEBUG must not serve debug pages (`make run`
# sets DEBUG=1 for local use; tests set it in tests/conftest.py).
DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY") or ""
MIN_SECRET_KEY_LENGTH = 50  # what `manage.py check --deploy` asks for
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (production).")
    SECRET_KEY = _local_secret_key()
elif not DEBUG and (len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        f"SECRET_KEY is too short or too simple for production: use at least "
        f"{MIN_SECRET_KEY_LENGTH} random characters, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (production).")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Circlewise"
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django_htmx",
    # Installed, django-ninja serves /api/docs with the Swagger UI it ships (works offline).
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "circlewise.core",
    "circlewise.accounts",
    "circlewise.organisations",
    "circlewise.programmes",
    "circlewise.circles",
    "circlewise.formation",
    "circlewise.contracts",
    "circlewise.meetings",
    "circlewise.journal",
    "circlewise.resources",
    "circlewise.coaching",
    "circlewise.insights",
    "circlewise.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "circlewise.accounts.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "circlewise.urls"
WSGI_APPLICATION = "circlewise.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "circlewise.organisations.context_processors.current_organisation",
            ],
        },
    },
]

FORM_RENDERER = "circlewise.core.forms.FormRenderer"

# Database -----------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'circlewise.sqlite3'}"),
        # Persistent connections: a new PostgreSQL connection per request halves throughput.
        # The health check before reuse replaces a connection the server or a proxy dropped.
        conn_max_age=envint("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool(
    "DB_PREPARED_STATEMENTS", False
):
    # Every page runs the same few queries on every request. Prepared (psycopg does it from a
    # query's fifth run on a connection), PostgreSQL plans each once per connection instead of
    # each time: its CPU per page about halves. Off unless asked for: the values then travel as
    # parameters, at most 65,535 per query, which forming circles for a programme of more than
    # about 65,000 people exceeds; and a pooler in transaction mode cannot keep them.
    # Added to what DATABASE_URL asked for (``?sslmode=require`` and the like), never instead.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes; IMMEDIATE transactions take the
    # write lock up front so two writers queue on the busy timeout instead of failing with
    # "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "name*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = envstr("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_SIGNUP_FORM_CLASS = "circlewise.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "circlewise.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/5m/ip",
    "signup": "20/m/ip",
    "confirm_email": "3/m/key",
    "reset_password": "10/m/ip,5/m/key",
    "request_login_code": "10/m/ip,3/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Circlewise] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "circlewise.accounts.adapter.MFAAdapter"
MFA_TOTP_ISSUER = SITE_NAME

# Email ----------------------------------------------------------------------------------------
# EMAIL_BACKEND picks the mailer: "console" (default with DEBUG on: prints mail), "file" (writes to
# EMAIL_FILE_PATH) or "smtp" (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS; the default with DEBUG off); a dotted backend path also works.
_MAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_mail_backend = envstr("EMAIL_BACKEND", "console" if DEBUG else "smtp")
_mail_options: dict[str, object] = {}
if _mail_backend == "file":
    _mail_options = {"file_path": envstr("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
elif _mail_backend == "smtp":
    _mail_options = {
        "host": envstr("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", 587),
        "username": envstr("EMAIL_HOST_USER", ""),
        "password": envstr("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", True),
        "timeout": envint("EMAIL_TIMEOUT", 20),
    }
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKENDS.get(_mail_backend, _mail_backend),
        "OPTIONS": _mail_options,
    }
}
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Circlewise <circlewise@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks -----------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Cache: allauth keeps its login rate limits and lockout counters here, so it must be shared by
# every web process (a per-process memory cache would let each process count on its own). The
# table is created by the `core` migrations, so `migrate` is all a deployment needs.
CACHE_TABLE = "circlewise_cache"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,
        # Past MAX_ENTRIES the database cache deletes a third of its rows in key order, and
        # allauth's keys sort first: Django's default of 300 would let a few hundred programmes'
        # kept counts and insights wipe the login rate limits. Each programme keeps about 30 keys.
        "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", 100_000)},
    }
}

# Sending limits: emails (invitations, reminders) an organisation may send per hour ------------
MAIL_LIMIT_NEW_ORGANISATION = envint("MAIL_LIMIT_NEW_ORGANISATION", 100)
MAIL_LIMIT_PER_HOUR = envint("MAIL_LIMIT_PER_HOUR", 2000)

# Internationalisation ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# Only languages the whole product is translated into are offered (half-German pages help no
# one): tests/core/test_translations.py fails when an offered language's catalogue in
# locale/<code>/ misses a string of the product. Translate it completely, then add it here.
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # css/, vendor/ (htmx, Pico): not inside an app
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security ---------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}
