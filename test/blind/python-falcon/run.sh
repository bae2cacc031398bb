#!/usr/bin/env bash
# Captures testdata/blind/python-falcon: Falcon 4 on waitress, SQLAlchemy 2 on mysqlclient (built against
# Debian's libmariadb-dev), requests, redis-py, python-decouple, under opentelemetry-instrument (distro 0.66b1)
# with the SDK's logging handler, against a throw-away MariaDB and Redis. The virtualenv is built from
# requirements.lock (every package pinned, --no-deps) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/python-falcon"
debs libmariadb-dev pkg-config gcc python3-dev
python_venv blind-pyvenv-falcon "$HERE/requirements.lock"
# The SDK's logging handler on the root logger (the driver sets OTEL_LOGS_EXPORTER=otlp); the error handler's
# log.exception propagates to it.
export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true
capture python-falcon shop-falcon -db mariadb -redis -timeout -- "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$HERE/shop.py"
