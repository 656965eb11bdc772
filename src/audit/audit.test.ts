import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { type AuditInput, auditRecords } from './audit.js';
import type { AuditReport, FindingKind } from './report-types.js';
import { plan, rec, rule } from './test-records.js';

// Contract: debit 0.55% capped at ¥20.00, everything else 0.60%, T1, tolerance ¥0.01.
const contract = plan([
  rule({ ratePpm: 5500, cards: ['debit'], capFen: 2000 }, 0),
  rule({ ratePpm: 6000 }, 1),
]);

const audit = (input: Partial<AuditInput>): AuditReport =>
  auditRecords({ terminal: [], settlement: [], bank: [], plans: [contract], ...input });

const kinds = (report: AuditReport): FindingKind[] => report.findings.map((f) => f.kind);
const only = (report: AuditReport, kind: FindingKind) => report.findings.filter((f) => f.kind === kind);

/** A settled sale on Monday 2026-08-03, settled T1 on Tuesday 2026-08-04. */
const settled = (
  fields: Partial<PosRecord> & { amountFen: number; feeFen: number },
  row: number,
  time = '2026-08-03 10:00:00',
  file = 'statement.csv',
) =>
  rec(
    'settlement',
    { settleDate: '2026-08-04', settledFen: fields.amountFen - fields.feeFen, ...fields, time },
    row,
    file,
  );

describe('fee_overcharge and fee_undercharge', () => {
  it('reports 0.60% of 1,234.56 charged 8.40 as 0.99 over, with the arithmetic and the rule', () => {
    const report = audit({ settlement: [settled({ refNo: 'R1', amountFen: 123456, feeFen: 840 }, 2)] });
    expect(kinds(report)).toEqual(['fee_overcharge']);
    const f = report.findings[0];
    // 123456 × 0.60% = 740.736 → 741 fen; 840 − 741 = 99 fen.
    expect(f).toMatchObject({
      expectedFeeFen: 741,
      chargedFeeFen: 840,
      overchargeFen: 99,
      lossFen: 99,
      basis: 'plan',
    });
    expect(f?.message).toContain('应收 ¥7.41（0.60%），实收 ¥8.40，多扣 ¥0.99');
    expect(f?.messageEn).toContain('expected ¥7.41 (0.60%), charged ¥8.40, overcharged ¥0.99');
    expect(f?.rule).toEqual({
      text: '2026-01-01 起 全部交易：0.60%',
      textEn: 'from 2026-01-01 all sales: 0.60%',
      line: 11,
    });
    expect(f?.source).toEqual([{ file: 'statement.csv', row: 2 }]);
    expect(report.summary).toMatchObject({ overchargeFen: 99, lossFen: 99 });
  });

  it('finds nothing when the fee is the contract fee', () => {
    const report = audit({ settlement: [settled({ refNo: 'R1', amountFen: 123456, feeFen: 741 }, 2)] });
    expect(report.findings).toEqual([]);
    expect(report.summary.withinToleranceFen).toBe(0);
  });

  it('takes amount − settled as the fee of a line without one, and says so', () => {
    const line = rec(
      'settlement',
      {
        refNo: 'R1',
        amountFen: 100000,
        settledFen: 99100,
        settleDate: '2026-08-04',
        time: '2026-08-03 10:00:00',
      },
      2,
      'statement.csv',
    );
    const report = audit({ settlement: [line] });
    // 100000 × 0.60% = 600 fen due; 100000 − 99100 = 900 withheld; 300 over.
    expect(report.findings[0]).toMatchObject({
      kind: 'fee_overcharge',
      expectedFeeFen: 600,
      chargedFeeFen: 900,
      overchargeFen: 300,
    });
    expect(report.warnings.some((w) => w.includes('没有手续费'))).toBe(true);
  });

  it('reports an undercharge as informational, with no money', () => {
    const report = audit({ settlement: [settled({ refNo: 'R1', amountFen: 123456, feeFen: 600 }, 2)] });
    expect(kinds(report)).toEqual(['fee_undercharge']);
    expect(report.findings[0]).toMatchObject({
      expectedFeeFen: 741,
      chargedFeeFen: 600,
      overchargeFen: 0,
      lossFen: 0,
    });
  });

  it('catches the ignored debit cap: 8,000.00 at 0.55% charged 44.00 against the 20.00 cap is 24.00 over', () => {
    const report = audit({
      settlement: [settled({ refNo: 'R1', card: 'debit', amountFen: 800000, feeFen: 4400 }, 2)],
    });
    // 800000 × 0.55% = 4400 fen, capped at 2000; 4400 − 2000 = 2400.
    expect(report.findings[0]).toMatchObject({
      kind: 'fee_overcharge',
      expectedFeeFen: 2000,
      overchargeFen: 2400,
    });
    expect(report.findings[0]?.message).toContain('封顶 ¥20.00');
  });

  it('catches the 红星 case: 30,580.00 charged 917.34 against the contract 0.63% = 192.65, 724.69 over', () => {
    const hongxing = plan([], {}, [
      { from: '2023-01-01', rates: [rule({ ratePpm: 6300 })], line: 8, index: 0 },
    ]);
    const report = auditRecords({
      terminal: [],
      settlement: [settled({ refNo: 'R1', amountFen: 3058000, feeFen: 91734 }, 2, '2025-12-10 15:00:00')],
      bank: [],
      plans: [hongxing],
    });
    // 3058000 × 0.63% = 19265.4 → 19265; 91734 − 19265 = 72469.
    expect(report.findings[0]).toMatchObject({
      expectedFeeFen: 19265,
      chargedFeeFen: 91734,
      overchargeFen: 72469,
    });
    expect(report.summary.overchargeFen).toBe(72469);
  });

  it('prices with the journal channel and card: NFC charged as a card sale shows', () => {
    const nfcPlan = plan([
      rule({ ratePpm: 3800, channels: ['nfc'], maxAmountFen: 100000 }, 0),
      rule({ ratePpm: 6000 }, 1),
    ]);
    const report = auditRecords({
      terminal: [
        rec('terminal', { refNo: 'R1', channel: 'nfc', amountFen: 50000, time: '2026-08-03 10:00:00' }, 2),
      ],
      settlement: [settled({ refNo: 'R1', channel: 'card', amountFen: 50000, feeFen: 300 }, 2)],
      bank: [],
      plans: [nfcPlan],
    });
    // 500.00 × 0.38% = 1.90 expected; 3.00 charged; 1.10 over.
    expect(report.findings[0]).toMatchObject({
      kind: 'fee_overcharge',
      channel: 'nfc',
      expectedFeeFen: 190,
      overchargeFen: 110,
    });
  });

  it('without a plan, prices an NFC sale charged as card by the NFC lines the provider charged', () => {
    const nfcLine = (n: number, amountFen: number, feeFen: number) =>
      settled({ refNo: `N${n}`, channel: 'nfc', amountFen, feeFen }, 10 + n, `2026-08-03 0${n}:00:00`);
    const journal = (refNo: string, channel: 'nfc' | 'card', amountFen: number, row: number) =>
      rec('terminal', { refNo, channel, amountFen, time: '2026-08-03 10:00:00' }, row);
    const report = auditRecords({
      terminal: [
        journal('N1', 'nfc', 20000, 11),
        journal('N2', 'nfc', 30000, 12),
        journal('N3', 'nfc', 50000, 13),
        journal('R1', 'nfc', 40000, 14),
      ],
      settlement: [
        // The provider's NFC formula: 0.38% (200.00 → 0.76, 300.00 → 1.14, 500.00 → 1.90).
        nfcLine(1, 20000, 76),
        nfcLine(2, 30000, 114),
        nfcLine(3, 50000, 190),
        settled({ refNo: 'R1', channel: 'card', amountFen: 40000, feeFen: 240 }, 20, '2026-08-03 10:00:00'),
      ],
      bank: [],
      plans: [],
    });
    // 400.00 × 0.38% = 1.52 expected; 2.40 charged as a credit card sale; 0.88 over.
    expect(only(report, 'fee_overcharge')).toMatchObject([
      {
        refNo: 'R1',
        channel: 'nfc',
        expectedFeeFen: 152,
        chargedFeeFen: 240,
        overchargeFen: 88,
        basis: 'inferred',
      },
    ]);
  });
});

describe('tolerance', () => {
  it('does not report a 1 fen difference but adds it to withinToleranceFen with a warning', () => {
    const report = audit({ settlement: [settled({ refNo: 'R1', amountFen: 123456, feeFen: 742 }, 2)] });
    expect(report.findings).toEqual([]);
    expect(report.summary.withinToleranceFen).toBe(1);
    expect(report.warnings.some((w) => w.includes('¥0.01'))).toBe(true);
  });

  it('reports a 2 fen difference', () => {
    const report = audit({ settlement: [settled({ refNo: 'R1', amountFen: 123456, feeFen: 743 }, 2)] });
    expect(report.findings[0]).toMatchObject({ kind: 'fee_overcharge', overchargeFen: 2 });
  });
});

describe('amount_mismatch', () => {
  it('reports a settled amount below the journal amount, losing the difference', () => {
    const report = audit({
      terminal: [rec('terminal', { refNo: 'R1', amountFen: 10000, time: '2026-08-03 10:00:00' }, 2)],
      settlement: [settled({ refNo: 'R1', amountFen: 9000, feeFen: 54 }, 2)],
    });
    expect(kinds(report)).toEqual(['amount_mismatch']);
    expect(report.findings[0]).toMatchObject({ amountFen: 10000, lossFen: 1000, overchargeFen: 0 });
    expect(report.findings[0]?.source).toEqual([
      { file: 'terminal.csv', row: 2 },
      { file: 'statement.csv', row: 2 },
    ]);
    expect(report.summary.matched).toBe(1);
  });

  it('finds nothing when the amounts agree', () => {
    const report = audit({
      terminal: [rec('terminal', { refNo: 'R1', amountFen: 10000, time: '2026-08-03 10:00:00' }, 2)],
      settlement: [settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 2)],
    });
    expect(report.findings).toEqual([]);
    expect(report.summary.matched).toBe(1);
  });
});

