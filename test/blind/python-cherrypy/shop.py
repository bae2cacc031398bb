"""The blind check's CherryPy stack: CherryPy 18 (its default dispatcher and
its own server, cheroot) with the application grafted inside the OpenTelemetry
WSGI middleware (CherryPy has no instrumentation of its own), DBUtils' PooledDB
pools over psycopg2, httpx, redis-py, pyhocon for the settings (a HOCON file
per setting with its environment substitution, parsed per request: a route
resolves only the setting it reads); run under
opentelemetry-instrument (psycopg2, httpx, redis, logging). Each route induces
one fault of test/integration/blindcapture/cases.go; an exception out of a
handler is left to CherryPy (it answers 500 and logs the traceback to its
application's error log)."""

import os
import time

import cherrypy
import httpx
import psycopg2
import redis
from dbutils.pooled_db import PooledDB
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware
from pyhocon import ConfigFactory

env = os.environ
HERE = os.path.dirname(os.path.abspath(__file__))


def pool(port=None, password=None, **kw):
    # mincached=0: nothing connects until the first borrow.
    return PooledDB(psycopg2, mincached=0, host=env["DB_HOST"], port=port or env["DB_PORT"], user=env["DB_USER"],
                    password=password or env["DB_PASSWORD"], dbname=env["DB_NAME"], **kw)


# One pool per database, as an application configures them: the refused,
# wrong-password and pool-of-one ones too. PooledDB has no borrow timeout: it
# blocks for ever or, not blocking, fails at once (TooManyConnections).
shop = pool(maxconnections=4, blocking=True)
refused = pool(port=env["DB_PORT_REFUSED"])
bad_auth = pool(password="not-the-password")
single = pool(maxconnections=1, blocking=False)
cache = redis.Redis.from_url(env["REDIS_URL"])
client = httpx.Client(timeout=5.0)
impatient = httpx.Client(timeout=0.5)


def settings(name):
    # Read per request, as a route that honours a changed environment does. One file per setting: pyhocon resolves
    # every substitution of a file as it parses it, so the file of PAGE_SIZE must not hold the unset PAYMENTS_URL.
    return ConfigFactory.parse_file(os.path.join(HERE, name + ".conf"))


def query(db, sql, args=None):
    conn = db.connection()
    try:
        cur = conn.cursor()
        cur.execute(sql, args)
        return [list(r) for r in cur.fetchall()] if cur.description else []
    finally:
        conn.close()


def in_tx(*statements):
    conn = shop.connection()
    try:
        # DBUtils' begin(): without it, SET LOCAL did not hold for the next
        # statement (the first capture: pg_sleep ran its 2 s).
        conn.begin()
        cur = conn.cursor()
        for sql in statements:
            cur.execute(sql)
        conn.rollback()
    finally:
        conn.close()
    return {"ok": True}


def find_cart(owner):
    return {"alice": type("Cart", (), {"owner": "alice"})()}.get(owner)


def call(http, url):
    r = http.get(url)
    r.raise_for_status()
    return r.json()


class DB:
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def refused(self):
        return {"rows": query(refused, "SELECT count(*) FROM items")}

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def auth(self):
        return {"rows": query(bad_auth, "SELECT count(*) FROM items")}

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def pool(self):
        # The first connection is held; the pool of one has no second.
        held = single.connection()
        try:
            held.cursor().execute("SELECT 1")
            return {"rows": query(single, "SELECT qty FROM items WHERE id = 1")}
        finally:
            held.close()

    # The default dispatcher reads /db/statement-timeout as statement_timeout.
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def statement_timeout(self):
        return in_tx("SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def lock_timeout(self):
        return in_tx("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def undefined_table(self):
        return {"rows": query(shop, "SELECT id FROM orders_archive WHERE id = 1")}

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def undefined_column(self):
        return {"rows": query(shop, "SELECT id, discount FROM items WHERE id = 1")}

    @cherrypy.expose
    @cherrypy.tools.allow(methods=["POST"])
    @cherrypy.tools.json_out()
    def unique(self):
        return in_tx("INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)")


class Config:
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def int(self):
        return {"page_size": settings("page_size").get_int("shop.page_size")}

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def missing(self):
        return {"payments": settings("payments_url").get_string("shop.payments_url")}


class Downstream:
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def default(self, status):
        # /downstream/500 (a call of the service's own /null), /refused, /timeout.
        if status == "500":
            return call(client, env["DOWNSTREAM_URL"] + "/null")
        if status == "timeout":
            return call(impatient, env["DOWNSTREAM_URL"] + "/slow")
        if status == "refused":
            return call(client, env["CLOSED_URL"] + "/payments")
        raise cherrypy.NotFound()


class Cache:
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def ping(self):
        return {"pong": cache.ping()}

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def refused(self):
        # A client of a cache that is down.
        return {"greeting": redis.Redis.from_url(env["REDIS_URL_REFUSED"], socket_connect_timeout=1).get("greeting")}


class Root:
    db = DB()
    config = Config()
    downstream = Downstream()
    cache = Cache()

    @cherrypy.expose
    def health(self):
        return "ok"

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def items(self, id=None):
        if id is None:
            return {"rows": query(shop, "SELECT id, name, qty FROM items ORDER BY id")}
        rows = query(shop, "SELECT id, name, qty FROM items WHERE id = %s", (int(id),))
        if not rows:
            raise cherrypy.NotFound()
        return {"row": rows[0]}

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def null(self):
        return {"owner": find_cart("nobody").owner}

    @cherrypy.expose
    def slow(self):
        time.sleep(2)
        return "ok"

    @cherrypy.expose
    def bare500(self):
        cherrypy.response.status = 500
        return ""


if __name__ == "__main__":
    app = cherrypy.Application(Root(), "", {"/": {"request.show_tracebacks": False}})
    cherrypy.tree.graft(OpenTelemetryMiddleware(app), "/")
    cherrypy.config.update({
        "server.socket_host": "127.0.0.1",
        "server.socket_port": int(env["PORT"]),
        "server.thread_pool": 8,
        "engine.autoreload.on": False,
        "log.screen": True,
    })
    cherrypy.engine.start()
    cherrypy.engine.block()
