"""Configuration classes. Everything that differs between machines comes from the environment."""

import os
import secrets
from pathlib import Path

#: The project folder: templates, static files, migrations and translations live under it.
ROOT = Path(__file__).resolve().parents[2]

ENV_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "MEDIA_URL",
    "MAIL_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
    "PASSKEY_RP_ID",
    "PASSKEY_ORIGIN",
)

#: What turns an on/off environment variable off.
FALSE_WORDS = ("0", "false", "no", "off")


class ConfigError(RuntimeError):
    """The app cannot start with this configuration; the message says what to set."""


class BaseConfig:
    APP_ENV = "development"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Photos are shrunk in the browser, but a phone without JavaScript sends the original.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead: forms stay usable on slow days
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "America/Tegucigalpa"
    LANGUAGES = ("es", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30  # also the longest a remembered session lives
    # Server-side sessions (seconds): an unused session ends after its idle time, any session
    # after its lifetime; "keep me signed in" ones get REMEMBER_* instead.
    SESSION_IDLE_TIMEOUT = 60 * 60 * 24
    SESSION_LIFETIME = 60 * 60 * 24 * 7
    REMEMBER_IDLE_TIMEOUT = 60 * 60 * 24 * 14
    SESSION_TOUCH_INTERVAL = 5 * 60  # how stale "last seen" may get: one write per this, at most
    PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds a reset link stays valid
    EMAIL_CONFIRM_MAX_AGE = 2 * 24 * 60 * 60  # seconds a registration's confirmation link works
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"  # argon2-cffi's default parameters
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Failed sign-ins only (see marketplace/core/auth/throttle.py): per account, in steps; per
    # address, enough for an office or a fair's Wi-Fi where dozens share one address.
    LOGIN_ACCOUNT_RATE_LIMIT = "5 per 15 minutes;10 per hour;20 per day"
    LOGIN_ADDRESS_RATE_LIMIT = "60 per 15 minutes;300 per day"
    # Accepted registration and confirmation-resend forms (each sends a mail).
    REGISTER_RATE_LIMIT = "10 per minute;60 per hour;200 per day"
    #: Each passkey step (options and answer) per address: a sign-in takes two requests.
    PASSKEY_RATE_LIMIT = "20 per minute;200 per hour"
    REGISTER_EMAIL_RATE_LIMIT = "3 per hour;10 per day"
    RESET_RATE_LIMIT = "5 per minute;20 per hour"
    CLAIM_RATE_LIMIT = "5 per minute;30 per hour"
    # Second-step codes: per account (someone who has the password) and per address.
    TWO_FACTOR_RATE_LIMIT = "5 per minute;20 per hour"
    TWO_FACTOR_ADDRESS_RATE_LIMIT = "10 per minute;60 per hour"
    TWO_FACTOR_PENDING_SECONDS = 5 * 60  # between the password and the code
    PLATFORM_FEE_PERCENT = 0
    PAYMENT_PROVIDER = "stripe"  # used only when its keys are set (STRIPE_SECRET_KEY)
    ORDER_RESERVATION_HOURS = 72  # a pay-at-pickup reservation holds stock this long
    ONLINE_PAYMENT_MINUTES = 60  # an online payment attempt holds stock this long (30 at least)
    # Guests may order without an account; this keeps one address from holding all the stock.
    CHECKOUT_RATE_LIMIT = "10 per hour;30 per day"
    MAIL_FROM = "Mercado Retorno <no-reply@mercadoretorno.hn>"
    # Passkeys: the site's domain and address as the browser sees them; unset, both follow the
    # request (its host, and the scheme gunicorn was told by a trusted proxy).
    PASSKEY_RP_ID = None
    PASSKEY_ORIGIN = None
    PASSKEY_RP_NAME = "Mercado Retorno"
    PASSKEY_CHALLENGE_SECONDS = 300  # how long a started sign-in or creation can be answered
    #: Strict-Transport-Security on every response (on in production; HSTS=0 in the environment
    #: turns it off behind a proxy that sends its own).
    HSTS = False


class DevelopmentConfig(BaseConfig):
    DEBUG = False  # `flask run --debug` turns on the debugger when wanted


class TestingConfig(BaseConfig):
    APP_ENV = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = False
    # One limiter serves every app in a test run, so limits stay on but out of the way; tests of
    # the limits themselves set tight ones.
    LOGIN_ACCOUNT_RATE_LIMIT = "100000 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "100000 per minute"
    REGISTER_RATE_LIMIT = "100000 per minute"
    PASSKEY_RATE_LIMIT = "100000 per minute"
    REGISTER_EMAIL_RATE_LIMIT = "100000 per minute"
    RESET_RATE_LIMIT = "100000 per minute"
    CLAIM_RATE_LIMIT = "100000 per minute"
    TWO_FACTOR_RATE_LIMIT = "100000 per minute"
    TWO_FACTOR_ADDRESS_RATE_LIMIT = "100000 per minute"
    CHECKOUT_RATE_LIMIT = "100000 per minute"
    SECRET_KEY = "testing-secret"
    # Hashing at production cost was most of the suite's time; the parameters are not under test.
    ARGON2_PROFILE = "CHEAPEST"


class ProductionConfig(BaseConfig):
    APP_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(app, overrides: dict | None) -> None:
    """Fill app.config: class defaults, then environment, then instance/config.py, then overrides."""
    env = (overrides or {}).get("APP_ENV") or os.environ.get("APP_ENV", "development")
    if env not in CONFIGS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {env!r}.")
    app.config.from_object(CONFIGS[env])
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if os.environ.get("HSTS"):
        app.config["HSTS"] = os.environ["HSTS"].strip().lower() not in FALSE_WORDS
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(overrides or {})
    _derive(app, env)


def _derive(app, env: str) -> None:
    cfg = app.config
    if env == "production":
        missing = [k for k in ("SECRET_KEY", "DATABASE_URL") if not cfg.get(k)]
        if missing:
            raise ConfigError(
                "Production needs these environment variables set: " + ", ".join(missing)
            )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    url = cfg.get("SQLALCHEMY_DATABASE_URI") or cfg.get("DATABASE_URL")
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        url or f"sqlite:///{instance / 'mercado.db'}"
    )
    if cfg.get("REDIS_URL") and cfg.get("RATELIMIT_STORAGE_URI") == "memory://":
        cfg["RATELIMIT_STORAGE_URI"] = cfg["REDIS_URL"]


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// spellings and always use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(path: Path) -> str:
    """A development secret generated once and kept in instance/, so sessions survive restarts."""
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
