#!/usr/bin/env bash
# Captures testdata/blind/python-litestar: Litestar 2.25 on uvicorn with its OpenTelemetryPlugin, SQLAlchemy 2.0's
# async engine on aiomysql, redis-py's asyncio client, httpx, dynaconf, under opentelemetry-instrument (distro 0.66b1)
# with the SDK's logging handler, against a throw-away MariaDB and Redis. The virtualenv is built from
# requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-litestar"
python_venv blind-pyvenv-litestar "$HERE/requirements.lock"
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp): what a user enabling
# log export under opentelemetry-instrument gets.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
# shellcheck disable=SC2016 # $PORT is the driver's, expanded by the inner shell
capture python-litestar shop-litestar -db mariadb -redis -timeout -- bash -c 'exec "$0/bin/opentelemetry-instrument" \
	"$0/bin/uvicorn" --app-dir "$1" --host 127.0.0.1 --port "$PORT" --no-access-log shop:app' "$venv" "$HERE"