describe('matching', () => {
  it('matches on terminal + batch + voucher + date, then order numbers, then terminal + amount + payer within 5 minutes', () => {
    const report = audit({
      terminal: [
        rec(
          'terminal',
          {
            terminalId: 'T1',
            batchNo: '000001',
            voucherNo: '000011',
            amountFen: 10000,
            time: '2026-08-03 10:00:00',
          },
          2,
        ),
        rec('terminal', { orderNo: 'O2', amountFen: 20000, time: '2026-08-03 11:00:00' }, 3),
        rec('terminal', { providerOrderNo: 'P3', amountFen: 30000, time: '2026-08-03 12:00:00' }, 4),
        rec(
          'terminal',
          { terminalId: 'T1', cardNo: '622848******1234', amountFen: 40000, time: '2026-08-03 13:00:00' },
          5,
        ),
      ],
      settlement: [
        settled(
          { terminalId: 'T1', batchNo: '000001', voucherNo: '000011', amountFen: 10000, feeFen: 60 },
          2,
          '2026-08-03 10:00:01',
        ),
        settled({ orderNo: 'O2', amountFen: 20000, feeFen: 120 }, 3, '2026-08-03 11:00:00'),
        settled({ providerOrderNo: 'P3', amountFen: 30000, feeFen: 180 }, 4, '2026-08-03 12:00:00'),
        settled(
          { terminalId: 'T1', cardNo: '622848******1234', amountFen: 40000, feeFen: 240 },
          5,
          '2026-08-03 13:04:00',
        ),
      ],
    });
    expect(report.summary.matched).toBe(4);
    expect(report.findings).toEqual([]);
  });

  it('pairs a sale the journal and the statement stamp either side of midnight', () => {
    const keys = { terminalId: 'T1', batchNo: '000001', voucherNo: '000002', cardNo: '622848******0002' };
    const report = audit({
      terminal: [rec('terminal', { ...keys, amountFen: 20000, time: '2026-08-03 23:59:58' }, 2)],
      settlement: [settled({ ...keys, amountFen: 20000, feeFen: 120 }, 2, '2026-08-04 00:00:03')],
    });
    expect(report.summary.matched).toBe(1);
    expect(report.findings).toEqual([]);
  });

  it('does not pair a sale with a line of the same 参考号 on another terminal or days away', () => {
    const report = audit({
      terminal: [
        rec(
          'terminal',
          { refNo: '123456789012', terminalId: 'T1', amountFen: 10000, time: '2026-08-03 10:00:00' },
          2,
        ),
      ],
      settlement: [
        // Another terminal's sale that happens to carry the same 参考号, settled the day before.
        settled(
          { refNo: '123456789012', terminalId: 'T2', amountFen: 3000, feeFen: 18, settleDate: '2026-08-03' },
          2,
          '2026-08-02 09:00:00',
        ),
        settled(
          { refNo: '123456789099', terminalId: 'T1', amountFen: 2000, feeFen: 12 },
          3,
          '2026-08-03 10:30:00',
        ),
      ],
    });
    // The journal's sale is not in the statements, which cover its due date 08-04: 100.00 − 0.60 fee lost.
    expect(report.findings.map((f) => [f.kind, f.refNo, f.lossFen])).toEqual([
      ['missing_settlement', '123456789012', 9940],
    ]);
    expect(report.ambiguous).toEqual([]);
  });

  it('matches terminal + batch + 凭证号 when a spreadsheet stripped their leading zeros', () => {
    const report = audit({
      terminal: [
        rec(
          'terminal',
          {
            terminalId: 'T1',
            batchNo: '000001',
            voucherNo: '000123',
            amountFen: 10000,
            time: '2026-08-03 10:00:00',
          },
          2,
        ),
      ],
      settlement: [
        settled(
          { terminalId: 'T1', batchNo: '1', voucherNo: '123', amountFen: 10000, feeFen: 60 },
          2,
          '2026-08-03 10:00:00',
        ),
      ],
    });
    expect(report.summary.matched).toBe(1);
    expect(report.findings).toEqual([]);
  });

  it('keeps two genuine identical sales as two sales and pairs them in time order', () => {
    const sale = (row: number, time: string) =>
      rec('terminal', { terminalId: 'T1', cardNo: '622848******1234', amountFen: 5000, time }, row);
    const line = (row: number, time: string) =>
      settled({ terminalId: 'T1', cardNo: '622848******1234', amountFen: 5000, feeFen: 30 }, row, time);
    const report = audit({
      terminal: [sale(2, '2026-08-03 10:00:00'), sale(3, '2026-08-03 10:03:00')],
      settlement: [line(3, '2026-08-03 10:03:00'), line(2, '2026-08-03 10:00:00')],
      options: { duplicateWindowMs: 60_000 },
    });
    expect(report.summary.matched).toBe(2);
    expect(report.findings).toEqual([]);
  });

  it('puts a group that cannot be told apart into ambiguous[], neither missing nor unexpected', () => {
    const report = audit({
      terminal: [
        rec('terminal', { refNo: 'R1', terminalId: 'T1', amountFen: 10000, time: '2026-08-03 10:00:00' }, 2),
        rec('terminal', { refNo: 'R1', terminalId: 'T1', amountFen: 20000, time: '2026-08-03 10:10:00' }, 3),
      ],
      settlement: [
        settled({ refNo: 'R1', terminalId: 'T1', amountFen: 15000, feeFen: 90 }, 2, '2026-08-03 10:00:00'),
        settled({ refNo: 'R1', terminalId: 'T1', amountFen: 25000, feeFen: 150 }, 3, '2026-08-03 10:10:00'),
      ],
    });
    expect(report.ambiguous).toHaveLength(1);
    expect(report.ambiguous[0]?.source).toHaveLength(4);
    expect(report.findings).toEqual([]);
    expect(report.summary.matched).toBe(0);
  });

  it('pairs one card masked two ways by its last four digits', () => {
    const report = audit({
      terminal: [
        rec(
          'terminal',
          { terminalId: 'T1', cardNo: '622848******0228', amountFen: 20000, time: '2026-08-03 09:35:00' },
          2,
        ),
      ],
      settlement: [
        settled(
          { terminalId: 'T1', cardNo: '622848*********0228', amountFen: 20000, feeFen: 120 },
          2,
          '2026-08-03 09:35:02',
        ),
      ],
    });
    expect(report.summary.matched).toBe(1);
    expect(report.findings).toEqual([]);
  });

  it('matches a 参考号 that a spreadsheet stripped of its leading zero', () => {
    const report = audit({
      terminal: [
        rec('terminal', { refNo: '012345678901', amountFen: 10000, time: '2026-08-03 10:00:00' }, 2),
      ],
      settlement: [settled({ refNo: '12345678901', amountFen: 10000, feeFen: 60 }, 2)],
    });
    expect(report.summary.matched).toBe(1);
    expect(report.findings).toEqual([]);
  });

  it('keeps two sales that share a 参考号 on different terminals and days as two sales', () => {
    const report = audit({
      terminal: [
        rec('terminal', { refNo: 'R1', terminalId: 'T1', amountFen: 10000, time: '2026-08-03 10:00:00' }, 2),
        rec('terminal', { refNo: 'R1', terminalId: 'T2', amountFen: 10000, time: '2026-08-04 15:00:00' }, 3),
      ],
      settlement: [
        settled({ refNo: 'R1', terminalId: 'T1', amountFen: 10000, feeFen: 60 }, 2),
        settled(
          { refNo: 'R1', terminalId: 'T2', amountFen: 10000, feeFen: 60, settleDate: '2026-08-05' },
          3,
          '2026-08-04 15:00:00',
        ),
      ],
    });
    expect(report.summary.matched).toBe(2);
    expect(report.findings).toEqual([]);
  });

  it('pairs a shared key by amount when amounts tell the records apart', () => {
    const report = audit({
      terminal: [
        rec('terminal', { refNo: 'R1', amountFen: 10000, time: '2026-08-03 10:00:00' }, 2),
        rec('terminal', { refNo: 'R1', amountFen: 20000, time: '2026-08-03 10:10:00' }, 3),
      ],
      settlement: [
        settled({ refNo: 'R1', amountFen: 20000, feeFen: 120 }, 2, '2026-08-03 10:00:00'),
        settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 3, '2026-08-03 10:10:00'),
      ],
    });
    expect(report.ambiguous).toEqual([]);
    expect(report.summary.matched).toBe(2);
    expect(report.findings).toEqual([]);
  });
});

