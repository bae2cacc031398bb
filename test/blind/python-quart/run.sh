#!/usr/bin/env bash
# Captures testdata/blind/python-quart: Quart 0.22 on Hypercorn wrapped in the ASGI OpenTelemetryMiddleware,
# Peewee's pooled PostgreSQL database on psycopg2, redis-py's asyncio client, urllib.request, everett, under
# opentelemetry-instrument (distro 0.66b1: psycopg2, urllib, redis, logging) with the SDK's logging handler,
# against a throw-away PostgreSQL and Redis. The virtualenv is built from requirements.lock (every package
# pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-quart"
python_venv blind-pyvenv-quart "$HERE/requirements.lock"
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp); Quart's `quart.app`
# logger propagates to it.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
capture python-quart shop-quart -redis -timeout -template -- "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/shop.py"
