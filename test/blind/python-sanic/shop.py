"""shop-sanic: the blind check's Sanic stack. Sanic 25.12 served as ASGI by uvicorn (Sanic has no
OpenTelemetry instrumentation: the app is wrapped in the ASGI OpenTelemetryMiddleware), aiopg pools (psycopg2
underneath; aiopg's acquire has no timeout of its own, so the pool of one is borrowed under asyncio.wait_for),
aiohttp's client, redis-py's asyncio client, settings read with OmegaConf (`${oc.env:...}` interpolations into a
typed structured config); run under opentelemetry-instrument. Each route of test/blind/README.md induces its fault
for real; an exception out of a handler is left to Sanic: a 500, logged to `sanic.error` ("Exception occurred
while handling uri: ...")."""
import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import aiopg
import redis.asyncio as aioredis
from omegaconf import OmegaConf
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from sanic import Sanic
from sanic.exceptions import NotFound
from sanic.response import empty, json, text

env = os.environ
app = Sanic("shop")


def dsn(port=None, password=None):
    return (f"host={env['DB_HOST']} port={port or env['DB_PORT']} user={env['DB_USER']} "
            f"password={password or env['DB_PASSWORD']} dbname={env['DB_NAME']} connect_timeout=5")


class LazyPool:
    """An aiopg pool made on first use (create_pool opens minsize connections at once), so the pools of a
    database that is down fail per request."""

    def __init__(self, size, **over):
        self.size, self.over, self.pool = size, over, None

    async def get(self):
        if self.pool is None:
            self.pool = await aiopg.create_pool(dsn(**self.over), minsize=0, maxsize=self.size, timeout=5)
        return self.pool


shop = LazyPool(4)
refused = LazyPool(4, port=env["DB_PORT_REFUSED"])
bad_auth = LazyPool(4, password="not-the-password")
# A pool of one connection.
single = LazyPool(1)


@dataclass
class PageSettings:
    page_size: int = 20


@dataclass
class PaymentSettings:
    payments_url: str = "${oc.env:PAYMENTS_URL}"


def settings(schema, **values):
    # Settings read per request, as a handler that honours a changed environment does.
    return OmegaConf.merge(OmegaConf.structured(schema), OmegaConf.create(values))


async def query(lazy, sql, *args):
    pool = await lazy.get()
    async with pool.acquire() as conn, conn.cursor() as cur:
        await cur.execute(sql, args or None)
        return await cur.fetchall()


async def in_tx(*statements):
    pool = await shop.get()
    async with pool.acquire() as conn, conn.cursor() as cur:
        # aiopg runs in autocommit: a transaction is BEGIN ... ROLLBACK.
        await cur.execute("BEGIN")
        try:
            for sql in statements:
                await cur.execute(sql)
        finally:
            await cur.execute("ROLLBACK")
    return json({"ok": True})


def find_cart(owner):
    return {"alice": type("Cart", (), {"owner": "alice"})()}.get(owner)


async def fetch(url, timeout=5):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        async with session.get(url, raise_for_status=True) as resp:
            return await resp.text()


@app.get("/health")
async def health(request):
    return text("ok")


@app.get("/items")
async def items(request):
    return json({"items": [list(r) for r in await query(shop, "SELECT id, name, qty FROM items ORDER BY id")]})


@app.get("/items/<item_id:int>")
async def item(request, item_id):
    rows = await query(shop, "SELECT id, name FROM items WHERE id = %s", item_id)
    if not rows:
        raise NotFound("no such item")
    return json({"id": rows[0][0], "name": rows[0][1]})


@app.get("/db/refused")
async def db_refused(request):
    return json({"rows": await query(refused, "SELECT 1")})


@app.get("/db/auth")
async def db_auth(request):
    return json({"rows": await query(bad_auth, "SELECT 1")})


@app.get("/db/pool")
async def db_pool(request):
    # The pool's one connection is held while a second is borrowed, waiting at most 500 ms.
    pool = await single.get()
    async with pool.acquire() as held, held.cursor() as cur:
        await cur.execute("SELECT 1")
        second = await asyncio.wait_for(pool.acquire(), timeout=0.5)
        pool.release(second)
    return json({"ok": True})


@app.get("/db/statement-timeout")
async def db_statement_timeout(request):
    # aiopg's own per-statement timeout (200 ms): the server's statement_timeout cancels the query with
    # QueryCanceledError, which aiopg turns into asyncio.CancelledError, escaping Sanic and the middleware.
    pool = await shop.get()
    async with pool.acquire() as conn, conn.cursor() as cur:
        await cur.execute("SELECT pg_sleep(2)", timeout=0.2)
    return json({"ok": True})


@app.get("/db/lock-timeout")
async def db_lock_timeout(request):
    return await in_tx("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty + 1 WHERE id = 1")


@app.get("/db/undefined-table")
async def db_undefined_table(request):
    return json({"rows": await query(shop, "SELECT * FROM invoices")})


@app.get("/db/undefined-column")
async def db_undefined_column(request):
    return json({"rows": await query(shop, "SELECT discount FROM items")})


@app.post("/db/unique")
async def db_unique(request):
    return await in_tx("INSERT INTO items (id, name, qty) VALUES (1, 'again', 1)")


@app.get("/config/int")
async def config_int(request):
    return json({"page_size": settings(PageSettings, page_size="${oc.env:PAGE_SIZE}").page_size})


@app.get("/config/missing")
async def config_missing(request):
    return json({"payments": settings(PaymentSettings).payments_url})


@app.get("/template/missing")
async def template_missing(request):
    # templates/receipt.html is not deployed with the service.
    page = Path(__file__).with_name("templates") / "receipt.html"
    return text(page.read_text().replace("{{total}}", "42"))


@app.get("/null")
async def null(request):
    return json({"owner": find_cart("nobody").owner})


@app.get("/slow")
async def slow(request):
    await asyncio.sleep(2)
    return json({"ok": True})


@app.get("/downstream/500")
async def downstream_500(request):
    return text(await fetch(env["DOWNSTREAM_URL"] + "/null"))


@app.get("/downstream/timeout")
async def downstream_timeout(request):
    return text(await fetch(env["DOWNSTREAM_URL"] + "/slow", timeout=0.5))


@app.get("/downstream/refused")
async def downstream_refused(request):
    return text(await fetch(env["CLOSED_URL"] + "/items"))


@app.get("/cache/ping")
async def cache_ping(request):
    return json({"pong": await aioredis.Redis.from_url(env["REDIS_URL"]).ping()})


@app.get("/cache/refused")
async def cache_refused(request):
    # A client of a cache that is down.
    client = aioredis.Redis.from_url(env["REDIS_URL_REFUSED"], socket_connect_timeout=1)
    return json({"greeting": await client.get("greeting")})


@app.get("/bare500")
async def bare500(request):
    return empty(status=500)


# uvicorn serves this: the middleware is the outermost ASGI layer and sees the 500 that Sanic answers.
asgi = OpenTelemetryMiddleware(app)
