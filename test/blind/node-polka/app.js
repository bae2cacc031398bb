'use strict';
// shop-polka: a blind check's Node.js stack. Polka 0.5 (a micro Express-like
// router) on node:http, Kysely's query builder on pg (pg-pool), ky for the
// outgoing calls (on fetch), settings validated with yup, errors logged with
// consola (to stderr) in Polka's onError; run under
// @opentelemetry/auto-instrumentations-node's register (its defaults: http,
// pg, undici, net, dns...). Each route induces one fault of
// test/integration/blindcapture/cases.go; nothing is recorded by hand.
const polka = require('polka');
const pg = require('pg');
const { Kysely, PostgresDialect, sql } = require('kysely');
const yup = require('yup');
const { consola } = require('consola');

const env = process.env;
// ky is published as an ES module only (Node 20.19's require of an ES module).
const ky = require('ky').default;

// One Kysely instance (its pg pool) per database, as an application
// configures them: the refused and wrong-password ones too.
const database = (connectionString, max = 4, connectionTimeoutMillis = 5000) =>
  new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString, max, connectionTimeoutMillis }) }) });
const db = {
  shop: database(env.DATABASE_URL),
  refused: database(env.DATABASE_URL_REFUSED),
  badAuth: database(env.DATABASE_URL_BAD_PASSWORD),
  // A pool of one connection that waits 500 ms for it.
  single: database(env.DATABASE_URL, 1, 500),
};

// Settings read per request, as a route that honours a changed environment does.
const pageSettings = yup.object({ PAGE_SIZE: yup.number().integer().required() });
const paymentSettings = yup.object({ PAYMENTS_URL: yup.string().url().required() });

function findCart(owner) {
  return { alice: { owner: 'alice' } }[owner];
}

// Polka 0.5 does not catch a handler's rejection: the usual wrapper hands it to next().
const route = (fn) => (req, res, next) => Promise.resolve(fn(req, res)).catch(next);

async function call(url, timeout = 5000) {
  return ky.get(url, { timeout, retry: 0 }).json();
}

const count = (k) => k.selectFrom('items').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();

const app = polka({
  onError(err, req, res) {
    consola.error(`${req.method} ${req.path} failed:`, err);
    res.statusCode = 500;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: err.message }));
  },
});

app.use((req, res, next) => {
  res.json = (body, status = 200) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  next();
});

app.get('/health', (req, res) => res.end('ok'));
app.get('/items', route(async (req, res) => {
  res.json(await db.shop.selectFrom('items').select(['id', 'name', 'qty']).orderBy('id').execute());
}));
app.get('/items/:id', route(async (req, res) => {
  const row = await db.shop.selectFrom('items').selectAll().where('id', '=', Number(req.params.id)).executeTakeFirst();
  if (!row) return res.json({ error: 'not found' }, 404);
  res.json(row);
}));
app.get('/db/refused', route(async (req, res) => res.json(await count(db.refused))));
app.get('/db/auth', route(async (req, res) => res.json(await count(db.badAuth))));
app.get('/db/pool', route(async (req, res) => {
  // The pool's one connection is held while a second query waits for one.
  await db.single.connection().execute(async (held) => {
    await sql`SELECT 1`.execute(held);
    res.json(await db.single.selectFrom('items').select('qty').where('id', '=', 1).executeTakeFirst());
  });
}));
const inTx = (...statements) => route(async (req, res) => {
  await db.shop.transaction().execute(async (trx) => {
    for (const s of statements) await sql.raw(s).execute(trx);
  });
  res.json({ ok: true });
});
app.get('/db/statement-timeout', inTx("SET LOCAL statement_timeout = '200ms'", 'SELECT pg_sleep(2)'));
app.get('/db/lock-timeout', inTx("SET LOCAL lock_timeout = '200ms'", 'UPDATE items SET qty = qty - 1 WHERE id = 1'));
app.get('/db/undefined-table', route(async (req, res) => {
  res.json(await db.shop.selectFrom('orders_archive').select('id').where('id', '=', 1).execute());
}));
app.get('/db/undefined-column', route(async (req, res) => {
  res.json(await db.shop.selectFrom('items').select(['id', 'discount']).where('id', '=', 1).execute());
}));
app.post('/db/unique', route(async (req, res) => {
  await db.shop.insertInto('items').values({ id: 1, name: 'duplicate', qty: 1 }).execute();
  res.json({ ok: true }, 201);
}));
app.get('/config/int', route(async (req, res) => res.json(pageSettings.validateSync(env))));
app.get('/config/missing', route(async (req, res) => res.json(paymentSettings.validateSync(env))));
app.get('/null', route(async (req, res) => res.json({ owner: findCart('nobody').owner })));
app.get('/slow', route(async (req, res) => {
  await new Promise((r) => setTimeout(r, 2000));
  res.end('slow');
}));
app.get('/downstream/500', route(async (req, res) => res.json(await call(`${env.DOWNSTREAM_URL}/null`))));
app.get('/downstream/timeout', route(async (req, res) => res.json(await call(`${env.DOWNSTREAM_URL}/slow`, 500))));
app.get('/downstream/refused', route(async (req, res) => res.json(await call(`${env.CLOSED_URL}/payments`))));
app.get('/bare500', (req, res) => {
  res.statusCode = 500;
  res.end();
});

app.listen(Number(env.PORT), '127.0.0.1', () => consola.info(`shop-polka on ${env.PORT}`));
process.on('SIGTERM', () => app.server.close(() => process.exit(0)));
