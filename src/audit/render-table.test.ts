import { describe, expect, it } from 'vitest';
import { alignRows, displayWidth, headline, renderTable, terminalText } from './render-table.js';
import type { RateChange } from './report-types.js';
import { sampleReport } from './sample-report.js';

describe('displayWidth', () => {
  it('counts CJK and full-width characters as two columns and ASCII as one', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('贷记卡')).toBe(6);
    expect(displayWidth('ＡＢ')).toBe(4);
    expect(displayWidth('¥1,234.56')).toBe(9);
    expect(displayWidth('（无）')).toBe(6);
  });
});

describe('alignRows', () => {
  it('pads mixed Chinese and ASCII cells to the same display width', () => {
    const lines = alignRows(
      ['类型', 'count'],
      [
        ['多扣手续费', '12'],
        ['late', '3'],
      ],
      new Set([1]),
    );
    const widths = lines.map(displayWidth);
    expect(new Set(widths).size).toBe(1);
    // '多扣手续费' is 10 columns; the header '类型' (4) gets 6 spaces of padding.
    expect(lines[0]).toBe('  类型        count');
    expect(lines[3]).toBe('  late            3');
  });
});

describe('renderTable', () => {
  it('starts with the total: ¥0.99 + ¥0.40 + ¥0.08 = ¥1.47 over three transactions and the rate change', () => {
    const text = renderTable(sampleReport(), { lang: 'zh' });
    expect(text.split('\n')[0]).toBe(
      '共多扣 ¥1.47，涉及 3 笔交易，自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%',
    );
    // Loss: 0.99 + 0.40 + 5.00 + 0.08 + 198.80 = 205.27.
    expect(text.split('\n')[1]).toBe('合计损失 ¥205.27，问题 5 项');
  });

  it('speaks English with lang en', () => {
    const text = renderTable(sampleReport(), { lang: 'en' });
    expect(text.split('\n')[0]).toBe(
      'Overcharged ¥1.47 in total on 3 transaction(s); since 2026-08-03 the credit card rate went from 0.60% to 0.68%',
    );
    expect(text).toContain('Findings (5)');
  });

  it('lists merchants, kinds with money, rate changes, findings, skipped checks, rejected rows and warnings', () => {
    const text = renderTable(sampleReport(), { lang: 'zh' });
    const order = [
      '按商户',
      '按类型',
      '费率变化',
      '问题明细（5）',
      '未执行的检查',
      '无法确定配对',
      '被拒绝的行（1）',
      '提示',
    ];
    const positions = order.map((h) => text.indexOf(h));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toMatch(/多扣手续费\s+2\s+¥1\.39\s+¥1\.39/);
    expect(text).toMatch(/未结算\s+1\s+¥0\.00\s+¥198\.80/);
    expect(text).toContain('settlement.csv:8 [交易金额]: “12.3.4” 不是金额 <b>');
    expect(text).toContain('到账不符 (payout_mismatch)');
  });

  it('aligns the findings columns so amounts end in the same display column', () => {
    const lines = renderTable(sampleReport(), { lang: 'zh' }).split('\n');
    const start = lines.findIndex((l) => l.startsWith('问题明细'));
    const rows = lines.slice(start + 3, start + 8);
    expect(rows).toHaveLength(5);
    const ends = rows.map((r) => displayWidth(r.slice(0, r.indexOf('[') - 2)));
    expect(new Set(ends).size).toBe(1);
    expect(rows[0]).toContain('2026-08-03 09:12:00  100112345678');
    expect(rows[0]).toMatch(/¥1,234\.56\s+¥7\.41\s+¥8\.40\s+¥0\.99\s+¥0\.99/);
  });

  it('says nothing was overcharged when nothing was', () => {
    const report = sampleReport();
    report.summary.overchargeFen = 0;
    report.summary.lossFen = 0;
    report.rateChanges = [];
    report.rejected = [];
    expect(headline(report, 'zh')).toBe('未发现多扣手续费');
  });

  it('says fees were not checked, not that none was overcharged, when no statement line showed a fee', () => {
    const report = sampleReport();
    report.summary.overchargeFen = 0;
    report.summary.lossFen = 29820;
    report.summary.skippedChecks = ['fee_overcharge'];
    report.rateChanges = [];
    expect(headline(report, 'zh')).toBe(
      '手续费未核对（对账单中没有手续费或结算金额），但其他问题损失 ¥298.20',
    );
    expect(headline(report, 'en')).toBe(
      'Fees were not checked (the statements show no fee or settled amount), but other findings lost ¥298.20',
    );
  });
});

