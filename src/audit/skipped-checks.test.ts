import { describe, expect, it } from 'vitest';
import { auditRecords } from './audit.js';
import { renderHtml } from './render-html.js';
import { renderTable, skippedCheckGroups } from './render-table.js';
import { plan, rec, rule } from './test-records.js';

// An agent's statement of two merchants (as /tmp/qa/leshua/refund/two.csv), a plan for the first only.
const PLANNED = '822100000000001';
const UNPLANNED = '822100000000009';

const settled = (merchantId: string, row: number, fields: Parameters<typeof rec>[1]) =>
  rec(
    'settlement',
    { merchantId, terminalId: 'T0000001', settleDate: '2026-10-13', ...fields },
    row,
    'two.csv',
  );

// ¥1,000.00 at 0.60% = ¥6.00; the ¥400.00 refund of it returns 40% of the fee, ¥2.40, by a proportional plan,
// and the statement returned ¥0.00: ¥2.40 short.
const statement = [
  settled(PLANNED, 2, { refNo: '100000000031', time: '2026-10-12 09:00:00', amountFen: 100000, feeFen: 600 }),
  settled(PLANNED, 4, {
    type: 'refund',
    refNo: '100000000033',
    originalRefNo: '100000000031',
    time: '2026-10-14 10:00:00',
    settleDate: '2026-10-15',
    amountFen: -40000,
    feeFen: 0,
  }),
  settled(UNPLANNED, 5, {
    refNo: '900000000091',
    time: '2026-10-12 09:00:00',
    amountFen: 100000,
    feeFen: 600,
  }),
];
const contract = plan([rule({ ratePpm: 6000, cards: ['credit'] })], {
  merchantId: PLANNED,
  refundFee: 'proportional',
});

describe('checks skipped', () => {
  const report = auditRecords({ terminal: [], settlement: statement, bank: [], plans: [contract] });

  it('lists a check as skipped for the run only when it was skipped for every merchant', () => {
    expect(report.findings.map((f) => [f.kind, f.merchantId, f.lossFen])).toEqual([
      ['refund_fee_mismatch', PLANNED, 240],
    ]);
    // No journal and no bank file for anyone; the plan checks ran for the planned merchant (and found ¥2.40).
    expect(report.summary.skippedChecks).toEqual([
      'amount_mismatch',
      'missing_settlement',
      'payout_mismatch',
      'unexpected_settlement',
      'void_settled',
    ]);
    // Each merchant's own list is as before: the unplanned one skipped the plan checks.
    const own = new Map(report.merchants.map((m) => [m.merchantId, m.summary.skippedChecks]));
    expect(own.get(PLANNED)).not.toContain('refund_fee_mismatch');
    expect(own.get(UNPLANNED)).toEqual(
      expect.arrayContaining(['late_settlement', 'no_rule', 'refund_fee_mismatch']),
    );
  });

  it('groups them by reason, naming the merchants a check was skipped for when others ran it', () => {
    expect(skippedCheckGroups(report)).toEqual([
      {
        reason: 'journal',
        checks: ['amount_mismatch', 'missing_settlement', 'unexpected_settlement', 'void_settled'],
      },
      { reason: 'bank', checks: ['payout_mismatch'] },
      {
        reason: 'plan',
        checks: ['late_settlement', 'no_rule', 'refund_fee_mismatch'],
        merchantIds: [UNPLANNED],
      },
    ]);
  });

  it('says why in the table, without listing a check that found something as never run', () => {
    const text = renderTable(report, { lang: 'zh' });
    const section = text.slice(text.indexOf('未执行的检查（缺少相应文件）'), text.indexOf('提示'));
    expect(section.trim().split('\n')).toEqual([
      '未执行的检查（缺少相应文件）',
      '  - 未执行（缺少终端流水）：结算金额与流水不符 (amount_mismatch)、未结算 (missing_settlement)、流水中没有的结算 (unexpected_settlement)、撤销/冲正后仍结算 (void_settled)',
      '  - 未执行（缺少银行流水）：到账不符 (payout_mismatch)',
      `  - 部分商户未执行：延迟结算 (late_settlement)、方案未覆盖 (no_rule)、退货退费不符 (refund_fee_mismatch)（商户 ${UNPLANNED} 没有费率方案）`,
    ]);
    const en = renderTable(report, { lang: 'en' });
    expect(en).toContain('  - skipped (no bank statement): payout mismatch (payout_mismatch)');
    expect(en).toContain(
      `  - skipped for some merchants: late settlement (late_settlement), no plan rule (no_rule), refund fee mismatch (refund_fee_mismatch) (merchant(s) ${UNPLANNED}: no fee plan)`,
    );
  });

  it('says the same in the HTML report', () => {
    const html = renderHtml(report, { lang: 'zh' });
    expect(html).toContain('<li class="skipped">未执行（缺少银行流水）：到账不符 (payout_mismatch)</li>');
    expect(html).toContain(
      `<li class="skipped partly">部分商户未执行：延迟结算 (late_settlement)、方案未覆盖 (no_rule)、退货退费不符 (refund_fee_mismatch)（商户 ${UNPLANNED} 没有费率方案）</li>`,
    );
    expect(html).not.toContain('未执行：退货退费不符');
  });

  it('runs the plan checks for every merchant when one plan governs all (--plan)', () => {
    const all = auditRecords({
      terminal: [],
      settlement: statement,
      bank: [],
      plans: [contract],
      sharedPlan: true,
    });
    expect(skippedCheckGroups(all).map((g) => [g.reason, g.merchantIds])).toEqual([
      ['journal', undefined],
      ['bank', undefined],
    ]);
  });
});

