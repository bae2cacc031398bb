#!/usr/bin/env bash
# Captures testdata/blind/python-connexion: Connexion 3's AsyncApp on uvicorn in the OpenTelemetry ASGI middleware,
# Tortoise ORM on asyncpg, httpx's async client, marshmallow schemas for the settings, under opentelemetry-instrument
# (distro 0.66b1) with the SDK's logging handler, against a throw-away PostgreSQL. The virtualenv is built from
# requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-connexion"
python_venv blind-pyvenv-connexion "$HERE/requirements.lock"
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
capture python-connexion shop-connexion -timeout -- "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/app.py"
