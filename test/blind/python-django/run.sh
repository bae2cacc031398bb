#!/usr/bin/env bash
# Captures testdata/blind/python-django: Django 5.2 (runserver, threaded) with its ORM and raw cursors on
# psycopg 3 (Django's psycopg_pool for the pool of one), requests, redis-py, django-environ, under
# opentelemetry-instrument (distro 0.66b1) with the SDK's logging handler, against a throw-away PostgreSQL and
# Redis. The virtualenv is built from requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-django"
python_venv blind-pyvenv-django "$HERE/requirements.lock"
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp); Django logs a view's
# exception to django.request, which propagates to it.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
# The Django instrumentation reads the settings when the agent starts, before manage.py's directory is on
# sys.path: the project must be importable from PYTHONPATH.
export DJANGO_SETTINGS_MODULE=shop.settings PYTHONPATH="$HERE"
# runserver takes its address as an argument: PORT comes from the driver, in the command's environment.
capture python-django shop-django -redis -timeout -- sh -c 'exec "$@" "127.0.0.1:$PORT"' runserver \
	"$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/manage.py" runserver --noreload
