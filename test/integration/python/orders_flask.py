"""pyorders: a Flask service of the test bed, run under opentelemetry-instrument.

SQLAlchemy over psycopg2 to PostgreSQL (Core and, for products, the ORM),
SQLAlchemy over PyMySQL to MariaDB, redis-py to Redis, requests to the Go
inventory service. Every fault it shows is real: the handlers are ordinary
code with ordinary bugs, and the harness breaks the databases around them.
Nothing here records exceptions by hand: the instrumentations do.

Configuration comes from the environment (set by test/integration/python.go).
"""

import os
import resource
import signal
import sys
import time

import redis
import requests
from flask import Flask, abort, jsonify, request
from sqlalchemy import String, create_engine, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import NullPool

# The export handler opens one file per partition: the descriptor limit is
# lowered (soft limit only) so that a large export runs out for real.
if os.environ.get("EDX_NOFILE"):
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (int(os.environ["EDX_NOFILE"]), hard))

PG_URL = os.environ["PG_URL"]
MY_URL = os.environ["MY_URL"]

# The main pools validate connections on checkout (pool_pre_ping), so a
# restarted database is reconnected to and a stopped one is reported.
pg = create_engine(PG_URL, pool_size=5, max_overflow=5, pool_pre_ping=True, pool_timeout=5)
my = create_engine(MY_URL, pool_size=5, max_overflow=5, pool_pre_ping=True, pool_timeout=5,
                   connect_args={"connect_timeout": 5})
# A pool of one connection that a handler needs twice at once.
pg_small = create_engine(PG_URL, pool_size=1, max_overflow=0, pool_timeout=0.5)
# A connection per request (no pool): it meets max_connections.
pg_fresh = create_engine(PG_URL, poolclass=NullPool)
cache = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=5)
# A client whose pool has one connection.
small_cache = redis.Redis(connection_pool=redis.ConnectionPool.from_url(os.environ["REDIS_URL"], max_connections=1))
http = requests.Session()
INVENTORY_URL = os.environ["INVENTORY_URL"]
PROMO_CONFIG = os.environ["PROMO_CONFIG"]
EXPORT_DIR = os.environ["EXPORT_DIR"]


class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String, unique=True)
    name: Mapped[str] = mapped_column(String)
    stock: Mapped[int]
    price_cents: Mapped[int]


app = Flask("pyorders")
CUSTOMERS = {"alice": {"name": "Alice", "badge": "gold"}}


class Customer:
    def __init__(self, name, badge):
        self.name, self.badge = name, badge


def find_customer(user):
    c = CUSTOMERS.get(user)
    return Customer(**c) if c else None


@app.get("/health")
def health():
    return "ok"


@app.get("/")
def home():
    return "pyorders\n"


@app.get("/customers/<user>")
def customer(user):
    c = find_customer(user)
    if c is None:
        abort(404)
    return jsonify(name=c.name)


# Bug: an unknown user has no customer record.
@app.get("/customer/badge")
def badge():
    c = find_customer(request.args.get("user", ""))
    return jsonify(badge=c.badge.upper())


# The same bug in another function: an unknown user has no customer record.
@app.get("/customer/greeting")
def greeting():
    c = find_customer(request.args.get("user", ""))
    return f"Hello, {c.name}!\n"


@app.post("/orders/validate")
def validate():
    qty = int(request.args.get("qty", "0"))
    assert qty > 0, f"quantity must be positive, got {qty}"
    return "valid\n"


# Bug: old orders have no "discount" field.
@app.get("/orders/totals")
def totals():
    orders = [{"id": 1, "total": 1999, "discount": 0}, {"id": 2, "total": 499}]
    return jsonify(net=sum(o["total"] - o["discount"] for o in orders))


# The same kind of bug in another function's generator: not every order was refunded.
@app.get("/orders/refunds")
def refunds():
    orders = [{"id": 1, "total": 1999, "refund": 1999}, {"id": 2, "total": 499}]
    return jsonify(refunded=sum(o["refund"] for o in orders))


