import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { type AuditInput, auditRecords } from './audit.js';
import type { AuditReport, FindingKind } from './report-types.js';
import { plan, rec, rule } from './test-records.js';

const M = '822000000000009';
const T1 = '10000001';

// The contract of the QA fixtures: credit 0.38% until 2026-10-13 and 0.60% from 2026-10-14; debit 0.55% capped
// at ¥20.00; WeChat and Alipay 0.38%; T1.
const wallet = (index: number) => rule({ ratePpm: 3800, channels: ['wechat', 'alipay'] }, index);
const debit = (index: number) => rule({ ratePpm: 5500, cards: ['debit'], capFen: 2000 }, index);
const contract = plan([], {}, [
  {
    from: '2026-09-01',
    until: '2026-10-13',
    rates: [wallet(0), debit(1), rule({ ratePpm: 3800, cards: ['credit'] }, 2)],
    line: 3,
    index: 0,
  },
  {
    from: '2026-10-14',
    rates: [wallet(0), debit(1), rule({ ratePpm: 6000, cards: ['credit'] }, 2)],
    line: 9,
    index: 1,
  },
]);

const audit = (input: Partial<AuditInput>): AuditReport =>
  auditRecords({
    terminal: [],
    settlement: [],
    bank: [],
    plans: [contract],
    ...input,
    options: { today: '2026-10-30', ...input.options },
  });
const only = (report: AuditReport, kind: FindingKind) => report.findings.filter((f) => f.kind === kind);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * One row of the QA fixture j1: the till's time, 流水号 (= 凭证号), card, card type, channel, type, amount, and
 * the statement's fee, settlement date and own time where it differs — a row without a fee was never settled.
 */
type Row = [
  time: string,
  voucher: string,
  cardNo: string,
  card: PosRecord['card'],
  channel: PosRecord['channel'],
  type: PosRecord['type'],
  amountFen: number,
  feeFen: number | undefined,
  settleDate?: string,
  statementTime?: string,
  originalVoucher?: string,
];
const ROWS: Row[] = [
  ['2026-10-12 09:05:00', '000101', '622588******1001', 'credit', 'card', 'sale', 100000, 380, '2026-10-13'],
  // 0.38% of ¥2,000.00 is ¥7.60: ¥4.40 over.
  ['2026-10-13 10:00:00', '000102', '622588******1002', 'credit', 'card', 'sale', 200000, 1200, '2026-10-14'],
  ['2026-10-14 11:00:00', '000103', '622588******1003', 'credit', 'card', 'sale', 123456, 741, '2026-10-15'],
  // The debit cap ignored: ¥44.00 for ¥20.00, ¥24.00 over.
  ['2026-10-14 11:10:00', '000104', '621700******1004', 'debit', 'card', 'sale', 800000, 4400, '2026-10-15'],
  ['2026-10-14 11:20:00', '000105', '621700******1005', 'debit', 'card', 'sale', 300000, 1650, '2026-10-15'],
  ['2026-10-14 11:30:00', '000106', '622588******1006', 'credit', 'card', 'sale', 3333, 21, '2026-10-15'],
  // 0.60% of ¥2,500.00 is ¥15.00: ¥3.00 over.
  ['2026-10-14 11:40:00', '000107', '622588******1007', 'credit', 'card', 'sale', 250000, 1800, '2026-10-15'],
  // The same card and amount 30 s apart: a suspected duplicate charge.
  ['2026-10-14 12:00:00', '000108', '622588******1008', 'credit', 'card', 'sale', 18800, 113, '2026-10-15'],
  ['2026-10-14 12:00:30', '000109', '622588******1008', 'credit', 'card', 'sale', 18800, 113, '2026-10-15'],
  // Voided on the till, settled all the same.
  ['2026-10-14 14:00:00', '000110', '622588******1010', 'credit', 'card', 'sale', 50000, 300, '2026-10-15'],
  ['2026-10-14 14:05:00', '000111', '622588******1010', 'credit', 'card', 'void', 50000, undefined],
  // Never settled: ¥300.00 − ¥1.80 lost.
  ['2026-10-14 15:00:00', '000112', '622588******1012', 'credit', 'card', 'sale', 30000, undefined],
  // The host stamps it after midnight.
  [
    '2026-10-14 23:59:50',
    '000113',
    '622588******1013',
    'credit',
    'card',
    'sale',
    10000,
    60,
    '2026-10-15',
    '2026-10-15 00:00:05',
  ],
  ['2026-10-15 09:00:00', '000114', '', 'unknown', 'wechat', 'sale', 5800, 22, '2026-10-16'],
  ['2026-10-15 09:30:00', '000115', '621700******1015', 'debit', 'card', 'sale', 363637, 2000, '2026-10-16'],
];

