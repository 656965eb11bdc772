import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findingCsvHeader } from '../../src/audit/render-csv.js';
import { unzip } from '../explain/explain-fixtures.js';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from '../server/sample-data.js';
import { ARTIFACTS, browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';

const suite = browserSuite();

/** The month's statement as first downloaded, and again later with the export time in a title line. */
const STATEMENT = settlementCsv(OVERCHARGED);
const REDOWNLOAD = `商户结算明细\r\n导出时间：2026-10-10 09:30:07\r\n${STATEMENT}`;

suite('dashboard: an upload’s lines of other shops, and the evidence pack in the page’s language', () => {
  let h: DashboardHarness;

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-landings-', ['agent@example.com']);
  }, 180_000);

  afterAll(async () => h?.close());

  async function logIn(page: Page): Promise<void> {
    await page.goto(`${h.base}/`);
    await page.locator('input[name=email]').fill('agent@example.com');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('[data-testid=logout]').waitFor();
  }

  async function newShop(page: Page, data: { name: string; merchantId?: string }): Promise<number> {
    const created = await page.request.post(`${h.base}/api/v1/merchants`, { data });
    expect(created.status()).toBe(201);
    return ((await created.json()) as { id: number }).id;
  }

  async function uploadOnPage(page: Page, shop: number, name: string, text: string) {
    await page.goto(`${h.base}/m/${shop}/upload`);
    await page
      .locator('[data-testid=file-input]')
      .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    const item = page.locator(`[data-file="${name}"][data-state=done]`);
    await item.waitFor({ timeout: 30_000 });
    return item;
  }

  it('says lines of another shop went there, not that they were skipped as already imported', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      await logIn(page);
      const first = await newShop(page, { name: '鸿运便利店', merchantId: '898440153991234' });
      const plan = await page.request.put(`${h.base}/api/v1/merchants/${first}/plan`, {
        headers: { 'content-type': 'application/yaml' },
        data: PLAN_YAML,
      });
      expect(plan.status()).toBe(200);
      const imported = await page.request.post(`${h.base}/api/v1/merchants/${first}/statements`, {
        multipart: {
          file: { name: '结算明细_10月.csv', mimeType: 'text/csv', buffer: Buffer.from(STATEMENT) },
        },
      });
      expect(imported.status()).toBe(201);
      // A second shop, created without its merchant number, gets the statement downloaded again: its four lines
      // name the first shop's number, which already has them.
      const second = await newShop(page, { name: '鸿运便利店（二店）' });
      const item = await uploadOnPage(page, second, '全部导出.csv', REDOWNLOAD);
      await expect(item.locator('[data-testid=other-shops]').textContent()).resolves.toBe(
        '4 行属于您的其他商户，已分别导入对应商户（见下方提示）。',
      );
      await expect(item.locator('[data-testid=already-stored]').count()).resolves.toBe(0);
      await expect(item.locator('.warnings').textContent()).resolves.toContain(
        '「鸿运便利店」（商户号 898440153991234）4 行',
      );
      await page.screenshot({ path: join(ARTIFACTS, 'landings-01-other-shop.png'), fullPage: true });
      await page.getByRole('button', { name: 'English', exact: true }).click();
      await expect(item.locator('[data-testid=other-shops]').textContent()).resolves.toBe(
        '4 line(s) belong to your other shops and were imported to each of them (see the note below).',
      );
      await page.getByRole('button', { name: '中文', exact: true }).click();

      // A later download on the first shop itself: its own lines, already imported, are said to be so.
      const later = REDOWNLOAD.replace('09:30:07', '16:02:45');
      const own = await uploadOnPage(page, first, '全部导出_下午.csv', later);
      await expect(own.locator('[data-testid=already-stored]').textContent()).resolves.toBe(
        '4 行与之前导入的文件完全相同（对账单下载时间重叠），已跳过，不会重复计算。',
      );
      await expect(own.locator('[data-testid=other-shops]').count()).resolves.toBe(0);
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);

  it('downloads the evidence pack in the language the dashboard shows', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      await logIn(page);
      const shops = (await (await page.request.get(`${h.base}/api/v1/merchants`)).json()) as {
        merchants: { id: number; merchantId: string | null }[];
      };
      const shop = shops.merchants.find((m) => m.merchantId === '898440153991234')?.id;
      expect(shop).toBeDefined();
      const download = async () => {
        await page.goto(`${h.base}/m/${shop}/findings`);
        const link = page.locator('[data-testid=evidence-pack]');
        const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
        return unzip(readFileSync(await file.path()));
      };
      const csvHead = (files: Map<string, Buffer>) =>
        (files.get('findings.csv')?.toString('utf8') ?? '').replace(/^\uFEFF/, '').split('\r\n')[0];

      const zh = await download();
      expect(zh.get('report.html')?.toString('utf8')).toContain('<title>POS 跳点审计报告</title>');
      expect(csvHead(zh)).toBe(findingCsvHeader('zh').join(','));

      await page.getByRole('button', { name: 'English', exact: true }).click();
      await expect(
        page.getByRole('link', { name: 'Download evidence pack', exact: true }).getAttribute('href'),
      ).resolves.toBe(`/api/v1/merchants/${shop}/evidence.zip?lang=en`);
      const en = await download();
      expect(en.get('report.html')?.toString('utf8')).toContain('<title>POS fee audit report</title>');
      expect(csvHead(en)).toBe(findingCsvHeader('en').join(','));
      expect(en.get('complaint-letter.en.txt')?.toString('utf8')).toContain('To the customer service');
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);
});