describe('warnings', () => {
  it('shows each bilingual warning in the reader’s language only', () => {
    const report = sampleReport();
    report.warnings = [
      '跳过 2 笔支出（借方）流水，只导入入账 / skipped 2 outgoing (debit) lines; only credits are imported',
    ];
    expect(renderTable(report, { lang: 'zh' })).toContain('  ! 跳过 2 笔支出（借方）流水，只导入入账\n');
    expect(renderTable(report, { lang: 'en' })).toContain(
      '  ! skipped 2 outgoing (debit) lines; only credits are imported',
    );
    expect(renderTable(report, { lang: 'en' })).not.toContain('跳过');
  });
});

describe('headline', () => {
  const change = (merchantId: string, extra: Partial<RateChange> = {}): RateChange => ({
    merchantId,
    channel: 'card',
    card: 'credit',
    band: 'all',
    date: '2026-08-03',
    beforeRate: '0.60%',
    afterRate: '0.68%',
    beforeFixedFen: 0,
    afterFixedFen: 0,
    transactions: 2,
    inPlan: false,
    noticeHonoured: null,
    ...extra,
  });

  it('tells one change shared by five merchants once, with the merchant count', () => {
    const report = sampleReport();
    report.rateChanges = ['m1', 'm2', 'm3', 'm4', 'm5'].map((m) => change(m));
    expect(headline(report, 'zh')).toBe(
      '共多扣 ¥1.47，涉及 3 笔交易，自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（5 个商户）',
    );
    expect(headline(report, 'en')).toBe(
      'Overcharged ¥1.47 in total on 3 transaction(s); since 2026-08-03 the credit card rate went from 0.60% to 0.68% (5 merchants)',
    );
  });

  it('keeps different changes apart and counts the ones beyond three', () => {
    const report = sampleReport();
    report.rateChanges = [
      change('m1'),
      change('m2'),
      change('m1', { card: 'debit' }),
      change('m1', { date: '2026-08-10' }),
      change('m2', { afterRate: '0.70%' }),
    ];
    const line = headline(report, 'zh');
    expect(line).toBe(
      '共多扣 ¥1.47，涉及 3 笔交易，自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（2 个商户）；' +
        '自 2026-08-03 起借记卡费率由 0.60% 变为 0.68%；自 2026-08-10 起贷记卡费率由 0.60% 变为 0.68%；另有 1 处费率变化',
    );
  });

  it('states the loss on the first line when other findings lost money but no fee was overcharged', () => {
    const report = sampleReport();
    report.summary.overchargeFen = 0;
    report.summary.lossFen = 9000;
    report.rateChanges = [];
    report.rejected = [];
    expect(headline(report, 'zh')).toBe('未发现多扣手续费，但其他问题损失 ¥90.00');
    expect(headline(report, 'en')).toBe('No fee overcharge found, but other findings lost ¥90.00');
  });

  it('says nothing was checked, not that nothing was overcharged, when every statement line was rejected', () => {
    const report = sampleReport();
    report.summary.overchargeFen = 0;
    report.summary.lossFen = 0;
    report.summary.settlementRecords = 0;
    report.rateChanges = [];
    report.files = [
      { file: 's.csv', sha256: '', preset: 'generic', kind: 'settlement', rows: 0 },
      { file: 't.csv', sha256: '', preset: 'generic', kind: 'terminal', rows: 3 },
    ];
    const reason = '“8.22E+14”是科学计数法';
    report.rejected = [
      { file: 's.csv', row: 2, column: '商户号', reason },
      { file: 's.csv', row: 3, column: '商户号', reason },
      { file: 't.csv', row: 4, column: '参考号', reason },
    ];
    expect(headline(report, 'zh')).toBe('未能核对：对账单的 2 行全部被拒绝（见“被拒绝的行”）');
    expect(headline(report, 'en')).toBe(
      'Nothing was checked: all 2 statement line(s) were rejected (see the rejected rows)',
    );
    // Some lines read: no overcharge among them, and the rest not judged.
    report.summary.settlementRecords = 5;
    expect(headline(report, 'zh')).toBe('已读取的记录中未发现多扣手续费（另有 2 行对账单被拒绝，未核对）');
    expect(headline(report, 'en')).toBe(
      'No fee overcharge found in the lines read (2 statement line(s) rejected, not checked)',
    );
    // A journal's rejected rows leave every fee judged.
    report.rejected = report.rejected.filter((r) => r.file === 't.csv');
    expect(headline(report, 'zh')).toBe('未发现多扣手续费');
  });
});

