import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { headline } from '../../src/audit/render-table.js';
import type { AuditReport, RateChange } from '../../src/audit/report-types.js';
import { simulate } from '../../src/simulate/simulate.js';
import { addDays, todayInShanghai } from '../../src/time/shanghai.js';
import { ARTIFACTS, browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';

const suite = browserSuite();

suite('dashboard: what a rate change changed, the headline, and fees inferred without a plan', () => {
  let h: DashboardHarness;
  let surcharge: string;

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-words-', ['words@example.com']);
    // Recent enough that the portfolio flags it: the last 30 days, the +¥3.00 from day 20 on.
    const result = simulate({
      out: join(h.work, 'surcharge'),
      merchants: 1,
      terminals: 2,
      days: 30,
      perDay: 20,
      start: addDays(todayInShanghai(), -30),
      seed: 'posguard-e2e-surcharge',
      scenarios: ['fixed-surcharge'],
      preset: 'generic',
    });
    surcharge = join(h.work, 'surcharge', result.merchants[0]?.merchantId ?? '');
  }, 180_000);

  afterAll(async () => h?.close());

  const auditIn = async (page: Page, id: number, lang: 'zh' | 'en') =>
    (await (
      await page.request.get(`${h.base}/api/v1/merchants/${id}/audit?lang=${lang}`)
    ).json()) as AuditReport;

  it('says a ¥3-per-sale surcharge is one, leads with the CLI’s headline and says the fees were inferred, in Chinese and English', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      const base = h.base;
      const shot = (name: string) =>
        page.screenshot({ path: join(ARTIFACTS, `words-${name}.png`), fullPage: true });
      await page.goto(`${base}/`);
      await page.locator('input[name=email]').fill('words@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('input[name=name]').fill('加收便利店');
      await page.getByRole('button', { name: '创建', exact: true }).click();
      await page.waitForURL(/\/m\/\d+\/upload$/);
      const id = Number(/\/m\/(\d+)\//.exec(page.url())?.[1]);
      // A journal and a statement, no plan: the expected fees are what the provider charged before.
      const files = ['terminal.csv', 'settlement.csv'];
      await page.locator('[data-testid=file-input]').setInputFiles(files.map((f) => join(surcharge, f)));
      for (const f of files)
        await page.locator(`[data-file="${f}"][data-state=done]`).waitFor({ timeout: 30_000 });

      const audit = await auditIn(page, id, 'zh');
      const change = audit.rateChanges.find((c) => c.afterFixedFen !== c.beforeFixedFen) as RateChange;
      expect(change).toMatchObject({
        channel: 'card',
        card: 'credit',
        beforeFixedFen: 0,
        afterFixedFen: 300,
      });
      expect(change.afterRate).toBe(change.beforeRate);

      await page.getByRole('link', { name: '总览', exact: true }).click();
      // The CLI's first line, from the same function: how much, on how many sales, since when.
      const lead = page.locator('[data-testid=headline]');
      await expect(lead.textContent()).resolves.toBe(headline(audit, 'zh'));
      await expect(lead.textContent()).resolves.toMatch(
        new RegExp(
          `^共多扣 ¥[\\d,.]+，涉及 \\d+ 笔交易，自 ${change.date} 起贷记卡每笔固定费由 ¥0.00 变为 ¥3.00`,
        ),
      );
      await expect
        .poll(() => page.locator('[data-testid=changes-brief] li').allTextContents())
        .toEqual([`${change.date} 刷卡/贷记卡 每笔固定费 ¥0.00→¥3.00`]);
      const chartText = async () =>
        (await page.locator('[data-testid=rate-chart] svg text').allTextContents()).join('\n');
      await expect.poll(chartText, { timeout: 10_000 }).toContain(`${change.date} 每笔固定费 ¥0.00→¥3.00`);
      // Without a plan the audit judges against the provider's own earlier charges: said first among the warnings.
      const warnings = page.locator('[data-testid=warnings] li');
      await expect(warnings.first().textContent()).resolves.toContain(
        '没有费率方案，按收单机构此前实收的费率推断应收手续费',
      );
      await shot('01-overview');

      await page.getByRole('link', { name: '费率变动', exact: true }).click();
      const timeline = page.locator('[data-testid=rate-changes] li');
      await expect
        .poll(() => timeline.locator('strong').allTextContents())
        .toEqual(['刷卡/贷记卡 每笔固定费 ¥0.00→¥3.00']);
      await expect(timeline.locator('dd').first().textContent()).resolves.toBe('全部金额');
      await shot('02-rates');

      await page.getByRole('link', { name: '代理商总览', exact: true }).click();
      await expect
        .poll(() => page.locator('[data-testid=portfolio] .flag').allTextContents())
        .toEqual([`⚠ ${change.date} 刷卡/贷记卡 每笔固定费 ¥0.00→¥3.00`]);
      await shot('03-portfolio');

      // English: the same facts in English words and English punctuation.
      await page.getByRole('button', { name: 'English', exact: true }).click();
      await page.getByRole('link', { name: 'Overview', exact: true }).click();
      const auditEn = await auditIn(page, id, 'en');
      await expect.poll(() => lead.textContent()).toBe(headline(auditEn, 'en'));
      await expect(lead.textContent()).resolves.toContain(
        `since ${change.date} the credit card fixed fee per sale went from ¥0.00 to ¥3.00`,
      );
      await expect
        .poll(() => page.locator('[data-testid=changes-brief] li').allTextContents())
        .toEqual([`${change.date} card/credit fixed fee per sale ¥0.00→¥3.00`]);
      await expect(page.locator('[data-testid=lost-this-month] span').textContent()).resolves.toMatch(
        /^Lost this month \(\d{4}-\d{2}\)$/,
      );
      await expect(warnings.first().textContent()).resolves.toContain(
        'No fee plan: the expected fees are inferred from what the provider charged before',
      );
      await shot('04-overview-en');
      await page.getByRole('link', { name: 'Rate changes', exact: true }).click();
      await expect
        .poll(() => timeline.locator('strong').allTextContents())
        .toEqual(['card/credit fixed fee per sale ¥0.00→¥3.00']);
      await expect(timeline.locator('dd').first().textContent()).resolves.toBe('all amounts');
      await page.getByRole('link', { name: 'Portfolio', exact: true }).click();
      await expect
        .poll(() => page.locator('[data-testid=portfolio] .flag').allTextContents())
        .toEqual([`⚠ ${change.date} card/credit fixed fee per sale ¥0.00→¥3.00`]);
      await page.getByRole('button', { name: '中文', exact: true }).click();

      // With the plan uploaded the fees are no longer inferred, and the warning goes.
      await page.request.put(`${base}/api/v1/merchants/${id}/plan`, {
        headers: { 'content-type': 'application/yaml' },
        data: readFileSync(join(surcharge, 'plan.yaml'), 'utf8'),
      });
      await page.goto(`${base}/m/${id}`);
      await page.locator('[data-testid=plan-text]').waitFor();
      await lead.waitFor();
      await expect(page.locator('[data-testid=no-plan-warning]').count()).resolves.toBe(0);
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);

  it('words a surcharge that reverted by its own days, as the CLI does, never as a lasting change', async () => {
    // 0.60% (1,000.00 → 6.00, 500.00 → 3.00, 2,000.00 → 12.00, 1,500.00 → 9.00), then ¥3.00 more per sale on two
    // days only, then 0.60% again: recent days, so the portfolio flags it too.
    const day = (n: number) => addDays(todayInShanghai(), n - 20);
    let ref = 0;
    const sale = (n: number, amountFen: number, feeFen: number) => {
      ref += 1;
      return {
        type: 'sale',
        status: 'success',
        time: `${day(n)}T10:${String(ref).padStart(2, '0')}:00+08:00`,
        terminalId: '12345678',
        refNo: `30000000${String(ref).padStart(4, '0')}`,
        channel: 'card',
        card: 'credit',
        amountFen,
        feeFen,
      };
    };
    const lines = [
      sale(1, 100_000, 600),
      sale(2, 50_000, 300),
      sale(3, 200_000, 1200),
      sale(4, 150_000, 900),
      sale(10, 100_000, 900),
      sale(10, 50_000, 600),
      sale(11, 200_000, 1500),
      sale(12, 100_000, 600),
      sale(12, 50_000, 300),
      sale(13, 200_000, 1200),
    ];
    const [from, to] = [day(10), day(11)];
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      const base = h.base;
      await page.goto(`${base}/`);
      await page.locator('input[name=email]').fill('words@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page
        .getByRole('link', { name: '总览', exact: true })
        .or(page.locator('input[name=name]'))
        .first()
        .waitFor();
      const merchant = await page.request.post(`${base}/api/v1/merchants`, {
        data: { name: '两天加收小店' },
      });
      expect(merchant.status()).toBe(201);
      const id = ((await merchant.json()) as { id: number }).id;
      const pushed = await page.request.post(`${base}/api/v1/merchants/${id}/settlements`, { data: lines });
      expect(pushed.status(), await pushed.text()).toBe(201);
      const audit = await auditIn(page, id, 'zh');
      expect(audit.rateChanges.map((c) => [c.date, c.until, c.afterFixedFen])).toEqual([[from, to, 300]]);

      await page.goto(`${base}/m/${id}/rates`);
      const timeline = page.locator('[data-testid=rate-changes] li');
      await expect
        .poll(() => timeline.locator('strong').allTextContents())
        .toEqual([`刷卡/贷记卡 每笔固定费 ¥0.00→¥3.00，至 ${to} 止`]);
      await expect(timeline.locator('[data-testid=in-force]').textContent()).resolves.toBe(
        `${from} 至 ${to}`,
      );
      await page.getByRole('link', { name: '代理商总览', exact: true }).click();
      await expect
        .poll(() => page.locator('[data-testid=portfolio] .flag').allTextContents())
        .toContain(`⚠ ${from} 刷卡/贷记卡 每笔固定费 ¥0.00→¥3.00，至 ${to} 止`);

      await page.getByRole('button', { name: 'English', exact: true }).click();
      await page.goto(`${base}/m/${id}/rates`);
      await expect
        .poll(() => timeline.locator('strong').allTextContents())
        .toEqual([`card/credit fixed fee per sale ¥0.00→¥3.00, until ${to}`]);
      await expect(timeline.locator('[data-testid=in-force]').textContent()).resolves.toBe(
        `from ${from} to ${to}`,
      );
      await page.getByRole('button', { name: '中文', exact: true }).click();
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);
});