/**
 * The cashier's export: 交易时间, 终端号, 流水号, 卡号 (when `withCards`), 卡类型, 支付方式, 交易类型, 交易金额, 原流水号 —
 * no merchant number, no 批次号, no 参考号.
 */
function cashierExport(withCards: boolean): PosRecord[] {
  return ROWS.map((r, k) =>
    rec(
      'terminal',
      {
        time: r[0],
        terminalId: T1,
        voucherNo: r[1],
        ...(withCards && r[2] !== '' ? { cardNo: r[2] } : {}),
        card: r[3],
        channel: r[4],
        type: r[5],
        amountFen: r[6],
        ...(r[5] === 'void' ? { originalVoucherNo: '000110' } : {}),
      },
      k + 3,
    ),
  );
}

/** The acquirer's statement: 终端号 + 批次号 + 凭证号 + 参考号 for every settled row. */
function statement(): PosRecord[] {
  return ROWS.flatMap((r, k) => {
    const feeFen = r[7];
    if (feeFen === undefined) return [];
    return [
      rec(
        'settlement',
        {
          time: r[9] ?? r[0],
          settleDate: r[8],
          merchantId: M,
          terminalId: T1,
          batchNo: '000001',
          voucherNo: r[1],
          refNo: `628500${r[1]}`,
          ...(r[2] !== '' ? { cardNo: r[2] } : {}),
          card: r[3],
          channel: r[4],
          amountFen: r[6],
          feeFen,
          settledFen: r[6] - feeFen,
        },
        k + 3,
      ),
    ];
  });
}

describe('a cashier export with 流水号 and no 批次号 or 参考号 against a statement with both', () => {
  it('pairs every settled line, the WeChat sale included, and finds only the real problems (j1)', () => {
    const report = audit({ terminal: cashierExport(true), settlement: statement() });
    expect(report.summary.findingsByKind).toMatchObject({
      fee_overcharge: 3,
      void_settled: 1,
      suspected_duplicate_charge: 1,
      missing_settlement: 1,
    });
    expect(only(report, 'unexpected_settlement')).toEqual([]);
    expect(sum(only(report, 'fee_overcharge').map((f) => f.overchargeFen))).toBe(3140);
    expect(only(report, 'missing_settlement').map((f) => f.lossFen)).toEqual([29820]);
    expect(report.summary).toMatchObject({ settlementRecords: 13, matched: 13 });
  });

  it('pairs them without card numbers too, across midnight (j2)', () => {
    const report = audit({ terminal: cashierExport(false), settlement: statement() });
    expect(report.summary.matched).toBe(13);
    expect(only(report, 'missing_settlement').map((f) => f.lossFen)).toEqual([29820]);
    expect(only(report, 'unexpected_settlement')).toEqual([]);
    expect(sum(only(report, 'fee_overcharge').map((f) => f.overchargeFen))).toBe(3140);
  });

  it('pairs them when the statement has no 批次号 either', () => {
    const report = audit({
      terminal: cashierExport(false),
      settlement: statement().map(({ batchNo: _batch, ...r }) => r),
    });
    expect(report.summary.matched).toBe(13);
    expect(only(report, 'missing_settlement').map((f) => f.lossFen)).toEqual([29820]);
  });
});

