'use strict';
// shop-connect: a blind check's Node.js stack. Connect 3 (the middleware
// framework Express 3 was built on) on node:http, pg-promise on pg (its
// pg-pool), undici's request() for outgoing calls, getenv for the settings,
// errors logged with log4js in an error-handling middleware; run under
// @opentelemetry/auto-instrumentations-node's register (its defaults: http,
// connect, pg, undici, net, dns...; log4js has no instrumentation). Each route
// induces one fault of test/integration/blindcapture/cases.go; nothing is
// recorded by hand.
const http = require('node:http');
const connect = require('connect');
const pgp = require('pg-promise')({ noWarnings: true });
const { request } = require('undici');
const getenv = require('getenv');
const log4js = require('log4js');

log4js.configure({
  appenders: { out: { type: 'stderr' } },
  categories: { default: { appenders: ['out'], level: 'info' } },
});
const log = log4js.getLogger('shop-connect');

// The settings the service starts with; others are read per request.
const port = getenv.int('PORT');
const downstream = getenv('DOWNSTREAM_URL');
const closed = getenv('CLOSED_URL');

// One pool per database, as an application configures them: the refused,
// wrong-password and pool-of-one ones too. pg-pool connects on first use.
const pool = (url, opts = {}) => pgp({ connectionString: url, max: 4, ...opts });
const db = pool(getenv('DATABASE_URL'));
const refused = pool(getenv('DATABASE_URL_REFUSED'));
const badAuth = pool(getenv('DATABASE_URL_BAD_PASSWORD'));
const single = pool(getenv('DATABASE_URL'), { max: 1, connectionTimeoutMillis: 500 });

function findCart(owner) {
  return { alice: { owner: 'alice' } }[owner];
}

async function call(url, timeout = 5000) {
  const res = await request(url, { headersTimeout: timeout, bodyTimeout: timeout });
  const body = await res.body.text();
  if (res.statusCode >= 500) {
    throw new Error(`GET ${url} returned ${res.statusCode}: ${body}`);
  }
  return { status: res.statusCode };
}

const inTx = (...statements) =>
  db.tx(async (t) => {
    for (const sql of statements) await t.any(sql);
    return { ok: true };
  });

// json wraps an async handler: its result is the JSON body, its error goes to
// the error-handling middleware (connect does not await a handler).
const json = (fn) => (req, res, next) => {
  Promise.resolve()
    .then(() => fn(req, res))
    .then((body) => {
      if (res.writableEnded) return;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    }, next);
};

const app = connect();
const get = (path, fn) =>
  app.use(path, (req, res, next) => (req.method === 'GET' ? json(fn)(req, res, next) : next()));

get('/health', () => 'ok');
get('/items', async (req, res) => {
  // Mounted at /items: req.url is what follows it.
  const id = req.url.replace(/^\/|\/?(\?.*)?$/g, '');
  if (id === '') return db.any('SELECT id, name, qty FROM items ORDER BY id');
  const item = await db.oneOrNone('SELECT id, name, qty FROM items WHERE id = $1', [Number(id)]);
  if (item === null) {
    res.statusCode = 404;
    res.end('no such item');
    return undefined;
  }
  return item;
});
get('/db/refused', () => refused.one('SELECT count(*) FROM items'));
get('/db/auth', () => badAuth.one('SELECT count(*) FROM items'));
// The first connection is held; the second cannot be had within 500 ms.
get('/db/pool', () => single.task((held) => held.one('SELECT 1').then(() => single.one('SELECT qty FROM items WHERE id = 1'))));
get('/db/statement-timeout', () => inTx("SET LOCAL statement_timeout = '200ms'", 'SELECT pg_sleep(2)'));
get('/db/lock-timeout', () => inTx("SET LOCAL lock_timeout = '200ms'", 'UPDATE items SET qty = qty - 1 WHERE id = 1'));
get('/db/undefined-table', () => db.any('SELECT id FROM orders_archive WHERE id = 1'));
get('/db/undefined-column', () => db.any('SELECT id, discount FROM items WHERE id = 1'));
app.use('/db/unique', (req, res, next) =>
  req.method === 'POST' ? json(() => db.none("INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)"))(req, res, next) : next());
// Settings read per request, as a route that honours a changed environment does.
get('/config/int', () => ({ pageSize: getenv.int('PAGE_SIZE') }));
get('/config/missing', () => ({ payments: getenv('PAYMENTS_URL') }));
get('/null', () => ({ owner: findCart('nobody').owner }));
get('/slow', () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 2000)));
get('/downstream/500', () => call(downstream + '/null'));
get('/downstream/timeout', () => call(downstream + '/slow', 500));
get('/downstream/refused', () => call(closed + '/payments'));
get('/bare500', (req, res) => {
  res.statusCode = 500;
  res.end();
});

// The error-handling middleware: log the error, answer 500.
app.use((err, req, res, next) => {
  log.error(`request failed: ${req.method} ${req.originalUrl}`, err);
  if (res.headersSent) return next(err);
  res.statusCode = 500;
  res.end('internal error');
  return undefined;
});

const server = http.createServer(app).listen(port, '127.0.0.1');

// Close what keeps the event loop alive, so that the process ends once the
// SDK (its own SIGTERM handler) has flushed.
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  pgp.end();
  log4js.shutdown();
});
