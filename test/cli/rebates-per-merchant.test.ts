import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/audit/render-html.js';
import { renderTable } from '../../src/audit/render-table.js';
import type { AuditReport } from '../../src/audit/report-types.js';
import { HOSTILE_MERCHANT, sampleReport } from '../../src/audit/sample-report.js';

// QA: an agent's report of several merchants said what came back and what is owed only in total; each merchant's
// claim could not be read from it. sampleReport's first merchant lost 0.99 + 0.40 + 5.00 = 6.39, the second
// 0.08 + 198.80 = 198.88. Here the first was given back 10.00 (a 9.00 deposit and 1.00 of fees): 1.00 of it makes
// good its loss, 5.39 still owed; the second was given back nothing, 198.88 still owed.
function withRebates(): AuditReport {
  const report = sampleReport();
  const [m1, m2] = report.merchants;
  if (m1 === undefined || m2 === undefined) throw new Error('sampleReport has two merchants');
  m1.summary.returnedFen = 1000;
  m1.summary.offsetFen = 100;
  report.summary.returnedFen = 1000;
  report.summary.offsetFen = 100;
  return report;
}

describe('the per-merchant section when rebates came back', () => {
  it('gives each merchant what came back and what it is still owed in the table', () => {
    const text = renderTable(withRebates(), { lang: 'zh' });
    const section = text.slice(text.indexOf('按商户'), text.indexOf('按类型'));
    const rows = section.split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(rows[1]).toEqual(['商户号', '多扣', '损失', '已返还', '仍欠', '问题', '结算记录']);
    expect(rows[3]).toEqual(['898440153991234', '¥1.39', '¥6.39', '¥10.00', '¥5.39', '3', '28']);
    expect(rows[4]).toEqual([HOSTILE_MERCHANT, '¥0.08', '¥198.88', '¥0.00', '¥198.88', '2', '8']);
    const en = renderTable(withRebates(), { lang: 'en' });
    expect(en).toMatch(/merchant\s+overcharge\s+loss\s+given back\s+still owed\s+findings\s+settled rows/);
  });

  it('has no such columns when nothing came back', () => {
    const text = renderTable(sampleReport(), { lang: 'zh' });
    expect(text.slice(text.indexOf('按商户'), text.indexOf('按类型'))).not.toContain('已返还');
  });

  it('gives them in the HTML too, and the part of the total set against the loss', () => {
    const html = renderHtml(withRebates(), { lang: 'zh', now: '2026-11-01' });
    const section = html.slice(html.indexOf('<section class="by-merchant">'));
    const body = section.slice(0, section.indexOf('</section>'));
    expect(body).toContain('已返还');
    expect(body).toContain('仍欠');
    // Each row: loss, given back, still owed, in that order.
    expect(body.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|')).toContain('|¥6.39|¥10.00|¥5.39|');
    expect(body.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|')).toContain('|¥198.88|¥0.00|¥198.88|');
    // Total: 205.27 lost, 10.00 given back, 1.00 of it set against the loss, 204.27 owed.
    expect(html).toContain('<div class="value">¥10.00</div><div class="label">服务商已返还</div>');
    expect(html).toContain('<div class="value">¥1.00</div><div class="label">其中抵扣损失</div>');
    expect(html).toContain('<div class="value">¥204.27</div><div class="label">仍欠</div>');
    const plain = renderHtml(sampleReport(), { lang: 'zh', now: '2026-11-01' });
    expect(plain).not.toContain('已返还');
    expect(plain).not.toContain('其中抵扣损失');
  });
});
