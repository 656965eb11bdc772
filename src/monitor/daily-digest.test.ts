import { describe, expect, it } from 'vitest';
import { salesAwaitingSettlement } from './daily-checks.js';
import { digestWording, summariseAlerts } from './daily-digest.js';

const GROUP = 'card|credit|r0.1';

describe('the digest totals the money lost, each fen once, and keeps money at risk apart', () => {
  it('adds overcharges, rate changes and unplanned deductions, not the days a rate change shares', () => {
    const summary = summariseAlerts(
      [
        { kind: 'fee_overcharge', amountFen: 330, details: {} },
        { kind: 'fee_overcharge', amountFen: 45, details: {} },
        // 12-04 is also the fee_overcharge alert's (330, counted there); 12-05 and 12-06 are the change's own.
        {
          kind: 'rate_change',
          amountFen: 990,
          details: { group: GROUP, days: { '2026-12-04': 330, '2026-12-05': 330, '2026-12-06': 330 } },
        },
        // Without a plan: what the new formula took beyond the old one, all its own.
        { kind: 'rate_change', amountFen: 125, details: { group: 'wechat|unknown|*', extraFen: 125 } },
        { kind: 'unplanned_deduction', amountFen: 29_900, details: {} },
        { kind: 'missing_statement', amountFen: 154_567, details: {} },
        { kind: 'large_amount', amountFen: 6_000_000, details: {} },
      ],
      new Set([`fee_overcharge|2026-12-04|${GROUP}`, 'fee_overcharge|2026-12-09|card|debit|r0.0']),
    );
    // 330 + 45 = 375; 330 + 330 + 125 = 785; 29,900: 31,060 fen lost. The sales waiting and the large sale are not.
    expect(summary.lossFen).toBe(31_060);
    expect(summary.atRiskFen).toBe(154_567);
    expect(summary.counts).toEqual({
      fee_overcharge: { n: 2, fen: 375 },
      rate_change: { n: 2, fen: 785, foldedFen: 330 },
      unplanned_deduction: { n: 1, fen: 29_900 },
      missing_statement: { n: 1, fen: 0, atRiskFen: 154_567 },
      large_amount: { n: 1, fen: 0 },
    });
    expect(summary.lines).toEqual([
      '大额交易 1 条',
      '手续费多扣 2 条，多扣 ¥3.75',
      '方案外扣费 1 条，未约定扣款 ¥299.00',
      '费率变化（疑似跳点） 2 条，多扣 ¥7.85（另有 ¥3.30 已计入手续费多扣）',
      '结算单未到 1 条，待结算交易 ¥1,545.67（尚未到账的风险金额，不计入损失）',
      '合计损失 ¥310.60（手续费多扣 ¥3.75 + 方案外扣费 ¥299.00 + 费率变化（疑似跳点） ¥7.85）',
    ]);
    // The same figures, line for line, for the channels sent in English.
    expect(summary.linesEn).toEqual([
      'Large amount: 1 alert',
      'Fee overcharged: 2 alerts, overcharged ¥3.75',
      'Unplanned deduction: 1 alert, deducted outside the plan ¥299.00',
      'Rate change (suspected fee jump): 2 alerts, overcharged ¥7.85 (another ¥3.30 already counted under Fee overcharged)',
      'Statement missing: 1 alert, ¥1,545.67 of sales awaiting settlement (money at risk, not yet paid out; not counted as lost)',
      'Total lost ¥310.60 (Fee overcharged ¥3.75 + Unplanned deduction ¥299.00 + Rate change (suspected fee jump) ¥7.85)',
    ]);
  });

  it('a rate change whose every day a fee_overcharge carries adds nothing; no loss, no total line', () => {
    const summary = summariseAlerts(
      [{ kind: 'rate_change', amountFen: 330, details: { group: GROUP, days: { '2026-12-04': 330 } } }],
      new Set([`fee_overcharge|2026-12-04|${GROUP}`]),
    );
    expect(summary.lossFen).toBe(0);
    expect(summary.lines).toEqual(['费率变化（疑似跳点） 1 条（其 ¥3.30 已计入手续费多扣）']);
    expect(summary.linesEn).toEqual([
      'Rate change (suspected fee jump): 1 alert (its ¥3.30 already counted under Fee overcharged)',
    ]);
  });

  it('a missing statement stored without an amount counts as nothing at risk', () => {
    const summary = summariseAlerts([{ kind: 'missing_statement', amountFen: null, details: {} }], new Set());
    expect(summary).toMatchObject({
      lossFen: 0,
      atRiskFen: 0,
      lines: ['结算单未到 1 条'],
      linesEn: ['Statement missing: 1 alert'],
    });
  });
});