describe('missing_settlement, coverage and pending', () => {
  // The statement covers settlement dates 2026-08-04 to 2026-08-05.
  const statement = [
    settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 2),
    settled(
      { refNo: 'R4', amountFen: 10000, feeFen: 60, settleDate: '2026-08-05' },
      3,
      '2026-08-04 09:00:00',
    ),
  ];
  const journal = [
    rec('terminal', { refNo: 'R1', amountFen: 10000, time: '2026-08-03 10:00:00' }, 2),
    rec('terminal', { refNo: 'R2', amountFen: 20000, time: '2026-08-03 11:00:00' }, 3),
    rec('terminal', { refNo: 'R3', amountFen: 30000, time: '2026-08-05 11:00:00' }, 4),
    rec('terminal', { refNo: 'R4', amountFen: 10000, time: '2026-08-04 09:00:00' }, 5),
  ];

  it('reports a sale due on a covered date with no line, losing amount − expected fee', () => {
    const report = audit({ terminal: journal, settlement: statement });
    const missing = only(report, 'missing_settlement');
    expect(missing.map((f) => f.refNo)).toEqual(['R2']);
    // 200.00 − 0.60% (1.20) = 198.80.
    expect(missing[0]).toMatchObject({
      amountFen: 20000,
      expectedFeeFen: 120,
      lossFen: 19880,
      overchargeFen: 0,
    });
  });

  it('says so when no rate prices the missing sale, and counts its whole amount', () => {
    const creditOnly = plan([rule({ ratePpm: 6000, cards: ['credit'] })]);
    const report = auditRecords({
      terminal: [...journal.slice(0, 1), { ...(journal[1] as PosRecord), card: 'debit' }],
      settlement: statement,
      bank: [],
      plans: [creditOnly],
    });
    const missing = only(report, 'missing_settlement');
    expect(missing.map((f) => [f.refNo, f.lossFen, f.expectedFeeFen])).toEqual([['R2', 20000, undefined]]);
    expect(missing[0]?.message).toContain('手续费无法确定（没有适用的费率），按全额 ¥200.00 计');
  });

  it("prices a missing sale the plan has no rate for by the provider's own charges on alike lines", () => {
    const creditOnly = plan([rule({ ratePpm: 6000, cards: ['credit'] })]);
    // Debit lines the plan does not price, charged 0.55% throughout: 300.00 → 1.65, 500.00 → 2.75, 80.00 → 0.44.
    const debit = (refNo: string, row: number, amountFen: number, feeFen: number) =>
      settled({ refNo, amountFen, feeFen, card: 'debit' }, row, '2026-08-03 09:00:00');
    const report = auditRecords({
      terminal: [...journal.slice(0, 1), { ...(journal[1] as PosRecord), card: 'debit' }],
      settlement: [
        ...statement,
        debit('D1', 10, 30000, 165),
        debit('D2', 11, 50000, 275),
        debit('D3', 12, 8000, 44),
      ],
      bank: [],
      plans: [creditOnly],
    });
    const missing = only(report, 'missing_settlement');
    // R2, 200.00 debit: 0.55% = 1.10, so 198.90 should have arrived — not the whole 200.00.
    expect(missing.map((f) => [f.refNo, f.expectedFeeFen, f.lossFen, f.basis])).toEqual([
      ['R2', 110, 19890, 'inferred'],
    ]);
    expect(missing[0]?.message).toContain('应结 ¥200.00 − 手续费 ¥1.10 = ¥198.90（方案未列此类交易的费率');
    expect(missing[0]?.messageEn).toContain('the plan prices no such sale');
  });

  it('counts a sale due after the statements end as pending, not a finding', () => {
    const report = audit({ terminal: journal, settlement: statement });
    // R3 on Wednesday 08-05 is due Thursday 08-06, after the coverage.
    expect(report.summary.pending).toBe(1);
    expect(report.findings.some((f) => f.refNo === 'R3')).toBe(false);
  });

  it('does not report a voided sale as missing', () => {
    const report = audit({
      terminal: [
        ...journal,
        rec(
          'terminal',
          { type: 'void', originalRefNo: 'R2', amountFen: -20000, time: '2026-08-03 11:05:00' },
          6,
        ),
      ],
      settlement: statement,
    });
    expect(only(report, 'missing_settlement')).toEqual([]);
  });

  it('skips the journal checks without a journal and says so', () => {
    const report = audit({ settlement: statement });
    expect(report.summary.skippedChecks).toEqual(
      expect.arrayContaining([
        'missing_settlement',
        'unexpected_settlement',
        'amount_mismatch',
        'void_settled',
        'payout_mismatch',
      ]),
    );
  });
});

describe('unexpected_settlement', () => {
  const journal = [
    rec('terminal', { refNo: 'R1', terminalId: 'T1', amountFen: 10000, time: '2026-08-03 09:00:00' }, 2),
    rec('terminal', { refNo: 'R2', terminalId: 'T1', amountFen: 10000, time: '2026-08-03 18:00:00' }, 3),
  ];
  const known = [
    settled({ refNo: 'R1', terminalId: 'T1', amountFen: 10000, feeFen: 60 }, 2, '2026-08-03 09:00:00'),
    settled({ refNo: 'R2', terminalId: 'T1', amountFen: 10000, feeFen: 60 }, 3, '2026-08-03 18:00:00'),
  ];

  it('reports a settled sale on a journal terminal, inside its time range, that the journal lacks', () => {
    const report = audit({
      terminal: journal,
      settlement: [
        ...known,
        settled({ refNo: 'R9', terminalId: 'T1', amountFen: 5000, feeFen: 30 }, 4, '2026-08-03 12:00:00'),
      ],
    });
    expect(kinds(report)).toEqual(['unexpected_settlement']);
    expect(report.findings[0]).toMatchObject({ refNo: 'R9', lossFen: 0, overchargeFen: 0 });
  });

  it('does not report lines of other terminals or outside the journal period', () => {
    const report = audit({
      terminal: journal,
      settlement: [
        ...known,
        settled({ refNo: 'R8', terminalId: 'T2', amountFen: 5000, feeFen: 30 }, 4, '2026-08-03 12:00:00'),
        settled({ refNo: 'R9', terminalId: 'T1', amountFen: 5000, feeFen: 30 }, 5, '2026-08-03 20:00:00'),
      ],
    });
    expect(report.findings).toEqual([]);
  });

  it('counts a declined attempt as part of the journal period', () => {
    const report = audit({
      terminal: [
        ...journal,
        rec(
          'terminal',
          { refNo: 'R7', terminalId: 'T1', amountFen: 900, status: 'failed', time: '2026-08-03 21:00:00' },
          4,
        ),
      ],
      settlement: [
        ...known,
        settled({ refNo: 'R9', terminalId: 'T1', amountFen: 5000, feeFen: 30 }, 5, '2026-08-03 20:00:00'),
      ],
    });
    expect(kinds(report)).toEqual(['unexpected_settlement']);
    expect(report.findings[0]).toMatchObject({ refNo: 'R9' });
  });
});

describe('duplicate_settlement', () => {
  it('reports a line settled twice across two files, and checks its fee only once', () => {
    // Settled again two days later in the next statement (the same line on the same day in two files would be
    // one statement exported twice: see export-copies.test.ts).
    const report = audit({
      settlement: [
        settled({ refNo: 'R1', amountFen: 10000, feeFen: 70 }, 2, '2026-08-03 10:00:00', 'a.csv'),
        settled(
          { refNo: 'R1', amountFen: 10000, feeFen: 70, settleDate: '2026-08-06' },
          7,
          '2026-08-03 10:00:00',
          'b.csv',
        ),
      ],
    });
    expect(kinds(report).sort()).toEqual(['duplicate_settlement', 'fee_overcharge']);
    expect(only(report, 'duplicate_settlement')[0]).toMatchObject({ lossFen: 0, overchargeFen: 0 });
    expect(only(report, 'duplicate_settlement')[0]?.source).toEqual([
      { file: 'a.csv', row: 2 },
      { file: 'b.csv', row: 7 },
    ]);
    // 0.70 charged − 0.60 expected, once.
    expect(report.summary.overchargeFen).toBe(10);
  });

  it('takes the line settled later for the repeat, whatever the row order', () => {
    const lines = [
      settled({ refNo: 'R1', amountFen: 10000, feeFen: 60, settleDate: '2026-08-05' }, 2),
      settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 3),
    ];
    for (const settlement of [lines, [...lines].reverse()]) {
      const report = audit({ settlement });
      expect(kinds(report)).toEqual(['duplicate_settlement']);
      expect(report.findings[0]).toMatchObject({ settleDate: '2026-08-05' });
    }
  });

  it('does not take two sales with different reference numbers for a duplicate', () => {
    const report = audit({
      settlement: [
        settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 2),
        settled({ refNo: 'R2', amountFen: 10000, feeFen: 60 }, 3),
      ],
    });
    expect(report.findings).toEqual([]);
  });
});

