// shop-fastify: the blind check's Node.js stack. Fastify 5 instrumented by
// @fastify/otel, pg (pg-pool), node-redis, env-var, fetch; started with
// `node --require @opentelemetry/auto-instrumentations-node/register` (its
// default instrumentations: http, pg, redis, undici, net, dns...). Each route
// of test/blind/README.md induces its fault for real; nothing is recorded by
// hand.
'use strict';
const { FastifyOtelInstrumentation } = require('@fastify/otel');
const fastifyOtel = new FastifyOtelInstrumentation({ registerOnInitialization: true });
const Fastify = require('fastify');
const { Pool } = require('pg');
const { createClient } = require('redis');
const env = require('env-var');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
const refusedPool = new Pool({ connectionString: process.env.DATABASE_URL_REFUSED, max: 4 });
const badAuthPool = new Pool({ connectionString: process.env.DATABASE_URL_BAD_PASSWORD, max: 4 });
// A pool of one connection that waits 500 ms for a free one.
const singlePool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1, connectionTimeoutMillis: 500 });
for (const p of [pool, refusedPool, badAuthPool, singlePool]) p.on('error', () => {});

const redis = createClient({ url: process.env.REDIS_URL });
redis.on('error', () => {});

// Fastify's own pino logger, as a service has it: it logs each request and, at error level, the error of a 5xx;
// instrumentation-pino sends its records to the SDK's logs.
const app = Fastify({ logger: true });

app.get('/health', async () => 'ok');

app.get('/items', async () => (await pool.query('SELECT id, name, qty FROM items ORDER BY id')).rows);

app.get('/items/:id', async (req, reply) => {
  const { rows } = await pool.query('SELECT id, name, qty FROM items WHERE id = $1', [Number(req.params.id)]);
  if (rows.length === 0) return reply.code(404).send({ error: 'no such item' });
  return rows[0];
});

async function count(p) {
  return (await p.query('SELECT count(*) FROM items')).rows[0].count;
}
app.get('/db/refused', async () => count(refusedPool));
app.get('/db/auth', async () => count(badAuthPool));

app.get('/db/pool', async (req, reply) => {
  const held = await singlePool.connect();
  try {
    const second = await singlePool.connect();
    second.release();
  } finally {
    held.release();
  }
  return reply.code(200).send();
});

async function inTx(...statements) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const s of statements) await client.query(s);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
}
const ok = (reply) => reply.code(200).send();
app.get('/db/statement-timeout', async (req, reply) => ok(reply, await inTx("SET LOCAL statement_timeout = '200ms'", 'SELECT pg_sleep(2)')));
app.get('/db/lock-timeout', async (req, reply) => ok(reply, await inTx("SET LOCAL lock_timeout = '200ms'", 'UPDATE items SET qty = qty - 1 WHERE id = 1')));
app.get('/db/undefined-table', async (req, reply) => ok(reply, await pool.query('SELECT id FROM orders_archive WHERE id = $1', [1])));
app.get('/db/undefined-column', async (req, reply) => ok(reply, await pool.query('SELECT id, discount FROM items WHERE id = $1', [1])));
app.post('/db/unique', async (req, reply) => ok(reply, await pool.query('INSERT INTO items (id, name, qty) VALUES ($1, $2, $3)', [1, 'duplicate', 1])));

// Settings read per request, as a handler that honours a changed environment does.
app.get('/config/int', async () => env.get('PAGE_SIZE').default('20').asIntPositive());
app.get('/config/missing', async () => env.get('PAYMENTS_URL').required().asUrlString());

function findCart() {
  return null;
}
app.get('/null', async (req) => findCart(req.query.id).owner.name);

async function call(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${res.statusText}`);
  return res.text();
}
app.get('/downstream/500', async () => call(`${process.env.DOWNSTREAM_URL}/null`));
app.get('/downstream/refused', async () => call(`${process.env.CLOSED_URL}/payments`));

app.get('/bare500', async (req, reply) => reply.code(500).send());

app.get('/cache/ping', async () => redis.ping());
app.get('/cache/refused', async () => {
  // A client of a cache that is down: it connects on first use.
  const c = createClient({ url: process.env.REDIS_URL_REFUSED, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  c.on('error', () => {});
  await c.connect();
  try {
    return await c.get('greeting');
  } finally {
    c.destroy();
  }
});

(async () => {
  await redis.connect();
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

// Close what keeps the event loop alive, so that the process ends once the
// SDK (its own SIGTERM handler) has flushed.
process.on('SIGTERM', async () => {
  await app.close();
  redis.destroy();
  await Promise.all([pool, refusedPool, badAuthPool, singlePool].map((p) => p.end()));
});
void fastifyOtel;
