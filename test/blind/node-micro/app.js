'use strict';
// shop-micro: a blind check's Node.js stack. micro 10 (Vercel's) on node:http
// with a route table of the application's, Objection.js models on knex and pg
// (knex's tarn pool), needle for outgoing calls, settings validated with
// @t3-oss/env-core and zod per request, errors logged with pino before micro
// answers 500; run under @opentelemetry/auto-instrumentations-node's register
// (its defaults: http, knex, pg, net, dns, pino: OTLP logs...). Each route
// induces one fault of test/integration/blindcapture/cases.go; nothing is
// recorded by hand.
const { createServer } = require('node:http');
const { pathToFileURL } = require('node:url');
const { serve, send } = require('micro');
const Knex = require('knex');
const { Model, raw } = require('objection');
const needle = require('needle');
const { z } = require('zod');
const pino = require('pino');

const log = pino({ name: 'shop-micro' });

// knex's pool per database, as an application configures them: the refused
// and wrong-password ones too. acquireConnectionTimeout bounds a borrow.
const pool = (connection, max = 4, acquireConnectionTimeout = 2000) =>
  Knex({ client: 'pg', connection, pool: { min: 0, max }, acquireConnectionTimeout });
const dbs = {
  shop: pool(process.env.DATABASE_URL),
  refused: pool(process.env.DATABASE_URL_REFUSED),
  badAuth: pool(process.env.DATABASE_URL_BAD_PASSWORD),
  // A pool of one connection whose borrow waits 500 ms.
  single: pool(process.env.DATABASE_URL, 1, 500),
};

class Item extends Model {
  static get tableName() {
    return 'items';
  }
}
// A model of a newer schema than the database has (a migration not run).
class Invoice extends Model {
  static get tableName() {
    return 'invoices';
  }
}
Model.knex(dbs.shop);

// Settings read per request, as a handler that honours a changed environment does.
// @t3-oss/env-core is ESM only: imported by the path require resolves (NODE_PATH).
async function settings(server) {
  const { createEnv } = await import(pathToFileURL(require.resolve('@t3-oss/env-core')).href);
  return createEnv({ server, runtimeEnv: process.env, emptyStringAsUndefined: true });
}

function findCart(id) {
  return { alice: { owner: { name: 'alice' } } }[id];
}

// needle treats any answer as a response: a non-2xx one is the caller's error.
async function call(url, options = {}) {
  const res = await needle('get', url, null, { open_timeout: 2000, response_timeout: 5000, ...options });
  if (res.statusCode >= 400) {
    throw new Error(`GET ${url} answered ${res.statusCode} ${res.statusMessage}`);
  }
  return res.body;
}

const routes = {
  'GET /health': () => 'ok',
  'GET /items': () => Item.query().orderBy('id'),
  'GET /db/refused': () => Item.query(dbs.refused),
  'GET /db/auth': () => Item.query(dbs.badAuth),
  'GET /db/pool': async () => {
    // The pool's one connection is held by a transaction while a second is borrowed.
    const held = await dbs.single.transaction();
    try {
      await Item.query(held).first();
      return await Item.query(dbs.single).first();
    } finally {
      await held.rollback();
    }
  },
  'GET /db/statement-timeout': () => Item.transaction(async (trx) => {
    await trx.raw("SET LOCAL statement_timeout = '200ms'");
    return Item.query(trx).select(raw('pg_sleep(2)')).first();
  }),
  'GET /db/lock-timeout': () => Item.transaction(async (trx) => {
    await trx.raw("SET LOCAL lock_timeout = '200ms'");
    return Item.query(trx).patch({ qty: raw('qty - 1') }).where('id', 1);
  }),
  'GET /db/undefined-table': () => Invoice.query(),
  'GET /db/undefined-column': () => Item.query().select('id', 'discount'),
  'POST /db/unique': () => Item.query().insert({ id: 1, name: 'again', qty: 1 }),
  'GET /config/int': async () => ({ pageSize: (await settings({ PAGE_SIZE: z.coerce.number().int() })).PAGE_SIZE }),
  'GET /config/missing': async () => ({ payments: (await settings({ PAYMENTS_URL: z.string().url() })).PAYMENTS_URL }),
  'GET /null': () => ({ owner: findCart('nobody').owner.name }),
  'GET /slow': () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 2000)),
  'GET /downstream/500': () => call(`${process.env.DOWNSTREAM_URL}/null`),
  'GET /downstream/timeout': () => call(`${process.env.DOWNSTREAM_URL}/slow`, { response_timeout: 500 }),
  'GET /downstream/refused': () => call(`${process.env.CLOSED_URL}/items`),
  'GET /bare500': (req, res) => send(res, 500, ''),
};

async function item(req, res, id) {
  const found = await Item.query().findById(Number(id));
  if (!found) {
    return send(res, 404, { error: 'no such item' });
  }
  return found;
}

// micro answers a thrown error with a 500 (and writes its stack to stderr);
// the application logs it first.
const app = async (req, res) => {
  const path = req.url.split('?')[0];
  const m = req.method === 'GET' && /^\/items\/(\d+)$/.exec(path);
  const route = m ? (q, s) => item(q, s, m[1]) : routes[`${req.method} ${path}`];
  if (!route) {
    return send(res, 404, { error: 'not found' });
  }
  try {
    return await route(req, res);
  } catch (err) {
    log.error({ err, path }, 'request failed');
    throw err;
  }
};

const server = createServer(serve(app)).listen(Number(process.env.PORT), '127.0.0.1');

// Close what keeps the event loop alive, so that the process ends once the
// SDK (its own SIGTERM handler) has flushed.
process.on('SIGTERM', async () => {
  server.close();
  server.closeAllConnections();
  await Promise.all(Object.values(dbs).map((k) => k.destroy()));
});
