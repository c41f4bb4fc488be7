"""Settings for the reference Django + simplejwt project, all read from the environment.

Only what the interop tests need: a custom user model, DRF with JWTAuthentication as the
only authenticator, and SIMPLE_JWT built from JWT_* variables so the Node side can be
configured with exactly the same key, algorithm, audience, issuer and leeway.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env(name, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def required(name):
    value = env(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set")
    return value


def read_pem(name):
    path = env(name)
    if path is None:
        raise ImproperlyConfigured(f"{name} must point to a PEM file for asymmetric JWT algorithms")
    return Path(path).read_text()


# Django's own SECRET_KEY signs nothing the tests look at. It is deliberately NOT the JWT
# key (simplejwt would fall back to it when SIGNING_KEY is unset), so it is random per run.
SECRET_KEY = env("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
# The compose stack publishes the issuer under other names (comma-separated DJANGO_ALLOWED_HOSTS).
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
ROOT_URLCONF = "interop_site.urls"
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "django.contrib.contenttypes",  # needed by django.contrib.auth (PermissionsMixin)
    "django.contrib.auth",
    "rest_framework",
    "accounts",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        # A throwaway file in a temporary folder owned by the harness.
        "NAME": required("DJANGO_SQLITE_PATH"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Test fixture only: a fast hasher keeps logins cheap. Password hashing has no effect on
# the JWTs being compared.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}

JWT_ALGORITHM = env("JWT_ALGORITHM", "HS256")
# simplejwt only notices a bad algorithm at the first token (HTTP 500): fail at startup.
if JWT_ALGORITHM not in [f"{family}{bits}" for family in ("HS", "RS", "ES") for bits in (256, 384, 512)]:
    raise ImproperlyConfigured(f"unsupported JWT_ALGORITHM {JWT_ALGORITHM!r}")
if JWT_ALGORITHM.startswith("HS"):
    # The dedicated JWT secret, shared with the Node service.
    JWT_SIGNING_KEY = required("JWT_SECRET")
    JWT_VERIFYING_KEY = ""
else:
    # RS*/ES*: sign with the private key, verify with the public key.
    JWT_SIGNING_KEY = read_pem("JWT_PRIVATE_KEY_PATH")
    JWT_VERIFYING_KEY = read_pem("JWT_PUBLIC_KEY_PATH")

SIMPLE_JWT = {
    "ALGORITHM": JWT_ALGORITHM,
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "VERIFYING_KEY": JWT_VERIFYING_KEY,
    "AUDIENCE": env("JWT_AUDIENCE"),  # None: neither added nor checked
    "ISSUER": env("JWT_ISSUER"),  # None: neither added nor checked
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=int(env("JWT_ACCESS_LIFETIME_SECONDS", "300"))),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=int(env("JWT_REFRESH_LIFETIME_SECONDS", "86400"))),
    "LEEWAY": int(env("JWT_LEEWAY", "0")),
    "ROTATE_REFRESH_TOKENS": env("JWT_ROTATE_REFRESH_TOKENS", "0") == "1",
    "BLACKLIST_AFTER_ROTATION": env("JWT_BLACKLIST_AFTER_ROTATION", "0") == "1",
}
if SIMPLE_JWT["BLACKLIST_AFTER_ROTATION"]:
    INSTALLED_APPS.append("rest_framework_simplejwt.token_blacklist")

# runserver logs each request to stderr; the harness keeps it for error messages.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
