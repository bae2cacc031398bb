'use strict';
// shop-h3: a blind check's Node.js stack. h3 1 (the HTTP framework of Nitro and
// Nuxt) on node:http, Drizzle ORM on postgres.js (its own pool; no
// instrumentation of its own), ofetch for outgoing calls (on fetch), settings
// validated with env-schema, errors logged with pino in the app's onError;
// run under @opentelemetry/auto-instrumentations-node's register (its
// defaults: http, undici, net, dns, pino: OTLP logs...). Each route induces
// one fault of test/integration/blindcapture/cases.go; nothing is recorded by
// hand.
const { createServer } = require('node:http');
const { createApp, createRouter, defineEventHandler, getRouterParam, setResponseStatus, toNodeListener } = require('h3');
const postgres = require('postgres');
const { drizzle } = require('drizzle-orm/postgres-js');
const { pgTable, integer, text } = require('drizzle-orm/pg-core');
const { eq, sql } = require('drizzle-orm');
const { ofetch } = require('ofetch');
const envSchema = require('env-schema');
const pino = require('pino');

const log = pino({ name: 'shop-h3' });

// The settings the service starts with; others are read per request.
const env = envSchema({
  schema: {
    type: 'object',
    required: ['PORT', 'DATABASE_URL', 'DATABASE_URL_REFUSED', 'DATABASE_URL_BAD_PASSWORD', 'DOWNSTREAM_URL', 'CLOSED_URL'],
    properties: {
      PORT: { type: 'integer' },
      DATABASE_URL: { type: 'string' },
      DATABASE_URL_REFUSED: { type: 'string' },
      DATABASE_URL_BAD_PASSWORD: { type: 'string' },
      DOWNSTREAM_URL: { type: 'string' },
      CLOSED_URL: { type: 'string' },
    },
  },
});

const items = pgTable('items', { id: integer('id').primaryKey(), name: text('name').notNull(), qty: integer('qty').notNull() });
// Tables and columns of a newer schema than the database has (a migration not run).
const invoices = pgTable('invoices', { id: integer('id').primaryKey(), total: integer('total') });
const itemsV2 = pgTable('items', { id: integer('id').primaryKey(), name: text('name'), discount: integer('discount') });

// One client (postgres.js's pool) per database, as an application configures
// them: the refused and wrong-password ones too.
const client = (url, max = 4) => postgres(url, { max, connect_timeout: 2, onnotice: () => {} });
const pools = {
  shop: client(env.DATABASE_URL),
  refused: client(env.DATABASE_URL_REFUSED),
  badAuth: client(env.DATABASE_URL_BAD_PASSWORD),
  // A pool of one connection.
  single: client(env.DATABASE_URL, 1),
};
const db = drizzle(pools.shop);

function findCart(id) {
  return { alice: { owner: { name: 'alice' } } }[id];
}

// ofetch with no retries (its default retries a GET once, 500s included).
const http = ofetch.create({ retry: 0, timeout: 5000 });

const app = createApp({
  onError(error, event) {
    log.error({ err: error, path: event.path }, 'request failed');
  },
});
const router = createRouter();
app.use(router);
const get = (p, fn) => router.get(p, defineEventHandler(fn));

get('/health', () => 'ok');
get('/items', () => db.select().from(items).orderBy(items.id));
get('/items/:id', async (event) => {
  const rows = await db.select().from(items).where(eq(items.id, Number(getRouterParam(event, 'id'))));
  if (rows.length === 0) {
    setResponseStatus(event, 404);
    return { error: 'no such item' };
  }
  return rows[0];
});
get('/db/refused', () => drizzle(pools.refused).select().from(items));
get('/db/auth', () => drizzle(pools.badAuth).select().from(items));
get('/db/pool', async () => {
  // The pool's one connection is held while a second is borrowed; the borrow
  // is given 500 ms (postgres.js queues a query for as long as it takes), then
  // cancelled with postgres.js's own cancel().
  const held = await pools.single.reserve();
  try {
    await held`SELECT 1`;
    const q = pools.single`SELECT qty FROM items WHERE id = 1`;
    const timer = setTimeout(() => q.cancel(), 500);
    try {
      return await q;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    held.release();
  }
});
get('/db/statement-timeout', () => db.transaction(async (tx) => {
  await tx.execute(sql`SET LOCAL statement_timeout = '200ms'`);
  await tx.execute(sql`SELECT pg_sleep(2)`);
}));
get('/db/lock-timeout', () => db.transaction(async (tx) => {
  await tx.execute(sql`SET LOCAL lock_timeout = '200ms'`);
  await tx.update(items).set({ qty: sql`${items.qty} - 1` }).where(eq(items.id, 1));
}));
get('/db/undefined-table', () => db.select().from(invoices));
get('/db/undefined-column', () => db.select().from(itemsV2));
router.post('/db/unique', defineEventHandler(() => db.insert(items).values({ id: 1, name: 'again', qty: 1 })));
// Settings read per request, as a handler that honours a changed environment does.
get('/config/int', () => ({
  pageSize: envSchema({ schema: { type: 'object', required: ['PAGE_SIZE'], properties: { PAGE_SIZE: { type: 'integer' } } } }).PAGE_SIZE,
}));
get('/config/missing', () => ({
  payments: envSchema({ schema: { type: 'object', required: ['PAYMENTS_URL'], properties: { PAYMENTS_URL: { type: 'string' } } } }).PAYMENTS_URL,
}));
get('/null', () => ({ owner: findCart('nobody').owner.name }));
get('/slow', () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 2000)));
get('/downstream/500', () => http(`${env.DOWNSTREAM_URL}/null`));
get('/downstream/timeout', () => http(`${env.DOWNSTREAM_URL}/slow`, { timeout: 500 }));
get('/downstream/refused', () => http(`${env.CLOSED_URL}/items`));
get('/bare500', (event) => {
  setResponseStatus(event, 500);
  return '';
});

createServer(toNodeListener(app)).listen(env.PORT, '127.0.0.1');