describe('a withdrawn alert is not one of the alerts the digest counts', () => {
  it('is neither counted nor listed under its kind; one line after the total says what was withdrawn', () => {
    const summary = summariseAlerts(
      [
        // Brought to ¥0.00 by a corrected plan: the 10-08 overcharge of 240 fen and a SIM fee of 9,900.
        { kind: 'fee_overcharge', amountFen: 0, details: { lines: 0, withdrawnFen: 240, notifiedFen: 0 } },
        { kind: 'unplanned_deduction', amountFen: 0, details: { unplannedFen: 0, withdrawnFen: 9_900 } },
        // Withdrawn once, overcharged again since: it carries money and stands.
        { kind: 'fee_overcharge', amountFen: 20, details: { lines: 1, withdrawnFen: 100 } },
        { kind: 'unplanned_deduction', amountFen: 29_900, details: {} },
      ],
      new Set(),
    );
    // Lost: 20 + 29,900 = 29,920 fen; withdrawn: 240 + 9,900 = 10,140 fen, not lost.
    expect(summary.lossFen).toBe(29_920);
    expect(summary.counts).toEqual({
      fee_overcharge: { n: 1, fen: 20 },
      unplanned_deduction: { n: 1, fen: 29_900 },
    });
    expect(summary.withdrawn).toEqual({ n: 2, fen: 10_140 });
    expect(summary.lines).toEqual([
      '手续费多扣 1 条，多扣 ¥0.20',
      '方案外扣费 1 条，未约定扣款 ¥299.00',
      '合计损失 ¥299.20（手续费多扣 ¥0.20 + 方案外扣费 ¥299.00）',
      '已撤销告警 2 条（此前提示的 ¥101.40 不计入损失）',
    ]);
    expect(summary.linesEn).toEqual([
      'Fee overcharged: 1 alert, overcharged ¥0.20',
      'Unplanned deduction: 1 alert, deducted outside the plan ¥299.00',
      'Total lost ¥299.20 (Fee overcharged ¥0.20 + Unplanned deduction ¥299.00)',
      'Withdrawn: 2 alerts (the ¥101.40 reported before is not counted as lost)',
    ]);
  });

  it('a day whose only alert was withdrawn has no kind line and no loss', () => {
    const summary = summariseAlerts(
      [{ kind: 'fee_overcharge', amountFen: 0, details: { withdrawnFen: 330 } }],
      new Set(['fee_overcharge|2026-12-04|card|credit|r0.1']),
    );
    expect(summary).toEqual({
      counts: {},
      lossFen: 0,
      atRiskFen: 0,
      withdrawn: { n: 1, fen: 330 },
      costlessRateChanges: 0,
      returned: { n: 0, fen: 0 },
      lines: ['已撤销告警 1 条（此前提示的 ¥3.30 不计入损失）'],
      linesEn: ['Withdrawn: 1 alert (the ¥3.30 reported before is not counted as lost)'],
    });
  });
});

