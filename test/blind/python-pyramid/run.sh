#!/usr/bin/env bash
# Captures testdata/blind/python-pyramid: Pyramid 2.1 on waitress, mysql-connector-python 9.7.0 with its own pool,
# requests, redis-py, python-dotenv + os.environ, under opentelemetry-instrument (distro 0.66b1) with the SDK's
# logging handler, against a throw-away MariaDB and Redis. The virtualenv is built from requirements.lock (every
# package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-pyramid"
python_venv blind-pyvenv-pyramid "$HERE/requirements.lock"
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp); waitress's `Exception
# while serving` record propagates to it.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
capture python-pyramid shop-pyramid -db mariadb -redis -timeout -- "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/shop.py"
