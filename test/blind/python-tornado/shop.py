"""shop-tornado: the blind check's Tornado stack. Tornado 6 (server and AsyncHTTPClient), asyncpg pools (the
pool of one with a 500 ms acquire timeout), redis-py's asyncio client, settings from pydantic-settings; run
under opentelemetry-instrument. Each route of test/blind/README.md induces its fault for real; nothing is
recorded by hand. An exception out of a handler is left to Tornado: a 500, logged to tornado.application."""
import asyncio
import os

import asyncpg
import redis.asyncio as aioredis
import tornado.httpclient
import tornado.ioloop
import tornado.web
from pydantic_settings import BaseSettings


class PageSettings(BaseSettings):
    page_size: int = 20


class PaymentSettings(BaseSettings):
    payments_url: str


class Base(tornado.web.RequestHandler):
    @property
    def pools(self):
        return self.application.settings["pools"]


class Health(Base):
    def get(self):
        self.write("ok")


class Items(Base):
    async def get(self):
        rows = await self.pools["db"].fetch("SELECT id, name, qty FROM items ORDER BY id")
        self.write({"items": [dict(r) for r in rows]})


class Item(Base):
    async def get(self, item_id):
        row = await self.pools["db"].fetchrow("SELECT id, name FROM items WHERE id = $1", int(item_id))
        if row is None:
            raise tornado.web.HTTPError(404)
        self.write(dict(row))


def count_handler(pool_name):
    class Count(Base):
        async def get(self):
            self.write({"n": await self.pools[pool_name].fetchval("SELECT count(*) FROM items")})

    return Count


class DbPool(Base):
    async def get(self):
        # The pool's one connection is held while a second is borrowed (500 ms acquire timeout).
        single = self.pools["single"]
        async with single.acquire() as held:
            await held.execute("SELECT 1")
            async with single.acquire(timeout=0.5) as second:
                await second.execute("SELECT 1")
        self.write("ok")


def tx_handler(*statements):
    class InTx(Base):
        async def run(self):
            async with self.pools["db"].acquire() as conn, conn.transaction():
                for sql in statements:
                    await conn.execute(sql)
                raise _Rollback

        async def get(self):
            try:
                await self.run()
            except _Rollback:
                pass
            self.write("ok")

        post = get

    return InTx


class _Rollback(Exception):
    pass


# Settings read per request, as a handler that honours a changed environment does.
class ConfigInt(Base):
    def get(self):
        self.write({"page_size": PageSettings().page_size})


class ConfigMissing(Base):
    def get(self):
        self.write({"payments_url": PaymentSettings().payments_url})


class Null(Base):
    def get(self):
        cart = find_cart("c-1")
        self.write({"owner": cart.owner.name})


def find_cart(cart_id):
    return None


class Slow(Base):
    async def get(self):
        await asyncio.sleep(2)
        self.write("slow")


def call_handler(env, path, timeout):
    class Call(Base):
        async def get(self):
            client = tornado.httpclient.AsyncHTTPClient()
            resp = await client.fetch(os.environ[env] + path, request_timeout=timeout)
            self.write(resp.body)

    return Call


class Bare500(Base):
    def get(self):
        self.set_status(500)


def redis_handler(env):
    class Ping(Base):
        async def get(self):
            client = aioredis.from_url(os.environ[env])
            try:
                self.write(str(await client.ping()))
            finally:
                await client.aclose()

    return Ping


async def main():
    pools = {
        "db": await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=0, max_size=4),
        # The database is down: a port nothing listens on.
        "refused": await asyncpg.create_pool(os.environ["DATABASE_URL_REFUSED"], min_size=0, max_size=4),
        "badauth": await asyncpg.create_pool(os.environ["DATABASE_URL_BAD_PASSWORD"], min_size=0, max_size=4),
        "single": await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=0, max_size=1),
    }
    app = tornado.web.Application(
        [
            (r"/health", Health),
            (r"/items", Items),
            (r"/items/(\d+)", Item),
            (r"/db/refused", count_handler("refused")),
            (r"/db/auth", count_handler("badauth")),
            (r"/db/pool", DbPool),
            (r"/db/statement-timeout", tx_handler("SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")),
            (r"/db/lock-timeout", tx_handler("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")),
            (r"/db/undefined-table", tx_handler("SELECT id FROM orders_archive WHERE id = 1")),
            (r"/db/undefined-column", tx_handler("SELECT id, discount FROM items WHERE id = 1")),
            (r"/db/unique", tx_handler("INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)")),
            (r"/config/int", ConfigInt),
            (r"/config/missing", ConfigMissing),
            (r"/null", Null),
            (r"/slow", Slow),
            (r"/downstream/500", call_handler("DOWNSTREAM_URL", "/null", 5)),
            (r"/downstream/timeout", call_handler("DOWNSTREAM_URL", "/slow", 0.5)),
            (r"/downstream/refused", call_handler("CLOSED_URL", "/payments", 5)),
            (r"/bare500", Bare500),
            (r"/cache/refused", redis_handler("REDIS_URL_REFUSED")),
            (r"/cache/ping", redis_handler("REDIS_URL")),
        ],
        pools=pools,
    )
    app.listen(int(os.environ["PORT"]), address="127.0.0.1")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
