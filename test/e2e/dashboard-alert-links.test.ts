import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDailyChecks } from '../../src/monitor/daily-checks.js';
import { configureMonitor } from '../../src/monitor/monitor-settings.js';
import { addDays, todayInShanghai } from '../../src/time/shanghai.js';
import { ARTIFACTS, browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';

const suite = browserSuite();

/** What the webhook receives: an alert (id, message, link) or a digest (type, link). */
interface Delivered {
  id?: number;
  type?: string;
  kind?: string;
  message?: string;
  link: string;
}

suite('dashboard: the link in an alert message opens that alert in Chromium', () => {
  let h: DashboardHarness;
  let receiver: Server;
  let hookUrl: string;
  const received: Delivered[] = [];

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-links-', ['links@example.com']);
    // Links in messages start where the dashboard is served (POSGUARD_PUBLIC_URL in production).
    configureMonitor(h.storage.db, { publicUrl: h.base });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivered);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  }, 180_000);

  afterAll(async () => {
    await new Promise<void>((done) => (receiver === undefined ? done() : receiver.close(() => done())));
    await h?.close();
  });

  async function logIn(page: Page): Promise<void> {
    await page.locator('input[name=email]').fill('links@example.com');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
  }

  async function waitForDelivery(match: (d: Delivered) => boolean): Promise<Delivered> {
    for (let waited = 0; waited < 20_000; waited += 100) {
      const found = received.find(match);
      if (found !== undefined) return found;
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`no matching delivery; received ${JSON.stringify(received.map((d) => d.link))}`);
  }

  it('opens a sent alert marked on the alerts page — signed out first, in Chinese and English — and older links too', async () => {
    let merchantId = 0;
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      await page.goto(`${h.base}/`);
      await logIn(page);
      await page.locator('input[name=name]').fill('告警链接小店');
      await page.getByRole('button', { name: '创建', exact: true }).click();
      await page.waitForURL(/\/m\/\d+\/upload$/);
      merchantId = Number(/\/m\/(\d+)\//.exec(page.url())?.[1]);
      const channel = await page.request.post(`${h.base}/api/v1/merchants/${merchantId}/alert-channels`, {
        data: { type: 'webhook', url: hookUrl },
      });
      expect(channel.status()).toBe(201);
      // The plan, then the statement: its overcharged sales raise alerts on arrival, sent to the webhook.
      const files = ['plan.yaml', 'settlement.csv'];
      await page.locator('[data-testid=file-input]').setInputFiles(files.map((f) => join(h.sim, f)));
      for (const f of files)
        await page.locator(`[data-file="${f}"][data-state=done]`).waitFor({ timeout: 30_000 });
      await waitForDelivery((d) => d.id !== undefined);
      // A later alert, listed above the first: the link must mark its own alert, not the newest.
      const pushed = await page.request.post(`${h.base}/api/v1/merchants/${merchantId}/settlements`, {
        data: {
          type: 'sale',
          status: 'success',
          time: '2026-10-05T10:00:00+08:00',
          terminalId: '12345678',
          orderNo: '4200000000202610050001',
          channel: 'wechat',
          card: 'unknown',
          amountFen: 100_000,
          feeFen: 900,
        },
      });
      expect(pushed.status(), await pushed.text()).toBe(201);
    });

    const [sent, later] = [
      await waitForDelivery((d) => d.id !== undefined),
      await waitForDelivery((d) => d.kind === 'fee_overcharge'),
    ];
    expect(later.id).toBeGreaterThan(sent.id ?? Number.POSITIVE_INFINITY);
    expect(sent.link).toBe(`${h.base}/m/${merchantId}/alerts/${sent.id}`);
    const marked = (page: Page) => page.locator('[data-testid=alerts] > li.linked');

    // Opened from a chat on a phone that is not signed in: the login, then the alert itself.
    await h.withBrowser({ width: 390, height: 844 }, true, async (page) => {
      await page.goto(sent.link);
      await logIn(page);
      await marked(page).waitFor();
      await expect(marked(page).count()).resolves.toBe(1);
      await expect(marked(page).getAttribute('data-alert-id')).resolves.toBe(String(sent.id));
      await expect(
        page
          .locator('[data-testid=alerts] > li')
          .evaluateAll((items) => items.map((i) => i.getAttribute('data-alert-id'))),
      ).resolves.toEqual([String(later.id), String(sent.id)]);
      expect(new URL(page.url()).pathname).toBe(`/m/${merchantId}/alerts/${sent.id}`);
      const text = (await marked(page).textContent()) ?? '';
      expect(text).toContain(sent.message ?? '?');
      // Its kind and severity in words, not codes.
      expect(text).toMatch(/（[低中高]）/);
      expect(text).not.toMatch(/\[(low|medium|high)\]/);
      // Scrolled to: on screen without the reader looking for it.
      await expect
        .poll(async () => {
          const box = await marked(page).boundingBox();
          return box !== null && box.y >= 0 && box.y + box.height <= 844;
        })
        .toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'links-01-alert-phone.png') });

      await page.getByRole('button', { name: 'English', exact: true }).click();
      await expect
        .poll(() => marked(page).textContent())
        .toMatch(/\((low|medium|high)\) (Fee overcharged|Rate change)/);
      await expect(page.locator('[data-testid=alert-channels] li').textContent()).resolves.toContain(
        'Webhook',
      );
      await page.getByRole('button', { name: '中文', exact: true }).click();

      // Links sent before the dashboard's paths were /m/…: they open the same alert.
      for (const old of [
        `/merchants/${merchantId}/findings/alert-${sent.id}`,
        `/m/${merchantId}/findings/alert-${sent.id}`,
      ]) {
        await page.goto(`${h.base}${old}`);
        await marked(page).waitFor();
        await expect(marked(page).getAttribute('data-alert-id')).resolves.toBe(String(sent.id));
        expect(new URL(page.url()).pathname).toBe(`/m/${merchantId}/alerts/${sent.id}`);
      }
      // An alert that is not there (deleted with its import) is said to be missing, not silently ignored.
      await page.goto(`${h.base}/m/${merchantId}/alerts/999999`);
      await page.locator('[data-testid=alert-not-found]').waitFor();

      // The daily digest links to the merchant's alerts.
      const today = todayInShanghai();
      await runDailyChecks(h.storage.db, addDays(today, 1), {
        at: new Date().toISOString(),
        publicUrl: h.base,
      });
      const digest = await waitForDelivery((d) => d.type === 'digest');
      expect(digest.link).toBe(`${h.base}/m/${merchantId}/alerts`);
      await page.goto(digest.link);
      await page.locator(`[data-testid=alerts] > li[data-alert-id="${sent.id}"]`).waitFor();
      await expect(marked(page).count()).resolves.toBe(0);
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);
});