describe('suspected_duplicate_charge after a reversed, voided or failed sale', () => {
  const card = '622588******2005';
  /** The ¥300.00 swipe of `row` at `time`, as the journal and the statement both name it. */
  const sale = (row: number, time: string) => ({
    time,
    terminalId: T1,
    batchNo: '000001',
    voucherNo: `000${200 + row}`,
    refNo: `628500000${200 + row}`,
    cardNo: card,
    amountFen: 30000,
  });
  const swipe = (row: number, time: string, fields: Partial<PosRecord> = {}) =>
    rec('terminal', { ...sale(row, time), ...fields }, row);
  const settledLine = (row: number, time: string) =>
    rec(
      'settlement',
      { ...sale(row, time), settleDate: '2026-10-15', merchantId: M, feeFen: 180, settledFen: 29820 },
      row,
    );
  const duplicates = (report: AuditReport) => only(report, 'suspected_duplicate_charge').map((f) => f.refNo);

  it('does not take a sale the journal marks 已冲正 or 已撤销 as the previous sale (j4)', () => {
    for (const status of ['reversed', 'voided'] as const) {
      const report = audit({
        terminal: [swipe(8, '2026-10-14 13:00:00', { status }), swipe(9, '2026-10-14 13:00:20')],
        settlement: [settledLine(9, '2026-10-14 13:00:20')],
      });
      expect(duplicates(report)).toEqual([]);
    }
  });

  it('does not take a sale its own 冲正 line cancels as the previous sale (j3)', () => {
    const report = audit({
      terminal: [
        swipe(5, '2026-10-14 12:00:00'),
        swipe(6, '2026-10-14 12:00:01', { type: 'reversal', originalVoucherNo: '000205' }),
        swipe(7, '2026-10-14 12:00:20'),
      ],
      settlement: [settledLine(7, '2026-10-14 12:00:20')],
    });
    expect(duplicates(report)).toEqual([]);
  });

  it('does not take a failed attempt as the previous sale', () => {
    const report = audit({
      terminal: [swipe(5, '2026-10-14 12:00:00', { status: 'failed' }), swipe(7, '2026-10-14 12:00:20')],
      settlement: [settledLine(7, '2026-10-14 12:00:20')],
    });
    expect(duplicates(report)).toEqual([]);
  });

  it('still reports a sale repeated after a successful one, across midnight', () => {
    const report = audit({
      terminal: [swipe(8, '2026-10-14 23:59:40'), swipe(9, '2026-10-15 00:00:10')],
      settlement: [settledLine(8, '2026-10-14 23:59:40'), settledLine(9, '2026-10-15 00:00:10')],
    });
    expect(duplicates(report)).toEqual(['628500000209']);
  });

  it('skips a reversed sale among a crowd of other payers in the same minute (the keyed look-up)', () => {
    const crowd = Array.from({ length: 100 }, (_, k) =>
      rec(
        'terminal',
        {
          time: `2026-10-14 13:00:${String(1 + Math.floor((k * 18) / 100)).padStart(2, '0')}`,
          terminalId: T1,
          refNo: `C${k}`,
          cardNo: `622588******${String(k).padStart(4, '0')}`,
          amountFen: 30000,
        },
        100 + k,
      ),
    );
    const report = audit({
      terminal: [
        swipe(8, '2026-10-14 13:00:00', { status: 'reversed' }),
        ...crowd,
        swipe(9, '2026-10-14 13:00:20'),
        swipe(10, '2026-10-14 13:00:40'),
      ],
    });
    // The re-swipe after the reversal is one charge; the swipe 20 s after it is a second.
    expect(duplicates(report)).toEqual(['628500000210']);
  });

  it('does not take a statement sale its statement reversal nets as the previous sale (no journal)', () => {
    const report = audit({
      settlement: [
        settledLine(5, '2026-10-14 12:00:00'),
        rec(
          'settlement',
          {
            time: '2026-10-14 12:00:01',
            settleDate: '2026-10-15',
            merchantId: M,
            terminalId: T1,
            type: 'reversal',
            originalVoucherNo: '000205',
            cardNo: card,
            amountFen: -30000,
            feeFen: -180,
            settledFen: -29820,
          },
          6,
        ),
        settledLine(7, '2026-10-14 12:00:20'),
      ],
    });
    expect(duplicates(report)).toEqual([]);
  });
});

