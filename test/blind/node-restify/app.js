'use strict';
// shop-restify: a blind check's Node.js stack on MariaDB. restify 11 (its pino
// logger), the MariaDB connector's pools (the mariadb package: no
// instrumentation of its own), got for outgoing calls, settings loaded with
// dotenv (shop.env under the environment) and validated with envalid; run under
// @opentelemetry/auto-instrumentations-node's register (its defaults: http,
// restify, net, dns, pino: OTLP logs...). Each route induces one fault of
// test/integration/blindcapture/cases.go; nothing is recorded by hand.
const path = require('node:path');
const restify = require('restify');
const mariadb = require('mariadb');
const got = require('got');
const dotenv = require('dotenv');
const { cleanEnv, str, num, port, host, url } = require('envalid');

dotenv.config({ path: path.join(__dirname, 'shop.env'), quiet: true });

// envalid's reporter, so that a setting that fails throws envalid's own
// error (EnvError, EnvMissingError) to the handler rather than exiting.
const reporter = ({ errors }) => {
  const first = Object.values(errors)[0];
  if (first) throw first;
};
const settings = (spec) => cleanEnv(process.env, spec, { reporter });

const env = settings({
  PORT: port(),
  DB_HOST: host(),
  DB_PORT: port(),
  DB_PORT_REFUSED: port(),
  DB_USER: str(),
  DB_PASSWORD: str(),
  DB_NAME: str(),
  DB_ACQUIRE_TIMEOUT_MS: num(),
  HTTP_TIMEOUT_MS: num(),
  DOWNSTREAM_URL: url(),
  CLOSED_URL: url(),
});

// One pool per database, as an application configures them: the refused,
// wrong-password and pool-of-one ones too.
function pool(password, dbPort, extra = {}) {
  return mariadb.createPool({
    host: env.DB_HOST, port: dbPort, user: env.DB_USER, password, database: env.DB_NAME,
    connectionLimit: 4, minimumIdle: 0, acquireTimeout: env.DB_ACQUIRE_TIMEOUT_MS, ...extra,
  });
}
const shop = pool(env.DB_PASSWORD, env.DB_PORT);
const refused = pool(env.DB_PASSWORD, env.DB_PORT_REFUSED);
const badAuth = pool('not-the-password', env.DB_PORT);
// A pool of one connection that waits 500 ms for a free one.
const single = pool(env.DB_PASSWORD, env.DB_PORT, { connectionLimit: 1, acquireTimeout: 500 });

async function inTx(...statements) {
  const c = await shop.getConnection();
  try {
    await c.beginTransaction();
    for (const s of statements) await c.query(s);
  } finally {
    await c.rollback().catch(() => {});
    await c.release();
  }
  return { ok: true };
}

function findCart(id) {
  return { alice: { owner: { name: 'alice' } } }[id];
}

// got with no retries (its default retries a GET twice, 500s included).
const http = got.extend({ retry: { limit: 0 }, timeout: { request: env.HTTP_TIMEOUT_MS }, responseType: 'json' });

const server = restify.createServer({ name: 'shop-restify' });
const route = (method, p, fn) => server[method](p, async (req, res) => {
  res.send(await fn(req));
});
server.get('/health', async (req, res) => {
  res.send('ok');
});
route('get', '/items', () => shop.query('SELECT id, name, qty FROM items ORDER BY id'));
server.get('/items/:id', async (req, res) => {
  const rows = await shop.query('SELECT id, name, qty FROM items WHERE id = ?', [Number(req.params.id)]);
  if (rows.length === 0) return res.send(404, { error: 'no such item' });
  return res.send(rows[0]);
});
route('get', '/db/refused', () => refused.query('SELECT 1'));
route('get', '/db/auth', () => badAuth.query('SELECT 1'));
route('get', '/db/pool', async () => {
  // The pool's one connection is held while a second is borrowed.
  const held = await single.getConnection();
  try {
    await held.query('SELECT 1');
    return await single.query('SELECT qty FROM items WHERE id = 1');
  } finally {
    await held.release();
  }
});
route('get', '/db/statement-timeout', () => shop.query('SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)'));
route('get', '/db/lock-timeout', () => inTx('SET SESSION innodb_lock_wait_timeout = 1', 'UPDATE items SET qty = qty + 1 WHERE id = 1'));
route('get', '/db/undefined-table', () => shop.query('SELECT * FROM invoices'));
route('get', '/db/undefined-column', () => shop.query('SELECT discount FROM items'));
route('post', '/db/unique', () => inTx("INSERT INTO items (id, name, qty) VALUES (1, 'again', 1)"));
// Settings read per request, as a handler that honours a changed environment does.
route('get', '/config/int', () => ({ pageSize: settings({ PAGE_SIZE: num() }).PAGE_SIZE }));
route('get', '/config/missing', () => ({ payments: settings({ PAYMENTS_URL: url({ desc: 'Base URL of the payments service' }) }).PAYMENTS_URL }));
route('get', '/null', () => ({ owner: findCart('nobody').owner.name }));
route('get', '/slow', () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 2000)));
route('get', '/downstream/500', async () => (await http.get(`${env.DOWNSTREAM_URL}/null`)).body);
route('get', '/downstream/timeout', async () => (await http.get(`${env.DOWNSTREAM_URL}/slow`, { timeout: { request: 500 } })).body);
route('get', '/downstream/refused', async () => (await http.get(`${env.CLOSED_URL}/items`)).body);
server.get('/bare500', async (req, res) => {
  res.status(500);
  res.end();
});
// What an application registers to log the errors restify answers (restify itself logs none).
server.on('restifyError', (req, res, err, cb) => {
  req.log.error({ err, path: req.path() }, 'request failed');
  return cb();
});
server.listen(env.PORT, '127.0.0.1');