describe('void_settled', () => {
  const journal = [
    rec('terminal', { refNo: 'R1', amountFen: 10000, time: '2026-08-03 10:00:00' }, 2),
    rec('terminal', { type: 'void', originalRefNo: 'R1', amountFen: -10000, time: '2026-08-03 10:05:00' }, 3),
  ];

  it('reports a voided sale that was settled without a void line, losing the fee charged', () => {
    const report = audit({
      terminal: journal,
      settlement: [settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 2)],
    });
    expect(kinds(report)).toEqual(['void_settled']);
    expect(report.findings[0]).toMatchObject({
      refNo: 'R1',
      chargedFeeFen: 60,
      lossFen: 60,
      overchargeFen: 0,
    });
    expect(report.findings[0]?.source).toHaveLength(3);
  });

  it('reports a sale the journal marks 已撤销 or 已冲正 in its status and the statement still settles', () => {
    const report = audit({
      terminal: [
        rec('terminal', { refNo: 'R1', status: 'voided', amountFen: 20000, time: '2026-08-03 10:10:00' }, 2),
        rec(
          'terminal',
          { refNo: 'R2', status: 'reversed', amountFen: 30000, time: '2026-08-03 10:20:00' },
          3,
        ),
      ],
      settlement: [
        settled({ refNo: 'R1', amountFen: 20000, feeFen: 120 }, 2, '2026-08-03 10:10:00'),
        settled({ refNo: 'R2', amountFen: 30000, feeFen: 180 }, 3, '2026-08-03 10:20:00'),
      ],
    });
    expect(report.findings.map((f) => [f.kind, f.refNo, f.lossFen])).toEqual([
      ['void_settled', 'R1', 120],
      ['void_settled', 'R2', 180],
    ]);
    expect(report.findings[1]?.message).toContain('已在终端冲正');
  });

  it('reports a reversal not honoured in the same way', () => {
    const report = audit({
      terminal: [
        rec(
          'terminal',
          {
            terminalId: 'T1',
            batchNo: '1',
            voucherNo: '000007',
            amountFen: 10000,
            time: '2026-08-03 10:00:00',
          },
          2,
        ),
        rec(
          'terminal',
          {
            type: 'reversal',
            terminalId: 'T1',
            batchNo: '1',
            voucherNo: '000007',
            amountFen: -10000,
            time: '2026-08-03 10:00:40',
          },
          3,
        ),
      ],
      settlement: [
        settled({ terminalId: 'T1', voucherNo: '000007', batchNo: '1', amountFen: 10000, feeFen: 60 }, 2),
      ],
    });
    expect(only(report, 'void_settled')).toHaveLength(1);
  });

  it('links a void by 凭证号 to the sale of its own batch, not an older sale with the same number', () => {
    const sale = (row: number, batchNo: string, amountFen: number, time: string) =>
      rec('terminal', { terminalId: 'T1', batchNo, voucherNo: '000005', amountFen, time }, row);
    const report = audit({
      terminal: [
        sale(2, '000001', 10000, '2026-08-03 09:00:00'),
        sale(3, '000002', 20000, '2026-08-03 15:00:00'),
        rec(
          'terminal',
          {
            type: 'void',
            terminalId: 'T1',
            batchNo: '000002',
            voucherNo: '000006',
            originalVoucherNo: '000005',
            amountFen: -20000,
            time: '2026-08-03 15:05:00',
          },
          4,
        ),
      ],
      settlement: [
        settled(
          { terminalId: 'T1', batchNo: '000001', voucherNo: '000005', amountFen: 10000, feeFen: 60 },
          2,
          '2026-08-03 09:00:00',
        ),
      ],
    });
    expect(report.findings).toEqual([]);
    expect(report.summary.lossFen).toBe(0);
  });

  it('finds nothing when the statement nets the sale with a void line', () => {
    const report = audit({
      terminal: journal,
      settlement: [
        settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 2),
        settled(
          { type: 'void', originalRefNo: 'R1', amountFen: -10000, feeFen: -60 },
          3,
          '2026-08-03 10:05:00',
        ),
      ],
    });
    expect(report.findings).toEqual([]);
  });
});

describe('fees on voided and reversed sales (撤销 is free, 冲正 nets to zero)', () => {
  // Contract 0.60%: 500.00 → 3.00, 200.00 → 1.20.
  const line = (
    fields: Partial<PosRecord> & { amountFen: number; feeFen: number },
    row: number,
    time: string,
  ) => settled({ terminalId: 'T1', ...fields }, row, time);
  const sale500 = line(
    { refNo: 'R13', voucherNo: '000013', amountFen: 50000, feeFen: 300 },
    2,
    '2026-08-03 09:20:00',
  );
  const void500 = line(
    {
      type: 'void',
      refNo: 'R14',
      voucherNo: '000014',
      originalVoucherNo: '000013',
      amountFen: -50000,
      feeFen: 0,
    },
    3,
    '2026-08-03 09:25:00',
  );
  const sale200 = line(
    { refNo: 'R15', voucherNo: '000015', amountFen: 20000, feeFen: 120 },
    4,
    '2026-08-03 09:30:00',
  );
  const reversal200 = line(
    { type: 'reversal', refNo: 'R15', voucherNo: '000015', amountFen: -20000, feeFen: 0 },
    5,
    '2026-08-03 09:30:40',
  );
  const lost = (report: AuditReport) =>
    report.findings.map((f) => [f.kind, f.refNo, f.expectedFeeFen, f.chargedFeeFen, f.lossFen]);

  it('reports the fee kept on a sale a settled void or reversal nets: 3.00 + 1.20 = 4.20 lost', () => {
    const report = audit({ settlement: [sale500, void500, sale200, reversal200] });
    expect(lost(report)).toEqual([
      ['fee_overcharge', 'R13', 0, 300, 300],
      ['fee_overcharge', 'R15', 0, 120, 120],
    ]);
    expect(report.summary).toMatchObject({ overchargeFen: 420, lossFen: 420 });
    expect(report.findings[0]?.message).toContain(
      '已撤销（statement.csv 第 3 行），撤销的交易不收手续费：应收 ¥0.00，实收 ¥3.00 − 撤销退回 ¥0.00 = ¥3.00，多扣 ¥3.00',
    );
    expect(report.findings[1]?.messageEn).toContain('was reversed (statement.csv row 5)');
    expect(report.findings[0]?.source).toEqual([
      { file: 'statement.csv', row: 2 },
      { file: 'statement.csv', row: 3 },
    ]);
  });

  it('reports it without a plan too, the provider’s own formula aside', () => {
    const report = audit({ settlement: [sale500, void500, sale200, reversal200], plans: [] });
    expect(lost(report)).toEqual([
      ['fee_overcharge', 'R13', 0, 300, 300],
      ['fee_overcharge', 'R15', 0, 120, 120],
    ]);
    expect(report.findings.every((f) => f.basis === 'inferred')).toBe(true);
  });

  it('links a 消费撤销 that names nothing of its sale (a Leshua trade file) by terminal, amount and day', () => {
    const blind = line(
      { type: 'void', refNo: 'R14', voucherNo: '000014', amountFen: -50000, feeFen: 0 },
      3,
      '2026-08-03 09:25:00',
    );
    const report = audit({ settlement: [sale500, blind] });
    expect(lost(report)).toEqual([['fee_overcharge', 'R13', 0, 300, 300]]);
  });

  it('links a statement void to its sale through the journal when only the journal names the sale', () => {
    // The statement's void carries the card, its sale does not, and it names no original: only the journal's
    // void (paired by 参考号) says which sale it cancels.
    const statementVoid = line(
      { type: 'void', refNo: 'R14', cardNo: '622848******0228', amountFen: -50000, feeFen: 0 },
      3,
      '2026-08-03 09:25:00',
    );
    const journal = [
      rec(
        'terminal',
        {
          terminalId: 'T1',
          refNo: 'R13',
          voucherNo: '000013',
          amountFen: 50000,
          time: '2026-08-03 09:20:00',
        },
        2,
      ),
      rec(
        'terminal',
        {
          type: 'void',
          terminalId: 'T1',
          refNo: 'R14',
          voucherNo: '000014',
          originalVoucherNo: '000013',
          amountFen: -50000,
          time: '2026-08-03 09:25:00',
        },
        3,
      ),
    ];
    const report = audit({ terminal: journal, settlement: [sale500, statementVoid] });
    expect(lost(report)).toEqual([['fee_overcharge', 'R13', 0, 300, 300]]);
    expect(report.findings[0]?.source).toEqual([
      { file: 'terminal.csv', row: 2 },
      { file: 'terminal.csv', row: 3 },
      { file: 'statement.csv', row: 2 },
      { file: 'statement.csv', row: 3 },
    ]);
  });

  it('reports the same 4.20 with the journal, and nothing else', () => {
    const journalLine = (fields: Partial<PosRecord> & { amountFen: number }, row: number, time: string) =>
      rec('terminal', { terminalId: 'T1', ...fields, time }, row);
    const journal = [
      journalLine({ refNo: 'R13', voucherNo: '000013', amountFen: 50000 }, 2, '2026-08-03 09:20:00'),
      journalLine(
        { type: 'void', refNo: 'R14', voucherNo: '000014', originalVoucherNo: '000013', amountFen: -50000 },
        3,
        '2026-08-03 09:25:00',
      ),
      journalLine({ refNo: 'R15', voucherNo: '000015', amountFen: 20000 }, 4, '2026-08-03 09:30:00'),
      journalLine(
        {
          type: 'reversal',
          refNo: 'R15',
          voucherNo: '000015',
          originalVoucherNo: '000015',
          amountFen: -20000,
        },
        5,
        '2026-08-03 09:30:40',
      ),
    ];
    const report = audit({ terminal: journal, settlement: [sale500, void500, sale200, reversal200] });
    expect(kinds(report)).toEqual(['fee_overcharge', 'fee_overcharge']);
    expect(report.summary.lossFen).toBe(420);
  });

  it('finds nothing when the void gives back the whole fee of an overcharged sale', () => {
    // 500.00 charged 5.00 against the contract's 3.00, then voided with −5.00 returned: the merchant paid nothing.
    const report = audit({
      settlement: [
        line({ refNo: 'R13', voucherNo: '000013', amountFen: 50000, feeFen: 500 }, 2, '2026-08-03 09:20:00'),
        { ...void500, feeFen: -500, settledFen: -49500 },
      ],
    });
    expect(report.findings).toEqual([]);
  });

  it('reports what a reversal returned short: 1.50 charged, 1.20 returned, 0.30 kept', () => {
    const report = audit({
      settlement: [
        { ...sale200, feeFen: 150, settledFen: 19850 },
        { ...reversal200, feeFen: -120, settledFen: -19880 },
      ],
    });
    expect(lost(report)).toEqual([['fee_overcharge', 'R15', 0, 30, 30]]);
    expect(report.findings[0]?.message).toContain('实收 ¥1.50 − 冲正退回 ¥1.20 = ¥0.30，多扣 ¥0.30');
  });
});

