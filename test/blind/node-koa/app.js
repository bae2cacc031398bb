// shop-koa: a blind check's Node.js stack. Koa with @koa/router, knex on pg
// (its tarn pool), ioredis, convict for settings, axios for outgoing calls,
// winston (instrumentation-winston sends its records through
// @opentelemetry/winston-transport to the SDK's logs); started with
// `node --require @opentelemetry/auto-instrumentations-node/register` (its
// default instrumentations: http, koa, knex, pg, ioredis, winston, net...).
// Each route of test/blind/README.md induces its fault for real; nothing is
// recorded by hand.
'use strict';
const Koa = require('koa');
const Router = require('@koa/router');
const knex = require('knex');
const Redis = require('ioredis');
const convict = require('convict');
const axios = require('axios');
const winston = require('winston');

const logger = winston.createLogger({ level: 'info', transports: [new winston.transports.Console()] });

const db = (url, pool) => knex({ client: 'pg', connection: url, pool });
const main = db(process.env.DATABASE_URL, { min: 0, max: 4 });
const refused = db(process.env.DATABASE_URL_REFUSED, { min: 0, max: 4 });
const badAuth = db(process.env.DATABASE_URL_BAD_PASSWORD, { min: 0, max: 4 });
// A pool of one connection that waits 500 ms for a free one.
const single = knex({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 500 });

const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true });

// Settings read per request, as a handler that honours a changed
// environment does; each route validates the schema of what it needs.
function setting(name, schema) {
  const c = convict({ [name]: schema });
  c.validate({ allowed: 'strict' });
  return c.get(name);
}

const router = new Router();
router.get('/health', (ctx) => {
  ctx.body = 'ok';
});
router.get('/items', async (ctx) => {
  ctx.body = await main('items').select('id', 'name', 'qty').orderBy('id');
});
router.get('/items/:id', async (ctx) => {
  const it = await main('items').where({ id: Number(ctx.params.id) }).first('id', 'name', 'qty');
  if (!it) ctx.throw(404, 'no such item');
  ctx.body = it;
});

const count = async (k) => (await k('items').count({ n: '*' }))[0].n;
router.get('/db/refused', async (ctx) => {
  ctx.body = await count(refused);
});
router.get('/db/auth', async (ctx) => {
  ctx.body = await count(badAuth);
});
// Holds the pool's one connection in a transaction and queries outside it.
router.get('/db/pool', async (ctx) => {
  const trx = await single.transaction();
  try {
    await single('items').count({ n: '*' });
  } finally {
    await trx.rollback().catch(() => {});
  }
  ctx.status = 200;
});

async function inTx(...statements) {
  await main.transaction(async (trx) => {
    for (const s of statements) await trx.raw(s);
  });
}
router.get('/db/statement-timeout', async (ctx) => {
  await inTx("SET LOCAL statement_timeout = '200ms'", 'SELECT pg_sleep(2)');
  ctx.status = 200;
});
router.get('/db/lock-timeout', async (ctx) => {
  await inTx("SET LOCAL lock_timeout = '200ms'", 'UPDATE items SET qty = qty - 1 WHERE id = 1');
  ctx.status = 200;
});
router.get('/db/undefined-table', async (ctx) => {
  ctx.body = await main('orders_archive').where({ id: 1 }).select('id');
});
router.get('/db/undefined-column', async (ctx) => {
  ctx.body = await main('items').where({ id: 1 }).select('id', 'discount');
});
router.post('/db/unique', async (ctx) => {
  await main('items').insert({ id: 1, name: 'duplicate', qty: 1 });
  ctx.status = 200;
});

router.get('/config/int', (ctx) => {
  ctx.body = setting('pageSize', { doc: 'Items per page', format: 'nat', default: 20, env: 'PAGE_SIZE' });
});
router.get('/config/missing', (ctx) => {
  ctx.body = setting('paymentsUrl', { doc: 'Payments service', format: String, default: null, env: 'PAYMENTS_URL' });
});

function findCart() {
  return null;
}
router.get('/null', (ctx) => {
  ctx.body = findCart(ctx.query.id).owner.name;
});

router.get('/slow', async (ctx) => {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  ctx.status = 200;
});
async function call(url, timeout) {
  return (await axios.get(url, { timeout })).data;
}
router.get('/downstream/500', async (ctx) => {
  ctx.body = await call(`${process.env.DOWNSTREAM_URL}/null`, 5000);
});
router.get('/downstream/refused', async (ctx) => {
  ctx.body = await call(`${process.env.CLOSED_URL}/payments`, 5000);
});
router.get('/downstream/timeout', async (ctx) => {
  ctx.body = await call(`${process.env.DOWNSTREAM_URL}/slow`, 500);
});

router.get('/bare500', (ctx) => {
  ctx.status = 500;
});

router.get('/cache/ping', async (ctx) => {
  ctx.body = await redis.ping();
});
router.get('/cache/refused', async (ctx) => {
  // A client of a cache that is down, made per request; no reconnects.
  const c = new Redis(process.env.REDIS_URL_REFUSED, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  c.on('error', () => {});
  try {
    await c.connect();
    ctx.body = await c.get('greeting');
  } finally {
    c.disconnect();
  }
});

const app = new Koa();
// Koa answers an error thrown by a handler with its status (500 by default)
// and emits it on the app: the service logs it there.
app.on('error', (err, ctx) => {
  logger.error(`${ctx.method} ${ctx.path} failed: ${err.message}`, { error: err.name, stack: err.stack });
});
app.use(router.routes()).use(router.allowedMethods());

let server;
(async () => {
  await redis.connect();
  server = app.listen(Number(process.env.PORT), '127.0.0.1');
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

// Close what keeps the event loop alive, so that the process ends once the
// SDK (its own SIGTERM handler) has flushed.
process.on('SIGTERM', async () => {
  if (server) server.close();
  redis.disconnect();
  await Promise.all([main, refused, badAuth, single].map((k) => k.destroy()));
});
