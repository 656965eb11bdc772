import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Line, settlementCsv } from '../server/sample-data.js';
import { ARTIFACTS, browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';

// QA: on a new shop (商户号 822111111111111), a statement whose lines name 822000000000002 showed a green
// "完成 … 行数 … 拒收行" and the list "入库记录 0", with nothing saying that every line was another merchant's
// and was not stored (the answer's `unassigned` went unused).

const suite = browserSuite();

const OWN_NO = '822111111111111';
const OTHER_NO = '822000000000002';

/** A ¥1,000.00 credit sale charged ¥6.00, of merchant number `merchant`. */
function sale(ref: string, merchant: string): Line {
  return {
    time: '2026-10-08 10:00:00',
    merchant,
    ref,
    card: '贷记卡',
    amount: '1000.00',
    fee: '6.00',
    settled: '994.00',
    settleDate: '2026-10-09',
  };
}

/** Three sales of the other merchant only. */
const THEIRS = settlementCsv([
  sale('200000000001', OTHER_NO),
  sale('200000000002', OTHER_NO),
  sale('200000000003', OTHER_NO),
]);

suite('dashboard: an upload whose lines are another merchant number’s', () => {
  let h: DashboardHarness;

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-other-merchant-', ['shop@example.com']);
  }, 180_000);

  afterAll(async () => h?.close());

  async function upload(page: Page, name: string, text: string, state: string) {
    await page
      .locator('[data-testid=file-input]')
      .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    const item = page.locator(`[data-file="${name}"][data-state=${state}]`);
    await item.waitFor({ timeout: 30_000 });
    return item;
  }

  async function amountsOf(page: Page, shop: number): Promise<number[]> {
    const res = await page.request.get(`${h.base}/api/v1/merchants/${shop}/records?limit=1000`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { records: { amountFen: number }[] };
    return body.records.map((r) => r.amountFen).sort((a, b) => a - b);
  }

  it('says the lines belong to another merchant number, were not imported, and how to import them', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      await page.goto(`${h.base}/`);
      await page.locator('input[name=email]').fill('shop@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      // No merchant yet: the dashboard offers to create one, as on a server started with POSGUARD_DEMO=0.
      await page.locator('input[name=name]').fill('鸿运小店');
      await page.locator('input[name=merchantId]').fill(OWN_NO);
      await page.getByRole('button', { name: '创建', exact: true }).click();
      await page.waitForURL(/\/m\/\d+\/upload$/);
      const shop = Number(/\/m\/(\d+)\//.exec(page.url())?.[1]);

      const item = await upload(page, 's.csv', THEIRS, 'nothing');
      // Not "完成": nothing of the file was imported.
      await expect(item.locator('.upload-state').textContent()).resolves.toBe('未导入');
      const note = item.locator('[data-testid=other-merchant-lines]');
      await expect(note.locator('p').first().textContent()).resolves.toBe(
        `以下行的商户号不是本商户「鸿运小店」（商户号 ${OWN_NO}）的，未导入：`,
      );
      await expect(note.locator(`li[data-merchant-number="${OTHER_NO}"]`).textContent()).resolves.toBe(
        `3 行属于商户号 ${OTHER_NO} 新建该商户`,
      );
      await expect(note.textContent()).resolves.toContain(
        '如这些行属于另一家店，请切换到该商户后上传此文件；还没有该商户的，请先新建商户并填写上面的商户号。',
      );
      await expect(note.locator('[data-testid=nothing-stored-here]').textContent()).resolves.toBe(
        '本商户没有导入任何记录：下方列表中这次导入的入库记录为 0，可以删除。',
      );
      // The list of imports says why its row stored nothing.
      const row = page.locator('[data-testid=imports-table] tr[data-import-file="s.csv"]');
      await row.waitFor();
      await expect(row.locator('[data-testid=import-note]').textContent()).resolves.toBe(
        '3 行属于其他商户号，未导入',
      );
      await expect(row.locator('td.num').nth(1).textContent()).resolves.toBe('0');
      await page.screenshot({ path: join(ARTIFACTS, 'other-merchant-01-zh.png'), fullPage: true });

      await page.getByRole('button', { name: 'English', exact: true }).click();
      await expect(item.locator('.upload-state').textContent()).resolves.toBe('Not imported');
      await expect(note.locator('p').first().textContent()).resolves.toBe(
        `These lines name a merchant number that is not this merchant's ("鸿运小店", merchant number ${OWN_NO}) and were not imported:`,
      );
      await expect(note.locator(`li[data-merchant-number="${OTHER_NO}"]`).textContent()).resolves.toBe(
        `3 line(s) belong to merchant number ${OTHER_NO} Create that merchant`,
      );
      await expect(row.locator('[data-testid=import-note]').textContent()).resolves.toBe(
        '3 line(s) of other merchant numbers not imported',
      );
      await page.getByRole('button', { name: '中文', exact: true }).click();
      expect(await amountsOf(page, shop)).toEqual([]);

      // A file part of which is the shop's own: imported, and flagged for the rest.
      const mixed = settlementCsv([sale('100000000001', OWN_NO), sale('300000000001', '822000000000009')]);
      const partial = await upload(page, 'mixed.csv', mixed, 'partial');
      await expect(partial.locator('.upload-state').textContent()).resolves.toBe('部分导入');
      await expect(partial.locator('li[data-merchant-number="822000000000009"]').textContent()).resolves.toBe(
        '1 行属于商户号 822000000000009 新建该商户',
      );
      await expect(partial.locator('[data-testid=nothing-stored-here]').count()).resolves.toBe(0);
      // The shop's one sale of ¥1,000.00.
      expect(await amountsOf(page, shop)).toEqual([100_000]);

      // The link creates the merchant of that number; the same file uploaded there is imported.
      await item.getByRole('link', { name: '新建该商户', exact: true }).click();
      await page.waitForURL(/\/new\?merchantId=822000000000002$/);
      await expect(page.locator('input[name=merchantId]').inputValue()).resolves.toBe(OTHER_NO);
      await page.locator('input[name=name]').fill('鸿运二店');
      await page.getByRole('button', { name: '创建', exact: true }).click();
      await page.waitForURL(
        (url) => /^\/m\/\d+\/upload$/.test(url.pathname) && !url.pathname.startsWith(`/m/${shop}/`),
      );
      const second = Number(/\/m\/(\d+)\//.exec(page.url())?.[1]);
      const there = await upload(page, 's.csv', THEIRS, 'done');
      await expect(there.locator('.upload-state').textContent()).resolves.toBe('完成');
      await expect(there.locator('[data-testid=other-merchant-lines]').count()).resolves.toBe(0);
      // Three sales of ¥1,000.00: 300,000 fen in all on the second shop, still 100,000 on the first.
      const amounts = await amountsOf(page, second);
      expect(amounts).toEqual([100_000, 100_000, 100_000]);
      expect(amounts.reduce((a, b) => a + b, 0)).toBe(300_000);
      expect(await amountsOf(page, shop)).toEqual([100_000]);
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);
});