describe('trade date of a Leshua T0 line (交易时间 is the settlement time)', () => {
  // A promo at 0.38% until 2026-10-14, 0.60% from 2026-10-15.
  const promo = plan([], {}, [
    { from: '2026-01-01', until: '2026-10-14', rates: [rule({ ratePpm: 3800 })], line: 8, index: 0 },
    { from: '2026-10-15', rates: [rule({ ratePpm: 6000 }, 0)], line: 12, index: 1 },
  ]);
  const t0 = (feeFen: number, completedAt: string, time = '2026-10-15 00:00:30') =>
    rec(
      'settlement',
      { refNo: 'R9', terminalId: 'T3', amountFen: 100000, feeFen, time, completedAt },
      2,
      'trade.txt',
    );

  it('prices a sale paid at 23:59:50 by that day’s promo rate, though 交易时间 shows 00:00:30: 6.00 − 3.80 = 2.20', () => {
    const report = audit({ settlement: [t0(600, '2026-10-14T23:59:50+08:00')], plans: [promo] });
    expect(report.findings.map((f) => [f.kind, f.expectedFeeFen, f.chargedFeeFen, f.lossFen])).toEqual([
      ['fee_overcharge', 380, 600, 220],
    ]);
    expect(report.findings[0]?.message).toContain('（支付时间 2026-10-14 23:59:50，按 2026-10-14 的费率计）');
    expect(report.findings[0]?.messageEn).toContain('(paid at 2026-10-14 23:59:50; priced as of 2026-10-14)');
  });

  it('goes by 交易时间 when the completion time is the later one (a T1 line)', () => {
    const report = audit({
      settlement: [t0(380, '2026-10-15T00:00:10+08:00', '2026-10-14 23:59:50')],
      plans: [promo],
    });
    expect(report.findings).toEqual([]);
  });

  it('still pairs the line with the journal’s sale across midnight', () => {
    const report = audit({
      terminal: [
        rec('terminal', { refNo: 'R9', terminalId: 'T3', amountFen: 100000, time: '2026-10-14 23:59:50' }, 2),
      ],
      settlement: [t0(600, '2026-10-14T23:59:50+08:00')],
      plans: [promo],
    });
    expect(kinds(report)).toEqual(['fee_overcharge']);
    expect(report.summary.matched).toBe(1);
    expect(report.summary.lossFen).toBe(220);
  });
});

describe('refund_fee_mismatch', () => {
  const proportional = plan([rule({ ratePpm: 6000 })], { refundFee: 'proportional' });
  const sale = settled({ refNo: 'R1', amountFen: 100000, feeFen: 600 }, 2);
  const refund = (row: number, amountFen: number, feeFen: number, time: string) =>
    rec(
      'settlement',
      {
        type: 'refund',
        originalRefNo: 'R1',
        refNo: `F${row}`,
        amountFen,
        feeFen,
        settledFen: amountFen - feeFen,
        settleDate: '2026-08-06',
        time,
      },
      row,
      'statement.csv',
    );

  it('reports a partial refund that returns no fee under proportional, and not again at the last refund', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [
        sale,
        refund(3, -30000, 0, '2026-08-05 10:00:00'),
        refund(4, -70000, -420, '2026-08-05 11:00:00'),
      ],
      bank: [],
      plans: [proportional],
    });
    // 300.00 of 1,000.00: 6.00 × 300 ÷ 1000 = 1.80 due, 0 returned. The last refund is due the remainder
    // 6.00 − 1.80 = 4.20, and returns 4.20.
    expect(kinds(report)).toEqual(['refund_fee_mismatch']);
    expect(report.findings[0]).toMatchObject({
      refNo: 'F3',
      overchargeFen: 180,
      lossFen: 180,
      chargedFeeFen: 0,
      expectedFeeFen: -180,
    });
    expect(report.findings[0]?.message).toContain('应退 ¥1.80，实退 ¥0.00，少退 ¥1.80');
  });

  it('counts a fee returned short and made up by the last refund as no loss', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [
        sale,
        refund(3, -30000, 0, '2026-08-05 10:00:00'),
        refund(4, -70000, -600, '2026-08-05 11:00:00'),
      ],
      bank: [],
      plans: [proportional],
    });
    // 1.80 due at the first refund, 0 returned; 4.20 due at the last, 6.00 returned: 1.80 over, which makes up
    // the first. Both mismatches are shown; the sale got its whole fee back, so nothing is lost.
    expect(kinds(report)).toEqual(['refund_fee_mismatch', 'refund_fee_mismatch']);
    expect(report.findings.map((f) => f.lossFen)).toEqual([0, 0]);
    expect(report.findings[0]?.message).toContain('其中 ¥1.80 已在其他退款中补回');
    expect(report.summary.lossFen).toBe(0);
  });

  it('counts an overcharge on a refunded sale once, and not at all when the refund gave it back', () => {
    const overcharged = (refNo: string, amountFen: number, feeFen: number, row: number) =>
      settled({ refNo, amountFen, feeFen }, row);
    const refundOf = (originalRefNo: string, amountFen: number, feeFen: number, row: number) =>
      rec(
        'settlement',
        {
          type: 'refund',
          originalRefNo,
          refNo: `F${row}`,
          amountFen,
          feeFen,
          settledFen: amountFen - feeFen,
          settleDate: '2026-08-06',
          time: '2026-08-05 10:00:00',
        },
        row,
        'statement.csv',
      );
    const report = auditRecords({
      terminal: [],
      settlement: [
        // 1,000.00 charged 6.80 (6.00 allowed) and refunded whole with 6.00 back: 0.80 lost, once.
        overcharged('S1', 100000, 680, 2),
        refundOf('S1', -100000, -600, 3),
        // 2,000.00 charged 13.60 (12.00 allowed) and refunded whole with all 13.60 back: nothing lost.
        overcharged('S2', 200000, 1360, 4),
        refundOf('S2', -200000, -1360, 5),
      ],
      bank: [],
      plans: [proportional],
    });
    expect(report.findings.map((f) => [f.kind, f.refNo, f.lossFen])).toEqual([['fee_overcharge', 'S1', 80]]);
    expect(report.summary.lossFen).toBe(80);
  });

  it('reports a refund settled twice, losing what it took back the second time', () => {
    const line = (settleDate: string, file: string) =>
      rec(
        'settlement',
        {
          type: 'refund',
          originalRefNo: 'R1',
          refNo: 'F2',
          amountFen: -10000,
          feeFen: -60,
          settledFen: -9940,
          settleDate,
          time: '2026-08-05 10:00:00',
        },
        2,
        file,
      );
    const report = auditRecords({
      terminal: [],
      settlement: [sale, line('2026-08-06', 's0806.csv'), line('2026-08-07', 's0807.csv')],
      bank: [],
      plans: [proportional],
    });
    // −100.00 + 0.60 fee back = −99.40 taken from the payout, twice.
    expect(only(report, 'duplicate_settlement').map((f) => [f.refNo, f.lossFen])).toEqual([['F2', 9940]]);
  });

  it('reports a refund settled for more than the journal refunded', () => {
    const report = auditRecords({
      terminal: [
        rec('terminal', { refNo: 'R1', amountFen: 100000, time: '2026-08-03 10:00:00' }, 2),
        rec(
          'terminal',
          {
            refNo: 'F3',
            originalRefNo: 'R1',
            type: 'refund',
            amountFen: -10000,
            time: '2026-08-05 10:00:00',
          },
          3,
        ),
      ],
      settlement: [sale, refund(3, -15000, -90, '2026-08-05 10:00:00')],
      bank: [],
      plans: [proportional],
    });
    // The journal refunded 100.00, the statement took back 150.00: 50.00 lost.
    expect(only(report, 'amount_mismatch').map((f) => [f.refNo, f.lossFen])).toEqual([['F3', 5000]]);
  });

  it('does not take a sale that shares the refund’s own 凭证号 as its original', () => {
    const keys = { terminalId: 'T1', voucherNo: '000002' };
    const report = auditRecords({
      terminal: [
        rec(
          'terminal',
          { ...keys, batchNo: '000001', refNo: 'S1', amountFen: 50000, time: '2026-08-03 11:00:00' },
          2,
        ),
        rec(
          'terminal',
          {
            ...keys,
            batchNo: '000002',
            refNo: 'F1',
            type: 'refund',
            originalVoucherNo: '000777',
            originalRefNo: 'S777',
            amountFen: -50000,
            time: '2026-08-04 09:30:00',
          },
          3,
        ),
      ],
      settlement: [
        settled(
          { ...keys, batchNo: '000001', refNo: 'S1', amountFen: 50000, feeFen: 300 },
          2,
          '2026-08-03 11:00:00',
        ),
        settled(
          {
            ...keys,
            batchNo: '000002',
            refNo: 'F1',
            type: 'refund',
            amountFen: -50000,
            feeFen: 0,
            settleDate: '2026-08-05',
          },
          3,
          '2026-08-04 09:30:00',
        ),
      ],
      bank: [],
      plans: [proportional],
    });
    // The refund returns sale S777, which is not in the files (S1 is not it): priced from its own line, 500.00 at
    // 0.60% = 3.00 due back, nothing returned.
    const [mismatch, ...more] = only(report, 'refund_fee_mismatch');
    expect(more).toEqual([]);
    expect(mismatch).toMatchObject({ expectedFeeFen: -300, chargedFeeFen: 0, lossFen: 300 });
    expect(mismatch?.source.map((s) => s.row)).toEqual([3]);
    expect(mismatch?.message).toContain('原交易未找到（所给文件中没有）');
  });

  it('reduces an overcharge by what a partial refund gave back of it', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [
        settled({ refNo: 'R1', amountFen: 100000, feeFen: 700 }, 2),
        refund(3, -50000, -400, '2026-08-05 10:00:00'),
      ],
      bank: [],
      plans: [proportional],
    });
    // 7.00 charged, 6.00 allowed: 1.00 over. Half refunded: 3.00 due back, 4.00 returned — 1.00 more, which gives
    // back the overcharge in full.
    expect(report.findings).toEqual([]);
  });

  it('finds nothing when the plan returns no fee and none is returned', () => {
    const report = audit({ settlement: [sale, refund(3, -30000, 0, '2026-08-05 10:00:00')] });
    expect(report.findings).toEqual([]);
  });
});

