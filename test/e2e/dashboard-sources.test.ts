import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from '../server/sample-data.js';
import { ARTIFACTS, browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';

const suite = browserSuite();

suite('dashboard: a finding shows its own source rows in Chromium', () => {
  let h: DashboardHarness;

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-sources-', ['sources@example.com']);
  }, 180_000);

  afterAll(async () => h?.close());

  it('shows only the finding’s row when two monthly exports share a file name', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      const base = h.base;
      await page.goto(`${base}/`);
      await page.locator('input[name=email]').fill('sources@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('input[name=name]').waitFor();
      // The session cookie goes with page.request: set the merchant up through the API.
      const merchant = await page.request.post(`${base}/api/v1/merchants`, {
        data: { name: '同名文件小店', merchantId: '898440153991234' },
      });
      expect(merchant.status()).toBe(201);
      const id = ((await merchant.json()) as { id: number }).id;
      const plan = await page.request.put(`${base}/api/v1/merchants/${id}/plan`, {
        headers: { 'content-type': 'application/yaml' },
        data: PLAN_YAML,
      });
      expect(plan.status()).toBe(200);
      // October (three sales overcharged ¥0.80 each) and November (one sale charged right), both
      // exported as 结算明细.csv: row 2 of each file is a different sale.
      const november = settlementCsv([
        {
          time: '2026-11-02 09:00:00',
          ref: '200000000001',
          card: '贷记卡',
          amount: '500.00',
          fee: '3.00',
          settled: '497.00',
          settleDate: '2026-11-03',
        },
      ]);
      for (const content of [settlementCsv(OVERCHARGED), november]) {
        const res = await page.request.post(`${base}/api/v1/merchants/${id}/statements`, {
          multipart: {
            file: { name: '结算明细.csv', mimeType: 'text/csv', buffer: Buffer.from(content) },
          },
        });
        expect(res.status()).toBe(201);
      }
      const audit = (await (
        await page.request.get(`${base}/api/v1/merchants/${id}/audit`)
      ).json()) as AuditReport;
      const finding = audit.findings.find((f) => f.refNo === '100000000001');
      expect(finding?.kind).toBe('fee_overcharge');
      expect(finding?.source).toEqual([{ file: '结算明细.csv', row: 2 }]);
      if (finding === undefined) return;

      await page.goto(`${base}/m/${id}/findings/${encodeURIComponent(finding.id)}`);
      const table = page.locator('[data-testid=source-records]');
      await table.waitFor({ timeout: 30_000 });
      const rows = await table.locator('tbody tr').allTextContents();
      await page.screenshot({ path: join(ARTIFACTS, 'sources-01-same-name.png'), fullPage: true });
      // The October sale of ¥1,000.00 only, not November's ¥500.00 at the same file name and row.
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain('100000000001');
      expect(rows[0]).toContain('¥1,000.00');
      expect(rows.join('')).not.toContain('200000000001');
    });
  }, 180_000);

  it('says on the upload page that lines already imported from an overlapping export were skipped', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      const base = h.base;
      await page.goto(`${base}/`);
      await page.locator('input[name=email]').fill('sources@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('nav, input[name=name]').first().waitFor();
      const merchant = await page.request.post(`${base}/api/v1/merchants`, {
        data: { name: '重叠下载小店', merchantId: '898440153991234' },
      });
      const id = ((await merchant.json()) as { id: number }).id;
      const [first, second] = OVERCHARGED;
      if (first === undefined || second === undefined) throw new Error('sample');
      const early = await page.request.post(`${base}/api/v1/merchants/${id}/statements`, {
        multipart: {
          file: {
            name: '结算明细-上半月.csv',
            mimeType: 'text/csv',
            buffer: Buffer.from(settlementCsv([first])),
          },
        },
      });
      expect(early.status()).toBe(201);
      await page.goto(`${base}/m/${id}/upload`);
      // The month's export again: line 1 overlaps the half-month file, line 2 is new.
      await page.locator('[data-testid=file-input]').setInputFiles({
        name: '结算明细-全月.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(settlementCsv([first, second])),
      });
      const done = page.locator('[data-file="结算明细-全月.csv"][data-state=done]');
      await done.waitFor({ timeout: 30_000 });
      await expect(done.locator('[data-testid=already-stored]').textContent()).resolves.toMatch(
        /^1 行与之前导入的文件完全相同/,
      );
      await page.screenshot({ path: join(ARTIFACTS, 'sources-02-overlap.png'), fullPage: true });
      const shown = (await (await page.request.get(`${base}/api/v1/merchants/${id}`)).json()) as {
        records: number;
      };
      expect(shown.records).toBe(2);
    });
  }, 180_000);

  it('pages a long findings table 100 rows at a time and starts again at page 1 on a new filter', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      const base = h.base;
      await page.goto(`${base}/`);
      await page.locator('input[name=email]').fill('sources@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('nav, input[name=name]').first().waitFor();
      const merchant = await page.request.post(`${base}/api/v1/merchants`, {
        data: { name: '问题很多的小店', merchantId: '898440153991234' },
      });
      const id = ((await merchant.json()) as { id: number }).id;
      await page.request.put(`${base}/api/v1/merchants/${id}/plan`, {
        headers: { 'content-type': 'application/yaml' },
        data: PLAN_YAML,
      });
      // 250 credit sales of ¥1,000.00 charged ¥6.80 where 0.60% is ¥6.00: 250 overcharges of ¥0.80.
      const lines = Array.from({ length: 250 }, (_, i) => ({
        time: `2026-10-${String(1 + (i % 28)).padStart(2, '0')} ${String(8 + Math.floor(i / 28)).padStart(2, '0')}:00:00`,
        ref: String(300000000000 + i),
        card: '贷记卡' as const,
        amount: '1000.00',
        fee: '6.80',
        settled: '993.20',
        // Settled the next day, as the plan's T1 says: no late-settlement findings beside the overcharges.
        settleDate: `2026-10-${String(2 + (i % 28)).padStart(2, '0')}`,
      }));
      const res = await page.request.post(`${base}/api/v1/merchants/${id}/statements`, {
        multipart: {
          file: { name: '结算明细.csv', mimeType: 'text/csv', buffer: Buffer.from(settlementCsv(lines)) },
        },
      });
      expect(res.status()).toBe(201);
      await page.goto(`${base}/m/${id}/findings`);
      const table = page.locator('[data-testid=findings-table]');
      await table.waitFor({ timeout: 30_000 });
      const pageText = page.locator('[data-testid=findings-page]');
      await expect(table.locator('tbody tr').count()).resolves.toBe(100);
      await expect(pageText.textContent()).resolves.toBe('第 1 / 3 页，共 250 条');
      const next = page.getByRole('button', { name: '下一页', exact: true });
      await next.click();
      await next.click();
      await expect(pageText.textContent()).resolves.toBe('第 3 / 3 页，共 250 条');
      await expect(table.locator('tbody tr').count()).resolves.toBe(50);
      await expect(next.isDisabled()).resolves.toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'sources-03-pages.png'), fullPage: true });
      // A search narrows to one finding: one row, no pager, whatever page was open.
      await page.getByRole('searchbox').fill('300000000249');
      await expect(table.locator('tbody tr').count()).resolves.toBe(1);
      await expect(page.locator('[data-testid=findings-pager]').count()).resolves.toBe(0);
      await page.getByRole('searchbox').fill('');
      await expect(pageText.textContent()).resolves.toBe('第 1 / 3 页，共 250 条');
    });
  }, 180_000);
});
