#!/usr/bin/env bash
# Captures testdata/blind/python-starlette: Starlette + uvicorn, SQLAlchemy 2.0
# async engine on asyncpg, httpx, starlette.config, under opentelemetry-instrument
# (distro 0.66b1), against a throw-away PostgreSQL. The virtualenv is built from
# requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-starlette"
python_venv blind-pyvenv "$HERE/requirements.lock"
cd "$HERE"
export OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=starlette # the app wraps itself in the ASGI middleware (shop.py)
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp): what a user enabling
# log export under opentelemetry-instrument gets.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
# shellcheck disable=SC2016 # $PORT is the driver's, expanded by the inner shell
capture python-starlette shop-starlette -- bash -c 'exec "$0/bin/opentelemetry-instrument" "$0/bin/uvicorn" \
	--app-dir "$1" --host 127.0.0.1 --port "$PORT" --no-access-log shop:app' "$venv" "$HERE"
