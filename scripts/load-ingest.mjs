#!/usr/bin/env node
// Load benchmark for live ingest (issue 8) — a benchmark, not a test.
// Starts the BUILT server (dist/, `npm run build` or `npm start` first) on a temp SQLite database on 127.0.0.1
// (ephemeral port), pushes settlement lines in batches for a bounded time, receives the alerts on a local
// webhook, and prints the sustained lines/s and the alert latency (push → webhook received), p50/p95.
//   node scripts/load-ingest.mjs [--seconds 20] [--batch 200] [--concurrency 4]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
};
const SECONDS = opt('seconds', 20);
const BATCH = opt('batch', 200);
const CONCURRENCY = opt('concurrency', 4);
const main = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(main)) {
  console.error('dist/cli/main.js is missing: run `npm run build` first');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'posguard-load-'));
const email = 'load@example.com';
const password = 'Load-Test-Pass-42';
const child = spawn(process.execPath, [main, 'serve', '--port', '0', '--db', join(dir, 'load.db')], {
  env: {
    ...process.env,
    POSGUARD_ADMIN_EMAIL: email,
    POSGUARD_ADMIN_PASSWORD: password,
    POSGUARD_DEMO: '0',
    LOG_LEVEL: 'warn',
    POSGUARD_PUBLIC_URL: 'http://127.0.0.1',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = () => {
  if (child.exitCode === null) child.kill('SIGINT');
};
process.on('exit', () => {
  stop();
  rmSync(dir, { recursive: true, force: true });
});

const base = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk.toString();
    const m = /posguard: (http:\/\/[^\s]+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
});

// The webhook receiver: alert id → when it arrived.
const arrived = new Map();
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof body.id === 'number') arrived.set(body.id, performance.now());
    } catch {}
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const hook = `http://127.0.0.1:${receiver.address().port}/hook`;

async function api(method, path, body, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined
        ? {}
        : { 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { res, json: text === '' ? undefined : JSON.parse(text) };
}

const login = await api('POST', '/api/v1/auth/login', { email, password });
const cookie = (login.res.headers.get('set-cookie') ?? '').split(';')[0];
const { json: tok } = await api('POST', '/api/v1/tokens', { name: 'load' }, { cookie });
const auth = { authorization: `Bearer ${tok.token}` };
const { json: merchant } = await api('POST', '/api/v1/merchants', { name: '压测商户' }, auth);
const id = merchant.id;
await api(
  'PUT',
  `/api/v1/merchants/${id}/plan`,
  'rounding: half-up\ntolerance: 0.01\nsettlement: T1\nperiods:\n  - from: 2020-01-01\n    rates:\n      - { channel: card, card: credit, rate: 0.60% }\n',
  auth,
);
await api('PUT', `/api/v1/merchants/${id}/monitor-rules`, 'delivery: { maxPerMinute: 6000 }\n', auth);
await api(
  'POST',
  `/api/v1/merchants/${id}/alert-channels`,
  { type: 'webhook', url: hook, secret: 'load' },
  auth,
);

// Each batch is one trade day: BATCH-1 lines charged right (0.60 %) and one charged ¥1.00 over, so one
// fee_overcharge alert per batch (one per day and card, by design).
const day0 = Date.UTC(2021, 0, 1);
let seq = 0;
let batchNo = 0;
function batch() {
  const day = new Date(day0 + batchNo * 86_400_000).toISOString().slice(0, 10);
  batchNo += 1;
  const lines = [];
  for (let i = 0; i < BATCH; i += 1) {
    seq += 1;
    const amountFen = 10_000 + (seq % 9_000) * 10;
    const fee = Math.floor((amountFen * 6_000 + 500_000) / 1_000_000);
    lines.push({
      type: 'sale',
      status: 'success',
      time: `${day}T${String(8 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00+08:00`,
      refNo: `L${seq}`,
      channel: 'card',
      card: 'credit',
      amountFen,
      feeFen: i === BATCH - 1 ? fee + 100 : fee,
    });
  }
  return lines;
}

const sentAt = new Map();
let lines = 0;
let requests = 0;
const t0 = performance.now();
const until = t0 + SECONDS * 1000;
async function worker() {
  while (performance.now() < until) {
    const body = batch();
    const start = performance.now();
    const { json } = await api('POST', `/api/v1/merchants/${id}/settlements`, body, {
      ...auth,
      'idempotency-key': `b${batchNo}`,
    });
    for (const a of json.alerts) sentAt.set(a.id, start);
    lines += body.length;
    requests += 1;
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const elapsed = (performance.now() - t0) / 1000;
// Wait (bounded) for the alerts still in the queue.
const waitUntil = performance.now() + 30_000;
while (performance.now() < waitUntil && [...sentAt.keys()].some((k) => !arrived.has(k))) {
  await new Promise((r) => setTimeout(r, 50));
}
const latencies = [...sentAt]
  .filter(([k]) => arrived.has(k))
  .map(([k, s]) => arrived.get(k) - s)
  .sort((a, b) => a - b);
const pct = (p) =>
  latencies.length === 0
    ? NaN
    : latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
console.log(
  `lines pushed     ${lines} in ${elapsed.toFixed(1)} s (${requests} requests of ${BATCH}, concurrency ${CONCURRENCY})`,
);
console.log(`sustained rate   ${Math.round(lines / elapsed)} lines/s`);
console.log(`alerts           ${sentAt.size} raised, ${latencies.length} received on the webhook`);
console.log(`alert latency    p50 ${pct(50).toFixed(0)} ms, p95 ${pct(95).toFixed(0)} ms (push → webhook)`);
receiver.close();
stop();
await new Promise((r) => (child.exitCode === null ? child.on('exit', r) : r()));
