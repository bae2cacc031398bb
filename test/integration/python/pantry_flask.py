"""pantry-py: the Flask service of the metrics bed (issue 26), run under
opentelemetry-instrument with the metrics exporter on.

Two SQLAlchemy QueuePools of two connections over psycopg2. The SQLAlchemy
instrumentation reports each pool's connections as db.client.connections.usage
(state used/idle, pool.name = the pool's logging name) and nothing of its
limit; the service reports the limit of one of them, db.client.connections.max,
as a user adds it: the other pool's readings alone cannot show it at its limit.
A request waits at most 300 ms for a worker that needs a connection: with the
pool held by slow reports it fails with the deadline's TimeoutError, which
says nothing of the pool.

Configuration comes from the environment (set by test/integration/metrics_python_test.go).
"""

import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, request
from opentelemetry import metrics
from opentelemetry.metrics import Observation
from sqlalchemy import create_engine, text

PG_URL = os.environ["PG_URL"]

# pool_timeout outlasts the request's deadline: the request gives up first.
reported = create_engine(PG_URL, pool_size=2, max_overflow=0, pool_timeout=5, pool_logging_name="pantry-reported")
bare = create_engine(PG_URL, pool_size=2, max_overflow=0, pool_timeout=5, pool_logging_name="pantry-bare")
engines = {"reported": reported, "bare": bare}
workers = ThreadPoolExecutor(max_workers=8)


def _pool_max(_options):
    # QueuePool: pool_size connections kept, max_overflow more on demand.
    p = reported.pool
    yield Observation(p.size() + p._max_overflow, {"pool.name": p.logging_name})


metrics.get_meter("pantry").create_observable_up_down_counter(
    "db.client.connections.max", callbacks=[_pool_max], unit="{connections}",
    description="The maximum number of open connections allowed.")

app = Flask("pantry-py")


@app.get("/health")
def health():
    return "ok"


@app.get("/<pool>/report")
def report(pool):
    """A slow report: holds a connection for ms milliseconds."""
    with engines[pool].connect() as c:
        c.execute(text("SELECT pg_sleep(:s)"), {"s": int(request.args["ms"]) / 1000})
    return "done"


def _stock(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT 1")).scalar_one()


@app.get("/<pool>/stock")
def stock(pool):
    """Stock, looked up by a worker the request waits at most 300 ms for."""
    return {"stock": workers.submit(_stock, engines[pool]).result(timeout=0.3)}


def _stop(*_):
    sys.exit(0)  # atexit shuts the SDK down, which flushes spans and metrics


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    app.run(host="127.0.0.1", port=int(os.environ["EDX_PORT"]), threaded=True)
