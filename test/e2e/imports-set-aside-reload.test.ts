import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Line, settlementCsv } from '../server/sample-data.js';
import { ARTIFACTS, browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';

// QA: after an upload whose lines were all another merchant number's, the upload card said why; a page reload
// left the list of imports showing that import with 0 records and no reason. The list now says it from what the
// server kept with the import.

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

suite('dashboard: the list of imports after a reload, for lines of another merchant number', () => {
  let h: DashboardHarness;

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-set-aside-', ['shop@example.com']);
  }, 180_000);

  afterAll(async () => h?.close());

  it('still says how many lines were another merchant number’s and were not imported, in zh-CN and English', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      await page.goto(`${h.base}/`);
      await page.locator('input[name=email]').fill('shop@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('input[name=name]').fill('鸿运小店');
      await page.locator('input[name=merchantId]').fill(OWN_NO);
      await page.getByRole('button', { name: '创建', exact: true }).click();
      await page.waitForURL(/\/m\/\d+\/upload$/);
      const shop = Number(/\/m\/(\d+)\//.exec(page.url())?.[1]);

      await page
        .locator('[data-testid=file-input]')
        .setInputFiles({ name: 's.csv', mimeType: 'text/csv', buffer: Buffer.from(THEIRS) });
      await page.locator('[data-file="s.csv"][data-state=nothing]').waitFor({ timeout: 30_000 });

      // A reload: the upload's answer is gone, only the list of imports (read from the server) is left.
      await page.reload();
      const row = page.locator('[data-testid=imports-table] tr[data-import-file="s.csv"]');
      await row.waitFor();
      await expect(page.locator('[data-file="s.csv"]').count()).resolves.toBe(0);
      await expect(row.locator('td.num').nth(1).textContent()).resolves.toBe('0');
      const note = row.locator('[data-testid=set-aside]');
      await expect(note.getAttribute('data-records')).resolves.toBe('3');
      await expect(note.locator('[data-testid=import-note]').textContent()).resolves.toBe(
        '3 行属于其他商户号，未导入',
      );
      await expect(note.locator(`li[data-merchant-number="${OTHER_NO}"]`).textContent()).resolves.toBe(
        `3 行属于商户号 ${OTHER_NO} 新建该商户`,
      );
      await page.screenshot({ path: join(ARTIFACTS, 'set-aside-reload-01-zh.png'), fullPage: true });

      // English, and the overview's list (a fresh page load) says the same.
      await page.getByRole('button', { name: 'English', exact: true }).click();
      await page.goto(`${h.base}/m/${shop}`);
      const overviewRow = page.locator('[data-testid=imports-table] tr[data-import-file="s.csv"]');
      await overviewRow.waitFor();
      await expect(overviewRow.locator('[data-testid=import-note]').textContent()).resolves.toBe(
        '3 line(s) of other merchant numbers not imported',
      );
      await expect(overviewRow.locator(`li[data-merchant-number="${OTHER_NO}"]`).textContent()).resolves.toBe(
        `3 line(s) belong to merchant number ${OTHER_NO} Create that merchant`,
      );
      await page.screenshot({ path: join(ARTIFACTS, 'set-aside-reload-02-en.png'), fullPage: true });

      // The link creates the merchant of that number.
      await overviewRow.getByRole('link', { name: 'Create that merchant', exact: true }).click();
      await page.waitForURL(/\/new\?merchantId=822000000000002$/);
      await expect(page.locator('input[name=merchantId]').inputValue()).resolves.toBe(OTHER_NO);
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);
});
