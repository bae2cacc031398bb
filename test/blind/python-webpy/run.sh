#!/usr/bin/env bash
# Captures testdata/blind/python-webpy: web.py 0.76 on gunicorn 27 (gthread), Pony ORM 0.7 on psycopg2 (and
# psycopg2's ThreadedConnectionPool for the pool of one), urllib3, voluptuous, loguru propagated to logging, under
# opentelemetry-instrument (distro 0.66b1) with the WSGI middleware around the app and the SDK's logging handler,
# against a throw-away PostgreSQL. The virtualenv is built from requirements.lock (every package pinned,
# --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-webpy"
python_venv blind-pyvenv-webpy "$HERE/requirements.lock"
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp); the processor's
# loguru record propagates to it.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
# One worker with threads: the service calls itself, and a trace's requests must reach the same process.
capture python-webpy shop-webpy -timeout -template -- bash -c 'exec "$0" "$1" --chdir "$2" --workers 1 \
	--worker-class gthread --threads 8 --bind "127.0.0.1:$PORT" --no-control-socket shop:wsgi' \
	"$venv/bin/opentelemetry-instrument" "$venv/bin/gunicorn" "$HERE"
