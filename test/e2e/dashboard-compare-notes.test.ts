import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Comparison } from '../../src/compare/compare-plans.js';
import { simulate } from '../../src/simulate/simulate.js';
import { browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';

const suite = browserSuite();

suite('dashboard: the comparison says what it is annualised over and warns of thin history, in Chromium', () => {
  let h: DashboardHarness;

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-compare-notes-', ['notes@example.com']);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  const warnings = (page: Page) => page.locator('[data-testid=compare-warnings] > li').allTextContents();
  const period = (page: Page) => page.locator('[data-testid=compare-period]').textContent();

  it('shows the covered period, the warnings and the later-start mark in the chosen language', async () => {
    // Three days of a November journal: the file covers all of November (30 days), with few sales.
    const out = join(h.work, 'short');
    const sim = simulate({
      out,
      merchants: 1,
      terminals: 1,
      days: 3,
      perDay: 3,
      start: '2026-11-10',
      seed: 'compare-notes',
      scenarios: [],
      preset: 'generic',
    });
    const journal = join(out, sim.merchants[0]?.merchantId ?? '', 'terminal.csv');

    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      await page.goto(`${h.base}/`);
      await page.locator('input[name=email]').fill('notes@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('input[name=name]').fill('短流水小店');
      await page.getByRole('button', { name: '创建', exact: true }).click();
      await page.waitForURL(/\/m\/\d+\/upload$/);
      const merchantId = Number(/\/m\/(\d+)\//.exec(page.url())?.[1]);
      await page.locator('[data-testid=file-input]').setInputFiles([journal]);
      await page.locator('[data-file="terminal.csv"][data-state=done]').waitFor({ timeout: 30_000 });

      // What the API returns: the covered period and a thin-history warning in both languages.
      const res = await page.request.get(`${h.base}/api/v1/merchants/${merchantId}/compare`);
      expect(res.status(), await res.text()).toBe(200);
      const c = (await res.json()) as Comparison;
      expect(c.history.period).toEqual({ from: '2026-11-01', to: '2026-11-30', days: 30 });
      const thin = c.warnings.find((w) => w.code === 'thin-history');
      expect(thin?.zh).toContain('历史数据太少');
      expect(thin?.en).toContain('thin history');

      await page.goto(`${h.base}/m/${merchantId}/compare`);
      await page.locator('[data-testid=compare-ranking] > li').first().waitFor();
      await expect(period(page)).resolves.toBe('按 2026-11-01 至 2026-11-30（30 天）的交易折算为一年');
      await expect(warnings(page)).resolves.toEqual(c.warnings.map((w) => w.zh));
      // Today's switch date: every shipped plan is in force, so none is marked as starting later.
      await expect(page.locator('[data-testid=later-start]').count()).resolves.toBe(0);

      // A switch date before the shipped price lists start (2020-01-01): each plan is marked.
      await page.locator('[data-testid=compare-as-of]').fill('2019-06-01');
      const marks = page.locator('[data-testid=compare-ranking] > li [data-testid=later-start]');
      await expect.poll(() => marks.count()).toBe(c.plans.length);
      await expect(marks.allTextContents()).resolves.toEqual(c.plans.map(() => '2020-01-01 起'));

      await page.getByRole('button', { name: 'English', exact: true }).click();
      await expect
        .poll(() => period(page))
        .toBe('Annualised from the sales of 2026-11-01 to 2026-11-30 (30 days)');
      await expect(warnings(page)).resolves.toEqual(c.warnings.map((w) => w.en));
      await expect(marks.allTextContents()).resolves.toEqual(c.plans.map(() => 'starts 2020-01-01'));
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);
});
