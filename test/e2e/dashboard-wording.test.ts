import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findingCsvHeader, findingCsvRow, toCsv } from '../../src/audit/render-csv.js';
import type { AuditReport } from '../../src/audit/report-types.js';
import { ARTIFACTS, browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';

const suite = browserSuite();

// Letters of the other language where only one should be: Latin words in the Chinese page, CJK in the English.
const LATIN_WORD = /\b[a-z]{3,}\b/;
const CJK = /[\u4e00-\u9fff]/;

suite('dashboard: says what there is, in the reader’s language, with the dashboard’s own tools', () => {
  let h: DashboardHarness;

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-wording-', [
      'empty@example.com',
      'lang@example.com',
      'tools@example.com',
      'layout@example.com',
    ]);
  }, 180_000);

  afterAll(async () => h?.close());

  async function logIn(page: Page, email: string): Promise<void> {
    await page.goto(`${h.base}/`);
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('[data-testid=logout]').waitFor();
  }

  /** A merchant created through the API with the simulated journal, statement and plan (or the files given). */
  async function merchantWith(page: Page, name: string, files: readonly string[]): Promise<number> {
    const created = await page.request.post(`${h.base}/api/v1/merchants`, { data: { name } });
    expect(created.status()).toBe(201);
    const id = ((await created.json()) as { id: number }).id;
    for (const f of files) {
      const text = readFileSync(join(h.sim, f));
      const res = f.endsWith('.yaml')
        ? await page.request.put(`${h.base}/api/v1/merchants/${id}/plan`, {
            headers: { 'content-type': 'application/yaml' },
            data: text.toString('utf8'),
          })
        : await page.request.post(`${h.base}/api/v1/merchants/${id}/statements`, {
            multipart: { file: { name: f, mimeType: 'text/csv', buffer: text } },
          });
      expect(res.status(), await res.text()).toBeLessThan(300);
    }
    return id;
  }

  const auditOf = async (page: Page, id: number, lang: 'zh' | 'en' = 'zh') =>
    (await (
      await page.request.get(`${h.base}/api/v1/merchants/${id}/audit?lang=${lang}`)
    ).json()) as AuditReport;

  it('tells “nothing imported yet” and “nothing matches” from “no problems”, and exports only the findings shown', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      await logIn(page, 'empty@example.com');
      const empty = await merchantWith(page, '空店', []);
      for (const section of ['', '/findings', '/rates']) {
        await page.goto(`${h.base}/m/${empty}${section}`);
        await expect(page.locator('[data-testid=no-data]').textContent()).resolves.toBe(
          '还没有导入数据，请先上传终端流水、结算单和费率方案。',
        );
        await expect(
          page.getByRole('link', { name: '去上传', exact: true }).getAttribute('href'),
        ).resolves.toBe(`/m/${empty}/upload`);
        // Nothing to export from a shop with no uploads.
        await expect(
          page.locator('[data-testid=export-csv], [data-testid=evidence-pack]').count(),
        ).resolves.toBe(0);
        await expect(page.locator('main').textContent()).resolves.not.toContain('没有发现');
      }

      const id = await merchantWith(page, '筛选小店', ['plan.yaml', 'settlement.csv', 'terminal.csv']);
      const audit = await auditOf(page, id);
      const finding = audit.findings.find((f) => f.kind === 'fee_overcharge' && f.refNo !== undefined);
      expect(finding).toBeDefined();
      if (finding?.refNo === undefined) return;
      await page.goto(`${h.base}/m/${id}/findings`);
      const search = page.getByRole('searchbox');
      await search.fill('没有这样的单号');
      await expect(page.locator('[data-testid=no-match]').textContent()).resolves.toBe('没有匹配的问题。');
      await page.screenshot({ path: join(ARTIFACTS, 'wording-01-no-match.png') });
      await page.getByRole('button', { name: '清除筛选', exact: true }).click();
      await expect(search.inputValue()).resolves.toBe('');
      await page.locator('[data-testid=findings-table]').waitFor();

      // Filtered to one kind and one reference: the CSV holds that finding, as the API's CSV writes it.
      await page.locator('[data-testid=kind-filter]').selectOption('fee_overcharge');
      await search.fill(finding.refNo);
      const exportCsv = page.locator('[data-testid=export-csv]');
      await expect(exportCsv.textContent()).resolves.toBe('导出 CSV（1 条）');
      const [download] = await Promise.all([page.waitForEvent('download'), exportCsv.click()]);
      const csv = readFileSync(await download.path(), 'utf8');
      expect(csv).toBe(
        toCsv([findingCsvHeader('zh')]) + toCsv([findingCsvRow(finding, 'zh')], { bom: false }),
      );
      // Without a filter the link is the API's export of every finding.
      await page.locator('[data-testid=kind-filter]').selectOption('');
      await search.fill('');
      await expect(exportCsv.textContent()).resolves.toBe('导出 CSV');
      const [all] = await Promise.all([page.waitForEvent('download'), exportCsv.click()]);
      expect(all.suggestedFilename()).toBe(`posguard-findings-${id}.csv`);
      expect(
        readFileSync(await all.path(), 'utf8')
          .trimEnd()
          .split('\r\n'),
      ).toHaveLength(audit.findings.length + 1);
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);

  it('speaks one language at a time: login and password errors, record and rule words, formats and channels', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      const wrongLogin = async (buttonName: string) => {
        await page.locator('input[name=email]').fill('lang@example.com');
        await page.locator('input[name=password]').fill('Not-The-Password-1');
        // The server's answer, not what an earlier attempt left on the page.
        await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login')),
          page.getByRole('button', { name: buttonName, exact: true }).click(),
        ]);
        return page.getByRole('alert').textContent();
      };
      await page.goto(`${h.base}/`);
      await expect(wrongLogin('登录')).resolves.toBe('登录失败：邮箱或密码错误');
      await page.getByRole('button', { name: 'English', exact: true }).click();
      await expect(wrongLogin('Log in')).resolves.toBe('Login failed: wrong email or password');
      await page.getByRole('button', { name: '中文', exact: true }).click();
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('[data-testid=logout]').waitFor();

      const id = await merchantWith(page, '双语小店', ['plan.yaml', 'settlement.csv', 'terminal.csv']);
      const wrongCurrent = async (buttonName: string) => {
        await page.goto(`${h.base}/account`);
        const passwords = page.locator('input[type=password]');
        await passwords.nth(0).fill('Not-The-Password-1');
        await passwords.nth(1).fill('A-Brand-New-Password-9');
        await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/password')),
          page.getByRole('button', { name: buttonName, exact: true }).click(),
        ]);
        return page.locator('form').first().locator('.error').textContent();
      };
      await expect(wrongCurrent('修改密码')).resolves.toBe('当前密码不正确');

      // A finding with its plan rule and source rows.
      const audit = await auditOf(page, id, 'en');
      const finding = audit.findings.find((f) => f.rule?.textEn !== undefined && f.source.length === 2);
      expect(finding).toBeDefined();
      if (finding?.rule?.textEn === undefined) return;
      await page.goto(`${h.base}/m/${id}/findings/${finding.id}`);
      const kinds = page.locator('[data-testid=source-kind]');
      await kinds.first().waitFor();
      await expect(kinds.allTextContents()).resolves.toEqual(
        expect.arrayContaining(['终端流水·消费', '结算单·消费']),
      );
      await expect(page.locator('[data-testid=finding-rule]').textContent()).resolves.toMatch(
        /（方案第 \d+ 行）$/,
      );

      await page.getByRole('button', { name: 'English', exact: true }).click();
      await expect(wrongCurrent('Change password')).resolves.toBe('the current password is wrong');
      await page.goto(`${h.base}/m/${id}/findings/${finding.id}`);
      await kinds.first().waitFor();
      await expect(kinds.allTextContents()).resolves.toEqual(
        expect.arrayContaining(['terminal journal, sale', 'settlement statement, sale']),
      );
      const rule = (await page.locator('[data-testid=finding-rule]').textContent()) ?? '';
      expect(rule).toBe(`${finding.rule.textEn} (plan line ${finding.rule.line})`);
      expect(rule).not.toMatch(CJK);
      await expect(
        page.getByRole('link', { name: 'Download evidence pack', exact: true }).count(),
      ).resolves.toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'wording-02-finding-en.png'), fullPage: true });

      // Rate changes: the band in words. Upload: the formats by name, in both languages.
      await page.goto(`${h.base}/m/${id}/rates`);
      await expect(page.locator('[data-testid=rate-changes] dd').first().textContent()).resolves.toBe(
        'all amounts',
      );
      await page.goto(`${h.base}/m/${id}/upload`);
      const presets = page.locator('[data-testid=upload-preset] option');
      await presets.first().waitFor({ state: 'attached' });
      await expect(presets.allTextContents()).resolves.toContain('Generic (columns by name)');
      await expect(
        page.locator('[data-testid=imports-table] tbody td[data-preset=generic]').first().textContent(),
      ).resolves.toBe('Generic (columns by name)');
      await page.getByRole('button', { name: '中文', exact: true }).click();
      await page.getByRole('button', { name: 'English', exact: true }).waitFor();
      const zhPresets = await presets.allTextContents();
      expect(zhPresets).toContain('通用格式（按列名识别）');
      expect(zhPresets).toContain('银行账户交易明细');
      expect(
        zhPresets.filter((p) => p !== '自动识别').some((p) => LATIN_WORD.test(p.replace(/ZM|lcsw/g, ''))),
      ).toBe(false);
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);

  it('sends merchants to the dashboard’s own buttons and pages, not to CLI commands', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      await logIn(page, 'tools@example.com');
      const id = await merchantWith(page, '工具小店', ['plan.yaml', 'settlement.csv', 'terminal.csv']);
      const audit = await auditOf(page, id);
      const steps = (audit.diagnoses ?? []).flatMap((d) => d.steps);
      // The audit's own words do name commands: the page must not pass them on.
      expect(steps.some((s) => s.includes('posguard '))).toBe(true);
      for (const lang of ['zh', 'en'] as const) {
        await page.goto(`${h.base}/m/${id}`);
        const diagnoses = page.locator('[data-testid=diagnoses]');
        await diagnoses.waitFor();
        const shown = await diagnoses.locator('ol li').allTextContents();
        expect(shown).toHaveLength(steps.length);
        expect(shown.filter((s) => s.includes('posguard'))).toEqual([]);
        expect(shown).toContain(
          lang === 'zh'
            ? '联系客服：点“下载证据包”，带上证据包（交易明细、核对报告和投诉信）联系收单机构客服，要求说明原因并退还多扣款项'
            : 'Contact customer service: download the evidence pack (the transactions, the report and a complaint letter) and send it to the provider; ask for an explanation and a refund',
        );
        await page.goto(`${h.base}/m/${id}/devices`);
        const none = page.locator('[data-testid=no-devices]');
        await expect(none.textContent()).resolves.not.toContain('posguard');
        if (lang === 'zh') await page.getByRole('button', { name: 'English', exact: true }).click();
      }
      await page.getByRole('button', { name: '中文', exact: true }).click();

      // The register is imported from the devices page itself.
      await page.locator('[data-testid=devices-file]').setInputFiles(join(h.sim, 'devices.yaml'));
      await page.locator('[data-testid=devices-table]').waitFor();
      await expect(page.locator('[data-testid=devices-import-note]').textContent()).resolves.toMatch(
        /^已导入终端：/,
      );
      const registered = (
        (await (await page.request.get(`${h.base}/api/v1/merchants/${id}/devices`)).json()) as {
          devices: { terminalId: string }[];
        }
      ).devices.map((d) => d.terminalId);
      expect(registered.length).toBeGreaterThan(0);
      await expect(
        page
          .locator('[data-testid=devices-table] tbody tr')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-terminal'))),
      ).resolves.toEqual(registered);
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);

  it('fits a 390 px phone (whole kinds, the comparison inside the screen) and prints on A4 without the app around it', async () => {
    let id = 0;
    await h.withBrowser({ width: 390, height: 844 }, true, async (page) => {
      await logIn(page, 'layout@example.com');
      id = await merchantWith(page, '手机小店', ['plan.yaml', 'settlement.csv', 'terminal.csv']);
      await page.goto(`${h.base}/m/${id}/findings`);
      const kind = '[data-testid=findings-table] tbody td.kind';
      await page.locator(kind).first().waitFor();
      // One line: the text's boxes all on one row, not a character per line (browser-side code as text: this
      // file is type-checked without the DOM library).
      const lines = await page.evaluate<number>(`(() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector('${kind}'));
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      })()`);
      expect(lines).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'wording-03-phone-findings.png') });

      await page.goto(`${h.base}/m/${id}/compare`);
      await page.locator('[data-testid=compare-ranking] > li').first().waitFor();
      const beyond = await page.evaluate<string[]>(`[...document.querySelectorAll('main *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((e) => e.tagName + '.' + e.className)`);
      expect(beyond).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'wording-04-phone-compare.png'), fullPage: true });
    });

    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      await logIn(page, 'layout@example.com');
      await page.goto(`${h.base}/m/${id}`);
      await page.locator('[data-testid=diagnoses]').waitFor();
      await page.emulateMedia({ media: 'print' });
      for (const selector of ['header.top', 'nav.tabs', 'button', '.exports']) {
        await expect(page.locator(selector).count(), selector).resolves.toBeGreaterThan(0);
        await expect(page.locator(selector).filter({ visible: true }).count(), selector).resolves.toBe(0);
      }
      await expect(page.locator('[data-testid=lost-to-date]').isVisible()).resolves.toBe(true);
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await page.screenshot({ path: join(ARTIFACTS, 'wording-05-print.png'), fullPage: true });
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);
});