# The payment provider's URL is configuration the deployment forgot.
@app.get("/payments/provider")
def provider():
    url = os.environ["PAYMENT_PROVIDER_URL"]
    return jsonify(provider=url)


@app.get("/promotions")
def promotions():
    with open(PROMO_CONFIG) as f:
        return f.read()


@app.get("/export")
def export():
    parts = int(request.args.get("parts", "1"))
    files = []
    try:
        for i in range(parts):
            files.append(open(os.path.join(EXPORT_DIR, f"export-part-{i:03d}.csv"), "w"))
        return f"exported {parts} partitions\n"
    finally:
        for f in files:
            f.close()


# A legacy endpoint that answers a bare 500 and records nothing.
@app.get("/legacy")
def legacy():
    return "", 500


# ---- PostgreSQL (SQLAlchemy + psycopg2)

def stock_of(engine, sku):
    with engine.connect() as c:
        return c.execute(text("SELECT stock FROM products WHERE sku = :sku"), {"sku": sku}).scalar_one()


@app.get("/pg/stock")
def pg_stock():
    return jsonify(stock=stock_of(pg, request.args.get("sku", "SKU-1")))


@app.get("/pg/stock-alt")
def pg_stock_alt():
    # The DSN of a misconfigured deployment (wrong port, wrong password).
    engine = create_engine(os.environ["PG_URL_" + request.args["dsn"].upper()], poolclass=NullPool,
                           connect_args={"connect_timeout": 5})
    try:
        return jsonify(stock=stock_of(engine, "SKU-1"))
    finally:
        engine.dispose()


@app.get("/pg/stock-fresh")
def pg_stock_fresh():
    return jsonify(stock=stock_of(pg_fresh, "SKU-1"))


# Bug: the price lookup takes a second connection while the first is held.
@app.get("/pg/pool")
def pg_pool():
    with pg_small.connect() as c:
        stock = c.execute(text("SELECT stock FROM products WHERE sku = 'SKU-1'")).scalar_one()
        price = stock_of(pg_small, "SKU-1")
        return jsonify(stock=stock, price=price)


@app.get("/pg/report")
def pg_report():
    with pg.begin() as c:
        c.execute(text("SET LOCAL statement_timeout = '150ms'"))
        c.execute(text("SELECT pg_sleep(2), count(*) FROM products"))
    return "report\n"


@app.post("/pg/reserve")
def pg_reserve():
    sku = request.args["sku"]
    with pg.begin() as c:
        c.execute(text("SET LOCAL lock_timeout = '300ms'"))
        c.execute(text("UPDATE products SET stock = stock - 1 WHERE sku = :sku"), {"sku": sku})
        c.execute(text("INSERT INTO orders (sku, qty) VALUES (:sku, 1)"), {"sku": sku})
    return "reserved\n"


@app.post("/pg/rebalance")
def pg_rebalance():
    src, dst = request.args["from"], request.args["to"]
    with pg.begin() as c:
        c.execute(text("UPDATE products SET stock = stock - 1 WHERE sku = :sku"), {"sku": src})
        time.sleep(0.7)
        c.execute(text("UPDATE products SET stock = stock + 1 WHERE sku = :sku"), {"sku": dst})
    return "rebalanced\n"


@app.get("/pg/orders")
def pg_orders():
    with pg.connect() as c:
        rows = c.execute(text("SELECT id, sku, qty FROM orders ORDER BY id DESC LIMIT 10")).all()
    return jsonify(orders=len(rows))


# Code deployed ahead of the migration that creates coupons.
@app.get("/pg/coupons")
def pg_coupons():
    with pg.connect() as c:
        rows = c.execute(text("SELECT code, pct FROM coupons WHERE active")).all()
    return jsonify(coupons=len(rows))


# Code deployed ahead of the migration that adds products.discount_pct.
@app.get("/pg/discounts")
def pg_discounts():
    with pg.connect() as c:
        rows = c.execute(text("SELECT sku, discount_pct FROM products WHERE discount_pct > 0")).all()
    return jsonify(discounts=len(rows))


