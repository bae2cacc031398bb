"""shop-aiohttp: a blind check's Python stack.

aiohttp's web server, psycopg 3 with psycopg_pool's AsyncConnectionPool,
redis-py's asyncio client, aiohttp's client for outgoing calls and environs
for settings, under opentelemetry-instrument (aiohttp-server, aiohttp-client,
psycopg, redis, logging). Each route of test/blind/README.md induces its fault
for real; nothing is recorded by hand.
"""

import asyncio
import logging
import os

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from environs import Env
from psycopg_pool import AsyncConnectionPool

log = logging.getLogger("shop")


def pool(env, **kw):
    return AsyncConnectionPool(os.environ[env], open=False, **kw)


POOLS = {
    "main": pool("DATABASE_URL", min_size=1, max_size=4),
    "refused": pool("DATABASE_URL_REFUSED", min_size=0, max_size=4, timeout=2),
    "bad_auth": pool("DATABASE_URL_BAD_PASSWORD", min_size=0, max_size=4, timeout=2),
    # A pool of one connection that waits 500 ms for a free one.
    "single": pool("DATABASE_URL", min_size=1, max_size=1, timeout=0.5),
}

routes = web.RouteTableDef()


@routes.get("/health")
async def health(request):
    return web.Response(text="ok")


@routes.get("/items")
async def items(request):
    async with POOLS["main"].connection() as conn:
        cur = await conn.execute("SELECT id, name, qty FROM items ORDER BY id")
        rows = await cur.fetchall()
    return web.json_response([{"id": i, "name": n, "qty": q} for i, n, q in rows])


@routes.get("/items/{id}")
async def item(request):
    async with POOLS["main"].connection() as conn:
        cur = await conn.execute("SELECT id, name, qty FROM items WHERE id = %s", (int(request.match_info["id"]),))
        row = await cur.fetchone()
    if row is None:
        raise web.HTTPNotFound(text="no such item")
    return web.json_response({"id": row[0], "name": row[1], "qty": row[2]})


async def count(p):
    async with p.connection() as conn:
        cur = await conn.execute("SELECT count(*) FROM items")
        return web.json_response((await cur.fetchone())[0])


@routes.get("/db/refused")
async def db_refused(request):
    return await count(POOLS["refused"])


@routes.get("/db/auth")
async def db_auth(request):
    return await count(POOLS["bad_auth"])


@routes.get("/db/pool")
async def db_pool(request):
    async with POOLS["single"].connection():
        async with POOLS["single"].connection():
            pass
    return web.Response()


async def in_tx(*statements):
    async with POOLS["main"].connection() as conn:
        async with conn.transaction():
            for s in statements:
                await conn.execute(s)
    return web.Response()


@routes.get("/db/statement-timeout")
async def statement_timeout(request):
    return await in_tx("SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")


@routes.get("/db/lock-timeout")
async def lock_timeout(request):
    return await in_tx("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")


@routes.get("/db/undefined-table")
async def undefined_table(request):
    return await in_tx("SELECT id FROM orders_archive WHERE id = 1")


@routes.get("/db/undefined-column")
async def undefined_column(request):
    return await in_tx("SELECT id, discount FROM items WHERE id = 1")


@routes.post("/db/unique")
async def unique(request):
    return await in_tx("INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)")


# Settings read per request, as a handler that honours a changed environment does.
@routes.get("/config/int")
async def config_int(request):
    env = Env()
    return web.json_response(env.int("PAGE_SIZE", 20))


@routes.get("/config/missing")
async def config_missing(request):
    env = Env()
    return web.Response(text=env.url("PAYMENTS_URL").geturl())


def find_cart(cart_id):
    return None


@routes.get("/null")
async def null(request):
    return web.Response(text=find_cart(request.query.get("id")).owner.name)


@routes.get("/slow")
async def slow(request):
    await asyncio.sleep(2)
    return web.Response()


async def call(url, timeout=5.0):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as s:
        async with s.get(url) as resp:
            resp.raise_for_status()
            return web.Response(text=await resp.text())


@routes.get("/downstream/500")
async def downstream_500(request):
    return await call(os.environ["DOWNSTREAM_URL"] + "/null")


@routes.get("/downstream/refused")
async def downstream_refused(request):
    return await call(os.environ["CLOSED_URL"] + "/payments")


@routes.get("/downstream/timeout")
async def downstream_timeout(request):
    return await call(os.environ["DOWNSTREAM_URL"] + "/slow", timeout=0.5)


@routes.get("/bare500")
async def bare500(request):
    return web.Response(status=500)


async def cache(url, ping):
    # A client made per request, as a handler with a per-tenant cache does.
    r = aioredis.from_url(url, socket_connect_timeout=1, retry_on_timeout=False)
    try:
        return web.Response(text=str(await (r.ping() if ping else r.get("greeting"))))
    finally:
        await r.aclose()


@routes.get("/cache/ping")
async def cache_ping(request):
    return await cache(os.environ["REDIS_URL"], True)


@routes.get("/cache/refused")
async def cache_refused(request):
    return await cache(os.environ["REDIS_URL_REFUSED"], False)


async def lifecycle(app):
    for p in POOLS.values():
        await p.open(wait=False)
    yield
    for p in POOLS.values():
        await p.close()


@web.middleware
async def errors(request, handler):
    """Answers an unhandled exception with a JSON 500 and logs it, as aiohttp
    services commonly do. Without it aiohttp's protocol answers outside every
    middleware, and the instrumentation's server span gets no status code."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return web.json_response({"error": "internal server error"}, status=500)


def main():
    logging.basicConfig(level=logging.INFO)
    app = web.Application(middlewares=[errors])
    app.add_routes(routes)
    app.cleanup_ctx.append(lifecycle)
    web.run_app(app, host="127.0.0.1", port=int(os.environ["PORT"]), access_log=None)


if __name__ == "__main__":
    main()
