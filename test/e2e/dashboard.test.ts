import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARTIFACTS, browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';
import { findingCsvHeader } from '../../src/audit/render-csv.js';
import type { AuditReport } from '../../src/audit/report-types.js';
import { formatFen } from '../../src/money/index.js';

const suite = browserSuite();

suite('dashboard end to end in Chromium', () => {
  let h: DashboardHarness;
  let base: string;
  let sim: string;
  let externalRequests: string[];

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-', ['desk@example.com', 'phone@example.com']);
    ({ base, sim, externalRequests } = h);
  }, 180_000);

  afterAll(async () => h?.close());

  const withBrowser: DashboardHarness['withBrowser'] = (viewport, mobile, run) =>
    h.withBrowser(viewport, mobile, run);

  async function flow(page: Page, label: string, email: string, drop: boolean): Promise<void> {
    const shot = (name: string) =>
      page.screenshot({ path: join(ARTIFACTS, `${label}-${name}.png`), fullPage: true });
    await page.goto(`${base}/`);
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill(PASSWORD);
    await shot('01-login');
    await page.getByRole('button', { name: '登录', exact: true }).click();

    const banner = page.locator('[data-testid=password-banner]');
    if (email.startsWith('phone')) await banner.waitFor();
    else expect(await banner.count()).toBe(0);

    // No merchant yet: the page offers to create one, then opens its upload page.
    await page.locator('input[name=name]').fill('测试便利店');
    await page.getByRole('button', { name: '创建', exact: true }).click();
    await page.waitForURL(/\/m\/\d+\/upload$/);
    const merchantId = Number(/\/m\/(\d+)\//.exec(page.url())?.[1]);

    const files = [
      { name: 'terminal.csv', path: join(sim, 'terminal.csv') },
      { name: 'settlement.csv', path: join(sim, 'settlement.csv') },
      { name: 'plan.yaml', path: join(sim, 'plan.yaml') },
    ];
    if (drop) {
      // A real drag and drop of several files at once: a DataTransfer with File objects, dropped on the zone.
      const payload = files.map((f) => ({ name: f.name, text: readFileSync(f.path, 'latin1') }));
      // Browser-side code as text: this file is type-checked without the DOM library.
      const transfer = await page.evaluateHandle(`(() => {
        const dt = new DataTransfer();
        for (const f of ${JSON.stringify(payload)}) {
          const bytes = Uint8Array.from(f.text, (c) => c.charCodeAt(0));
          dt.items.add(new File([bytes], f.name));
        }
        return dt;
      })()`);
      await page.locator('[data-testid=dropzone]').dispatchEvent('drop', { dataTransfer: transfer });
    } else {
      await page.locator('[data-testid=file-input]').setInputFiles(files.map((f) => f.path));
    }
    for (const f of files) {
      await page.locator(`[data-file="${f.name}"][data-state=done]`).waitFor({ timeout: 30_000 });
    }
    // The format by name, its preset id beside it for support.
    const detected = page.locator('[data-file="terminal.csv"] [data-testid=detected-preset]');
    await expect(detected.getAttribute('data-preset')).resolves.toBe('generic');
    await expect(detected.textContent()).resolves.toBe('通用格式（按列名识别）');
    await expect(page.locator('[data-file="plan.yaml"]').textContent()).resolves.toContain('费率方案已保存');
    await shot('02-upload');

    // The audit as the API gives it: the page must show exactly its totals and its rate change.
    const audit = (await (
      await page.request.get(`${base}/api/v1/merchants/${merchantId}/audit`)
    ).json()) as AuditReport;
    expect(audit.summary.lossFen).toBeGreaterThan(0);
    const change = audit.rateChanges[0];
    expect(change).toBeDefined();
    if (change === undefined) return;

    await page.getByRole('link', { name: '总览', exact: true }).click();
    await expect(page.locator('[data-testid=lost-to-date] strong').textContent()).resolves.toBe(
      formatFen(audit.summary.lossFen),
    );
    await expect(page.locator('[data-testid=overcharged] strong').textContent()).resolves.toBe(
      formatFen(audit.summary.overchargeFen),
    );
    const changeLabel = `${change.date} ${change.beforeRate}→${change.afterRate}`;
    const chart = page.locator('[data-testid=rate-chart] svg');
    await chart.waitFor();
    await expect
      .poll(async () => (await chart.locator('text').allTextContents()).join('\n'), { timeout: 10_000 })
      .toContain(changeLabel);
    await shot('03-overview');

    // The findings table; an overcharge opens to its source row.
    await page.getByRole('link', { name: '问题明细', exact: true }).click();
    await page.locator('[data-testid=findings-table]').waitFor();
    const finding = audit.findings.find((f) => f.kind === 'fee_overcharge');
    expect(finding).toBeDefined();
    if (finding === undefined) return;
    await page.locator('[data-testid=kind-filter]').selectOption('fee_overcharge');
    await shot('04-findings');
    // The table shows 100 rows a page: search for the finding so it is on the first.
    await page.getByRole('searchbox').fill(finding.refNo ?? finding.orderNo ?? '');
    await page.locator(`tr[data-finding-id="${finding.id}"]`).click();
    const sources = page.locator('[data-testid=finding-sources]');
    await sources.waitFor();
    const first = finding.source[0];
    expect(first).toBeDefined();
    const sourceText = (await sources.textContent()) ?? '';
    expect(sourceText).toContain(first?.file ?? '?');
    expect(sourceText).toContain(`行 ${first?.row}`);
    const arithmetic = (await page.locator('[data-testid=arithmetic]').textContent()) ?? '';
    expect(arithmetic).toContain(formatFen(finding.expectedFeeFen ?? 0));
    expect(arithmetic).toContain(formatFen(finding.chargedFeeFen ?? 0));
    await shot('05-finding');

    // CSV export: a real download, UTF-8 with a BOM and the header of `posguard audit --format csv`.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid=export-csv]').first().click(),
    ]);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toBe(findingCsvHeader('zh').join(','));
    expect(text).toContain(finding.id);

    // The plan editor validates live, as `posguard plan check` does: file, line, path and message.
    await page.getByRole('link', { name: '费率方案', exact: true }).click();
    const editor = page.locator('[data-testid=plan-yaml]');
    const planText = await editor.inputValue();
    expect(planText).toBe(readFileSync(join(sim, 'plan.yaml'), 'utf8'));
    await expect
      .poll(() => page.locator('[data-testid=plan-validation]').textContent())
      .toContain('方案有效');
    await editor.fill(planText.replace('card: credit, rate: 0.60%', 'card: credit, rate: 0.6x%'));
    const creditLine = planText.split('\n').findIndex((l) => l.includes('card: credit, rate: 0.60%')) + 1;
    await expect
      .poll(() => page.locator('[data-testid=plan-validation]').textContent())
      .toMatch(new RegExp(`plan\\.yaml:${creditLine} periods\\[0\\]\\.rates\\[3\\]\\.rate: `));
    await shot('06-plan-error');
    await editor.fill(planText);
    await expect
      .poll(() => page.locator('[data-testid=plan-validation]').textContent())
      .toContain('方案有效');
    await page.getByRole('button', { name: '试算：按此方案应收多少', exact: true }).click();
    await page.locator('[data-testid=plan-preview]').waitFor();

    // Rate changes timeline, then the English switch (which persists across a reload).
    await page.getByRole('link', { name: '费率变动', exact: true }).click();
    await expect(page.locator('[data-testid=rate-changes]').textContent()).resolves.toContain(change.date);
    await shot('07-rate-changes');
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await page.reload();
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await expect(page.locator('[data-testid=lost-to-date] span').textContent()).resolves.toBe('Lost to date');
    await shot('08-overview-en');
    await page.getByRole('button', { name: '中文', exact: true }).click();
  }

  it('logs in, uploads journal + statement + plan, shows the loss, the chart mark, a finding and the CSV', async () => {
    await withBrowser({ width: 1280, height: 900 }, false, (page) =>
      flow(page, 'desktop', 'desk@example.com', true),
    );
    expect(externalRequests).toEqual([]);
  }, 180_000);

  it('does the same on a 390×844 phone screen', async () => {
    await withBrowser({ width: 390, height: 844 }, true, async (page) => {
      await flow(page, 'phone', 'phone@example.com', false);
      // Nothing wider than the screen at the page level (tables scroll inside their own box).
      const width = await page.evaluate<number>('document.documentElement.scrollWidth');
      expect(width).toBeLessThanOrEqual(390);
    });
    expect(externalRequests).toEqual([]);
  }, 180_000);
});