describe('suspected_duplicate_charge', () => {
  const swipe = (row: number, time: string, cardNo?: string) =>
    rec(
      'terminal',
      { refNo: `R${row}`, terminalId: 'T1', amountFen: 10000, time, ...(cardNo ? { cardNo } : {}) },
      row,
    );

  it('reports each sale within the window of the previous one, chains included', () => {
    const card = '622848******1234';
    const report = audit({
      terminal: [
        swipe(2, '2026-08-03 10:00:00', card),
        swipe(3, '2026-08-03 10:00:30', card),
        swipe(4, '2026-08-03 10:01:20', card),
        swipe(5, '2026-08-03 10:05:00', card),
      ],
      options: { today: '2026-08-03' },
    });
    expect(only(report, 'suspected_duplicate_charge').map((f) => f.refNo)).toEqual(['R3', 'R4']);
    expect(only(report, 'suspected_duplicate_charge')[0]).toMatchObject({ lossFen: 0, overchargeFen: 0 });
  });

  // A few sales in the window are looked back through; a crowd of them goes through a keyed index. Both must
  // find the same repeat among other payers' sales, and not pair sales of another terminal or amount.
  it.each([10, 100])('finds a repeat among %i other sales in the same minute', (others) => {
    const card = '622848******1234';
    const at = (second: number) => `2026-08-03 10:00:${String(second).padStart(2, '0')}`;
    const crowd = Array.from({ length: others }, (_, k) =>
      rec(
        'terminal',
        {
          refNo: `C${k}`,
          terminalId: 'T1',
          amountFen: 10000,
          time: at(10 + Math.floor((k * 40) / others)),
          cardNo: `622848******${String(k).padStart(4, '0')}`,
        },
        100 + k,
      ),
    );
    const report = audit({
      terminal: [
        swipe(2, at(5), card),
        ...crowd,
        rec('terminal', { refNo: 'R8', terminalId: 'T2', amountFen: 10000, time: at(52), cardNo: card }, 8),
        rec('terminal', { refNo: 'R9', terminalId: 'T1', amountFen: 10001, time: at(53), cardNo: card }, 9),
        swipe(3, at(55), card),
      ],
      options: { today: '2026-08-03' },
    });
    const found = only(report, 'suspected_duplicate_charge');
    expect(found.map((f) => f.refNo)).toEqual(['R3']);
    expect(found[0]?.source).toEqual([
      { file: 'terminal.csv', row: 2 },
      { file: 'terminal.csv', row: 3 },
    ]);
  });

  it('does not check sales without a payer', () => {
    const report = audit({
      terminal: [swipe(2, '2026-08-03 10:00:00'), swipe(3, '2026-08-03 10:00:10')],
      options: { today: '2026-08-03' },
    });
    expect(report.findings).toEqual([]);
  });

  it('checks the statement when there is no journal', () => {
    const report = audit({
      settlement: [
        settled({ refNo: 'R1', payerId: 'oUser1', amountFen: 10000, feeFen: 60 }, 2, '2026-08-03 10:00:00'),
        settled({ refNo: 'R2', payerId: 'oUser1', amountFen: 10000, feeFen: 60 }, 3, '2026-08-03 10:00:05'),
      ],
    });
    expect(kinds(report)).toEqual(['suspected_duplicate_charge']);
  });
});

describe('unplanned_deduction', () => {
  const sim = rec(
    'settlement',
    {
      type: 'deduction',
      label: '流量费',
      amountFen: -9900,
      settleDate: '2026-08-04',
      time: '2026-08-04 02:00:00',
    },
    9,
  );

  it('reports a deduction line the plan does not agree to, losing all of it', () => {
    const report = audit({ settlement: [sim] });
    expect(kinds(report)).toEqual(['unplanned_deduction']);
    expect(report.findings[0]).toMatchObject({ lossFen: 9900, overchargeFen: 0, settleDate: '2026-08-04' });
  });

  it('names no plan when none was given: nothing shows the charge was agreed', () => {
    const withPlan = audit({ settlement: [sim] });
    expect(withPlan.findings[0]?.message).toContain('费率方案未约定 ¥99.00');
    const withoutPlan = audit({ settlement: [sim], plans: [] });
    expect(withoutPlan.findings.map((f) => [f.kind, f.lossFen, f.basis])).toEqual([
      ['unplanned_deduction', 9900, 'inferred'],
    ]);
    expect(withoutPlan.findings[0]?.message).toContain(
      '¥99.00 未见约定（没有费率方案，无从证明商户同意过此项收费）',
    );
    expect(withoutPlan.findings[0]?.message).not.toContain('费率方案未约定');
    expect(withoutPlan.findings[0]?.messageEn).toContain(
      '¥99.00 with nothing to show it was agreed (no plan was given)',
    );
  });

  it('masks a card number the deduction label quotes', () => {
    const pan = '621700123456789011'; // passes the Luhn check
    const report = audit({ settlement: [{ ...sim, label: `服务费 卡${pan}` }] });
    expect(JSON.stringify(report)).not.toContain(pan);
    expect(report.findings[0]?.message).toContain('服务费 卡621700********9011');
  });

  it('accepts a deduction covered by the plan charges and reports only what exceeds them', () => {
    const withSim = plan([rule({ ratePpm: 6000 })], {
      charges: [
        {
          name: '流量费',
          aliases: ['SIM卡服务费'],
          amountFen: 9900,
          every: 'year',
          perTerminal: false,
          line: 20,
        },
      ],
    });
    const covered = auditRecords({ terminal: [], settlement: [sim], bank: [], plans: [withSim] });
    expect(covered.findings).toEqual([]);
    const bigger = { ...sim, amountFen: -12000, source: { file: 'statement.csv', row: 10 } };
    const partly = auditRecords({ terminal: [], settlement: [bigger], bank: [], plans: [withSim] });
    // 120.00 taken, 99.00 agreed per year: 21.00 unplanned.
    expect(partly.findings[0]).toMatchObject({ kind: 'unplanned_deduction', lossFen: 2100 });
    expect(partly.findings[0]?.message).toContain('约定的“流量费”每年最多 ¥99.00，超出 ¥21.00');
    expect(partly.findings[0]?.messageEn).toContain('is at most ¥99.00 a year; ¥21.00 over that');
  });

  it('reports a sale settled below amount − fee', () => {
    const report = audit({
      settlement: [settled({ refNo: 'R1', amountFen: 10000, feeFen: 60, settledFen: 9000 }, 2)],
    });
    // 100.00 − 0.60 = 99.40 due, 90.00 paid: 9.40 netted out.
    expect(kinds(report)).toEqual(['unplanned_deduction']);
    expect(report.findings[0]).toMatchObject({ lossFen: 940 });
  });
});

describe('late_settlement', () => {
  it('reports a sale settled after T1 in Chinese working days', () => {
    const report = audit({
      settlement: [settled({ refNo: 'R1', amountFen: 10000, feeFen: 60, settleDate: '2026-08-06' }, 2)],
    });
    expect(kinds(report)).toEqual(['late_settlement']);
    expect(report.findings[0]?.message).toContain('最迟应于 2026-08-04 结算，实际 2026-08-06 结算，晚 2 天');
  });

  it('does not count the National Day holiday against the provider', () => {
    // 2026-09-30 + T1: 10-01…10-07 are holidays, 10-08 is the next working day.
    const report = audit({
      settlement: [
        settled(
          { refNo: 'R1', amountFen: 10000, feeFen: 60, settleDate: '2026-10-08' },
          2,
          '2026-09-30 15:00:00',
        ),
      ],
    });
    expect(report.findings).toEqual([]);
  });
});

describe('payout_mismatch', () => {
  // Settlement day 2026-08-04: 994.00 + 497.00 = 1,491.00 net.
  const statement = [
    settled({ refNo: 'R1', amountFen: 100000, feeFen: 600 }, 2),
    settled({ refNo: 'R2', amountFen: 50000, feeFen: 300 }, 3),
  ];
  const credit = (amountFen: number, time: string, counterparty = '乐刷科技有限公司', row = 2) =>
    rec('bank', { type: 'payout', amountFen, counterparty, time }, row, 'bank.csv');

  it('finds nothing when the provider credits the net payout within two working days', () => {
    const report = audit({
      settlement: statement,
      bank: [credit(149100, '2026-08-05 09:00:00'), credit(100, '2026-08-10 09:00:00', '张三', 3)],
    });
    expect(report.findings).toEqual([]);
    // It names the credit it ignored, so a payout the names missed can be told from a private transfer.
    expect(report.warnings).toContainEqual(
      expect.stringContaining(
        '1 笔银行入账的对方户名和摘要都没有提到收单机构，已忽略（2026-08-10 ¥1.00 张三）',
      ),
    );
    expect(report.warnings.some((w) => w.includes('1 bank credits name no provider'))).toBe(true);
  });

  it('skips the payout check, and says so, when no bank credit names the provider', () => {
    const report = audit({
      settlement: statement,
      bank: [credit(149100, '2026-08-05 09:00:00', '某某科技有限公司')],
    });
    expect(only(report, 'payout_mismatch')).toEqual([]);
    expect(report.summary.skippedChecks).toContain('payout_mismatch');
    expect(report.warnings.some((w) => w.includes('so payouts were not checked'))).toBe(true);
  });

  it('counts a credit whose memo calls it 清算款 from a provider it does not know by name', () => {
    const report = audit({
      settlement: statement,
      bank: [credit(149000, '2026-08-05 09:00:00', '某某支付有限公司 POS清算款')],
    });
    // Net 149100 due, 149000 credited: 100 short.
    expect(only(report, 'payout_mismatch')[0]).toMatchObject({ lossFen: 100 });
  });

  it('reports a short credit, losing the difference', () => {
    const report = audit({ settlement: statement, bank: [credit(149000, '2026-08-05 09:00:00')] });
    expect(kinds(report)).toEqual(['payout_mismatch']);
    expect(report.findings[0]).toMatchObject({ settleDate: '2026-08-04', amountFen: 149100, lossFen: 100 });
  });

  it('reports a missing credit when the bank file covers the window, losing the whole payout', () => {
    const report = audit({
      settlement: statement,
      bank: [credit(5000, '2026-08-03 09:00:00', '乐刷', 2), credit(7000, '2026-08-10 09:00:00', '乐刷', 3)],
    });
    const mismatch = only(report, 'payout_mismatch').filter((f) => f.settleDate === '2026-08-04');
    // The 70.00 of 08-10 is outside 08-04 + 2 working days (08-06), so nothing arrived.
    expect(mismatch[0]).toMatchObject({ lossFen: 149100 });
  });

  it("lets no merchant's short day take the credit that pays another merchant's day to the fen", () => {
    // An agent's bank file names no merchant. M1's day nets 994.00 + 497.00 = 1,491.00 and 1,490.00 arrived;
    // M2's day nets 1,000.00 − 6.00 = 994.00 and 994.00 arrived, earlier the same morning. M1 comes first: its
    // short day must not take M2's exact 994.00.
    const m1 = plan([rule({ ratePpm: 6000 })], { merchantId: 'M1' });
    const m2 = plan([rule({ ratePpm: 6000 })], { merchantId: 'M2' });
    const report = auditRecords({
      terminal: [],
      settlement: [
        ...statement.map((r) => ({ ...r, merchantId: 'M1' })),
        settled({ merchantId: 'M2', refNo: 'R9', amountFen: 100000, feeFen: 600 }, 4),
      ],
      bank: [
        credit(99400, '2026-08-05 08:00:00', '乐刷', 2),
        credit(149000, '2026-08-05 09:00:00', '乐刷', 3),
      ],
      plans: [m1, m2],
    });
    expect(kinds(report)).toEqual(['payout_mismatch']);
    expect(report.findings[0]).toMatchObject({ merchantId: 'M1', amountFen: 149100, lossFen: 100 });
    expect(report.findings[0]?.source.at(-1)).toEqual({ file: 'bank.csv', row: 3 });
    expect(report.merchants.map((m) => [m.merchantId, m.summary.lossFen])).toEqual([
      ['M1', 100],
      ['M2', 0],
    ]);
  });
});

