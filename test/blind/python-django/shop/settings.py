"""shop-django's settings: databases and URLs from the driver's environment through django-environ
(test/integration/blindcapture gives DATABASE_URL, DATABASE_URL_REFUSED, DATABASE_URL_BAD_PASSWORD,
REDIS_URL, REDIS_URL_REFUSED, DOWNSTREAM_URL, CLOSED_URL, PAGE_SIZE and no PAYMENTS_URL)."""
import environ

env = environ.Env()

DEBUG = False
SECRET_KEY = "blind-check-not-a-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "shop.urls"
INSTALLED_APPS = ["shop"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

DATABASES = {
    "default": env.db_url("DATABASE_URL"),
    # The database is down: a port nothing listens on.
    "refused": env.db_url("DATABASE_URL_REFUSED"),
    "badauth": env.db_url("DATABASE_URL_BAD_PASSWORD"),
    # Django's connection pool (psycopg_pool) of one connection that waits 500 ms for a free one.
    "single": {**env.db_url("DATABASE_URL"), "OPTIONS": {"pool": {"min_size": 1, "max_size": 1, "timeout": 0.5}}},
}
