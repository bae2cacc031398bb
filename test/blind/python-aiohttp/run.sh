#!/usr/bin/env bash
# Captures testdata/blind/python-aiohttp: aiohttp's web server and client,
# psycopg 3 with psycopg_pool, redis-py's asyncio client, environs, under
# opentelemetry-instrument (distro 0.66b1) with the SDK's logging handler,
# against a throw-away PostgreSQL and Redis. The virtualenv is built from
# requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-aiohttp"
python_venv blind-pyvenv-aiohttp "$HERE/requirements.lock"
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp); aiohttp logs an
# unhandled exception to aiohttp.server, which propagates to it.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
capture python-aiohttp shop-aiohttp -redis -timeout -- "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/shop.py"
