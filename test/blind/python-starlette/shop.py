"""shop-starlette: the blind check's Python stack.

Starlette under uvicorn, SQLAlchemy 2.0's async engine on asyncpg, httpx for
outgoing calls, settings read with starlette.config; run under
opentelemetry-instrument (asyncpg, sqlalchemy, httpx) with the whole app
wrapped in the ASGI instrumentation's OpenTelemetryMiddleware. Each route of
test/blind/README.md induces its fault for real; nothing is recorded by hand.

Why the ASGI middleware and not the Starlette instrumentation: the latter adds
its middleware inside Starlette's ServerErrorMiddleware, so an unhandled
exception leaves its server span with an error status and no HTTP status code
(seen on the first capture): no 500 to diagnose. Outermost, the middleware
sees the 500 that ServerErrorMiddleware sends and the exception it re-raises.
"""
import os

import httpx
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.applications import Starlette
from starlette.config import Config
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

config = Config()


def asyncpg_url(name):
    return os.environ[name].replace("postgresql://", "postgresql+asyncpg://", 1)


engine = create_async_engine(asyncpg_url("DATABASE_URL"), pool_size=4)
refused = create_async_engine(asyncpg_url("DATABASE_URL_REFUSED"))
bad_auth = create_async_engine(asyncpg_url("DATABASE_URL_BAD_PASSWORD"))
single = create_async_engine(asyncpg_url("DATABASE_URL"), pool_size=1, max_overflow=0, pool_timeout=0.5)


async def health(request):
    return PlainTextResponse("ok")


async def items(request):
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id, name, qty FROM items ORDER BY id"))).mappings().all()
    return JSONResponse([dict(r) for r in rows])


async def item(request):
    async with engine.connect() as conn:
        row = (await conn.execute(text("SELECT id, name, qty FROM items WHERE id = :id"),
                                  {"id": int(request.path_params["id"])})).mappings().first()
    if row is None:
        raise HTTPException(status_code=404, detail="no such item")
    return JSONResponse(dict(row))


async def count(eng):
    async with eng.connect() as conn:
        return (await conn.execute(text("SELECT count(*) FROM items"))).scalar_one()


async def db_refused(request):
    return JSONResponse(await count(refused))


async def db_auth(request):
    return JSONResponse(await count(bad_auth))


async def db_pool(request):
    # The pool's one connection is held while a second is borrowed.
    async with single.connect() as held:
        await held.execute(text("SELECT 1"))
        async with single.connect() as second:
            await second.execute(text("SELECT 1"))
    return Response(status_code=200)


async def in_tx(*statements):
    async with engine.begin() as conn:
        for s in statements:
            await conn.execute(text(s))


async def statement_timeout(request):
    await in_tx("SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")
    return Response(status_code=200)


async def lock_timeout(request):
    await in_tx("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")
    return Response(status_code=200)


async def undefined_table(request):
    await in_tx("SELECT id FROM orders_archive WHERE id = 1")
    return Response(status_code=200)


async def undefined_column(request):
    await in_tx("SELECT id, discount FROM items WHERE id = 1")
    return Response(status_code=200)


async def unique(request):
    await in_tx("INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)")
    return Response(status_code=200)


async def page_size(request):
    return JSONResponse(config("PAGE_SIZE", cast=int, default=20))


async def payments_url(request):
    return PlainTextResponse(config("PAYMENTS_URL"))


class Cart:
    owner = None


def find_cart(cart_id):
    return None


async def null_dereference(request):
    cart = find_cart(request.query_params.get("id"))
    return PlainTextResponse(cart.owner.name)


async def call(url):
    async with httpx.AsyncClient(timeout=5) as client:
        r = await client.get(url)
        r.raise_for_status()


async def downstream_500(request):
    await call(os.environ["DOWNSTREAM_URL"] + "/null")
    return Response(status_code=200)


async def downstream_refused(request):
    await call(os.environ["CLOSED_URL"] + "/payments")
    return Response(status_code=200)


async def bare_500(request):
    return Response(status_code=500)


routes = Starlette(routes=[
    Route("/health", health),
    Route("/items", items),
    Route("/items/{id:int}", item),
    Route("/db/refused", db_refused),
    Route("/db/auth", db_auth),
    Route("/db/pool", db_pool),
    Route("/db/statement-timeout", statement_timeout),
    Route("/db/lock-timeout", lock_timeout),
    Route("/db/undefined-table", undefined_table),
    Route("/db/undefined-column", undefined_column),
    Route("/db/unique", unique, methods=["POST"]),
    Route("/config/int", page_size),
    Route("/config/missing", payments_url),
    Route("/null", null_dereference),
    Route("/downstream/500", downstream_500),
    Route("/downstream/refused", downstream_refused),
    Route("/bare500", bare_500),
])

app = OpenTelemetryMiddleware(routes)
