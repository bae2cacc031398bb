"""The blind check's Bottle stack: Bottle 0.13 (WSGI) on cheroot, wrapped in
the OpenTelemetry WSGI middleware (Bottle has no instrumentation of its own),
SQLAlchemy 2 on pg8000 with its QueuePool, urllib3, redis-py, environ-config
for the settings; run under opentelemetry-instrument (sqlalchemy, urllib3,
redis, logging). Each route induces one fault of
test/integration/blindcapture/cases.go; an exception out of a route is left to
Bottle (its default catchall answers 500 and writes the traceback to
wsgi.errors)."""

import os
import time

import bottle
import environ
import redis
import urllib3
from cheroot import wsgi
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware
from sqlalchemy import create_engine, text

env = os.environ


@environ.config(prefix="")
class Paging:
    page_size = environ.var(converter=int)


@environ.config(prefix="")
class Payments:
    payments_url = environ.var()


def engine(port=None, password=None, **kw):
    url = "postgresql+pg8000://{}:{}@{}:{}/{}".format(
        env["DB_USER"], password or env["DB_PASSWORD"], env["DB_HOST"], port or env["DB_PORT"], env["DB_NAME"])
    return create_engine(url, **kw)


# One engine (and so one pool) per database, as an application configures
# them: the refused, wrong-password and pool-of-one ones too.
shop = engine()
refused = engine(port=env["DB_PORT_REFUSED"])
bad_auth = engine(password="not-the-password")
single = engine(pool_size=1, max_overflow=0, pool_timeout=0.5)
cache = redis.Redis.from_url(env["REDIS_URL"])
http = urllib3.PoolManager(retries=False)
app = bottle.Bottle()


def query(eng, sql):
    with eng.connect() as conn:
        return [list(r) for r in conn.execute(text(sql))]


def in_tx(*statements):
    with shop.connect() as conn:
        with conn.begin() as tx:
            for sql in statements:
                conn.execute(text(sql))
            tx.rollback()
    return {"ok": True}


def find_cart(owner):
    return {"alice": type("Cart", (), {"owner": "alice"})()}.get(owner)


def call(url, timeout=5.0):
    r = http.request("GET", url, timeout=timeout)
    if r.status >= 500:
        raise RuntimeError(f"GET {url} returned {r.status}")
    return r.json()


@app.get("/items/<id:int>")
def item(id):
    with shop.connect() as conn:
        row = conn.execute(text("SELECT id, name, qty FROM items WHERE id = :id"), {"id": id}).first()
    if row is None:
        bottle.abort(404, "no such item")
    return dict(row._mapping)


@app.get("/db/pool")
def pool_exhausted():
    # The first connection is held; the second cannot be had within 0.5 s.
    with single.connect() as held:
        held.execute(text("SELECT 1"))
        return {"rows": query(single, "SELECT qty FROM items WHERE id = 1")}


@app.get("/slow")
def slow():
    time.sleep(2)
    return {"ok": True}


@app.get("/bare500")
def bare500():
    bottle.response.status = 500
    return ""


@app.post("/db/unique")
def unique():
    return in_tx("INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)")


def cache_refused():
    # A client of a cache that is down.
    return redis.Redis.from_url(env["REDIS_URL_REFUSED"], socket_connect_timeout=1).get("greeting")


routes = {
    "/health": lambda: "ok",
    "/items": lambda: {"rows": query(shop, "SELECT id, name, qty FROM items")},
    "/db/refused": lambda: {"rows": query(refused, "SELECT 1")},
    "/db/auth": lambda: {"rows": query(bad_auth, "SELECT 1")},
    "/db/statement-timeout": lambda: in_tx("SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)"),
    "/db/lock-timeout": lambda: in_tx("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1"),
    "/db/undefined-table": lambda: in_tx("SELECT id FROM orders_archive WHERE id = 1"),
    "/db/undefined-column": lambda: in_tx("SELECT id, discount FROM items WHERE id = 1"),
    # Settings read per request, as a route that honours a changed environment does.
    "/config/int": lambda: {"page_size": environ.to_config(Paging).page_size},
    "/config/missing": lambda: {"payments": environ.to_config(Payments).payments_url},
    "/null": lambda: {"owner": find_cart("nobody").owner},
    "/downstream/500": lambda: call(env["DOWNSTREAM_URL"] + "/null"),
    "/downstream/timeout": lambda: call(env["DOWNSTREAM_URL"] + "/slow", timeout=0.5),
    "/downstream/refused": lambda: call(env["CLOSED_URL"] + "/items"),
    "/cache/ping": lambda: {"pong": cache.ping()},
    "/cache/refused": cache_refused,
}
for path, fn in routes.items():
    app.route(path, "GET", fn)

if __name__ == "__main__":
    server = wsgi.Server(("127.0.0.1", int(env["PORT"])), OpenTelemetryMiddleware(app), numthreads=8)
    server.start()
