"""
The Django REST framework peer (issue 29's optional context): GET /:id, the first page and POST of the
service's API, written as DRF's docs recommend, with simplejwt's stateless token authentication, DRF's
throttling and Django's security middleware, on the bench's database. Debian's packages only:
python3-djangorestframework, python3-djangorestframework-simplejwt, python3-psycopg2, gunicorn.
"""
import os
from urllib.parse import unquote, urlparse

_url = urlparse(os.environ["DATABASE_URL"])

SECRET_KEY = os.environ["JWT_SECRET"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
ROOT_URLCONF = "urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(_url.path.lstrip("/")),
        "USER": unquote(_url.username or "postgres"),
        "PASSWORD": unquote(_url.password or ""),
        "HOST": _url.hostname or "127.0.0.1",
        "PORT": str(_url.port or 5432),
        # Persistent connections, one per worker thread: Django's answer to a pool.
        "CONN_MAX_AGE": None,
        "OPTIONS": {"options": "-c statement_timeout=2500 -c jit=off"},
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    # Stateless: the token's claims are trusted once verified, no user row is read (as the service does).
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTTokenUserAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle", "rest_framework.throttling.UserRateThrottle"],
    # The bench's unreachable budget: the throttle counts every request and refuses none.
    "DEFAULT_THROTTLE_RATES": {"anon": "1000000000/min", "user": "1000000000/min"},
    "UNAUTHENTICATED_USER": None,
}
SIMPLE_JWT = {"SIGNING_KEY": os.environ["JWT_SECRET"], "ALGORITHM": "HS256", "USER_ID_CLAIM": "user_id"}
LOGGING = {"version": 1, "disable_existing_loggers": False}
