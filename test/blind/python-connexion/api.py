"""The operations of the Connexion shop (openapi.yaml names them) and its
Tortoise models. Each route induces one fault of
test/integration/blindcapture/cases.go; an exception out of an operation is
left to Connexion (its ExceptionMiddleware logs it and answers a 500 problem)."""

import asyncio
import os

import httpx
from connexion import NoContent
from marshmallow import EXCLUDE, Schema
from marshmallow import fields as mfields
from tortoise import connections, fields
from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

env = os.environ


class Item(Model):
    id = fields.IntField(primary_key=True)
    name = fields.TextField()
    qty = fields.IntField()

    class Meta:
        table = "items"


class ItemV2(Model):
    """An items row of a newer schema than the database has (a migration not run)."""

    id = fields.IntField(primary_key=True)
    discount = fields.IntField()

    class Meta:
        table = "items"


class ArchivedOrder(Model):
    """A table of a newer schema than the database has."""

    id = fields.IntField(primary_key=True)

    class Meta:
        table = "orders_archive"


# Settings read per request, as an operation that honours a changed environment does.
class PageSettings(Schema):
    PAGE_SIZE = mfields.Integer(required=True)


class PaymentSettings(Schema):
    PAYMENTS_URL = mfields.Url(required=True)


client = httpx.AsyncClient(timeout=5.0)
impatient = httpx.AsyncClient(timeout=0.5)


def find_cart(owner):
    return {"alice": type("Cart", (), {"owner": "alice"})()}.get(owner)


async def call(http, url):
    r = await http.get(url)
    r.raise_for_status()
    return r.json()


async def health():
    return "ok"


async def items():
    return [{"id": i.id, "name": i.name, "qty": i.qty} for i in await Item.all().order_by("id")]


async def item(item_id):
    it = await Item.get_or_none(id=item_id)
    if it is None:
        return {"detail": "no such item"}, 404
    return {"id": it.id, "name": it.name, "qty": it.qty}


async def db_refused():
    return {"count": await Item.all().using_db(connections.get("refused")).count()}


async def db_auth():
    return {"count": await Item.all().using_db(connections.get("bad_auth")).count()}


async def db_pool():
    # The pool of one's connection is held in a transaction; the next query
    # through the pool waits for a connection for 0.5 s (Tortoise's acquire
    # has no timeout of its own).
    # (Inside the transaction block connections.get names the transaction's
    # connection: the pool's client is taken before it.)
    pool = connections.get("single")
    async with in_transaction("single") as held:
        await held.execute_query("SELECT 1")
        qty = await asyncio.wait_for(Item.filter(id=1).using_db(pool).values_list("qty", flat=True), 0.5)
        return {"qty": qty}


async def db_statement_timeout():
    async with in_transaction("default") as conn:
        await conn.execute_query("SET LOCAL statement_timeout = '200ms'")
        await conn.execute_query("SELECT pg_sleep(2)")
    return {"ok": True}


async def db_lock_timeout():
    async with in_transaction("default") as conn:
        await conn.execute_query("SET LOCAL lock_timeout = '200ms'")
        await Item.filter(id=1).using_db(conn).update(qty=F("qty") - 1)
    return {"ok": True}


async def db_undefined_table():
    return {"ids": await ArchivedOrder.filter(id=1).values_list("id", flat=True)}


async def db_undefined_column():
    return {"rows": await ItemV2.filter(id=1).values("id", "discount")}


async def db_unique():
    await Item.create(id=1, name="duplicate", qty=1)
    return {"ok": True}, 201


async def config_int():
    return PageSettings(unknown=EXCLUDE).load(dict(env))


async def config_missing():
    return PaymentSettings(unknown=EXCLUDE).load(dict(env))


async def null():
    return {"owner": find_cart("nobody").owner}


async def slow():
    await asyncio.sleep(2)
    return "ok"


async def downstream_500():
    return await call(client, env["DOWNSTREAM_URL"] + "/null")


async def downstream_timeout():
    return await call(impatient, env["DOWNSTREAM_URL"] + "/slow")


async def downstream_refused():
    return await call(client, env["CLOSED_URL"] + "/payments")


async def bare500():
    return NoContent, 500
