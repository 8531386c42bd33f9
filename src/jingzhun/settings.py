"""One settings module, configured from the environment."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
# Runtime files (the demo database) live under ./var of the working directory.
VAR_DIR = Path(os.environ.get("JINGZHUN_VAR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key() -> str:
    """SECRET_KEY from the environment, else a random key made once and kept in var/ (never a
    literal in the code, which every installation would share)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "jingzhun.areas",
    "jingzhun.registry",
    "jingzhun.policy",
    "jingzhun.identification",
    "jingzhun.assistance",
    "jingzhun.funds",
    "jingzhun.analytics",
    "jingzhun.web",
    "jingzhun.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jingzhun.web.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jingzhun.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "jingzhun.urls"
WSGI_APPLICATION = "jingzhun.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jingzhun.web.context.scope",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'jingzhun.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets pages read while the demo generator or an import writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # which decides by role (web.views.home)
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
# Uploaded files (visit photos) live under var/media and are served only through views that check the
# reader's scope: there is no public MEDIA_URL.
MEDIA_ROOT = VAR_DIR / "media"
VISIT_PHOTO_MAX_BYTES = int(os.environ.get("JINGZHUN_PHOTO_MAX_MB", "15")) * 2**20
# Only a deployment that runs collectstatic sets this; the demo serves files from the apps.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
# Serve static files straight from the apps: no collectstatic step before the demo.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Uploaded register files: the largest accepted, and whether jobs run in the request instead of in their
# own process (tests whose database a child process cannot reach, such as in-memory SQLite).
IMPORT_MAX_BYTES = int(os.environ.get("JINGZHUN_IMPORT_MAX_MB", "300")) * 2**20
IMPORT_JOBS_INLINE = env_bool("JINGZHUN_IMPORT_INLINE", False)

# Members .xlsx exports: lists of up to this many households are written inside the request (~1 s per 1,000
# households); larger ones run as background jobs, or in the request when EXPORT_JOBS_INLINE (tests).
EXPORT_INLINE_MAX_HOUSEHOLDS = int(os.environ.get("JINGZHUN_EXPORT_INLINE_MAX_HOUSEHOLDS", "5000"))
EXPORT_JOBS_INLINE = env_bool("JINGZHUN_EXPORT_INLINE", False)
