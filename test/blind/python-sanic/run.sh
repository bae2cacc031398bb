#!/usr/bin/env bash
# Captures testdata/blind/python-sanic: Sanic 25.12 served as ASGI by uvicorn, wrapped in the ASGI
# OpenTelemetryMiddleware, aiopg pools on psycopg2, aiohttp's client, redis-py's asyncio client, OmegaConf, under
# opentelemetry-instrument (distro 0.66b1: aiopg, aiohttp-client, redis, logging) with the SDK's logging handler,
# against a throw-away PostgreSQL and Redis. The virtualenv is built from requirements.lock (every package pinned,
# --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-sanic"
python_venv blind-pyvenv-sanic "$HERE/requirements.lock"
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp); Sanic's `sanic.error`
# logger propagates to it.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
# uvicorn on asyncio's own loop: under uvloop (a dependency of Sanic's), a socket aiopg has closed leaves a stale poll
# handle, and a later socket given the same descriptor fails at random (`RuntimeError: unable to perform operation on
# <UVPoll closed=True ...>`: a wrong password's request, then an unrelated HTTP call, in the first captures).
# shellcheck disable=SC2016 # $PORT is the driver's, expanded by the inner shell
capture python-sanic shop-sanic -redis -timeout -template -- bash -c 'exec "$0/bin/opentelemetry-instrument" \
	"$0/bin/uvicorn" --app-dir "$1" --host 127.0.0.1 --port "$PORT" --loop asyncio --no-access-log shop:asgi' "$venv" "$HERE"