describe('payout_mismatch from the statement’s own payout lines (no bank file)', () => {
  // Settlement day 2026-08-04: 994.00 + 497.00 = 1,491.00 net; the statement lists what it paid that day.
  const trades = [
    settled({ refNo: 'R1', amountFen: 100000, feeFen: 600 }, 2),
    settled({ refNo: 'R2', amountFen: 50000, feeFen: 300 }, 3),
  ];
  const paid = (amountFen: number, settleDate: string, row: number) =>
    rec(
      'settlement',
      { type: 'payout', amountFen, settledFen: amountFen, settleDate, time: `${settleDate} 09:00:00` },
      row,
      'statement.csv',
    );

  it('reports a day whose 划款 line pays less than its net, losing the difference', () => {
    const report = audit({ settlement: [...trades, paid(148100, '2026-08-04', 4)] });
    // 149100 net − 148100 paid = 1000 fen short.
    expect(kinds(report)).toEqual(['payout_mismatch']);
    expect(report.findings[0]).toMatchObject({ settleDate: '2026-08-04', amountFen: 149100, lossFen: 1000 });
    expect(report.findings[0]?.message).toContain('对账单中的划款只有 ¥1,481.00，少付 ¥10.00');
    expect(report.findings[0]?.source).toEqual([
      { file: 'statement.csv', row: 2 },
      { file: 'statement.csv', row: 3 },
      { file: 'statement.csv', row: 4 },
    ]);
    expect(report.summary.lossFen).toBe(1000);
    expect(report.summary.skippedChecks).not.toContain('payout_mismatch');
  });

  it('adds up a day paid in two parts, and finds nothing when they make the net', () => {
    const report = audit({
      settlement: [...trades, paid(100000, '2026-08-04', 4), paid(49100, '2026-08-04', 5)],
    });
    expect(report.findings).toEqual([]);
    expect(report.summary.skippedChecks).not.toContain('payout_mismatch');
  });

  it('does not call a day short when its net was paid with a later day’s payout', () => {
    const later = settled({ refNo: 'R3', amountFen: 20000, feeFen: 120 }, 4, '2026-08-04 10:00:00');
    const report = audit({
      settlement: [...trades, { ...later, settleDate: '2026-08-05' }, paid(168980, '2026-08-05', 5)],
    });
    // 08-04 has no payout line (paid with 08-05's 1,491.00 + 198.80): nothing to hold against it.
    expect(report.findings).toEqual([]);
  });

  it('leaves the comparison to the bank check when bank files are given, so a shortfall counts once', () => {
    const credit = rec(
      'bank',
      { type: 'payout', amountFen: 148100, counterparty: '乐刷科技有限公司', time: '2026-08-05 09:00:00' },
      2,
      'bank.csv',
    );
    const report = audit({ settlement: [...trades, paid(148100, '2026-08-04', 4)], bank: [credit] });
    expect(only(report, 'payout_mismatch')).toHaveLength(1);
    expect(report.summary.lossFen).toBe(1000);
  });

  it('still lists the payout check as skipped when the statement has no payout lines', () => {
    const report = audit({ settlement: trades });
    expect(report.summary.skippedChecks).toContain('payout_mismatch');
  });
});

describe('no_rule', () => {
  it('reports a transaction no rule prices', () => {
    const creditOnly = plan([rule({ ratePpm: 6000, cards: ['credit'] })]);
    const report = auditRecords({
      terminal: [],
      settlement: [
        settled({ refNo: 'R1', card: 'debit', amountFen: 10000, feeFen: 55 }, 2),
        settled({ refNo: 'R2', amountFen: 10000, feeFen: 60 }, 3),
      ],
      bank: [],
      plans: [creditOnly],
    });
    expect(kinds(report)).toEqual(['no_rule']);
    expect(report.findings[0]).toMatchObject({ refNo: 'R1', lossFen: 0, overchargeFen: 0 });
  });
});

describe('per merchant', () => {
  it('audits two merchants against their own plans and sums the total', () => {
    const m1 = plan([rule({ ratePpm: 6000 })], { merchantId: 'M1' });
    const m2 = plan([rule({ ratePpm: 3800 })], { merchantId: 'M2' });
    const report = auditRecords({
      terminal: [],
      settlement: [
        settled({ merchantId: 'M1', refNo: 'R1', amountFen: 100000, feeFen: 600 }, 2),
        settled({ merchantId: 'M2', refNo: 'R2', amountFen: 100000, feeFen: 600 }, 3),
      ],
      bank: [],
      plans: [m1, m2],
    });
    // M2: 1,000.00 × 0.38% = 3.80 expected, 6.00 charged, 2.20 over.
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ merchantId: 'M2', overchargeFen: 220 });
    expect(
      report.merchants.map((m) => [m.merchantId, m.summary.overchargeFen, m.summary.settlementRecords]),
    ).toEqual([
      ['M1', 0, 1],
      ['M2', 220, 1],
    ]);
    expect(report.summary.overchargeFen).toBe(220);
    expect(report.summary.settlementRecords).toBe(2);
  });

  it('uses the only plan for a statement without 商户号, whatever merchant the plan names', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [settled({ refNo: 'R1', amountFen: 100000, feeFen: 680 }, 2)],
      bank: [],
      plans: [plan([rule({ ratePpm: 6000 })], { merchantId: '822000000000001' })],
    });
    // 1,000.00 × 0.60% = 6.00 expected, 6.80 charged.
    expect(report.findings).toMatchObject([{ kind: 'fee_overcharge', overchargeFen: 80, basis: 'plan' }]);
  });

  it('warns, naming both ids, when a merchant matches no plan', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [settled({ merchantId: 'M9', refNo: 'R1', amountFen: 100000, feeFen: 680 }, 2)],
      bank: [],
      plans: [plan([rule({ ratePpm: 6000 })], { merchantId: 'M1' })],
    });
    expect(report.summary.skippedChecks).toContain('no_rule');
    const warning = report.warnings.find((w) => w.includes('match no plan'));
    expect(warning).toContain('M9');
    expect(warning).toContain('M1');
  });

  it('keeps only the merchants asked for', () => {
    const report = audit({
      settlement: [
        settled({ merchantId: 'M1', refNo: 'R1', amountFen: 100000, feeFen: 900 }, 2),
        settled({ merchantId: 'M2', refNo: 'R2', amountFen: 100000, feeFen: 900 }, 3),
      ],
      options: { merchants: ['M2'] },
    });
    expect(report.merchants.map((m) => m.merchantId)).toEqual(['M2']);
    expect(report.findings.map((f) => f.merchantId)).toEqual(['M2']);
  });
});

describe('report shape', () => {
  it('masks a card number quoted in a rejected row or a warning', () => {
    const pan = '6228480402564890018'; // passes the Luhn check
    const report = audit({
      rejected: [{ file: 'a.csv', row: 3, column: '交易金额', reason: `“${pan}”不是金额` }],
      warnings: [`卡类型列出现 ${pan}`],
    });
    expect(JSON.stringify(report)).not.toContain(pan);
    expect(report.rejected[0]?.reason).toBe('“622848*********0018”不是金额');
  });

  it('lists every finding kind in findingsByKind, zeros included', () => {
    const report = audit({ settlement: [settled({ refNo: 'R1', amountFen: 123456, feeFen: 840 }, 2)] });
    expect(Object.keys(report.summary.findingsByKind)).toHaveLength(13);
    expect(report.summary.findingsByKind.fee_overcharge).toBe(1);
    expect(report.summary.findingsByKind.no_rule).toBe(0);
    expect(report.schemaVersion).toBe(1);
  });

  it('gives the effective rate per day, channel and card', () => {
    const report = audit({
      settlement: [
        settled({ refNo: 'R1', amountFen: 100000, feeFen: 600 }, 2),
        settled({ refNo: 'R2', amountFen: 50000, feeFen: 300 }, 3),
      ],
    });
    expect(report.effectiveRates).toEqual([
      { date: '2026-08-03', channel: 'card', card: 'credit', amountFen: 150000, feeFen: 900 },
    ]);
  });
});

