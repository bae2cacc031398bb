'use strict';
// shop-hono: a blind check's Node.js stack on MariaDB. Hono 4 on
// @hono/node-server, mysql2's own promise pools, superagent for outgoing
// calls, settings from node-config (config/default.json under
// custom-environment-variables.json), winston for the error handler's log
// (instrumentation-winston sends its records through
// @opentelemetry/winston-transport); run under
// @opentelemetry/auto-instrumentations-node's register (its defaults: http,
// mysql2, net, dns, winston...; Hono has no instrumentation). Each route
// induces one fault of test/integration/blindcapture/cases.go; nothing is
// recorded by hand.
const path = require('node:path');

process.env.NODE_CONFIG_DIR = process.env.NODE_CONFIG_DIR || path.join(__dirname, 'config');
const config = require('config');
const { Hono } = require('hono');
const { serve } = require('@hono/node-server');
const mysql = require('mysql2/promise');
const superagent = require('superagent');
const winston = require('winston');

const logger = winston.createLogger({
  level: 'info',
  format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.json()),
  transports: [new winston.transports.Console()],
});

// One pool per database, as an application configures them: the refused,
// wrong-password and pool-of-one ones too. mysql2's pool has no wait
// timeout: the pool of one does not wait, so the second borrow fails at once.
const db = config.get('db');
function pool(password, port, extra = {}) {
  return mysql.createPool({
    host: db.host, port, user: db.user, password, database: db.name,
    connectionLimit: db.connectionLimit, connectTimeout: 5000, ...extra,
  });
}
const shop = pool(db.password, db.port);
const refused = pool(db.password, db.refusedPort);
const badAuth = pool('not-the-password', db.port);
const single = pool(db.password, db.port, { connectionLimit: 1, waitForConnections: false });

async function inTx(...statements) {
  const c = await shop.getConnection();
  try {
    await c.beginTransaction();
    for (const s of statements) await c.query(s);
  } finally {
    await c.rollback().catch(() => {});
    c.release();
  }
  return { ok: true };
}

function findCart(id) {
  return { alice: { owner: { name: 'alice' } } }[id];
}

async function call(url, timeout = config.get('http.timeoutMs')) {
  const res = await superagent.get(url).timeout({ response: timeout });
  return res.body;
}

const app = new Hono();
const rows = async (p) => (await p)[0];
app.get('/health', (c) => c.text('ok'));
app.get('/items', async (c) => c.json(await rows(shop.query('SELECT id, name, qty FROM items ORDER BY id'))));
app.get('/items/:id', async (c) => {
  const found = await rows(shop.execute('SELECT id, name, qty FROM items WHERE id = ?', [Number(c.req.param('id'))]));
  if (found.length === 0) return c.json({ error: 'no such item' }, 404);
  return c.json(found[0]);
});
app.get('/db/refused', async (c) => c.json(await rows(refused.query('SELECT 1'))));
app.get('/db/auth', async (c) => c.json(await rows(badAuth.query('SELECT 1'))));
app.get('/db/pool', async (c) => {
  // The pool's one connection is held while a second is borrowed.
  const held = await single.getConnection();
  try {
    await held.query('SELECT 1');
    return c.json(await rows(single.query('SELECT qty FROM items WHERE id = 1')));
  } finally {
    held.release();
  }
});
app.get('/db/statement-timeout', async (c) => c.json(await rows(shop.query('SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)'))));
app.get('/db/lock-timeout', async (c) => c.json(await inTx('SET SESSION innodb_lock_wait_timeout = 1', 'UPDATE items SET qty = qty + 1 WHERE id = 1')));
app.get('/db/undefined-table', async (c) => c.json(await rows(shop.query('SELECT * FROM invoices'))));
app.get('/db/undefined-column', async (c) => c.json(await rows(shop.query('SELECT discount FROM items'))));
app.post('/db/unique', async (c) => c.json(await inTx("INSERT INTO items (id, name, qty) VALUES (1, 'again', 1)")));
// node-config gives the environment's strings: the handler converts the page size itself.
app.get('/config/int', (c) => {
  const raw = config.get('shop.pageSize');
  const size = Number.parseInt(raw, 10);
  if (Number.isNaN(size)) throw new RangeError(`shop.pageSize must be an integer, got "${raw}"`);
  return c.json({ pageSize: size });
});
app.get('/config/missing', (c) => c.json({ payments: config.get('payments.url') }));
app.get('/null', (c) => c.json({ owner: findCart('nobody').owner.name }));
app.get('/slow', async (c) => {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  return c.json({ ok: true });
});
app.get('/downstream/500', async (c) => c.json(await call(`${config.get('downstreamUrl')}/null`)));
app.get('/downstream/timeout', async (c) => c.json(await call(`${config.get('downstreamUrl')}/slow`, 500)));
app.get('/downstream/refused', async (c) => c.json(await call(`${config.get('closedUrl')}/items`)));
app.get('/bare500', (c) => c.body(null, 500));
// What an application registers to log the 500s it answers.
app.onError((err, c) => {
  logger.error(`${c.req.method} ${c.req.path} failed`, err);
  return c.json({ error: 'internal' }, 500);
});
serve({ fetch: app.fetch, port: config.get('port'), hostname: '127.0.0.1' });
