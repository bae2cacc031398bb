"""pygateway: a FastAPI service of the test bed, run under
`opentelemetry-instrument uvicorn gateway_fastapi:app`.

It calls pyorders (Flask), the Go services and, when present, the Java
services with httpx. Unhandled exceptions reach the instrumentation's ASGI
middleware, which records them on the server span. Nothing here records
exceptions by hand.
"""

import os
import resource

import httpx
from fastapi import FastAPI

ORDERS_URL = os.environ["ORDERS_URL"]
INVENTORY_URL = os.environ["INVENTORY_URL"]
SHOP_URL = os.environ["SHOP_URL"]
RECOMMENDATIONS_URL = os.environ["RECOMMENDATIONS_URL"]
JAVA_CATALOG_URL = os.environ.get("JAVA_CATALOG_URL", "")

# The address space is capped at what the process uses now plus a margin, so
# that a report larger than the margin fails with a real MemoryError.
if os.environ.get("EDX_AS_MARGIN_MB"):
    with open("/proc/self/statm") as f:
        vm_bytes = int(f.read().split()[0]) * resource.getpagesize()
    limit = vm_bytes + int(os.environ["EDX_AS_MARGIN_MB"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))

app = FastAPI(title="pygateway")
client = httpx.AsyncClient(timeout=10)
fast = httpx.AsyncClient(timeout=0.4)

PROFILES = {"alice": {"name": "Alice", "tier": "gold"}}


@app.get("/health")
async def health():
    return "ok"


@app.get("/")
async def home():
    return {"service": "pygateway"}


@app.get("/items/{item_id}")
async def item(item_id: int):
    return {"item": item_id}


# Bug: an unknown user has no profile.
@app.get("/profile")
async def profile(user: str):
    p = PROFILES.get(user)
    return {"tier": p.get("tier").upper()}


@app.get("/report/memory")
async def report_memory(mb: int = 4096):
    buf = bytearray(mb * 1024 * 1024)
    return {"size": len(buf)}


async def get_ok(c: httpx.AsyncClient, method: str, url: str, **kw) -> httpx.Response:
    r = await c.request(method, url, **kw)
    r.raise_for_status()
    return r


@app.get("/catalog")
async def catalog():
    r = await get_ok(client, "GET", f"{SHOP_URL}/catalog")
    return {"catalog": r.json()}


@app.get("/orders/recent")
async def orders_recent():
    r = await get_ok(client, "GET", f"{ORDERS_URL}/pg/orders")
    return r.json()


@app.get("/orders/summary")
async def orders_summary():
    r = await get_ok(client, "GET", f"{ORDERS_URL}/orders/totals")
    return r.json()


@app.post("/checkout")
async def checkout(sku: str):
    await get_ok(client, "POST", f"{ORDERS_URL}/stock/reserve", params={"sku": sku})
    return {"ordered": sku}


@app.get("/recommendations")
async def recommendations():
    r = await get_ok(client, "GET", f"{RECOMMENDATIONS_URL}/recommendations", params={"user": "alice"})
    return r.json()


@app.get("/availability")
async def availability(d: str = "2s"):
    await get_ok(fast, "GET", f"{INVENTORY_URL}/slow", params={"d": d})
    return {"available": True}


# Calls to the Java catalog service (Spring Boot with the OTel starter).
@app.get("/java/split")
async def java_split(qty: int, parts: int):
    r = await get_ok(client, "GET", f"{JAVA_CATALOG_URL}/split", params={"qty": qty, "parts": parts})
    return {"split": r.text}


@app.post("/java/checkout")
async def java_checkout(sku: str):
    await get_ok(client, "POST", f"{JAVA_CATALOG_URL}/checkout", params={"sku": sku})
    return {"ordered": sku}
