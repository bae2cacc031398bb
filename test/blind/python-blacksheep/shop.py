"""The blind check's BlackSheep stack: BlackSheep 2 served as ASGI by uvicorn,
wrapped in the OpenTelemetry ASGI middleware (BlackSheep has no
instrumentation of its own), asyncpg pools, httpx's async client, redis-py
asyncio, envparse for the settings; run under opentelemetry-instrument
(asyncpg, httpx, redis, logging). Each route induces one fault of
test/integration/blindcapture/cases.go; an exception out of a handler is left
to BlackSheep (it answers 500 and logs it to `blacksheep.server`,
`Unhandled exception - "GET /path"`)."""

import asyncio
import os

import asyncpg
import httpx
import redis.asyncio as aioredis
import uvicorn
from blacksheep import Application, Response, json, text
from envparse import env as settings
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

env = os.environ


def dsn(port=None, password=None):
    return "postgresql://{}:{}@{}:{}/{}".format(
        env["DB_USER"], password or env["DB_PASSWORD"], env["DB_HOST"], port or env["DB_PORT"], env["DB_NAME"])


class Pool:
    """An asyncpg pool made on first use, as a service that starts before its
    database does: the refused and wrong-password ones too."""

    def __init__(self, size, **over):
        self.size, self.over, self.pool = size, over, None

    async def get(self):
        if self.pool is None:
            self.pool = await asyncpg.create_pool(dsn(**self.over), min_size=0, max_size=self.size)
        return self.pool


shop = Pool(4)
refused = Pool(4, port=env["DB_PORT_REFUSED"])
bad_auth = Pool(4, password="not-the-password")
single = Pool(1)
cache = aioredis.Redis.from_url(env["REDIS_URL"])
client = httpx.AsyncClient(timeout=5.0)
impatient = httpx.AsyncClient(timeout=0.5)
app = Application()
get, post = app.router.get, app.router.post


async def query(pool, sql, *args):
    p = await pool.get()
    async with p.acquire() as conn:
        return [list(r) for r in await conn.fetch(sql, *args)]


async def in_tx(*statements):
    p = await shop.get()
    async with p.acquire() as conn:
        tr = conn.transaction()
        await tr.start()
        try:
            for sql in statements:
                await conn.execute(sql)
        finally:
            await tr.rollback()
    return json({"ok": True})


def find_cart(owner):
    return {"alice": type("Cart", (), {"owner": "alice"})()}.get(owner)


async def call(http, url):
    r = await http.get(url)
    r.raise_for_status()
    return json(r.json())


@get("/health")
async def health():
    return text("ok")


@get("/items")
async def items():
    return json({"rows": await query(shop, "SELECT id, name, qty FROM items ORDER BY id")})


@get("/items/{id}")
async def item(id: int):
    rows = await query(shop, "SELECT id, name, qty FROM items WHERE id = $1", id)
    if not rows:
        return Response(404, content=None)
    return json({"row": rows[0]})


@get("/db/refused")
async def db_refused():
    return json({"rows": await query(refused, "SELECT count(*) FROM items")})


@get("/db/auth")
async def db_auth():
    return json({"rows": await query(bad_auth, "SELECT count(*) FROM items")})


@get("/db/pool")
async def db_pool():
    # The first connection is held; the second cannot be had within 0.5 s.
    p = await single.get()
    async with p.acquire() as held:
        await held.fetchval("SELECT 1")
        async with p.acquire(timeout=0.5) as conn:
            return json({"qty": await conn.fetchval("SELECT qty FROM items WHERE id = 1")})


@get("/db/statement-timeout")
async def db_statement_timeout():
    return await in_tx("SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")


@get("/db/lock-timeout")
async def db_lock_timeout():
    return await in_tx("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")


@get("/db/undefined-table")
async def db_undefined_table():
    return json({"rows": await query(shop, "SELECT id FROM orders_archive WHERE id = 1")})


@get("/db/undefined-column")
async def db_undefined_column():
    return json({"rows": await query(shop, "SELECT id, discount FROM items WHERE id = 1")})


@post("/db/unique")
async def db_unique():
    return await in_tx("INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)")


# Settings read per request, as a route that honours a changed environment does.
@get("/config/int")
async def config_int():
    return json({"page_size": settings.int("PAGE_SIZE")})


@get("/config/missing")
async def config_missing():
    return json({"payments": settings("PAYMENTS_URL")})


@get("/null")
async def null():
    return json({"owner": find_cart("nobody").owner})


@get("/slow")
async def slow():
    await asyncio.sleep(2)
    return text("ok")


@get("/downstream/500")
async def downstream_500():
    return await call(client, env["DOWNSTREAM_URL"] + "/null")


@get("/downstream/timeout")
async def downstream_timeout():
    return await call(impatient, env["DOWNSTREAM_URL"] + "/slow")


@get("/downstream/refused")
async def downstream_refused():
    return await call(client, env["CLOSED_URL"] + "/payments")


@get("/bare500")
async def bare500():
    return Response(500, content=None)


@get("/cache/ping")
async def cache_ping():
    return json({"pong": await cache.ping()})


@get("/cache/refused")
async def cache_refused():
    # A client of a cache that is down.
    down = aioredis.Redis.from_url(env["REDIS_URL_REFUSED"], socket_connect_timeout=1)
    return json({"greeting": await down.get("greeting")})


if __name__ == "__main__":
    uvicorn.run(OpenTelemetryMiddleware(app), host="127.0.0.1", port=int(env["PORT"]), loop="asyncio",
                log_level="info")
