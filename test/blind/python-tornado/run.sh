#!/usr/bin/env bash
# Captures testdata/blind/python-tornado: Tornado 6.6.1 (server and AsyncHTTPClient), asyncpg 0.32.0 pools,
# redis-py's asyncio client, pydantic-settings, under opentelemetry-instrument (distro 0.66b1: tornado, asyncpg,
# redis, logging) with the SDK's logging handler, against a throw-away PostgreSQL and Redis. The virtualenv is
# built from requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-tornado"
python_venv blind-pyvenv-tornado "$HERE/requirements.lock"
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp); Tornado logs an
# uncaught exception to tornado.application, which propagates to it.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
capture python-tornado shop-tornado -redis -timeout -- "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/shop.py"
