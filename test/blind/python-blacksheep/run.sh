#!/usr/bin/env bash
# Captures testdata/blind/python-blacksheep: BlackSheep 2.6 on uvicorn in the OpenTelemetry ASGI middleware, asyncpg
# pools, httpx's async client, redis-py asyncio, envparse for the settings, under opentelemetry-instrument (distro
# 0.66b1) with the SDK's logging handler, against a throw-away PostgreSQL and Redis. The virtualenv is built from
# requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-blacksheep"
python_venv blind-pyvenv-blacksheep "$HERE/requirements.lock"
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
capture python-blacksheep shop-blacksheep -redis -timeout -- "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/shop.py"
