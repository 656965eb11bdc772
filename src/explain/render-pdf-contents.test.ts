import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cjkFont, pdfLayout, pdfText, planOf, rateChange } from '../../test/explain/explain-fixtures.js';
import type { AuditReport } from '../audit/report-types.js';
import { sampleReport } from '../audit/sample-report.js';
import { renderPdf } from './render-pdf.js';

// report.pdf used to carry only the totals, the diagnoses, the letters and the findings: no merchant name,
// provider, period or date, no totals by kind, no rate changes, no plan and no rejected rows, all of which
// report.html shows. These read the PDF back with pdftotext (poppler-utils) and look for each, zh and en.

const M1 = '898440153991234';
const NAMED = `merchant: 鸿运便利店\nmerchantId: "${M1}"\nprovider: 乐刷科技\nperiods:\n  - from: 2026-01-01\n    rates: [{ rate: 0.60% }]\n`;

/** The sample report (¥1.47 overcharged, ¥205.27 lost) with a second change: WeChat ≤¥1,000, 0.38%→0.60%. */
function report(): AuditReport {
  const r = sampleReport();
  r.rateChanges.push(
    rateChange({
      channel: 'wechat',
      card: 'unknown',
      band: '≤1000',
      date: '2026-08-04',
      beforeRate: '0.38%',
      afterRate: '0.60%',
      transactions: 1,
    }),
  );
  return r;
}

describe('report.pdf carries what report.html has', () => {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-pdf-contents-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const render = (lang: 'zh' | 'en') =>
    renderPdf(report(), {
      font: cjkFont(),
      letter: '',
      lang,
      plans: [planOf(NAMED)],
      now: '2026-11-01',
    });

  it('zh: header, totals by kind, rate changes, plan and rejected rows', async () => {
    const pdf = await render('zh');
    const text = pdfText(pdf, dir);
    const layout = pdfLayout(pdf, dir);
    // The header: who, which provider, which days, when.
    expect(text).toContain(`商户：鸿运便利店（商户号${M1}）；商户号`);
    expect(text).toContain('收单机构：乐刷科技');
    // The sample's settled sales run from 2026-08-01 to 2026-08-04.
    expect(text).toContain('核对期间：2026-08-01至2026-08-04');
    expect(text).toContain('报告日期：2026-11-01');
    // By kind, worked by hand from the sample: two overcharges ¥0.99 + ¥0.40 = ¥1.39, a missing settlement
    // ¥200.00 − ¥1.20 fee = ¥198.80 lost.
    expect(text).toContain('按类型');
    expect(layout).toMatch(/多扣手续费\s+2\s+¥1\.39\s+¥1\.39/);
    expect(layout).toMatch(/未结算\s+1\s+¥0\.00\s+¥198\.80/);
    expect(layout).toMatch(/退货退费不符\s+1\s+¥0\.08\s+¥0\.08/);
    // The chart's heading and the rate changes' table, bands in words.
    expect(text).toContain('实际费率走势');
    expect(text).toContain('费率变化');
    expect(layout).toMatch(
      /2026-08-03\s+898440153991234\s+贷记卡\s+全部金额\s+0\.60%→0\.68%\s+2\s+否\s+未知/,
    );
    expect(layout).toMatch(/2026-08-04\s+898440153991234\s+微信\s+¥1,000 及以下\s+0\.38%→0\.60%\s+1/);
    expect(text).not.toContain('all');
    // The plan as `plan check` summarises it, and the rejected row.
    expect(text).toContain('费率方案');
    expect(text).toContain('调价通知期');
    expect(text).toContain('被拒绝的行（1）');
    expect(text).toContain('“12.3.4”不是金额<b>');
  });

  it('en: the same, in English, channels by their display names', async () => {
    const pdf = await render('en');
    const text = pdfText(pdf, dir);
    const layout = pdfLayout(pdf, dir);
    expect(text).toContain(`Merchants:鸿运便利店(merchantno.${M1});merchantno.`);
    expect(text).toContain('Provider:乐刷科技');
    expect(text).toContain('Periodaudited:2026-08-01to2026-08-04');
    expect(text).toContain('Reportdate:2026-11-01');
    expect(text).toContain('Findingsbykind');
    expect(layout).toMatch(/fee overcharged\s+2\s+¥1\.39\s+¥1\.39/);
    expect(layout).toMatch(/missing settlement\s+1\s+¥0\.00\s+¥198\.80/);
    expect(text).toContain('Effectiverateovertime');
    expect(layout).toMatch(/2026-08-03\s+898440153991234\s+credit card\s+all amounts\s+0\.60%→0\.68%/);
    expect(layout).toMatch(/2026-08-04\s+898440153991234\s+WeChat\s+up to ¥1,000\s+0\.38%→0\.60%/);
    expect(text).not.toMatch(/\bwechat\b/);
    expect(text).toContain('Feeplan');
    expect(text).toContain('Rate-changenotice');
    expect(text).toContain('Rejectedrows(1)');
  });

  it('leaves the plan out rather than say there was none when the caller gives no plan', async () => {
    const pdf = await renderPdf(report(), { font: cjkFont(), letter: '', now: '2026-11-01' });
    const text = pdfText(pdf, dir);
    expect(text).not.toContain('调价通知期');
    expect(text).not.toContain('结算周期');
    expect(text).toContain(`商户：商户号${M1}`);
    expect(text).toContain('收单机构：未注明');
    expect(text).toContain('被拒绝的行（1）');
  });
});