describe('what the provider gave back is told apart, never set against the loss', () => {
  it('one line after the withdrawn: lines, total and per label in the order they came, same label summed', () => {
    const summary = summariseAlerts(
      [
        { kind: 'fee_overcharge', amountFen: 330, details: {} },
        { kind: 'fee_overcharge', amountFen: 0, details: { withdrawnFen: 45 } },
      ],
      new Set(),
      [
        { label: '手续费返还', fen: 20 },
        { label: '流量费返还', fen: 1_200 },
        { label: '手续费返还', fen: 30 },
      ],
    );
    // 20 + 1,200 + 30 = 1,250 fen given back; the loss stays the 330 fen overcharge.
    expect(summary.lossFen).toBe(330);
    expect(summary.counts).toEqual({ fee_overcharge: { n: 1, fen: 330 } });
    expect(summary.returned).toEqual({ n: 3, fen: 1_250 });
    expect(summary.lines).toEqual([
      '手续费多扣 1 条，多扣 ¥3.30',
      '合计损失 ¥3.30',
      '已撤销告警 1 条（此前提示的 ¥0.45 不计入损失）',
      '服务商返还 3 笔 ¥12.50（手续费返还 ¥0.50、流量费返还 ¥12.00）',
    ]);
    expect(summary.linesEn).toEqual([
      'Fee overcharged: 1 alert, overcharged ¥3.30',
      'Total lost ¥3.30',
      'Withdrawn: 1 alert (the ¥0.45 reported before is not counted as lost)',
      'Given back by the provider: 3 lines, ¥12.50 (手续费返还 ¥0.50, 流量费返还 ¥12.00)',
    ]);
  });

  it('names three labels, then 等 / …; a line without one is a 返还 / rebate', () => {
    const summary = summariseAlerts([], new Set(), [
      { label: '押金退还', fen: 9_900 },
      { label: null, fen: 100 },
      { label: '激活返现', fen: 5_000 },
      { label: '秒到费冲正', fen: 200 },
      { label: '交易返现', fen: 1 },
    ]);
    expect(summary.lossFen).toBe(0);
    expect(summary.returned).toEqual({ n: 5, fen: 15_201 });
    expect(summary.lines).toEqual([
      '服务商返还 5 笔 ¥152.01（押金退还 ¥99.00、返还 ¥1.00、激活返现 ¥50.00 等）',
    ]);
    expect(summary.linesEn).toEqual([
      'Given back by the provider: 5 lines, ¥152.01 (押金退还 ¥99.00, rebate ¥1.00, 激活返现 ¥50.00, …)',
    ]);
  });

  it('one line in the singular; no line and nothing returned without rebates', () => {
    const one = summariseAlerts([], new Set(), [{ label: '手续费返还', fen: 50 }]);
    expect(one.linesEn).toEqual(['Given back by the provider: 1 line, ¥0.50 (手续费返还 ¥0.50)']);
    expect(one.lines).toEqual(['服务商返还 1 笔 ¥0.50（手续费返还 ¥0.50）']);
    const none = summariseAlerts([{ kind: 'fee_overcharge', amountFen: 330, details: {} }], new Set(), []);
    expect(none.returned).toEqual({ n: 0, fen: 0 });
    expect(none.lines).toEqual(['手续费多扣 1 条，多扣 ¥3.30', '合计损失 ¥3.30']);
  });
});

