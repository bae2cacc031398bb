'use strict';
// shop-trpc: a blind check's Node.js stack. tRPC 11's standalone HTTP server
// on node:http (a procedure per route; a thrown error is tRPC's
// INTERNAL_SERVER_ERROR, answered 500 and logged with pino by the server's
// onError), Prisma 7's client on the pg driver adapter (@prisma/adapter-pg
// over a pg Pool, no engine binary), fetch for outgoing calls, settings
// parsed with valibot; run under the Node SDK with auto-instrumentations-node
// and @prisma/instrumentation (otel.js). Each route induces one fault of
// test/integration/blindcapture/cases.go; nothing is recorded by hand.
const { initTRPC } = require('@trpc/server');
const { createServer } = require('node:http');
const { createHTTPHandler } = require('@trpc/server/adapters/standalone');
const { PrismaClient } = require('@prisma/client');
const { PrismaPg } = require('@prisma/adapter-pg');
const v = require('valibot');
const pino = require('pino');

const log = pino({ name: 'shop-trpc' });

// The settings the service starts with; others are parsed per request.
const env = v.parse(
  v.object({
    PORT: v.pipe(v.string(), v.transform(Number), v.integer()),
    DATABASE_URL: v.string(),
    DATABASE_URL_REFUSED: v.string(),
    DATABASE_URL_BAD_PASSWORD: v.string(),
    DOWNSTREAM_URL: v.pipe(v.string(), v.url()),
    CLOSED_URL: v.pipe(v.string(), v.url()),
  }),
  process.env,
);

// A Prisma client per database, each on its own pg Pool through the driver
// adapter, as an application configures them: the refused and wrong-password
// ones too, and a pool of one connection whose borrow waits 500 ms.
const client = (connectionString, pool = {}) =>
  new PrismaClient({ adapter: new PrismaPg({ connectionString, connectionTimeoutMillis: 2000, max: 4, ...pool }) });
const prisma = client(env.DATABASE_URL);
const refused = client(env.DATABASE_URL_REFUSED);
const badAuth = client(env.DATABASE_URL_BAD_PASSWORD);
const single = client(env.DATABASE_URL, { max: 1, connectionTimeoutMillis: 500 });

function findCart(id) {
  return { alice: { owner: { name: 'alice' } } }[id];
}

async function call(url, ms = 5000) {
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  if (!res.ok) {
    throw new Error(`GET ${url}: ${res.status} ${res.statusText}`);
  }
  return res.json();
}

const t = initTRPC.create();
const q = (fn) => t.procedure.query(fn);

// Procedures named by the shop's paths: the standalone adapter takes the
// request's path, less its leading slash, as the procedure's.
const router = t.router({
  health: q(() => 'ok'),
  items: q(() => prisma.item.findMany({ orderBy: { id: 'asc' } })),
  'db/refused': q(() => refused.item.count()),
  'db/auth': q(() => badAuth.item.count()),
  // The pool's one connection is held by an interactive transaction while a
  // second query is sent through the same client.
  'db/pool': q(() =>
    single.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1`;
      return single.item.count();
    }),
  ),
  'db/statement-timeout': q(() =>
    prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL statement_timeout = '200ms'`;
      await tx.$queryRaw`SELECT pg_sleep(2)`;
      return null;
    }),
  ),
  'db/lock-timeout': q(() =>
    prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL lock_timeout = '200ms'`;
      return tx.item.update({ where: { id: 1 }, data: { qty: { decrement: 1 } } });
    }),
  ),
  'db/undefined-table': q(() => prisma.invoice.findMany()),
  'db/undefined-column': q(() => prisma.$queryRaw`SELECT id, discount FROM items WHERE id = 1`),
  'db/unique': t.procedure.mutation(() => prisma.item.create({ data: { id: 1, name: 'again', qty: 1 } })),
  // Settings parsed per request, as a handler that honours a changed environment does.
  'config/int': q(() =>
    v.parse(v.object({ PAGE_SIZE: v.pipe(v.string(), v.digits(), v.transform(Number)) }), process.env),
  ),
  'config/missing': q(() => v.parse(v.object({ PAYMENTS_URL: v.pipe(v.string(), v.url()) }), process.env)),
  null: q(() => ({ owner: findCart('nobody').owner.name })),
  slow: q(() => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 2000))),
  'downstream/500': q(() => call(`${env.DOWNSTREAM_URL}/null`)),
  'downstream/timeout': q(() => call(`${env.DOWNSTREAM_URL}/slow`, 500)),
  'downstream/refused': q(() => call(`${env.CLOSED_URL}/items`)),
  bare500: q(() => null),
});

const handler = createHTTPHandler({
  router,
  onError({ error, path }) {
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      log.error({ err: error, path }, 'request failed');
    }
  },
  // A 500 with nothing thrown: the procedure answers, its status is set here.
  responseMeta({ paths }) {
    return paths?.includes('bare500') ? { status: 500 } : {};
  },
});
// A tRPC client's mutation is a JSON POST; the check's POST has no body, so
// it is given the content type tRPC answers (415 without one).
createServer((req, res) => {
  if (req.method === 'POST' && !req.headers['content-type']) {
    req.headers['content-type'] = 'application/json';
  }
  handler(req, res);
}).listen(env.PORT, '127.0.0.1');
