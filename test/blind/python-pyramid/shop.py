"""The blind check's Pyramid stack on MariaDB: Pyramid 2 (WSGI) on waitress,
mysql-connector-python with its own pool (mysql.connector.pooling), requests,
redis-py, python-dotenv (shop.env) and os.environ for the settings; run under
opentelemetry-instrument (pyramid, mysql, requests, redis, logging). Each route
induces one fault of test/integration/blindcapture/cases.go; an exception out
of a view is left to Pyramid and waitress (logged by waitress, a 500)."""

import logging
import os
import time
from pathlib import Path

import redis
import requests
import waitress
from dotenv import load_dotenv
from mysql.connector import pooling
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response

load_dotenv(Path(__file__).with_name("shop.env"))
logging.basicConfig(level=os.environ["LOG_LEVEL"])
env = os.environ


def db_config(**over):
    cfg = dict(host=env["DB_HOST"], port=int(env["DB_PORT"]), user=env["DB_USER"], password=env["DB_PASSWORD"],
               database=env["DB_NAME"], connection_timeout=5)
    cfg.update(over)
    return cfg


class LazyPool:
    """A MySQLConnectionPool made on first use: the pool opens its connections
    when it is made, so the pools of a database that is down fail per request."""

    def __init__(self, name, size, **over):
        self.name, self.size, self.over, self.pool = name, size, over, None

    def get(self):
        if self.pool is None:
            self.pool = pooling.MySQLConnectionPool(pool_name=self.name, pool_size=self.size, **db_config(**self.over))
        return self.pool.get_connection()


shop = LazyPool("shop", 4)
refused = LazyPool("refused", 4, port=int(env["DB_PORT_REFUSED"]))
bad_auth = LazyPool("bad_auth", 4, password="not-the-password")
# A pool of one connection: get_connection() does not wait for a free one.
single = LazyPool("single", 1)
cache = redis.Redis.from_url(env["REDIS_URL"])


def query(pool, sql, *args):
    cnx = pool.get()
    try:
        cur = cnx.cursor()
        cur.execute(sql, args)
        return [list(r) for r in cur.fetchall()]
    finally:
        cnx.close()


def in_tx(pool, *statements):
    cnx = pool.get()
    try:
        cnx.start_transaction()
        cur = cnx.cursor()
        for sql in statements:
            cur.execute(sql)
            if cur.with_rows:
                cur.fetchall()
        cnx.rollback()
    finally:
        cnx.close()
    return {"ok": True}


def find_cart(owner):
    return {"alice": type("Cart", (), {"owner": "alice"})()}.get(owner)


def item(request):
    rows = query(shop, "SELECT id, name, qty FROM items WHERE id = %s", int(request.matchdict["id"]))
    if not rows:
        raise HTTPNotFound("no such item")
    return dict(zip(("id", "name", "qty"), rows[0]))


def pool_exhausted(request):
    # The pool's one connection is held while a second is asked for.
    held = single.get()
    try:
        cur = held.cursor()
        cur.execute("SELECT 1")
        cur.fetchall()  # an unread result would fail the connection's return to the pool instead
        return query(single, "SELECT qty FROM items WHERE id = 1")
    finally:
        held.close()


def call(url, **kw):
    r = requests.get(url, **kw)
    r.raise_for_status()
    return r.json()


def slow(request):
    time.sleep(2)
    return {"ok": True}


def bare500(request):
    return Response(status=500)


def cache_refused(request):
    # A client of a cache that is down.
    return redis.Redis.from_url(env["REDIS_URL_REFUSED"], socket_connect_timeout=1).get("greeting")


routes = {
    "/health": lambda request: "ok",
    "/items": lambda request: query(shop, "SELECT id, name, qty FROM items"),
    "/items/{id}": item,
    "/db/refused": lambda request: query(refused, "SELECT 1"),
    "/db/auth": lambda request: query(bad_auth, "SELECT 1"),
    "/db/pool": pool_exhausted,
    "/db/statement-timeout": lambda request: query(shop, "SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)"),
    "/db/lock-timeout": lambda request: in_tx(shop, "SET SESSION innodb_lock_wait_timeout = 1",
                                              "UPDATE items SET qty = qty + 1 WHERE id = 1"),
    "/db/undefined-table": lambda request: query(shop, "SELECT * FROM invoices"),
    "/db/undefined-column": lambda request: query(shop, "SELECT discount FROM items"),
    # Settings read per request, as a view that honours a changed environment does.
    "/config/int": lambda request: {"page_size": int(env["PAGE_SIZE"])},
    "/config/missing": lambda request: {"payments": env["PAYMENTS_URL"]},
    "/null": lambda request: {"owner": find_cart("nobody").owner},
    "/slow": slow,
    "/downstream/500": lambda request: call(env["DOWNSTREAM_URL"] + "/null"),
    "/downstream/timeout": lambda request: call(env["DOWNSTREAM_URL"] + "/slow", timeout=0.5),
    "/downstream/refused": lambda request: call(env["CLOSED_URL"] + "/items"),
    "/cache/ping": lambda request: cache.ping(),
    "/cache/refused": cache_refused,
    "/bare500": bare500,
}


def make_app():
    with Configurator() as config:
        for i, (path, view) in enumerate(routes.items()):
            config.add_route(f"r{i}", path, request_method="GET")
            config.add_view(view, route_name=f"r{i}", renderer="json")
        config.add_route("unique", "/db/unique", request_method="POST")
        config.add_view(lambda request: in_tx(shop, "INSERT INTO items (id, name, qty) VALUES (1, 'again', 1)"),
                        route_name="unique", renderer="json")
        return config.make_wsgi_app()


if __name__ == "__main__":
    waitress.serve(make_app(), host="127.0.0.1", port=int(env["PORT"]), threads=8)