# A new product through the ORM; a duplicate SKU violates the unique constraint.
@app.post("/pg/products")
def pg_products():
    with Session(pg) as s:
        s.add(Product(sku=request.args["sku"], name=request.args.get("name", "x"), stock=0, price_cents=100))
        s.commit()
    return "created\n", 201


# Search built by string concatenation: injectable.
@app.get("/pg/search")
def pg_search():
    q = "SELECT sku, name, stock FROM products WHERE name LIKE '%" + request.args.get("q", "") + "%'"
    with pg.connect() as c:
        rows = c.execute(text(q)).all()
    return jsonify(results=len(rows))


# ---- MariaDB (SQLAlchemy + PyMySQL)

def balance_of(engine):
    with engine.connect() as c:
        return c.execute(text("SELECT balance_cents FROM accounts WHERE id = 1")).scalar_one()


@app.get("/my/balance")
def my_balance():
    return jsonify(balance=balance_of(my))


@app.get("/my/balance-alt")
def my_balance_alt():
    engine = create_engine(os.environ["MY_URL_" + request.args["dsn"].upper()], poolclass=NullPool,
                           connect_args={"connect_timeout": 5})
    try:
        return jsonify(balance=balance_of(engine))
    finally:
        engine.dispose()


@app.post("/my/pay")
def my_pay():
    with my.begin() as c:
        c.execute(text("INSERT INTO payments (order_id, amount_cents) VALUES (:o, :a)"),
                  {"o": int(request.args["order"]), "a": int(request.args.get("amount", "100"))})
    return "paid\n"


@app.post("/my/refund")
def my_refund():
    with my.begin() as c:
        c.execute(text("SET SESSION innodb_lock_wait_timeout = 1"))
        c.execute(text("UPDATE payments SET status = 'refunded' WHERE order_id = :o"), {"o": int(request.args["order"])})
    return "refunded\n"


@app.get("/my/ledger")
def my_ledger():
    with my.connect() as c:
        c.execute(text("SET STATEMENT max_statement_time=0.2 FOR SELECT SLEEP(2) + COUNT(*) FROM payments")).all()
    return "ledger\n"


@app.get("/my/invoices")
def my_invoices():
    with my.connect() as c:
        rows = c.execute(text("SELECT id, order_id, total_cents FROM invoices ORDER BY id DESC LIMIT 10")).all()
    return jsonify(invoices=len(rows))


# ---- Redis

@app.get("/cache/ping")
def cache_ping():
    cache.set("greeting", "hello")
    return jsonify(greeting=cache.get("greeting").decode())


# Bug: the subscription holds the pool's only connection while the count is read.
@app.get("/cache/notifications")
def cache_notifications():
    sub = small_cache.pubsub()
    sub.subscribe("orders")
    try:
        return jsonify(unread=int(small_cache.get("unread") or 0))
    finally:
        sub.close()


# Caches a rendered report in chunks; Redis runs with a tiny maxmemory.
@app.post("/cache/report")
def cache_report():
    chunk = b"r" * 65536
    for i in range(int(request.args.get("chunks", "64"))):
        cache.set(f"report:{i}", chunk)
    return "cached\n"


# ---- calls to other services (requests)

@app.post("/stock/reserve")
def stock_reserve():
    r = http.post(f"{INVENTORY_URL}/reserve", params={"sku": request.args["sku"]}, timeout=10)
    r.raise_for_status()
    return "reserved\n"


@app.get("/stock/products")
def stock_products():
    r = http.get(f"{INVENTORY_URL}/products", timeout=10)
    r.raise_for_status()
    return jsonify(products=len(r.json()))


def _stop(*_):
    sys.exit(0)  # atexit shuts the tracer provider down, which flushes the spans


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    app.run(host="127.0.0.1", port=int(os.environ["EDX_PORT"]), threaded=True)
