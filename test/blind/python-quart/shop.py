"""shop-quart: the blind check's Quart stack. Quart 0.22 (ASGI) on Hypercorn, Peewee's pooled PostgreSQL
database (playhouse.pool, psycopg2 underneath; the pool of one waits 500 ms), redis-py's asyncio client, the
standard library's urllib.request, settings read with everett; run under opentelemetry-instrument, the app
wrapped in the ASGI OpenTelemetryMiddleware (Quart has no instrumentation of its own). Each route of
test/blind/README.md induces its fault for real; an exception out of a view is left to Quart: a 500, logged
to its `quart.app` logger ("Exception on request ..."). Sync views run in Quart's worker threads."""
import asyncio
import contextvars
import logging
import os
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import redis.asyncio as aioredis
from everett.manager import ConfigManager
from hypercorn.asyncio import serve
from hypercorn.config import Config
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from peewee import CharField, IntegerField, Model
from playhouse.pool import PooledPostgresqlDatabase
from quart import Quart, abort, render_template

logging.basicConfig(level=logging.INFO)
env = os.environ
# everett reads the process environment; a value is looked up (and parsed) per call.
config = ConfigManager.basic_config()


def pooled(max_connections=4, timeout=5, **over):
    params = dict(host=env["DB_HOST"], port=int(env["DB_PORT"]), user=env["DB_USER"], password=env["DB_PASSWORD"],
                  connect_timeout=5)
    params.update(over)
    return PooledPostgresqlDatabase(env["DB_NAME"], max_connections=max_connections, timeout=timeout,
                                    stale_timeout=300, **params)


shop = pooled()
refused = pooled(port=int(env["DB_PORT_REFUSED"]))
bad_auth = pooled(password="not-the-password")
# A pool of one connection; a borrow waits 500 ms for it to come back.
single = pooled(max_connections=1, timeout=0.5)
cache = aioredis.Redis.from_url(env["REDIS_URL"])


class Item(Model):
    id = IntegerField(primary_key=True)
    name = CharField()
    qty = IntegerField()

    class Meta:
        database = shop
        table_name = "items"


def query(db, sql):
    with db.connection_context():
        return [list(r) for r in db.execute_sql(sql).fetchall()]


def in_tx(*statements):
    with shop.connection_context(), shop.atomic() as tx:
        for sql in statements:
            shop.execute_sql(sql)
        tx.rollback()
    return {"ok": True}


def fetch(url, timeout=5):
    # urlopen raises HTTPError for the 500, URLError for a refused connect, TimeoutError for a slow answer.
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read().decode()


def find_cart(owner):
    return {"alice": type("Cart", (), {"owner": "alice"})()}.get(owner)


app = Quart(__name__)


@app.get("/health")
async def health():
    return "ok"


@app.get("/items")
def items():
    with shop.connection_context():
        return {"items": list(Item.select().order_by(Item.id).dicts())}


@app.get("/items/<int:item_id>")
def item(item_id):
    with shop.connection_context():
        found = Item.get_or_none(Item.id == item_id)
    if found is None:
        abort(404)
    return {"id": found.id, "name": found.name}


@app.get("/db/refused")
def db_refused():
    return {"rows": query(refused, "SELECT 1")}


@app.get("/db/auth")
def db_auth():
    return {"rows": query(bad_auth, "SELECT 1")}


@app.get("/db/pool")
def db_pool():
    # Peewee keeps one connection per thread: the view holds the pool's only connection in its own thread
    # while a worker borrows a second (in the view's context, so its spans stay in the trace).
    with single.connection_context():
        single.execute_sql("SELECT 1")
        with ThreadPoolExecutor(1) as worker:
            rows = worker.submit(contextvars.copy_context().run, query, single, "SELECT qty FROM items").result()
    return {"rows": rows}


@app.get("/db/statement-timeout")
def db_statement_timeout():
    return in_tx("SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")


@app.get("/db/lock-timeout")
def db_lock_timeout():
    return in_tx("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty + 1 WHERE id = 1")


@app.get("/db/undefined-table")
def db_undefined_table():
    return {"rows": query(shop, "SELECT * FROM invoices")}


@app.get("/db/undefined-column")
def db_undefined_column():
    return {"rows": query(shop, "SELECT discount FROM items")}


@app.post("/db/unique")
def db_unique():
    with shop.connection_context():
        Item.create(id=1, name="again", qty=1)
    return {"ok": True}


@app.get("/config/int")
def config_int():
    return {"page_size": config("PAGE_SIZE", parser=int)}


@app.get("/config/missing")
def config_missing():
    return {"payments": config("PAYMENTS_URL")}


@app.get("/template/missing")
async def template_missing():
    # templates/receipt.html is not deployed with the service.
    return await render_template("receipt.html", total=42)


@app.get("/null")
def null():
    return {"owner": find_cart("nobody").owner}


@app.get("/slow")
async def slow():
    await asyncio.sleep(2)
    return {"ok": True}


@app.get("/downstream/500")
def downstream_500():
    return fetch(env["DOWNSTREAM_URL"] + "/null")


@app.get("/downstream/timeout")
def downstream_timeout():
    return fetch(env["DOWNSTREAM_URL"] + "/slow", timeout=0.5)


@app.get("/downstream/refused")
def downstream_refused():
    return fetch(env["CLOSED_URL"] + "/items")


@app.get("/cache/ping")
async def cache_ping():
    return {"pong": await cache.ping()}


@app.get("/cache/refused")
async def cache_refused():
    # A client of a cache that is down.
    return {"greeting": await aioredis.Redis.from_url(env["REDIS_URL_REFUSED"], socket_connect_timeout=1).get("greeting")}


@app.get("/bare500")
async def bare500():
    return "", 500


# The middleware is the outermost ASGI layer: it sees the 500 that Quart answers.
app.asgi_app = OpenTelemetryMiddleware(app.asgi_app)

if __name__ == "__main__":
    cfg = Config()
    cfg.bind = [f"127.0.0.1:{env['PORT']}"]
    cfg.accesslog = None
    asyncio.run(serve(app, cfg))
