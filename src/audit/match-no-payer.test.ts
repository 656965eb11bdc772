import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { type AuditInput, auditRecords } from './audit.js';
import { compareTimeThenSource, matchRecords, prepare } from './match-records.js';
import type { AuditReport } from './report-types.js';
import { plan, rec, rule } from './test-records.js';

// The last key, terminal + amount + payer within five minutes, found nothing when either side showed no payer:
// a generic statement layout has no 用户标识 column while the journal has one, and every WeChat sale without a
// 参考号 or order number became both a missing and an unexpected settlement.

// WeChat 0.38%, T1.
const contract = plan([rule({ ratePpm: 3800 })]);
const audit = (input: Partial<AuditInput>): AuditReport =>
  auditRecords({ terminal: [], settlement: [], bank: [], plans: [contract], ...input });

const wechat = { channel: 'wechat', card: 'unknown', terminalId: '10000001', batchNo: '000001' } as const;

const { batchNo: _batch, ...cashier } = wechat;

const journal = (time: string, amountFen: number, payerId: string | undefined, row: number): PosRecord =>
  rec('terminal', { ...wechat, amountFen, time, ...(payerId === undefined ? {} : { payerId }) }, row);

/** A statement line settled T1 on Tuesday 2026-11-03, fee at 0.38% half-up. */
const statement = (
  time: string,
  amountFen: number,
  feeFen: number,
  row: number,
  payerId?: string,
): PosRecord =>
  rec(
    'settlement',
    {
      ...wechat,
      amountFen,
      feeFen,
      settledFen: amountFen - feeFen,
      settleDate: '2026-11-03',
      time,
      ...(payerId === undefined ? {} : { payerId }),
    },
    row,
  );

const sorted = (records: PosRecord[]) => records.map(prepare).sort(compareTimeThenSource);

/** For each journal line in time order, the time of its statement line, or null. */
function pairs(terminal: PosRecord[], settlement: PosRecord[]): (string | null)[] {
  const T = sorted(terminal);
  const S = sorted(settlement);
  const m = matchRecords(T, S);
  return T.map((_, t) => {
    const s = m.settlementOf[t] ?? -1;
    return s < 0 ? null : (S[s]?.record.time ?? null);
  });
}

// QA's scenario: ¥50 at 10:00:00 and 10:03:00, ¥80 at 11:00:00 and 11:00:20 in the journal; the statement has
// both ¥50 sales and one ¥80 sale at 11:00:00. Fees: 5000 × 0.38% = 19 fen, 8000 × 0.38% = 30.4 → 30 fen.
const journalLines = (payers: (string | undefined)[]) => [
  journal('2026-11-02 10:00:00', 5000, payers[0], 2),
  journal('2026-11-02 10:03:00', 5000, payers[1], 3),
  journal('2026-11-02 11:00:00', 8000, payers[2], 4),
  journal('2026-11-02 11:00:20', 8000, payers[3], 5),
];
const statementLines = [
  statement('2026-11-02 10:00:00', 5000, 19, 2),
  statement('2026-11-02 10:03:00', 5000, 19, 3),
  statement('2026-11-02 11:00:00', 8000, 30, 4),
];

