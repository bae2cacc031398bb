"""The blind check's Connexion stack: Connexion 3's AsyncApp (the operations of
openapi.yaml in api.py) served by uvicorn, wrapped in the OpenTelemetry ASGI
middleware (Connexion has no instrumentation of its own), Tortoise ORM on
asyncpg (a pool per connection, made on first use), httpx's async client,
marshmallow schemas loading the settings from the environment; run under
opentelemetry-instrument (asyncpg, httpx, logging)."""

import contextlib
import logging
import os
import pathlib

import connexion
import uvicorn
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from tortoise import Tortoise

env = os.environ
HERE = pathlib.Path(__file__).parent


def url(port=None, password=None, size=4):
    return "asyncpg://{}:{}@{}:{}/{}?minsize=0&maxsize={}".format(
        env["DB_USER"], password or env["DB_PASSWORD"], env["DB_HOST"], port or env["DB_PORT"], env["DB_NAME"], size)


@contextlib.asynccontextmanager
async def lifespan(_app):
    # One Tortoise connection (an asyncpg pool) per database, as an
    # application configures them: the refused and wrong-password ones too.
    # The global context, as Tortoise's own framework integrations
    # (tortoise.contrib.*) set it: requests run in tasks of their own.
    await Tortoise.init(_enable_global_fallback=True, config={
        "connections": {
            "default": url(),
            "refused": url(port=env["DB_PORT_REFUSED"]),
            "bad_auth": url(password="not-the-password"),
            "single": url(size=1),
        },
        "apps": {"shop": {"models": ["api"], "default_connection": "default"}},
    })
    yield
    await Tortoise.close_connections()


# Records go to stderr as well as to the SDK's handler on the root logger.
logging.getLogger().addHandler(logging.StreamHandler())

app = connexion.AsyncApp(__name__, specification_dir=HERE, lifespan=lifespan)
app.add_api("openapi.yaml")

if __name__ == "__main__":
    uvicorn.run(OpenTelemetryMiddleware(app), host="127.0.0.1", port=int(env["PORT"]), log_level="info")
