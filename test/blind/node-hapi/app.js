// The blind check's hapi stack on MariaDB: hapi 21, Sequelize 6 on mysql2
// (Sequelize's own pool), node-redis, @hapi/wreck, the environment read with
// zod, pino; started with
// `node --require @opentelemetry/auto-instrumentations-node/register` (its
// default instrumentations: http, hapi, mysql2, redis, net, dns, pino...).
// Each route induces one fault of test/integration/blindcapture/cases.go.
'use strict';
const Hapi = require('@hapi/hapi');
const Boom = require('@hapi/boom');
const Wreck = require('@hapi/wreck');
const { Sequelize, DataTypes } = require('sequelize');
const { createClient } = require('redis');
const { z } = require('zod');
const pino = require('pino');

const logger = pino();
const env = process.env;

// One Sequelize (and so one pool) per database URL, as an application
// configures them: the refused, wrong-password and pool-of-one ones too.
const db = (url, pool = {}) => new Sequelize(url, { dialect: 'mysql', logging: false, pool: { max: 5, min: 0, ...pool } });
const shop = db(env.DATABASE_URL);
const refused = db(env.DATABASE_URL_REFUSED);
const badAuth = db(env.DATABASE_URL_BAD_PASSWORD);
const single = db(env.DATABASE_URL, { max: 1, acquire: 500 });
const Item = shop.define('Item', { id: { type: DataTypes.INTEGER, primaryKey: true }, name: DataTypes.STRING, qty: DataTypes.INTEGER },
  { tableName: 'items', timestamps: false });

const redis = createClient({ url: env.REDIS_URL });
redis.on('error', () => {});

// The settings, read from the environment per request with zod.
const pageSize = () => z.object({ PAGE_SIZE: z.coerce.number().int() }).parse(env).PAGE_SIZE;
const paymentsURL = () => z.object({ PAYMENTS_URL: z.string().url() }).parse(env).PAYMENTS_URL;

function findCart(owner) {
  return owner === 'alice' ? { owner } : null;
}

// A dependency's failure answers 500 here (Wreck's own Boom would be a 502 or 504).
async function call(path, options) {
  try {
    const { payload } = await Wreck.get(path, { json: true, ...options });
    return payload;
  } catch (err) {
    throw Boom.boomify(err, { statusCode: 500 });
  }
}

const routes = {
  '/health': async () => 'ok',
  '/items': async () => Item.findAll(),
  '/items/{id}': async (req) => (await Item.findByPk(req.params.id)) || Boom.notFound('no such item'),
  '/db/refused': async () => refused.query('SELECT 1'),
  '/db/auth': async () => badAuth.query('SELECT 1'),
  '/db/pool': async () => {
    // The transaction holds the only connection; the query outside it needs a second.
    const t = await single.transaction();
    try {
      return await single.query('SELECT qty FROM items WHERE id = 1');
    } finally {
      await t.rollback();
    }
  },
  '/db/statement-timeout': async () => shop.query('SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)'),
  '/db/lock-timeout': async () => shop.transaction(async (transaction) => {
    await shop.query('SET SESSION innodb_lock_wait_timeout = 1', { transaction });
    return shop.query('UPDATE items SET qty = qty + 1 WHERE id = 1', { transaction });
  }),
  '/db/undefined-table': async () => shop.query('SELECT * FROM invoices'),
  '/db/undefined-column': async () => shop.query('SELECT discount FROM items'),
  '/config/int': async () => ({ pageSize: pageSize() }),
  '/config/missing': async () => ({ payments: paymentsURL() }),
  '/null': async () => ({ owner: findCart('nobody').owner }),
  '/slow': async () => { await new Promise((r) => setTimeout(r, 2000)); return { ok: true }; },
  '/downstream/500': async () => call(`${env.DOWNSTREAM_URL}/null`),
  '/downstream/timeout': async () => call(`${env.DOWNSTREAM_URL}/slow`, { timeout: 500 }),
  '/downstream/refused': async () => call(`${env.CLOSED_URL}/items`),
  '/bare500': async (req, h) => h.response().code(500),
  '/cache/ping': async () => redis.ping(),
  '/cache/refused': async () => {
    // A client of a cache that is down: it connects on first use.
    const c = createClient({ url: env.REDIS_URL_REFUSED, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
    c.on('error', () => {});
    await c.connect();
    try {
      return await c.get('greeting');
    } finally {
      c.destroy();
    }
  },
};

(async () => {
  const server = Hapi.server({ host: '127.0.0.1', port: Number(env.PORT) });
  for (const [path, handler] of Object.entries(routes)) server.route({ method: 'GET', path, handler });
  server.route({ method: 'POST', path: '/db/unique', handler: async () => Item.create({ id: 1, name: 'again', qty: 1 }) });
  // hapi's own event for an error it answers with a 500 (what hapi-pino logs).
  server.events.on({ name: 'request', channels: 'error' }, (req, event) => logger.error({ err: event.error }, 'request failed'));
  await redis.connect();
  await server.start();
  // Close what keeps the event loop alive, so that the process ends once the
  // SDK (its own SIGTERM handler) has flushed.
  process.on('SIGTERM', async () => {
    await server.stop();
    redis.destroy();
    await Promise.all([shop, refused, badAuth, single].map((s) => s.close()));
  });
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