describe('scope and coverage gaps', () => {
  it('audits only the local dates asked for', () => {
    const report = audit({
      settlement: [
        settled({ refNo: 'R1', amountFen: 100000, feeFen: 900 }, 2, '2026-08-03 10:00:00'),
        settled({ refNo: 'R2', amountFen: 100000, feeFen: 900 }, 3, '2026-08-04 10:00:00'),
      ],
      options: { from: '2026-08-04', to: '2026-08-04' },
    });
    expect(report.findings.map((f) => f.refNo)).toEqual(['R2']);
    expect(report.summary.settlementRecords).toBe(1);
  });

  it('keeps a transaction whole when --to falls between its journal record and its statement line', () => {
    // Journal: sale R2 at 23:59:58 on 08-03. The statement stamps it 00:00:03 on 08-04 (the host's clock).
    // Journal: sale R3 at 23:59:00 reversed at 00:00:30 on 08-04; the statement has neither.
    const journal = [
      rec('terminal', { refNo: 'R1', amountFen: 10000, time: '2026-08-03 10:00:00' }, 2),
      rec('terminal', { refNo: 'R2', amountFen: 20000, time: '2026-08-03 23:59:58' }, 3),
      rec('terminal', { refNo: 'R3', amountFen: 30000, time: '2026-08-03 23:59:00' }, 4),
      rec(
        'terminal',
        { refNo: 'R4', originalRefNo: 'R3', type: 'reversal', amountFen: 30000, time: '2026-08-04 00:00:30' },
        5,
      ),
    ];
    const statement = [
      settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 2),
      settled({ refNo: 'R2', amountFen: 20000, feeFen: 120 }, 3, '2026-08-04 00:00:03'),
      settled(
        { refNo: 'R5', amountFen: 5000, feeFen: 30, settleDate: '2026-08-05' },
        4,
        '2026-08-04 09:00:00',
      ),
    ];
    const whole = audit({ terminal: journal, settlement: statement });
    expect(whole.findings).toEqual([]);
    const cut = audit({ terminal: journal, settlement: statement, options: { to: '2026-08-03' } });
    expect(cut.findings).toEqual([]);
    expect(cut.summary.terminalRecords).toBe(3);
    expect(cut.summary.settlementRecords).toBe(1);
    // R2's statement line is 08-04's: the pair counts only where both its lines count, so no more pairs than lines.
    expect(cut.summary.matched).toBe(1);
  });

  it('checks a payout day whole when --from cuts through the trade days it settles', () => {
    // Settlement day 08-05: a refund of a 08-03 sale (−50.00, fee back 0) and a 08-04 sale of 200.00 (fee 1.20):
    // net −50.00 + 198.80 = 148.80, credited in full on 08-05.
    const statement = [
      settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 2),
      settled(
        {
          refNo: 'R2',
          originalRefNo: 'R1',
          type: 'refund',
          amountFen: -5000,
          feeFen: 0,
          settleDate: '2026-08-05',
        },
        3,
        '2026-08-03 15:00:00',
      ),
      settled(
        { refNo: 'R3', amountFen: 20000, feeFen: 120, settleDate: '2026-08-05' },
        4,
        '2026-08-04 10:00:00',
      ),
    ];
    const bank = [
      rec(
        'bank',
        { type: 'payout', amountFen: 9940, counterparty: '乐刷科技', time: '2026-08-04 09:00:00' },
        2,
      ),
      rec(
        'bank',
        { type: 'payout', amountFen: 14880, counterparty: '乐刷科技', time: '2026-08-05 09:00:00' },
        3,
      ),
    ];
    const report = audit({ settlement: statement, bank, options: { from: '2026-08-04' } });
    expect(only(report, 'payout_mismatch')).toEqual([]);
    expect(report.summary.settlementRecords).toBe(1);
  });

  it('warns when --merchant names a merchant the files do not have', () => {
    const report = audit({
      settlement: [settled({ merchantId: 'M1', refNo: 'R1', amountFen: 10000, feeFen: 60 }, 2)],
      options: { merchants: ['M1', 'M404'] },
    });
    expect(report.warnings.some((w) => w.includes('--merchant M404: not in the files given'))).toBe(true);
  });

  it("does not take one merchant's statement as covering another merchant's sales", () => {
    const m2Sale = rec(
      'terminal',
      { merchantId: 'M2', refNo: 'R9', amountFen: 10000, time: '2026-08-03 11:00:00' },
      2,
    );
    const m1Line = settled(
      { merchantId: 'M1', refNo: 'R1', amountFen: 10000, feeFen: 60 },
      2,
      undefined,
      'm1.csv',
    );
    const apart = audit({ terminal: [m2Sale], settlement: [m1Line] });
    expect(only(apart, 'missing_settlement')).toEqual([]);
    expect(apart.warnings.some((w) => w.includes('due on days no statement covers'))).toBe(true);
    // An agent's file naming both merchants covers both: M2's sale is missing from it.
    const m2Other = settled(
      { merchantId: 'M2', refNo: 'R8', amountFen: 500, feeFen: 3 },
      3,
      undefined,
      'm1.csv',
    );
    const agent = audit({ terminal: [m2Sale], settlement: [m1Line, m2Other] });
    expect(only(agent, 'missing_settlement').map((f) => f.refNo)).toEqual(['R9']);
  });

  it('does not call a sale missing when it is due before the statements start, and warns', () => {
    const report = audit({
      terminal: [rec('terminal', { refNo: 'R0', amountFen: 10000, time: '2026-07-30 10:00:00' }, 2)],
      settlement: [settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 2)],
    });
    expect(only(report, 'missing_settlement')).toEqual([]);
    expect(report.summary.pending).toBe(0);
    expect(
      report.warnings.some((w) => w.includes('1 journal sales are due on days no statement covers')),
    ).toBe(true);
  });

  it('lists the plan checks as skipped for a merchant without a plan', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [settled({ refNo: 'R1', amountFen: 10000, feeFen: 60 }, 2)],
      bank: [],
      plans: [],
    });
    expect(report.summary.skippedChecks).toEqual(
      expect.arrayContaining(['late_settlement', 'refund_fee_mismatch', 'no_rule']),
    );
  });

  it('labels the amount band of a general rule that follows a bounded one for the same channel', () => {
    const nfcPlan = plan([
      rule({ ratePpm: 3800, channels: ['nfc'], maxAmountFen: 100000 }, 0),
      rule({ ratePpm: 6000 }, 1),
    ]);
    const nfc = (row: number, date: string, amountFen: number, feeFen: number) =>
      settled({ refNo: `R${row}`, channel: 'nfc', amountFen, feeFen }, row, `${date} 10:00:00`);
    // Above 1,000.00 NFC is priced 0.60%; from 08-10 it is charged 0.68%.
    const report = auditRecords({
      terminal: [],
      settlement: [
        nfc(2, '2026-08-03', 200000, 1200),
        nfc(3, '2026-08-04', 150000, 900),
        nfc(4, '2026-08-05', 300000, 1800),
        nfc(5, '2026-08-10', 200000, 1360),
        nfc(6, '2026-08-11', 150000, 1020),
        nfc(7, '2026-08-12', 300000, 2040),
      ],
      bank: [],
      plans: [nfcPlan],
    });
    expect(report.rateChanges.map((c) => [c.channel, c.band, c.date, c.beforeRate, c.afterRate])).toEqual([
      ['nfc', '>1000', '2026-08-10', '0.60%', '0.68%'],
    ]);
  });

  it('sees a rate change when a later period adds an amount band the earlier one did not have', () => {
    // Until 08-09 银联二维码 credit is 0.60% at any amount; from 08-10 ≤1000 is 0.38%, the rest 0.60%. The provider
    // charges 0.60% throughout the first period, then 0.68% on everything.
    const banded = plan([], {}, [
      { from: '2026-01-01', rates: [rule({ ratePpm: 6000 })], line: 8, index: 0 },
      {
        from: '2026-08-10',
        rates: [
          rule({ ratePpm: 3800, channels: ['unionpay-qr'], maxAmountFen: 100000 }, 0),
          rule({ ratePpm: 6000 }, 1),
        ],
        line: 12,
        index: 1,
      },
    ]);
    const qr = (row: number, date: string, amountFen: number, feeFen: number) =>
      settled({ refNo: `Q${row}`, channel: 'unionpay-qr', amountFen, feeFen }, row, `${date} 10:00:00`);
    const report = auditRecords({
      terminal: [],
      settlement: [
        qr(2, '2026-08-03', 50000, 300),
        qr(3, '2026-08-04', 80000, 480),
        qr(4, '2026-08-05', 20000, 120),
        qr(5, '2026-08-10', 50000, 340),
        qr(6, '2026-08-11', 80000, 544),
        qr(7, '2026-08-12', 20000, 136),
      ],
      bank: [],
      plans: [banded],
    });
    expect(report.rateChanges.map((c) => [c.channel, c.band, c.date, c.beforeRate, c.afterRate])).toEqual([
      ['unionpay-qr', '≤1000', '2026-08-10', '0.60%', '0.68%'],
    ]);
    // 500.00, 800.00, 200.00 at 0.38% = 1.90, 3.04, 0.76 allowed; 3.40, 5.44, 1.36 charged: 1.50 + 2.40 + 0.60.
    expect(report.summary.overchargeFen).toBe(450);
  });
});
