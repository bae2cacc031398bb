"""shop-litestar: the blind check's Litestar stack on MariaDB.

Litestar under uvicorn with its OpenTelemetryPlugin (the ASGI instrumentation's
middleware), SQLAlchemy 2.0's async engine on aiomysql, redis-py's asyncio
client, httpx for outgoing calls, settings read with dynaconf (environment
variables, no prefix); run under opentelemetry-instrument (sqlalchemy, httpx,
redis, logging). Each route induces one fault of
test/integration/blindcapture/cases.go; nothing is recorded by hand. An
exception out of a handler is left to Litestar (a 500), which logs it
(log_exceptions="always": production logs the 500s it answers) to its logger
"litestar"; that logger is set to propagate, so its records reach the SDK's
handler on the root logger (Litestar's default keeps them to itself: the first
capture received none).
"""
import asyncio
import os

import httpx
import redis.asyncio as redis
from dynaconf import Dynaconf
from litestar import Litestar, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.logging import LoggingConfig
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

settings = Dynaconf(envvar_prefix=False)
env = os.environ


def aiomysql_url(name):
    return env[name].replace("mysql://", "mysql+aiomysql://", 1)


# One engine (and so one pool) per database URL, as an application configures
# them: the refused, wrong-password and pool-of-one ones too.
shop = create_async_engine(aiomysql_url("DATABASE_URL"), pool_size=4)
refused = create_async_engine(aiomysql_url("DATABASE_URL_REFUSED"))
bad_auth = create_async_engine(aiomysql_url("DATABASE_URL_BAD_PASSWORD"))
single = create_async_engine(aiomysql_url("DATABASE_URL"), pool_size=1, max_overflow=0, pool_timeout=0.5)
cache = redis.Redis.from_url(env["REDIS_URL"])
cache_down = redis.Redis.from_url(env["REDIS_URL_REFUSED"], socket_connect_timeout=1)


async def query(engine, sql):
    async with engine.connect() as conn:
        return [list(r) for r in (await conn.execute(text(sql))).all()]


async def in_tx(*statements):
    async with shop.begin() as conn:
        for s in statements:
            await conn.execute(text(s))
    return {"ok": True}


@get("/health")
async def health() -> str:
    return "ok"


@get("/items")
async def items() -> list:
    return await query(shop, "SELECT id, name, qty FROM items ORDER BY id")


@get("/items/{item_id:int}")
async def item(item_id: int) -> dict:
    async with shop.connect() as conn:
        row = (await conn.execute(text("SELECT id, name, qty FROM items WHERE id = :id"), {"id": item_id})).mappings().first()
    if row is None:
        raise NotFoundException("no such item")
    return dict(row)


@get("/db/refused")
async def db_refused() -> list:
    return await query(refused, "SELECT 1")


@get("/db/auth")
async def db_auth() -> list:
    return await query(bad_auth, "SELECT 1")


@get("/db/pool")
async def db_pool() -> list:
    # The pool's one connection is held while a second is borrowed.
    async with single.connect() as held:
        await held.execute(text("SELECT 1"))
        return await query(single, "SELECT qty FROM items WHERE id = 1")


@get("/db/statement-timeout")
async def statement_timeout() -> list:
    return await query(shop, "SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)")


@get("/db/lock-timeout")
async def lock_timeout() -> dict:
    return await in_tx("SET SESSION innodb_lock_wait_timeout = 1", "UPDATE items SET qty = qty + 1 WHERE id = 1")


@get("/db/undefined-table")
async def undefined_table() -> list:
    return await query(shop, "SELECT * FROM invoices")


@get("/db/undefined-column")
async def undefined_column() -> list:
    return await query(shop, "SELECT discount FROM items")


@post("/db/unique", status_code=200)
async def unique() -> dict:
    return await in_tx("INSERT INTO items (id, name, qty) VALUES (1, 'again', 1)")


# Settings read per request, as a handler that honours a changed configuration does.
@get("/config/int")
async def page_size() -> dict:
    return {"page_size": settings.as_int("PAGE_SIZE")}


@get("/config/missing")
async def payments_url() -> dict:
    return {"payments": settings.PAYMENTS_URL}


def find_cart(owner):
    return {"alice": type("Cart", (), {"owner": "alice"})()}.get(owner)


@get("/null")
async def null_dereference() -> dict:
    return {"owner": find_cart("nobody").owner}


@get("/slow")
async def slow() -> dict:
    await asyncio.sleep(2)
    return {"ok": True}


async def call(url, timeout=5.0):
    async with httpx.AsyncClient(timeout=timeout) as client:
        r = await client.get(url)
        r.raise_for_status()
        return r.json()


@get("/downstream/500")
async def downstream_500() -> dict:
    return await call(env["DOWNSTREAM_URL"] + "/null")


@get("/downstream/timeout")
async def downstream_timeout() -> dict:
    return await call(env["DOWNSTREAM_URL"] + "/slow", timeout=0.5)


@get("/downstream/refused")
async def downstream_refused() -> dict:
    return await call(env["CLOSED_URL"] + "/items")


@get("/bare500")
async def bare_500() -> Response:
    return Response(content=None, status_code=500)


@get("/cache/ping")
async def cache_ping() -> bool:
    return await cache.ping()


@get("/cache/refused")
async def cache_refused() -> bool:
    # A client of a cache that is down.
    return await cache_down.ping()


app = Litestar(
    route_handlers=[health, items, item, db_refused, db_auth, db_pool, statement_timeout, lock_timeout,
                    undefined_table, undefined_column, unique, page_size, payments_url, null_dereference, slow,
                    downstream_500, downstream_timeout, downstream_refused, bare_500, cache_ping, cache_refused],
    plugins=[OpenTelemetryPlugin(OpenTelemetryConfig())],
    logging_config=LoggingConfig(
        log_exceptions="always",
        loggers={"litestar": {"level": "INFO", "handlers": ["queue_listener"], "propagate": True}},
    ),
)
