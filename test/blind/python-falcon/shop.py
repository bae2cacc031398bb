"""The blind check's Falcon stack on MariaDB: Falcon 4 (WSGI) on waitress,
SQLAlchemy 2 on mysqlclient (MySQLdb, SQLAlchemy's default MySQL driver) with
its QueuePool, requests, redis-py, python-decouple for the settings; run under
opentelemetry-instrument (falcon, sqlalchemy, mysqlclient, requests, redis,
logging). Each route induces one fault of
test/integration/blindcapture/cases.go."""

import logging
import os
import time

import falcon
import redis
import requests
import waitress
from decouple import config
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select, text

log = logging.getLogger("shop")
env = os.environ

# One engine (and so one pool) per database URL, as an application configures
# them: the refused, wrong-password and pool-of-one ones too. mysql:// is
# SQLAlchemy's MySQLdb dialect.
shop = create_engine(env["DATABASE_URL"])
refused = create_engine(env["DATABASE_URL_REFUSED"])
bad_auth = create_engine(env["DATABASE_URL_BAD_PASSWORD"])
single = create_engine(env["DATABASE_URL"], pool_size=1, max_overflow=0, pool_timeout=0.5)
items = Table("items", MetaData(), Column("id", Integer, primary_key=True), Column("name", String(64)), Column("qty", Integer))
cache = redis.Redis.from_url(env["REDIS_URL"])


def find_cart(owner):
    return {"alice": type("Cart", (), {"owner": "alice"})()}.get(owner)


def query(engine, sql):
    with engine.connect() as conn:
        return [list(r) for r in conn.execute(text(sql))]


class Route:
    """A GET route whose answer is fn()'s value."""

    def __init__(self, fn):
        self.fn = fn

    def on_get(self, req, resp, **params):
        resp.media = self.fn(**params)


def item(id):
    with shop.connect() as conn:
        row = conn.execute(select(items).where(items.c.id == int(id))).first()
    if row is None:
        raise falcon.HTTPNotFound(description="no such item")
    return dict(row._mapping)


def pool_exhausted():
    # The first connection is held; the second cannot be had within 0.5 s.
    with single.connect() as held:
        held.execute(text("SELECT 1"))
        return query(single, "SELECT qty FROM items WHERE id = 1")


def lock_timeout():
    with shop.begin() as conn:
        conn.execute(text("SET SESSION innodb_lock_wait_timeout = 1"))
        conn.execute(text("UPDATE items SET qty = qty + 1 WHERE id = 1"))
    return {"ok": True}


def call(url, **kw):
    r = requests.get(url, **kw)
    r.raise_for_status()
    return r.json()


def slow():
    time.sleep(2)
    return {"ok": True}


class Unique:
    def on_post(self, req, resp):
        with shop.begin() as conn:
            conn.execute(insert(items).values(id=1, name="again", qty=1))
        resp.media = {"ok": True}


class Bare500:
    def on_get(self, req, resp):
        resp.status = falcon.HTTP_500


def on_error(req, resp, ex, params):
    # What an application registers to log what it answers with a 500.
    log.exception("request failed: %s %s", req.method, req.path)
    resp.status = falcon.HTTP_500
    resp.media = {"error": "internal"}


def cache_refused():
    # A client of a cache that is down.
    return redis.Redis.from_url(env["REDIS_URL_REFUSED"], socket_connect_timeout=1).get("greeting")


app = falcon.App()
app.add_error_handler(Exception, on_error)
routes = {
    "/health": lambda: "ok",
    "/items": lambda: query(shop, "SELECT id, name, qty FROM items"),
    "/items/{id}": item,
    "/db/refused": lambda: query(refused, "SELECT 1"),
    "/db/auth": lambda: query(bad_auth, "SELECT 1"),
    "/db/pool": pool_exhausted,
    "/db/statement-timeout": lambda: query(shop, "SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)"),
    "/db/lock-timeout": lock_timeout,
    "/db/undefined-table": lambda: query(shop, "SELECT * FROM invoices"),
    "/db/undefined-column": lambda: query(shop, "SELECT discount FROM items"),
    "/config/int": lambda: {"page_size": config("PAGE_SIZE", cast=int)},
    "/config/missing": lambda: {"payments": config("PAYMENTS_URL")},
    "/null": lambda: {"owner": find_cart("nobody").owner},
    "/slow": slow,
    "/downstream/500": lambda: call(env["DOWNSTREAM_URL"] + "/null"),
    "/downstream/timeout": lambda: call(env["DOWNSTREAM_URL"] + "/slow", timeout=0.5),
    "/downstream/refused": lambda: call(env["CLOSED_URL"] + "/items"),
    "/cache/ping": lambda: cache.ping(),
    "/cache/refused": cache_refused,
}
for path, fn in routes.items():
    app.add_route(path, Route(fn))
app.add_route("/db/unique", Unique())
app.add_route("/bare500", Bare500())

if __name__ == "__main__":
    waitress.serve(app, host="127.0.0.1", port=int(env["PORT"]), threads=8)
