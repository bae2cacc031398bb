"""shop-webpy: a blind check's Python stack.

web.py 0.76 served by gunicorn (gthread worker), Pony ORM entities and raw SQL
on psycopg2 (Pony keeps a connection per thread, so the pool of one is
psycopg2's own ThreadedConnectionPool), urllib3 for outgoing calls, settings
validated with voluptuous per request, templates of web.py's Templetor, web.py's
500 page replaced by one that logs the exception with loguru (propagated to the
standard logging module, as loguru's documentation shows). Traced by opentelemetry-instrument (psycopg2, urllib3, logging) and the
WSGI OpenTelemetryMiddleware around the application (web.py has no
instrumentation). Each route induces one fault of
test/integration/blindcapture/cases.go; nothing is recorded by hand.
"""

import json
import logging
import os
import time

import psycopg2.pool
import urllib3
import web
from loguru import logger
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware
from pony.orm import Database, PrimaryKey, Optional, Required, commit, db_session
from voluptuous import ALLOW_EXTRA, Coerce, Required as Key, Schema, Url

HERE = os.path.dirname(os.path.abspath(__file__))
env = os.environ


class PropagateHandler(logging.Handler):
    def emit(self, record):
        logging.getLogger(record.name).handle(record)


logger.add(PropagateHandler(), format="{message}")

web.config.debug = False


def current_schema(db):
    class Item(db.Entity):
        _table_ = "items"
        id = PrimaryKey(int)
        name = Required(str)
        qty = Required(int)

    return [Item]


def newer_schema(db):
    """Entities of a newer schema than the database has (a migration not run)."""

    class Invoice(db.Entity):
        _table_ = "invoices"
        id = PrimaryKey(int)
        total = Optional(int)

    class ItemV2(db.Entity):
        _table_ = "items"
        id = PrimaryKey(int)
        name = Required(str)
        discount = Optional(int)

    return [Invoice, ItemV2]


def database(dsn, schema=current_schema, check_tables=True):
    """A Pony database of the schema's entities (Pony connects when it binds)."""
    db = Database()
    for entity in schema(db):
        setattr(db, entity.__name__, entity)
    db.bind(provider="postgres", dsn=dsn)
    db.generate_mapping(check_tables=check_tables)
    return db


shop = database(env["DATABASE_URL"])
newer = database(env["DATABASE_URL"], newer_schema, check_tables=False)
# A pool of one connection (psycopg2's, which does not wait: a second getconn fails at once).
single = psycopg2.pool.ThreadedConnectionPool(1, 1, env["DATABASE_URL"])
http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=2, read=5))
render = web.template.render(os.path.join(HERE, "templates"))


def find_cart(owner):
    return {"alice": type("Cart", (), {"owner": "alice"})()}.get(owner)


def settings(schema):
    """The settings a handler needs, validated per request from the environment."""
    return Schema(schema, extra=ALLOW_EXTRA)(dict(env))


def call(url, **kw):
    r = http.request("GET", url, **kw)
    if r.status >= 400:
        raise RuntimeError(f"GET {url} answered {r.status} {r.reason}")
    return json.loads(r.data)


def rows(items):
    return [{"id": i.id, "name": i.name, "qty": i.qty} for i in items]


@db_session
def items():
    return rows(shop.Item.select().order_by(shop.Item.id))


@db_session
def item(id):
    found = shop.Item.get(id=int(id))
    if found is None:
        raise web.notfound(render.notfound("item"))
    return rows([found])[0]


def connect_and_read(dsn):
    """A database bound per request."""
    db = database(dsn)
    with db_session:
        return rows(db.Item.select())


def pool_exhausted():
    held = single.getconn()
    try:
        with held.cursor() as cur:
            cur.execute("SELECT 1")
        second = single.getconn()
        single.putconn(second)
    finally:
        single.putconn(held)


@db_session
def statement_timeout():
    shop.execute("SET LOCAL statement_timeout = '200ms'")
    return shop.select("SELECT pg_sleep(2)")


@db_session
def lock_timeout():
    shop.execute("SET LOCAL lock_timeout = '200ms'")
    shop.Item[1].qty -= 1
    commit()


@db_session
def undefined_table():
    return [i.id for i in newer.Invoice.select()]


@db_session
def undefined_column():
    return [{"id": i.id, "discount": i.discount} for i in newer.ItemV2.select()]


@db_session
def unique():
    shop.Item(id=1, name="again", qty=1)
    commit()


def slow():
    time.sleep(2)
    return {"ok": True}


def bare500():
    web.ctx.status = "500 Internal Server Error"
    return ""


routes = {
    "GET /health": lambda: "ok",
    "GET /items": items,
    "GET /db/refused": lambda: connect_and_read(env["DATABASE_URL_REFUSED"]),
    "GET /db/auth": lambda: connect_and_read(env["DATABASE_URL_BAD_PASSWORD"]),
    "GET /db/pool": pool_exhausted,
    "GET /db/statement-timeout": statement_timeout,
    "GET /db/lock-timeout": lock_timeout,
    "GET /db/undefined-table": undefined_table,
    "GET /db/undefined-column": undefined_column,
    "POST /db/unique": unique,
    "GET /config/int": lambda: {"page_size": settings({Key("PAGE_SIZE"): Coerce(int)})["PAGE_SIZE"]},
    "GET /config/missing": lambda: {"payments": settings({Key("PAYMENTS_URL"): Url()})["PAYMENTS_URL"]},
    "GET /template/missing": lambda: str(render.receipt({"id": 1})),
    "GET /null": lambda: {"owner": find_cart("nobody").owner},
    "GET /slow": slow,
    "GET /downstream/500": lambda: call(env["DOWNSTREAM_URL"] + "/null"),
    "GET /downstream/timeout": lambda: call(env["DOWNSTREAM_URL"] + "/slow", timeout=urllib3.Timeout(connect=2, read=0.5)),
    "GET /downstream/refused": lambda: call(env["CLOSED_URL"] + "/items"),
    "GET /bare500": bare500,
}


class Route:
    """One web.py class for every path: web.py dispatches by method name."""

    def answer(self, path):
        if web.ctx.method == "GET" and path.startswith("/items/") and path[7:].isdigit():
            result = item(path[7:])
        elif f"{web.ctx.method} {path}" in routes:
            result = routes[f"{web.ctx.method} {path}"]()
        else:
            raise web.notfound()
        if isinstance(result, str):
            return result
        web.header("Content-Type", "application/json")
        return json.dumps(result)

    def GET(self, path):
        return self.answer(path)

    def POST(self, path):
        return self.answer(path)


def internalerror():
    """web.py's 500 page, made while it handles the exception: the exception is logged first."""
    logger.exception("request failed: {} {}", web.ctx.method, web.ctx.path)
    return web.internalerror("internal error")


app = web.application(("(/.*)", "Route"), globals(), autoreload=False)
app.internalerror = internalerror
wsgi = OpenTelemetryMiddleware(app.wsgifunc())