describe('control characters from the input files', () => {
  const CLEAR_SCREEN = 'T\u001b[2J\u001b]0;pwned\u0007X';

  it('shows them as visible escapes', () => {
    expect(terminalText(CLEAR_SCREEN)).toBe('T\\x1b[2J\\x1b]0;pwned\\x07X');
    expect(terminalText('a\u009bb\u007fc\td\r\n')).toBe('a\\x9bb\\x7fc\\x09d\\x0d\\x0a');
    expect(terminalText('贷记卡 ¥1.00')).toBe('贷记卡 ¥1.00');
  });

  it('never prints one raw, in cells, messages, warnings or rejected rows', () => {
    const report = sampleReport();
    const first = report.findings[0];
    if (first === undefined) throw new Error('sample report without findings');
    first.terminalId = CLEAR_SCREEN;
    first.message = `终端 ${CLEAR_SCREEN}`;
    report.merchants[0] = { ...report.merchants[0]!, merchantId: `M\u0007` };
    report.warnings.push(`提示\u001b[31m`);
    report.rejected.push({ file: 'evil\u001b.csv', row: 2, reason: 'bad\u009b' });
    report.files[0] = { ...report.files[0]!, file: 's\u001b[2J.csv' };
    const text = renderTable(report, { lang: 'zh' });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('T\\x1b[2J\\x1b]0;pwned\\x07X');
    expect(text).toContain('evil\\x1b.csv:2: bad\\x9b');
  });

  it('measures the escaped cell, so the columns stay aligned', () => {
    const report = sampleReport();
    const first = report.findings[0];
    if (first === undefined) throw new Error('sample report without findings');
    first.terminalId = CLEAR_SCREEN;
    const lines = renderTable(report, { lang: 'zh' }).split('\n');
    const start = lines.findIndex((l) => l.startsWith('问题明细'));
    const [header = '', rule = '', ...rows] = lines.slice(start + 1, start + 8);
    // The message column starts where the rule's last run of ─ does, in every row.
    const column = displayWidth(rule.slice(0, rule.lastIndexOf(' ') + 1));
    const startOfLast = (row: string) => {
      let width = 0;
      let i = 0;
      for (const ch of row) {
        if (width >= column) break;
        width += displayWidth(ch);
        i += ch.length;
      }
      return row.slice(i, i + 1);
    };
    expect(rows).toHaveLength(5);
    expect([header, ...rows].map(startOfLast)).toEqual(['说', '[', '[', '[', '[', '[']);
  });
});
