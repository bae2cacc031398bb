#!/usr/bin/env bash
# Captures testdata/blind/python-aiohttp: aiohttp's web server and client,
# psycopg 3 with psycopg_pool, redis-py's asyncio client, environs, under
# opentelemetry-instrument (distro 0.66b1) with the SDK's logging handler,
# against a throw-away PostgreSQL and Redis. The virtualenv is built from
# requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-aiohttp"
venv="$CACHE/blind-pyvenv-aiohttp-$(key "$HERE/requirements.lock")"
if [[ ! -f "$venv/.complete" ]]; then
	rm -rf "$venv"
	python3 -m venv "$venv" || { debs python3-venv && rm -rf "$venv" && python3 -m venv "$venv"; }
	"$venv/bin/pip" install -q --no-deps -r "$HERE/requirements.lock"
	"$venv/bin/pip" check
	touch "$venv/.complete"
fi
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp); aiohttp logs an
# unhandled exception to aiohttp.server, which propagates to it.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
capture python-aiohttp shop-aiohttp -redis -timeout -- "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/shop.py"
