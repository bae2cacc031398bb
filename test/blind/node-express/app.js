'use strict';
// shop-express: a blind check's Node.js stack on MariaDB. Express 5, the mysql
// driver's pools (mysqljs), ioredis, node-fetch for outgoing calls, settings
// read with nconf (the environment), bunyan for the error handler's log; run
// under @opentelemetry/auto-instrumentations-node's register (its defaults:
// http, express, mysql, ioredis, net, dns, bunyan: OTLP logs...). Each route
// induces one fault of test/integration/blindcapture/cases.go; nothing is
// recorded by hand.
const express = require('express');
const mysql = require('mysql');
const Redis = require('ioredis');
const fetch = require('node-fetch');
const nconf = require('nconf');
const bunyan = require('bunyan');

const log = bunyan.createLogger({ name: 'shop-express' });
const env = process.env;

// One pool per database, as an application configures them: the refused,
// wrong-password and pool-of-one ones too. The mysql driver's pool has no
// wait timeout: a pool of one that does not wait fails the second borrow.
function pool(password, port, extra = {}) {
  return mysql.createPool({
    host: env.DB_HOST, port: Number(port), user: env.DB_USER, password, database: env.DB_NAME,
    connectionLimit: 4, connectTimeout: 5000, ...extra,
  });
}
const shop = pool(env.DB_PASSWORD, env.DB_PORT);
const refused = pool(env.DB_PASSWORD, env.DB_PORT_REFUSED);
const badAuth = pool('not-the-password', env.DB_PORT);
const single = pool(env.DB_PASSWORD, env.DB_PORT, { connectionLimit: 1, waitForConnections: false });
const cache = new Redis(env.REDIS_URL);

function query(db, sql, values) {
  return new Promise((resolve, reject) => db.query(sql, values, (err, rows) => (err ? reject(err) : resolve(rows))));
}

function connection(db) {
  return new Promise((resolve, reject) => db.getConnection((err, c) => (err ? reject(err) : resolve(c))));
}

async function inTx(...statements) {
  const c = await connection(shop);
  try {
    await query(c, 'START TRANSACTION');
    for (const s of statements) await query(c, s);
  } finally {
    // The pool does not reset a released connection: end the transaction and its locks here.
    await query(c, 'ROLLBACK').catch(() => {});
    c.release();
  }
  return { ok: true };
}

// Settings read per request, as a handler that honours a changed environment does.
function settings() {
  return new nconf.Provider().env();
}

function findCart(id) {
  return { alice: { owner: { name: 'alice' } } }[id];
}

async function call(url, timeout = 5000) {
  const res = await fetch(url, { timeout });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return res.json();
}

const app = express();
const route = (method, path, fn) => app[method](path, async (req, res) => res.json(await fn(req)));
app.get('/health', (req, res) => res.send('ok'));
route('get', '/items', () => query(shop, 'SELECT id, name, qty FROM items ORDER BY id'));
app.get('/items/:id', async (req, res) => {
  const rows = await query(shop, 'SELECT id, name, qty FROM items WHERE id = ?', [Number(req.params.id)]);
  if (rows.length === 0) return res.status(404).json({ error: 'no such item' });
  return res.json(rows[0]);
});
route('get', '/db/refused', () => query(refused, 'SELECT 1'));
route('get', '/db/auth', () => query(badAuth, 'SELECT 1'));
route('get', '/db/pool', async () => {
  // The pool's one connection is held while a second is borrowed.
  const held = await connection(single);
  try {
    await query(held, 'SELECT 1');
    return await query(single, 'SELECT qty FROM items WHERE id = 1');
  } finally {
    held.release();
  }
});
route('get', '/db/statement-timeout', () => query(shop, 'SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)'));
route('get', '/db/lock-timeout', () => inTx('SET SESSION innodb_lock_wait_timeout = 1', 'UPDATE items SET qty = qty + 1 WHERE id = 1'));
route('get', '/db/undefined-table', () => query(shop, 'SELECT * FROM invoices'));
route('get', '/db/undefined-column', () => query(shop, 'SELECT discount FROM items'));
route('post', '/db/unique', () => inTx("INSERT INTO items (id, name, qty) VALUES (1, 'again', 1)"));
route('get', '/config/int', () => {
  const raw = settings().get('PAGE_SIZE');
  const size = Number.parseInt(raw, 10);
  if (Number.isNaN(size)) throw new TypeError(`PAGE_SIZE must be an integer, got "${raw}"`);
  return { pageSize: size };
});
route('get', '/config/missing', () => {
  const conf = settings();
  conf.required(['PAYMENTS_URL']);
  return { payments: conf.get('PAYMENTS_URL') };
});
route('get', '/null', () => ({ owner: findCart('nobody').owner.name }));
route('get', '/slow', () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 2000)));
route('get', '/downstream/500', () => call(`${env.DOWNSTREAM_URL}/null`));
route('get', '/downstream/timeout', () => call(`${env.DOWNSTREAM_URL}/slow`, 500));
route('get', '/downstream/refused', () => call(`${env.CLOSED_URL}/items`));
app.get('/bare500', (req, res) => res.status(500).end());
route('get', '/cache/ping', () => cache.ping());
route('get', '/cache/refused', async () => {
  // A client of a cache that is down.
  const down = new Redis(env.REDIS_URL_REFUSED, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  down.on('error', () => {});
  try {
    await down.connect();
    return await down.get('greeting');
  } finally {
    down.disconnect();
  }
});
// What an application registers to log the 500s it answers.
app.use((err, req, res, next) => { // eslint-disable-line no-unused-vars
  log.error({ err, path: req.path }, 'request failed');
  res.status(500).json({ error: 'internal' });
});
app.listen(Number(env.PORT), '127.0.0.1');
