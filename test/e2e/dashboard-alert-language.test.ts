import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PLAN_YAML } from '../monitor/monitor-harness.js';
import { browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';

const suite = browserSuite();

suite('dashboard: alert messages in the chosen language, in Chromium', () => {
  let h: DashboardHarness;

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-alert-lang-', ['alertlang@example.com']);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  const messages = (page: Page) =>
    page.locator('[data-testid=alerts] > li [data-testid=alert-message]').allTextContents();

  it('shows an alert in English once English is chosen, and an alert stored without English in Chinese', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      await page.goto(`${h.base}/`);
      await page.locator('input[name=email]').fill('alertlang@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('input[name=name]').fill('告警语言小店');
      await page.getByRole('button', { name: '创建', exact: true }).click();
      await page.waitForURL(/\/m\/\d+\/upload$/);
      const merchantId = Number(/\/m\/(\d+)\//.exec(page.url())?.[1]);
      const api = `${h.base}/api/v1/merchants/${merchantId}`;
      const plan = await page.request.put(`${api}/plan`, {
        headers: { 'content-type': 'application/yaml' },
        data: PLAN_YAML,
      });
      expect(plan.status(), await plan.text()).toBe(200);
      // An alert as the code before alerts carried English stored it: no message_en.
      await h.storage.db
        .insertInto('monitor_alerts')
        .values({
          merchant_id: merchantId,
          kind: 'missing_statement',
          severity: 'medium',
          dedup_key: 'missing_statement|2026-09-28',
          record_id: null,
          amount_fen: null,
          message: '2026-09-28 有终端交易，但到 2026-09-29（T+1）仍未收到结算单',
          message_en: null,
          details_json: '{}',
          created_at: '2026-09-30T02:00:00.000Z',
        })
        .execute();
      // ¥1,000.00 on a credit card charged ¥6.80 where the plan's 0.60 % gives ¥6.00.
      const pushed = await page.request.post(`${api}/settlements`, {
        data: {
          type: 'sale',
          status: 'success',
          time: '2026-10-01T10:00:00+08:00',
          refNo: 'R00000001',
          channel: 'card',
          card: 'credit',
          amountFen: 100_000,
          feeFen: 680,
        },
      });
      expect(pushed.status(), await pushed.text()).toBe(201);

      await page.goto(`${h.base}/m/${merchantId}/alerts`);
      await page.locator('[data-testid=alerts]').waitFor();
      await expect(messages(page)).resolves.toEqual([
        '2026-10-01 刷卡贷记卡 交易 ¥1,000.00 实扣手续费 ¥6.80，按费率方案应为 ¥6.00，多扣 ¥0.80',
        '2026-09-28 有终端交易，但到 2026-09-29（T+1）仍未收到结算单',
      ]);
      await page.getByRole('button', { name: 'English', exact: true }).click();
      await expect
        .poll(() => messages(page))
        .toEqual([
          '2026-10-01 credit card sale of ¥1,000.00 charged a fee of ¥6.80 where the plan gives ¥6.00: ¥0.80 overcharged',
          '2026-09-28 有终端交易，但到 2026-09-29（T+1）仍未收到结算单',
        ]);
      // Reloaded in English (the choice is kept), the list comes in English from the server too.
      await page.reload();
      await page.locator('[data-testid=alerts]').waitFor();
      await expect(messages(page)).resolves.toEqual([
        '2026-10-01 credit card sale of ¥1,000.00 charged a fee of ¥6.80 where the plan gives ¥6.00: ¥0.80 overcharged',
        '2026-09-28 有终端交易，但到 2026-09-29（T+1）仍未收到结算单',
      ]);
      await page.getByRole('button', { name: '中文', exact: true }).click();
      await expect
        .poll(() => messages(page))
        .toContain('2026-10-01 刷卡贷记卡 交易 ¥1,000.00 实扣手续费 ¥6.80，按费率方案应为 ¥6.00，多扣 ¥0.80');
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);
});