describe('journal lines no merchant took', () => {
  // Two merchants' statements, one file each, and a cashier's journal without 商户号 on a terminal neither
  // statement shows: the lines cannot be placed (unnamed-journal.ts) and stay under ''.
  const report = auditRecords({
    terminal: [1, 2].map((row) =>
      rec(
        'terminal',
        { terminalId: '99999999', time: '2026-10-12 11:00:00', amountFen: 10000 * row },
        row + 1,
        't.csv',
      ),
    ),
    settlement: [
      {
        ...settled(PLANNED, 2, {
          refNo: '628500000101',
          time: '2026-10-12 09:05:00',
          amountFen: 100000,
          feeFen: 600,
        }),
        source: { file: 'a.csv', row: 2 },
      },
      {
        ...settled(UNPLANNED, 2, {
          refNo: '628500000201',
          terminalId: 'T0000009',
          time: '2026-10-12 10:05:00',
          amountFen: 50000,
          feeFen: 300,
        }),
        source: { file: 'b.csv', row: 2 },
      },
    ],
    bank: [],
    plans: [],
  });
  const unplaced = report.merchants.find((m) => m.merchantId === '');

  it('are a row of their own in the report, with nothing found', () => {
    expect(unplaced?.summary.terminalRecords).toBe(2);
    expect(unplaced?.summary.settlementRecords).toBe(0);
    expect(unplaced?.summary.lossFen).toBe(0);
    expect(report.findings).toEqual([]);
  });

  it('read as not reconciled in the table, with the count of lines, not as ¥0.00 and 0 findings', () => {
    const text = renderTable(report, { lang: 'zh' });
    const row = text.split('\n').find((l) => l.includes('无商户号'));
    expect(row?.trimEnd()).toMatch(/^ {2}（无商户号，未核对：流水 2 条） +— +— +— +—$/);
    expect(renderTable(report, { lang: 'en' })).toContain(
      '(no merchant number, not reconciled: 2 journal lines)',
    );
  });

  it('read as not reconciled in the HTML report', () => {
    const html = renderHtml(report, { lang: 'zh' });
    const row = html.split('\n').find((l) => l.includes('无商户号'));
    expect(row).toBe(
      '<tr><td class="unplaced">（无商户号，未核对：流水 2 条）</td><td class="num">—</td><td class="num">2</td>' +
        '<td class="num">—</td><td class="num">—</td><td class="num">—</td></tr>',
    );
  });
});
