import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import {
  cleanupAfterEach,
  creditLine,
  MERCHANT_NO,
  openReceiver,
  PLAN_YAML,
  waitFor,
} from '../monitor/monitor-harness.js';
import { scratchBuild } from '../scratch-build.js';

// `posguard serve --port N` sends alert links to the dashboard on port N (the address it listens on), not to the
// default 3000, unless POSGUARD_PUBLIC_URL names another base; `serve --help` says so.

const cleanups = cleanupAfterEach();
let builtMain = '';
// The CLI compiled from the current sources, once for the run (it takes a while on a busy machine).
beforeAll(async () => {
  builtMain = join(await scratchBuild(), 'cli', 'main.js');
}, 300_000);
const EMAIL = 'owner@example.com';
const PASSWORD = 'Alert-Links-Pass-1';

/** A port free on 127.0.0.1 a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The built CLI's `serve` in a child process on a temp SQLite file; resolves with the URL it printed. */
async function serve(
  args: string[],
  env: Record<string, string>,
): Promise<{ url: string; out: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-alert-links-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const base: Record<string, string | undefined> = { ...process.env };
  // Whatever the test run's environment says, these are the test's to set.
  for (const name of ['POSGUARD_PUBLIC_URL', 'POSGUARD_SMTP_URL', 'HOST', 'PORT', 'DATABASE_URL'])
    delete base[name];
  const child: ChildProcess = spawn(
    process.execPath,
    [builtMain, 'serve', ...args, '--db', join(dir, 'p.db')],
    {
      env: {
        ...base,
        TMPDIR: dir,
        POSGUARD_ADMIN_EMAIL: EMAIL,
        POSGUARD_ADMIN_PASSWORD: PASSWORD,
        POSGUARD_DEMO: '0',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const url = await waitFor(() => /posguard: (http:\/\/\S+)/.exec(out)?.[1], 30_000);
  return { url, out: () => out };
}

/** Logs in, creates the merchant with the test plan and four channels posting to `rx`; raises one overcharge. */
async function raiseOneAlert(url: string, rxUrl: string): Promise<{ merchantId: number; alertId: number }> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const call = async (method: string, path: string, body: unknown, type = 'application/json') => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { 'content-type': type, cookie },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status, text).toBeLessThan(300);
    return JSON.parse(text === '' ? '{}' : text) as Record<string, unknown>;
  };
  const merchantId = (await call('POST', '/merchants', { name: '测试商户', merchantId: MERCHANT_NO }))[
    'id'
  ] as number;
  await call('PUT', `/merchants/${merchantId}/plan`, PLAN_YAML, 'application/yaml');
  for (const type of ['webhook', 'wecom', 'dingtalk', 'feishu'])
    await call('POST', `/merchants/${merchantId}/alert-channels`, { type, url: `${rxUrl}/${type}` });
  // ¥1,000.00 on a credit card charged ¥6.80 where the plan's 0.60 % gives ¥6.00: 80 fen over, one alert.
  const pushed = await call('POST', `/merchants/${merchantId}/settlements`, creditLine(100_000, 680, 1));
  const alerts = pushed['alerts'] as { id: number; kind: string }[];
  expect(alerts.map((a) => a.kind)).toEqual(['fee_overcharge']);
  return { merchantId, alertId: alerts[0]?.id ?? 0 };
}

/** The link each of the four channels was sent: the webhook's `link`, the robots' 详情 line. */
function linksSent(received: { url: string; body: string }[]): Record<string, string | undefined> {
  const links: Record<string, string | undefined> = {};
  for (const r of received) {
    const body = JSON.parse(r.body) as Record<string, unknown>;
    const type = r.url.slice(1);
    if (type === 'webhook') links[type] = body['link'] as string;
    else {
      const text = JSON.stringify(body);
      links[type] = /详情：(\S+?)(?:\\n|")/.exec(text)?.[1];
    }
  }
  return links;
}

async function linksOfOneAlert(
  url: string,
): Promise<{ links: Record<string, string | undefined>; path: string }> {
  const rx = await openReceiver(cleanups);
  const { merchantId, alertId } = await raiseOneAlert(url, rx.url);
  await waitFor(() => (rx.received.length >= 4 ? true : undefined), 30_000);
  expect(rx.received.map((r) => r.url).sort()).toEqual(['/dingtalk', '/feishu', '/webhook', '/wecom']);
  return { links: linksSent(rx.received), path: `/m/${merchantId}/alerts/${alertId}` };
}

const all = (link: string) => ({ webhook: link, wecom: link, dingtalk: link, feishu: link });

describe('alert links name the address the server is on', () => {
  it('serve --port N without POSGUARD_PUBLIC_URL: every channel links to 127.0.0.1:N', async () => {
    const port = await freePort();
    const server = await serve(['--port', String(port)], {});
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    const { links, path } = await linksOfOneAlert(server.url);
    expect(links).toEqual(all(`http://127.0.0.1:${port}${path}`));
    // The console says where the links point and how to change it.
    expect(server.out()).toContain(`http://127.0.0.1:${port} `);
    expect(server.out()).toContain('POSGUARD_PUBLIC_URL');
  });

  it('serve --port 0: the links carry the port the server was given', async () => {
    const server = await serve(['--port', '0'], {});
    expect(server.url).not.toMatch(/:0$/);
    const { links, path } = await linksOfOneAlert(server.url);
    expect(links).toEqual(all(`${server.url}${path}`));
  });

  it('POSGUARD_PUBLIC_URL, when set, is the base of the links (a trailing slash dropped)', async () => {
    const port = await freePort();
    const server = await serve(['--port', String(port)], {
      POSGUARD_PUBLIC_URL: 'https://posguard.example.com/',
    });
    const { links, path } = await linksOfOneAlert(server.url);
    expect(links).toEqual(all(`https://posguard.example.com${path}`));
  });

  for (const lang of ['zh', 'en'] as const) {
    it(`serve --help documents POSGUARD_PUBLIC_URL and POSGUARD_SMTP_URL (${lang})`, async () => {
      const run = await runCli(['serve', '--help', '--lang', lang], { env: {} });
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('POSGUARD_PUBLIC_URL');
      expect(run.stdout).toContain('POSGUARD_SMTP_URL');
      expect(run.stdout).toContain(
        lang === 'zh' ? '不设则用服务实际监听的地址' : 'unset, the address the server listens on',
      );
    });
  }
});
