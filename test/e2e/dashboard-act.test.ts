import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARTIFACTS, browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';
import type { AuditReport } from '../../src/audit/report-types.js';
import type { Comparison } from '../../src/compare/compare-plans.js';
import { formatFen } from '../../src/money/index.js';

const suite = browserSuite();

suite('dashboard: alerts, evidence, diagnoses, compare and cases in Chromium', () => {
  let h: DashboardHarness;
  let base: string;
  let sim: string;
  let externalRequests: string[];

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-act-', ['act@example.com', 'delete@example.com']);
    ({ base, sim, externalRequests } = h);
  }, 180_000);

  afterAll(async () => h?.close());

  const withBrowser: DashboardHarness['withBrowser'] = (viewport, mobile, run) =>
    h.withBrowser(viewport, mobile, run);

  it('shows diagnoses, downloads the evidence pack, ranks providers, adds an alert channel, moves a case and lists devices', async () => {
    await withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      const shot = (name: string) =>
        page.screenshot({ path: join(ARTIFACTS, `act-${name}.png`), fullPage: true });
      await page.goto(`${base}/`);
      await page.locator('input[name=email]').fill('act@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('input[name=name]').fill('比价便利店');
      await page.getByRole('button', { name: '创建', exact: true }).click();
      await page.waitForURL(/\/m\/\d+\/upload$/);
      const merchantId = Number(/\/m\/(\d+)\//.exec(page.url())?.[1]);
      const files = ['terminal.csv', 'settlement.csv', 'plan.yaml'];
      await page.locator('[data-testid=file-input]').setInputFiles(files.map((f) => join(sim, f)));
      for (const f of files) {
        await page.locator(`[data-file="${f}"][data-state=done]`).waitFor({ timeout: 30_000 });
      }

      // Diagnoses on the overview: the API's first diagnosis with its evidence and its steps in order.
      const audit = (await (
        await page.request.get(`${base}/api/v1/merchants/${merchantId}/audit`)
      ).json()) as AuditReport;
      const diagnosis = audit.diagnoses?.[0];
      expect(diagnosis).toBeDefined();
      if (diagnosis === undefined) return;
      await page.getByRole('link', { name: '总览', exact: true }).click();
      const section = page.locator('[data-testid=diagnoses]');
      await section.waitFor();
      await expect(section.locator('h3').textContent()).resolves.toBe('可能原因与处理建议');
      const first = section.locator('.diagnosis').first();
      await expect(first.locator('h4').textContent()).resolves.toContain(diagnosis.title);
      await expect(first.locator('ul li').allTextContents()).resolves.toEqual(diagnosis.evidence);
      // The steps in order; those whose words send the merchant to a CLI command name the dashboard's button or page.
      const steps = await first.locator('ol li').allTextContents();
      expect(steps).toHaveLength(diagnosis.steps.length);
      steps.forEach((shown, i) => {
        const step = diagnosis.steps[i] ?? '';
        if (step.includes('posguard ')) expect(shown).toMatch(/下载证据包|“上传”页/);
        else expect(shown).toBe(step);
      });
      await shot('01-diagnoses');

      // The evidence pack: a real download of a zip (local file header "PK\x03\x04").
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        section.locator('[data-testid=evidence-pack]').click(),
      ]);
      expect(download.suggestedFilename()).toBe(`posguard-evidence-${merchantId}.zip`);
      const zip = readFileSync(await download.path());
      expect([...zip.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
      const head = await page.request.get(`${base}/api/v1/merchants/${merchantId}/evidence.zip`);
      expect(head.status()).toBe(200);
      expect(head.headers()['content-type']).toContain('zip');

      // The comparison: the page lists providers in the API's order, cheapest year first.
      const comparison = (await (
        await page.request.get(`${base}/api/v1/merchants/${merchantId}/compare`)
      ).json()) as Comparison;
      expect(comparison.plans.length).toBeGreaterThan(1);
      const yearly = comparison.plans.map((p) => p.yearlyFen);
      expect(yearly).toEqual([...yearly].sort((a, b) => a - b));
      await page.getByRole('link', { name: '服务商比价', exact: true }).click();
      const ranking = page.locator('[data-testid=compare-ranking] > li');
      await ranking.first().waitFor();
      const shown = await ranking.evaluateAll((items) => items.map((i) => i.getAttribute('data-provider')));
      expect(shown).toEqual(comparison.plans.map((p) => p.provider));
      const cheapest = comparison.plans[0];
      await expect(ranking.first().locator('.total strong').textContent()).resolves.toBe(
        formatFen(cheapest?.yearlyFen ?? -1),
      );
      await shot('02-compare');

      // The switch date: picking one prices the first year from it, as the API does for ?asOf=.
      await page.locator('[data-testid=compare-as-of]').fill('2027-01-01');
      await ranking.first().locator('[data-testid=start-date]', { hasText: '2027-01-01' }).waitFor();
      const switched = (await (
        await page.request.get(`${base}/api/v1/merchants/${merchantId}/compare?asOf=2027-01-01`)
      ).json()) as Comparison;
      expect(switched.plans.every((p) => p.startDate === '2027-01-01')).toBe(true);
      await expect(
        ranking.evaluateAll((items) => items.map((i) => i.getAttribute('data-provider'))),
      ).resolves.toEqual(switched.plans.map((p) => p.provider));
      await expect(ranking.locator('[data-testid=start-date]').allTextContents()).resolves.toEqual(
        switched.plans.map((p) => p.startDate),
      );
      await expect(ranking.locator('[data-testid=charges]').allTextContents()).resolves.toEqual(
        switched.plans.map((p) => formatFen(p.yearlyChargesFen)),
      );
      // Incomplete plans carry the mark (and why); complete ones do not.
      await expect(
        ranking.evaluateAll((items) => items.map((i) => i.getAttribute('data-complete'))),
      ).resolves.toEqual(switched.plans.map((p) => String(p.complete)));
      await expect(ranking.locator('[data-testid=incomplete]').count()).resolves.toBe(
        switched.plans.filter((p) => !p.complete).length,
      );
      await shot('02b-compare-switch-date');

      // Alerts: a channel added through the form is listed (and the API has it too), in the language chosen for
      // it — Chinese and English here — and switched to English afterwards, which is saved.
      await page.getByRole('link', { name: '告警', exact: true }).click();
      await page.locator('[data-testid=channel-form] select[name=type]').selectOption('dingtalk');
      await page.locator('[data-testid=channel-form] input[name=target]').fill('http://127.0.0.1:9/robot');
      const formLanguage = page.getByTestId('channel-form').getByRole('combobox', { name: '推送语言' });
      await expect(formLanguage.inputValue()).resolves.toBe('zh');
      await formLanguage.selectOption({ label: '中英双语（先中文后英文）' });
      await page.getByRole('button', { name: '添加渠道', exact: true }).click();
      const channel = page.locator('[data-testid=alert-channels] li[data-channel-type=dingtalk]');
      await channel.waitFor();
      await expect(channel.textContent()).resolves.toContain('http://127.0.0.1:9/robot');
      const listed = async () =>
        (
          (await (
            await page.request.get(`${base}/api/v1/merchants/${merchantId}/alert-channels`)
          ).json()) as { channels: { type: string; target: string; language: string }[] }
        ).channels.map((c) => [c.type, c.target, c.language]);
      await expect(listed()).resolves.toEqual([['dingtalk', 'http://127.0.0.1:9/robot', 'both']]);
      await channel.getByRole('combobox', { name: '推送语言' }).selectOption({ label: '英文' });
      await page
        .locator('[data-testid=alert-channels] li[data-channel-type=dingtalk][data-language=en]')
        .waitFor();
      await expect(listed()).resolves.toEqual([['dingtalk', 'http://127.0.0.1:9/robot', 'en']]);
      await shot('03-alerts');

      // Cases: open one for the loss, move it to "contacted" with a note.
      await page.getByRole('link', { name: '维权案件', exact: true }).click();
      await page.locator('[data-testid=case-form] input[name=title]').fill('9月费率上调追讨');
      await page.locator('[data-testid=case-form] input[name=provider]').fill('某支付');
      await page.locator('[data-testid=case-form] input[name=claimed]').fill('12.34');
      await page.locator('[data-testid=case-form] button[type=submit]').click();
      const detail = page.locator('[data-testid=case-detail]');
      await expect(detail.locator('[data-testid=case-state]').textContent()).resolves.toBe('待处理');
      await detail.locator('textarea').fill('已致电客服，工单号 A1');
      await detail.locator('button[data-next-state=contacted]').click();
      await expect.poll(() => detail.locator('[data-testid=case-state]').textContent()).toBe('已联系服务商');
      await expect(detail.locator('[data-testid=case-notes]').textContent()).resolves.toContain('工单号 A1');
      const row = page.locator('[data-testid=cases-table] tbody tr');
      await expect(row.getAttribute('data-state')).resolves.toBe('contacted');
      await expect(row.locator('td.num').first().textContent()).resolves.toBe('¥12.34');
      const cases = (await (
        await page.request.get(`${base}/api/v1/merchants/${merchantId}/cases`)
      ).json()) as { cases: { state: string; amountClaimedFen: number }[] };
      expect(cases.cases.map((c) => [c.state, c.amountClaimedFen])).toEqual([['contacted', 1234]]);
      await shot('04-cases');

      // Devices: the simulator's registry imported through the API; the page shows each terminal's findings.
      const imported = await page.request.post(`${base}/api/v1/merchants/${merchantId}/devices/import`, {
        headers: { 'content-type': 'application/yaml' },
        data: readFileSync(join(sim, 'devices.yaml'), 'utf8'),
      });
      expect(imported.status()).toBe(200);
      const devices = (await (
        await page.request.get(`${base}/api/v1/merchants/${merchantId}/devices`)
      ).json()) as { devices: { terminalId: string; findings: { findings: number } }[] };
      expect(devices.devices.length).toBeGreaterThan(0);
      await page.getByRole('link', { name: '终端设备', exact: true }).click();
      await page.locator('[data-testid=devices-table]').waitFor();
      for (const d of devices.devices) {
        await expect(
          page
            .locator(`[data-testid=devices-table] tr[data-terminal="${d.terminalId}"] td.num`)
            .first()
            .textContent(),
        ).resolves.toBe(String(d.findings.findings));
      }
      await shot('05-devices');
    });
    expect(externalRequests).toEqual([]);
  }, 180_000);

  it('deletes a wrongly uploaded statement from the imported files, after a confirmation, and the audit follows', async () => {
    await withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      const shot = (name: string) =>
        page.screenshot({ path: join(ARTIFACTS, `act-${name}.png`), fullPage: true });
      await page.goto(`${base}/`);
      await page.locator('input[name=email]').fill('delete@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('input[name=name]').fill('删除导入便利店');
      await page.getByRole('button', { name: '创建', exact: true }).click();
      await page.waitForURL(/\/m\/\d+\/upload$/);
      const merchantId = Number(/\/m\/(\d+)\//.exec(page.url())?.[1]);
      const files = ['terminal.csv', 'settlement.csv'];
      await page.locator('[data-testid=file-input]').setInputFiles(files.map((f) => join(sim, f)));
      for (const f of files) {
        await page.locator(`[data-file="${f}"][data-state=done]`).waitFor({ timeout: 30_000 });
      }
      // The upload page lists what is imported, the newest first.
      const uploadList = page.locator('[data-testid=imports-table] tbody tr');
      await expect
        .poll(() => uploadList.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-import-file'))))
        .toEqual(['settlement.csv', 'terminal.csv']);

      const apiAudit = async () =>
        (await (
          await page.request.get(`${base}/api/v1/merchants/${merchantId}/audit`)
        ).json()) as AuditReport;
      const before = await apiAudit();
      expect(before.summary.overchargeFen).toBeGreaterThan(0);
      await page.getByRole('link', { name: '总览', exact: true }).click();
      const overcharged = page.locator('[data-testid=overcharged] strong');
      await expect(overcharged.textContent()).resolves.toBe(formatFen(before.summary.overchargeFen));
      const settlementRow = page.locator('[data-testid=imports] tr[data-import-file="settlement.csv"]');

      // Cancelling the confirmation deletes nothing.
      await settlementRow.getByRole('button', { name: '删除导入', exact: true }).click();
      const dialog = settlementRow.getByRole('alertdialog');
      await expect(dialog.textContent()).resolves.toContain('确定删除这次导入？');
      await dialog.getByRole('button', { name: '取消', exact: true }).click();
      await expect(dialog.count()).resolves.toBe(0);
      const imports = async () =>
        (
          (await (await page.request.get(`${base}/api/v1/merchants/${merchantId}`)).json()) as {
            imports: { file: string }[];
          }
        ).imports.map((i) => i.file);
      expect(await imports()).toEqual(['terminal.csv', 'settlement.csv']);

      // Confirmed: the import goes, the list and the audit are read again.
      await settlementRow.getByRole('button', { name: '删除导入', exact: true }).click();
      await shot('06-delete-confirm');
      await dialog.getByRole('button', { name: '确认删除', exact: true }).click();
      const done = page.locator('[data-testid=import-deleted]');
      await done.waitFor();
      const settled = before.summary.settlementRecords;
      await expect(done.textContent()).resolves.toContain(`settlement.csv：${settled} 条记录已删除`);
      await expect(settlementRow.count()).resolves.toBe(0);
      // The list is read again after the delete: polled, since it is briefly empty while it reloads.
      await expect
        .poll(() =>
          page
            .locator('[data-testid=imports] tbody tr')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-import-file'))),
        )
        .toEqual(['terminal.csv']);
      expect(await imports()).toEqual(['terminal.csv']);
      const after = await apiAudit();
      expect(after.summary.settlementRecords).toBe(0);
      await expect.poll(() => overcharged.textContent()).toBe(formatFen(after.summary.overchargeFen));
      expect(after.summary.overchargeFen).not.toBe(before.summary.overchargeFen);
      const log = (await (await page.request.get(`${base}/api/v1/audit-log`)).json()) as {
        entries: { action: string; details: { file?: string } }[];
      };
      expect(log.entries.find((e) => e.action === 'import.delete')?.details.file).toBe('settlement.csv');
      await shot('07-deleted');

      // In English too.
      await page.getByRole('button', { name: 'English', exact: true }).click();
      const terminalRow = page.locator('[data-testid=imports] tr[data-import-file="terminal.csv"]');
      await terminalRow.getByRole('button', { name: 'Delete import', exact: true }).click();
      await expect(terminalRow.getByRole('alertdialog').textContent()).resolves.toContain(
        'Delete this import?',
      );
      await terminalRow.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.getByRole('button', { name: '中文', exact: true }).click();

      // The same file uploads again as a new import, not a duplicate.
      await page.getByRole('link', { name: '上传', exact: true }).click();
      await page.locator('[data-testid=file-input]').setInputFiles(join(sim, 'settlement.csv'));
      const again = page.locator('[data-file="settlement.csv"][data-state=done]');
      await again.waitFor({ timeout: 30_000 });
      await expect(again.textContent()).resolves.not.toContain('此文件已导入过');
      expect(await imports()).toEqual(['terminal.csv', 'settlement.csv']);
      expect((await apiAudit()).summary.overchargeFen).toBe(before.summary.overchargeFen);
    });
    expect(externalRequests).toEqual([]);
  }, 180_000);
});
