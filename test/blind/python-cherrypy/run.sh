#!/usr/bin/env bash
# Captures testdata/blind/python-cherrypy: CherryPy 18.10 (its own server) with the application grafted inside the
# OpenTelemetry WSGI middleware, DBUtils 3.2 PooledDB over psycopg2-binary, httpx, redis-py, pyhocon for the
# settings, under opentelemetry-instrument (distro 0.66b1) with the SDK's logging handler, against a throw-away
# PostgreSQL and Redis. The virtualenv is built from requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-cherrypy"
python_venv blind-pyvenv-cherrypy "$HERE/requirements.lock"
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
capture python-cherrypy shop-cherrypy -redis -timeout -- "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/shop.py"
