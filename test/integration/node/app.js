// nodecart: an Express service of the test bed, run with
// `node --require @opentelemetry/auto-instrumentations-node/register`:
// mysql2 to MariaDB, ioredis to Redis, fetch (undici) to the Go services.
// Errors reach Express's default error handler (500); nothing is recorded by hand.
'use strict';
const express = require('express');
const mysql = require('mysql2/promise');
const Redis = require('ioredis');

const env = process.env;
const pool = mysql.createPool({ uri: env.MY_URL, connectionLimit: 4, connectTimeout: 5000 });
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
const app = express();

app.get('/health', (req, res) => res.send('ok'));
app.get('/', (req, res) => res.send('nodecart\n'));

app.get('/mysql/balance', async (req, res) => {
  const [rows] = await pool.query('SELECT balance_cents FROM accounts WHERE id = 1');
  res.json({ balance: rows[0].balance_cents });
});
app.get('/mysql/balance-alt', async (req, res) => {
  const c = await mysql.createConnection({ uri: env['MY_URL_' + String(req.query.dsn).toUpperCase()], connectTimeout: 5000 });
  try {
    const [rows] = await c.query('SELECT balance_cents FROM accounts WHERE id = 1');
    res.json({ balance: rows[0].balance_cents });
  } finally {
    await c.end();
  }
});
app.get('/mysql/invoices', async (req, res) => {
  const [rows] = await pool.query('SELECT id, order_id, total_cents FROM invoices ORDER BY id DESC LIMIT 10');
  res.json({ invoices: rows.length });
});
app.post('/mysql/pay', async (req, res) => {
  await pool.execute('INSERT INTO payments (order_id, amount_cents) VALUES (?, ?)', [Number(req.query.order), 100]);
  res.send('paid\n');
});

// Bug: an unknown coupon has no rule.
const COUPONS = { WELCOME: { pct: 10 } };
app.get('/coupon', (req, res) => {
  res.json({ pct: COUPONS[req.query.code].pct });
});

// The same bug in another handler: an unknown region has no rate.
const SHIPPING = { EU: { rate: 499 } };
app.get('/shipping', (req, res) => {
  res.json({ cents: SHIPPING[req.query.region].rate });
});

// And in a named function: an unknown member has no account.
const MEMBERS = { alice: { points: 120 } };
function loyaltyPoints(member) {
  return MEMBERS[member].points;
}
app.get('/loyalty', (req, res) => {
  res.json({ points: loyaltyPoints(req.query.member) });
});

app.get('/cache/ping', async (req, res) => {
  await redis.set('node:greeting', 'hello');
  res.json({ greeting: await redis.get('node:greeting') });
});
// Caches a report in chunks; Redis runs with a tiny maxmemory.
app.post('/cache/report', async (req, res) => {
  const chunk = 'r'.repeat(65536);
  for (let i = 0; i < 64; i++) await redis.set(`node:report:${i}`, chunk);
  res.send('cached\n');
});

async function ok(url, init) {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${init && init.method || 'GET'} ${url} returned ${r.status}`);
  return r;
}
app.post('/checkout', async (req, res) => {
  await ok(`${env.INVENTORY_URL}/reserve?sku=${encodeURIComponent(req.query.sku)}`, { method: 'POST' });
  res.send('ordered\n');
});
app.get('/recommendations', async (req, res) => {
  const r = await ok(`${env.RECOMMENDATIONS_URL}/recommendations?user=alice`);
  res.json(await r.json());
});
app.get('/availability', async (req, res) => {
  await ok(`${env.INVENTORY_URL}/slow?d=2s`, { signal: AbortSignal.timeout(400) });
  res.send('available\n');
});

const server = app.listen(Number(env.EDX_PORT), '127.0.0.1');

// The register hook's SIGTERM handler shuts the SDK down (exporting what is
// buffered) but does not exit: closing what keeps the process alive lets it
// end as soon as that export is done.
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  pool.end().catch(() => {});
  redis.disconnect();
  setTimeout(() => process.exit(0), 5000).unref();
});