describe('matching the last key when a side shows no payer', () => {
  it('pairs journal lines with 用户标识 to a statement without a payer column, in time order', () => {
    expect(pairs(journalLines(['oPAYER1', 'oPAYER1', 'oPAYER2', 'oPAYER3']), statementLines)).toEqual([
      '2026-11-02T10:00:00+08:00',
      '2026-11-02T10:03:00+08:00',
      '2026-11-02T11:00:00+08:00',
      null,
    ]);
  });

  it('reports only the ¥80 sale never settled: 8000 − 30 = 7,970 fen', () => {
    for (const payers of [
      ['oPAYER1', 'oPAYER1', 'oPAYER2', 'oPAYER3'],
      [undefined, undefined, undefined, undefined],
    ]) {
      const report = audit({ terminal: journalLines(payers), settlement: statementLines });
      expect(report.findings.map((f) => [f.kind, f.time, f.lossFen])).toEqual([
        ['missing_settlement', '2026-11-02T11:00:20+08:00', 7970],
      ]);
      expect(report.summary).toMatchObject({ matched: 3, lossFen: 7970 });
      expect(report.ambiguous ?? []).toEqual([]);
    }
  });

  it('pairs a journal line without a payer to a statement line with one', () => {
    expect(
      pairs(
        [journal('2026-11-02 10:00:00', 5000, undefined, 2)],
        [statement('2026-11-02 10:01:00', 5000, 19, 2, 'oPAYER1')],
      ),
    ).toEqual(['2026-11-02T10:01:00+08:00']);
  });

  it('never pairs two lines whose payers differ, nor lines more than five minutes apart', () => {
    expect(
      pairs(
        [
          journal('2026-11-02 10:00:00', 5000, 'oPAYER1', 2),
          journal('2026-11-02 12:00:00', 5000, undefined, 3),
        ],
        [
          statement('2026-11-02 10:00:00', 5000, 19, 2, 'oPAYER2'),
          statement('2026-11-02 12:05:01', 5000, 19, 3),
        ],
      ),
    ).toEqual([null, null]);
    const report = audit({
      terminal: [journal('2026-11-02 10:00:00', 5000, 'oPAYER1', 2)],
      settlement: [statement('2026-11-02 10:00:00', 5000, 19, 2, 'oPAYER2')],
    });
    // 5000 − 19 = 4,981 fen not settled; the statement's line is someone else's sale.
    expect(report.findings.map((f) => [f.kind, f.lossFen])).toEqual([
      ['missing_settlement', 4981],
      ['unexpected_settlement', 0],
    ]);
  });

  it('gives a statement line without a payer to the journal line whose payer is not taken elsewhere', () => {
    // oPAYER2's own line pairs by payer first; the payerless statement line then takes oPAYER1's.
    expect(
      pairs(
        [
          journal('2026-11-02 10:00:00', 5000, 'oPAYER1', 2),
          journal('2026-11-02 10:00:10', 5000, 'oPAYER2', 3),
        ],
        [
          statement('2026-11-02 10:00:00', 5000, 19, 2, 'oPAYER2'),
          statement('2026-11-02 10:00:10', 5000, 19, 3),
        ],
      ),
    ).toEqual(['2026-11-02T10:00:10+08:00', '2026-11-02T10:00:00+08:00']);
  });

  it('does not pair lines on another terminal, of another amount, or carrying different 参考号', () => {
    expect(
      pairs(
        [
          { ...journal('2026-11-02 10:00:00', 5000, undefined, 2), terminalId: '10000002' },
          { ...journal('2026-11-02 10:01:00', 5000, undefined, 3), refNo: '410000000001' },
          journal('2026-11-02 10:02:00', 6000, undefined, 4),
        ],
        [{ ...statement('2026-11-02 10:01:00', 5000, 19, 2), refNo: '410000000002' }],
      ),
    ).toEqual([null, null, null]);
  });

  it('does not pair lines that show different 凭证号 or 批次号 on the terminal', () => {
    expect(
      pairs(
        [
          // A cashier's export: the POS 流水号 (凭证号), no batch.
          rec(
            'terminal',
            { ...cashier, amountFen: 5000, time: '2026-11-02 10:00:00', voucherNo: '000011' },
            2,
          ),
          { ...journal('2026-11-02 10:02:00', 5000, 'oPAYER1', 3), batchNo: '000002' },
        ],
        [
          { ...statement('2026-11-02 10:00:00', 5000, 19, 2), voucherNo: '000012' },
          { ...statement('2026-11-02 10:02:00', 5000, 19, 3), voucherNo: '000013' },
        ],
      ),
    ).toEqual([null, null]);
  });

  it('pairs two identical payerless sales with two statement lines, and a third stays missing', () => {
    expect(
      pairs(
        [
          journal('2026-11-02 10:00:00', 5000, undefined, 2),
          journal('2026-11-02 10:00:00', 5000, undefined, 3),
          journal('2026-11-02 10:00:00', 5000, undefined, 4),
        ],
        [statement('2026-11-02 10:00:00', 5000, 19, 2), statement('2026-11-02 10:00:00', 5000, 19, 3)],
      ),
    ).toEqual(['2026-11-02T10:00:00+08:00', '2026-11-02T10:00:00+08:00', null]);
  });
});