describe('--from/--to counts a pair where both its lines count', () => {
  const sale = (kind: PosRecord['kind'], refNo: string, time: string) =>
    rec(kind, {
      time,
      terminalId: T1,
      refNo,
      amountFen: 10000,
      ...(kind === 'settlement'
        ? { merchantId: M, settleDate: '2026-10-15', feeFen: 60, settledFen: 9940 }
        : {}),
    });
  const input = {
    terminal: [sale('terminal', 'R1', '2026-10-14 10:00:00'), sale('terminal', 'R2', '2026-10-14 23:59:50')],
    // The host stamps the second sale after midnight.
    settlement: [
      sale('settlement', 'R1', '2026-10-14 10:00:00'),
      sale('settlement', 'R2', '2026-10-15 00:00:05'),
    ],
  };

  it('never counts more pairs than statement or journal lines', () => {
    const first = audit({ ...input, options: { from: '2026-10-14', to: '2026-10-14' } }).summary;
    expect(first).toMatchObject({ terminalRecords: 2, settlementRecords: 1, matched: 1 });
    const second = audit({ ...input, options: { from: '2026-10-15', to: '2026-10-15' } }).summary;
    expect(second).toMatchObject({ terminalRecords: 0, settlementRecords: 1, matched: 0 });
    const both = audit({ ...input, options: { from: '2026-10-14', to: '2026-10-15' } }).summary;
    expect(both).toMatchObject({ terminalRecords: 2, settlementRecords: 2, matched: 2 });
  });
});

describe('a statement without fees or settled amounts', () => {
  const line = (row: number, fields: Partial<PosRecord> = {}) =>
    rec(
      'settlement',
      { time: '2026-10-14 11:40:00', terminalId: T1, refNo: `R${row}`, amountFen: 250000, ...fields },
      row,
    );

  it('warns that fees could not be checked and lists fee_overcharge as skipped', () => {
    const report = audit({ settlement: [line(2), line(3, { voucherNo: '000108' })] });
    expect(report.summary.skippedChecks).toContain('fee_overcharge');
    const warning = report.warnings.find((w) => w.includes('无法核对手续费'));
    expect(warning).toContain('没有商户号的结算记录都没有手续费或结算金额');
    expect(warning).toContain('fees could not be checked');
  });

  it('names the merchant', () => {
    const report = audit({ settlement: [line(2, { merchantId: M })] });
    expect(report.warnings.some((w) => w.includes(`商户 ${M} 的结算记录都没有手续费或结算金额`))).toBe(true);
    expect(report.merchants[0]?.summary.skippedChecks).toContain('fee_overcharge');
  });

  it('checks fees as usual when a line carries a fee or a settled amount', () => {
    for (const priced of [{ feeFen: 1800 }, { settledFen: 248200 }]) {
      const report = audit({
        settlement: [line(2, { merchantId: M, ...priced }), line(3, { merchantId: M })],
      });
      expect(report.summary.skippedChecks).not.toContain('fee_overcharge');
      expect(report.warnings.some((w) => w.includes('无法核对手续费'))).toBe(false);
      // 0.60% of ¥2,500.00 is ¥15.00; ¥18.00 withheld is ¥3.00 over.
      expect(only(report, 'fee_overcharge').map((f) => f.overchargeFen)).toEqual([300]);
    }
  });
});

describe('missing_settlement against a WeChat bill', () => {
  // The merchant's WeChat bill: every line WeChat, so it covers WeChat sales only.
  const bill = [
    rec(
      'settlement',
      {
        time: '2026-10-14 09:00:00',
        settleDate: '2026-10-15',
        merchantId: M,
        channel: 'wechat',
        card: 'unknown',
        orderNo: 'W1',
        payerId: 'oUser1',
        amountFen: 5800,
        feeFen: 22,
        settledFen: 5778,
      },
      2,
      'wechat.csv',
    ),
  ];
  const journal = (row: number, channel: PosRecord['channel'], orderNo: string) =>
    rec(
      'terminal',
      {
        time: '2026-10-14 10:00:00',
        merchantId: M,
        terminalId: T1,
        channel,
        card: channel === 'card' ? 'credit' : 'unknown',
        orderNo,
        amountFen: 30000,
      },
      row,
    );

  it('does not call a 刷卡 sale of the same merchant missing from it', () => {
    const report = audit({ terminal: [journal(2, 'card', 'P1')], settlement: bill });
    expect(only(report, 'missing_settlement')).toEqual([]);
  });

  it('still calls a WeChat sale missing from it', () => {
    const report = audit({ terminal: [journal(2, 'wechat', 'P2')], settlement: bill });
    // ¥300.00 − 0.38% (¥1.14).
    expect(only(report, 'missing_settlement').map((f) => f.lossFen)).toEqual([29886]);
  });
});
