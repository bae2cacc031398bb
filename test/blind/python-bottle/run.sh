#!/usr/bin/env bash
# Captures testdata/blind/python-bottle: Bottle 0.13.4 on cheroot 11.1.2 in the OpenTelemetry WSGI middleware,
# SQLAlchemy 2.0.58 on pg8000 1.31.6, urllib3, redis-py, environ-config, under opentelemetry-instrument (distro
# 0.66b1) with the SDK's logging handler, against a throw-away PostgreSQL and Redis. The virtualenv is built from
# requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-bottle"
python_venv blind-pyvenv-bottle "$HERE/requirements.lock"
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
capture python-bottle shop-bottle -redis -timeout -- "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/shop.py"