describe('the digest as channels are sent it', () => {
  const summary = {
    lines: ['手续费多扣 1 条，多扣 ¥3.30'],
    linesEn: ['Fee overcharged: 1 alert, overcharged ¥3.30'],
  };
  const link = 'https://posguard.example/m/3/alerts';

  it('is the same figures under a Chinese and an English heading, the reconciliation last', () => {
    const audit = { from: '2026-11-23', to: '2026-12-06', findings: 2, overchargeFen: 1_234, lossFen: 5_678 };
    expect(digestWording('2026-12-06', summary, audit, link)).toEqual({
      zh: {
        subject: '【POS跳点卫士】2026-12-06 监控日报',
        text: [
          '【POS跳点卫士】2026-12-06 监控日报',
          '手续费多扣 1 条，多扣 ¥3.30',
          '2026-11-23 至 2026-12-06 对账：发现 2 条，多扣 ¥12.34，损失 ¥56.78',
          `详情：${link}`,
        ].join('\n'),
      },
      en: {
        subject: '[posguard] Monitoring digest of 2026-12-06',
        text: [
          '[posguard] Monitoring digest of 2026-12-06',
          'Fee overcharged: 1 alert, overcharged ¥3.30',
          'Reconciliation 2026-11-23 to 2026-12-06: 2 findings, overcharged ¥12.34, lost ¥56.78',
          `Details: ${link}`,
        ].join('\n'),
      },
    });
  });

  it('says one finding in the singular, and leaves the reconciliation out when none could be run', () => {
    const one = { from: '2026-11-23', to: '2026-12-06', findings: 1, overchargeFen: 0, lossFen: 30 };
    expect(digestWording('2026-12-06', summary, one, link).en.text).toContain(
      'Reconciliation 2026-11-23 to 2026-12-06: 1 finding, overcharged ¥0.00, lost ¥0.30\n',
    );
    const without = digestWording('2026-12-06', summary, undefined, link);
    expect(without.zh.text.split('\n')).toEqual([
      '【POS跳点卫士】2026-12-06 监控日报',
      '手续费多扣 1 条，多扣 ¥3.30',
      `详情：${link}`,
    ]);
    expect(without.en.text.split('\n')).toEqual([
      '[posguard] Monitoring digest of 2026-12-06',
      'Fee overcharged: 1 alert, overcharged ¥3.30',
      `Details: ${link}`,
    ]);
  });
});

describe('the sales a missing statement leaves waiting', () => {
  const row = (fields: Record<string, unknown>) => ({
    kind: 'terminal',
    type: 'sale',
    status: 'success',
    time: '2026-11-30T12:00:00+08:00',
    amount_fen: 0,
    terminal_id: 'T001',
    ref_no: null,
    voucher_no: null,
    order_no: null,
    original_ref_no: null,
    original_voucher_no: null,
    original_order_no: null,
    ...fields,
  });

  it('every successful sale of the day, less those a void or reversal names, by Shanghai date', () => {
    const waiting = salesAwaitingSettlement([
      row({ ref_no: 'A', amount_fen: 120_000 }),
      row({ ref_no: 'B', amount_fen: 34_567 }),
      row({ ref_no: 'C', amount_fen: 8_800 }),
      row({ voucher_no: '000123', amount_fen: 5_000 }),
      // Voided on the terminal by a line naming it: never settled.
      row({ type: 'void', original_ref_no: 'C', amount_fen: -8_800 }),
      // A reversal naming the voucher of T001's sale.
      row({ type: 'reversal', original_voucher_no: '000123', amount_fen: -5_000 }),
      // A sale the journal marks voided, a failed one and a refund are not sales waiting.
      row({ ref_no: 'D', status: 'voided', amount_fen: 50_000 }),
      row({ ref_no: 'E', status: 'failed', amount_fen: 70_000 }),
      row({ type: 'refund', amount_fen: -10_000 }),
      // A void naming no sale of these, and a settlement line, change nothing.
      row({ type: 'void', original_ref_no: 'Z', amount_fen: -999 }),
      row({ kind: 'settlement', ref_no: 'A', amount_fen: 120_000 }),
      // 23:30 UTC on 11-30 is 07:30 on 12-01 in Shanghai.
      row({ ref_no: 'F', time: '2026-11-30T23:30:00Z', amount_fen: 1_234 }),
    ]);
    // 120,000 + 34,567 = 154,567 fen on 11-30; 1,234 on 12-01.
    expect(Object.fromEntries(waiting)).toEqual({ '2026-11-30': 154_567, '2026-12-01': 1_234 });
  });

  it('a sale voided twice is taken off once', () => {
    const waiting = salesAwaitingSettlement([
      row({ ref_no: 'A', amount_fen: 10_000 }),
      row({ ref_no: 'B', amount_fen: 20_000 }),
      row({ type: 'void', original_ref_no: 'A', amount_fen: -10_000 }),
      row({ type: 'void', original_ref_no: 'A', amount_fen: -10_000 }),
    ]);
    expect(waiting.get('2026-11-30')).toBe(20_000);
  });
});
