import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { auditRecords } from './audit.js';
import { compareTimeThenSource, findOriginals, type Prepared, prepare } from './match-records.js';
import type { AuditReport } from './report-types.js';
import { plan, rec, rule } from './test-records.js';

// A refund (or void) that names no original, or names one that is not in the files: linked to the one earlier
// sale that can be it (same merchant, terminal and payer where both show them, enough amount, within 180 days; a
// void the same day, the whole amount), and when none or several can, its refund fee priced from its own line
// where the plan allows, else a warning naming its file and row.

const M = '822100058120020';
const credit = plan([rule({ ratePpm: 6000 })], { refundFee: 'proportional' });

/** A statement line: merchant M, terminal 70010020, card 622588******4444 unless `fields` say otherwise. */
const line = (row: number, fields: Partial<PosRecord> & { time: string; amountFen: number }): PosRecord =>
  rec(
    'settlement',
    {
      merchantId: M,
      terminalId: '70010020',
      cardNo: '622588******4444',
      refNo: `6310020000${String(row).padStart(2, '0')}`,
      settleDate: fields.time.slice(0, 10),
      ...(fields.feeFen !== undefined ? { settledFen: fields.amountFen - fields.feeFen } : {}),
      ...fields,
    },
    row,
    's.csv',
  );
// 1,000.00 credit at 0.60 % = 6.00, as charged.
const sale = (row: number, time = '2026-11-06 15:00:00', fields: Partial<PosRecord> = {}) =>
  line(row, { amountFen: 100000, feeFen: 600, time, ...fields });
const refund = (
  row: number,
  amountFen: number,
  feeFen: number,
  time: string,
  fields: Partial<PosRecord> = {},
) => line(row, { type: 'refund', amountFen, feeFen, time, ...fields });

const audit = (settlement: PosRecord[], feePlan = credit, terminal: PosRecord[] = []): AuditReport =>
  auditRecords({ terminal, settlement, bank: [], plans: [feePlan], options: { today: '2026-12-31' } });
const refundFindings = (report: AuditReport) =>
  report.findings
    .filter((f) => f.kind === 'refund_fee_mismatch')
    .map((f) => [f.refNo, f.expectedFeeFen, f.chargedFeeFen, f.lossFen, f.source.map((s) => s.row)]);

describe('a refund that names no original sale', () => {
  it('is linked to the one earlier sale of its terminal and card: 2.40 due back, 1.00 returned, 1.40 lost', () => {
    // 6.00 × 400 ÷ 1000 = 2.40 due back (proportional); the refund returned 1.00: 240 − 100 = 140 fen short.
    const report = audit([sale(2), refund(3, -40000, -100, '2026-11-09 16:00:00')]);
    expect(refundFindings(report)).toEqual([['631002000003', -240, -100, 140, [2, 3]]]);
    expect(report.summary.lossFen).toBe(140);
    const finding = report.findings[0];
    expect(finding?.message).toContain('应退 ¥2.40，实退 ¥1.00，少退 ¥1.40');
    expect(finding?.message).toContain(
      '退货未标明原交易，按同商户、终端、付款卡号、金额与时间推定为 s.csv 第 2 行',
    );
    expect(finding?.messageEn).toContain(
      'taken to be s.csv row 2 by merchant, terminal, card, amount and time',
    );
  });

  it('loses the whole 2.40 when no fee was returned', () => {
    // 240 due − 0 returned = 240 fen.
    const report = audit([sale(2), refund(3, -40000, 0, '2026-11-09 16:00:00')]);
    expect(refundFindings(report)).toEqual([['631002000003', -240, 0, 240, [2, 3]]]);
    expect(report.summary.lossFen).toBe(240);
  });

  it('is linked the same when the statement shows no card (terminal only) or no terminal (card only)', () => {
    const noCard = { cardNo: undefined };
    const noTerminal = { terminalId: undefined };
    for (const fields of [noCard, noTerminal]) {
      const report = audit([
        sale(2, undefined, fields),
        refund(3, -40000, -100, '2026-11-09 16:00:00', fields),
      ]);
      expect(refundFindings(report)).toEqual([['631002000003', -240, -100, 140, [2, 3]]]);
    }
  });

  it('shares one sale among several refunds, the last due the remainder, and never refunds it past its amount', () => {
    // Sale 1,000.00, fee 6.00. Refund 400.00: 6.00 × 400 ÷ 1000 = 2.40 due, 1.00 returned: 1.40 short. Refund
    // 600.00 completes the sale: 6.00 − 2.40 = 3.60 due, 3.60 returned. A third refund of 100.00 finds the sale
    // wholly refunded, so it has no sale: priced from its own line, 100.00 × 0.60 % = 0.60 due, 0.60 returned.
    // Linked to the sale it would be due nothing and read as 0.60 returned too much.
    const report = audit([
      sale(2),
      refund(3, -40000, -100, '2026-11-09 16:00:00'),
      refund(4, -60000, -360, '2026-11-10 16:00:00'),
      refund(5, -10000, -60, '2026-11-11 16:00:00'),
    ]);
    expect(refundFindings(report)).toEqual([['631002000003', -240, -100, 140, [2, 3]]]);
    expect(report.summary.lossFen).toBe(140);
  });

  it('is not linked to a sale of another card, another terminal, or more than 180 days before', () => {
    // None can be its sale, so it is priced from its own line: 400.00 × 0.60 % = 2.40 due, 1.00 returned, 1.40.
    for (const other of [
      sale(2, undefined, { cardNo: '622588******5555' }),
      sale(2, undefined, { cardNo: '622589******4444' }),
      sale(2, undefined, { terminalId: '70010021' }),
      sale(2, '2026-05-12 15:00:00'),
    ]) {
      const report = audit([other, refund(3, -40000, -100, '2026-11-09 16:00:00')]);
      expect(refundFindings(report)).toEqual([['631002000003', -240, -100, 140, [3]]]);
      expect(report.findings[0]?.message).toContain('原交易未找到（所给文件中没有），按退货本身计');
    }
  });

  it('is linked to the sale 180 days before it, but not to a sale smaller than the refund', () => {
    // 2026-05-13 15:00 is 180 days before 2026-11-09 15:00 (18 + 30 + 31 + 31 + 30 + 31 + 9 days): in the window.
    const report = audit([sale(2, '2026-05-13 15:00:00'), refund(3, -40000, -100, '2026-11-09 15:00:00')]);
    expect(refundFindings(report)).toEqual([['631002000003', -240, -100, 140, [2, 3]]]);
    // A 300.00 sale (fee 1.80) cannot have 400.00 refunded: own line, 2.40 due, 1.00 returned, 1.40 short.
    const small = audit([
      line(2, { amountFen: 30000, feeFen: 180, time: '2026-11-06 15:00:00' }),
      refund(3, -40000, -100, '2026-11-09 16:00:00'),
    ]);
    expect(refundFindings(small)).toEqual([['631002000003', -240, -100, 140, [3]]]);
  });

  it('names the 原参考号 of a sale not here: another sale with a 参考号 is not it, one without may be', () => {
    const names = { originalRefNo: '631002999999' };
    const other = audit([sale(2), refund(3, -40000, -100, '2026-11-09 16:00:00', names)]);
    expect(refundFindings(other)).toEqual([['631002000003', -240, -100, 140, [3]]]);
    const unnamed = audit([
      sale(2, undefined, { refNo: undefined }),
      refund(3, -40000, -100, '2026-11-09 16:00:00', names),
    ]);
    expect(refundFindings(unnamed)).toEqual([['631002000003', -240, -100, 140, [2, 3]]]);
  });

  it('does not take the statement’s guess when its journal line names another sale', () => {
    // The journal's refund names 原参考号 631002999999; the statement's names nothing. The one sale here has
    // 参考号 631002000002, so it is not the refund's: priced from its own line, 2.40 due, 1.00 returned.
    const journal = [
      rec(
        'terminal',
        {
          merchantId: M,
          terminalId: '70010020',
          refNo: '631002000002',
          amountFen: 100000,
          time: '2026-11-06 15:00:00',
        },
        2,
        'j.csv',
      ),
      rec(
        'terminal',
        {
          merchantId: M,
          terminalId: '70010020',
          type: 'refund',
          refNo: '631002000003',
          originalRefNo: '631002999999',
          amountFen: -40000,
          time: '2026-11-09 16:00:00',
        },
        3,
        'j.csv',
      ),
    ];
    const report = audit([sale(2), refund(3, -40000, -100, '2026-11-09 16:00:00')], credit, journal);
    expect(refundFindings(report)).toEqual([['631002000003', -240, -100, 140, [3]]]);
  });
});

describe('a refund whose sale is not found', () => {
  it('is priced from its own line under proportional: 400.00 × 0.60 % = 2.40 due, 1.00 returned, 1.40 lost', () => {
    const report = audit([refund(3, -40000, -100, '2026-11-09 16:00:00')]);
    expect(refundFindings(report)).toEqual([['631002000003', -240, -100, 140, [3]]]);
    const finding = report.findings[0];
    expect(finding?.message).toContain(
      '退货：原交易未找到（所给文件中没有），按退货本身计：方案约定按比例退还手续费，退货金额 ¥400.00 × 0.60%（2026-11-09 适用的费率）= ¥2.40，应退 ¥2.40，实退 ¥1.00，少退 ¥1.40',
    );
    expect(finding?.messageEn).toContain("so it was priced from the refund's own line");
    expect(finding?.rule?.line).toBe(10);
    expect(report.warnings).toEqual([]);
  });

  it('with several sales that could be it: guesses none, lists them as ambiguous and prices its own line', () => {
    // Two 1,000.00 sales of the card on the terminal: either could be refunded. Own line: 2.40 due, 1.00 returned.
    const report = audit([
      sale(2, '2026-11-05 15:00:00'),
      sale(3, '2026-11-06 15:00:00'),
      refund(4, -40000, -100, '2026-11-09 16:00:00'),
    ]);
    expect(refundFindings(report)).toEqual([['631002000004', -240, -100, 140, [4]]]);
    expect(report.findings[0]?.message).toContain(
      '原交易未找到（所给文件中有几笔消费都可能是它，无法确定是哪一笔）',
    );
    expect(report.ambiguous).toHaveLength(1);
    expect(report.ambiguous[0]?.source.map((s) => s.row)).toEqual([4, 3, 2]);
    expect(report.ambiguous[0]?.reason).toContain('可能是其原交易的消费有 2 笔');
    expect(report.ambiguous[0]?.reasonEn).toContain('2 sales could be its original');
  });

  it('is warned about, naming its file and row, when the plan returns the whole fee', () => {
    const report = audit([refund(3, -40000, -100, '2026-11-09 16:00:00')], { ...credit, refundFee: 'full' });
    expect(refundFindings(report)).toEqual([]);
    expect(report.warnings).toEqual([
      `商户 ${M} 的对账单中有 1 笔退货找不到原交易（不在所给文件中，或有几笔消费都可能是它），方案约定全额退还手续费，应退的是原交易的全部手续费，未核对其退还的手续费：s.csv 第 3 行 / ` +
        `merchant ${M}: 1 refund line(s) whose sale was not found (not in the files given, or several sales could be it): under refundFee full what is due back is the sale’s whole fee, so the fee they returned was not checked: s.csv row 3`,
    ]);
  });

  it('is warned about when its rate has a cap: what is due back depends on the sale’s amount', () => {
    // A debit sale of 8,000.00 at 0.55 % capped at 20.00 pays 20.00; half of it refunded is due 10.00, not
    // 4,000.00 × 0.55 % = 22.00 capped 20.00. Without the sale it cannot be worked out.
    const capped = plan([rule({ ratePpm: 5500, capFen: 2000 })], { refundFee: 'proportional' });
    const report = audit([refund(3, -400000, -1000, '2026-11-09 16:00:00', { card: 'debit' })], capped);
    expect(refundFindings(report)).toEqual([]);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toContain('未核对其退还的手续费：s.csv 第 3 行');
    expect(report.warnings[0]).toContain('so the fee they returned was not checked: s.csv row 3');
  });

  it('is warned about when a larger sale would pay another band’s rate', () => {
    // ≤ 1,000.00 at 0.38 %, above at 0.60 %: a 400.00 refund's sale may be of either band.
    const banded = plan([rule({ ratePpm: 6000, minAmountFen: 100000 }, 0), rule({ ratePpm: 3800 }, 1)], {
      refundFee: 'proportional',
    });
    const report = audit([refund(3, -40000, -100, '2026-11-09 16:00:00')], banded);
    expect(refundFindings(report)).toEqual([]);
    expect(report.warnings[0]).toContain('s.csv 第 3 行');
  });

  it('under refundFee none: due nothing, so a fee returned is 1.00 over (no loss) and a fee charged is lost', () => {
    const none = { ...credit, refundFee: 'none' as const };
    expect(refundFindings(audit([refund(3, -40000, -100, '2026-11-09 16:00:00')], none))).toEqual([
      ['631002000003', 0, -100, 0, [3]],
    ]);
    // A fee of 2.40 charged on the refund: 240 fen taken.
    expect(refundFindings(audit([refund(3, -40000, 240, '2026-11-09 16:00:00')], none))).toEqual([
      ['631002000003', undefined, 240, 240, [3]],
    ]);
  });
});

describe('findOriginals', () => {
  const prepared = (records: PosRecord[]): Prepared[] => records.map(prepare).sort(compareTimeThenSource);
  const parents = (records: Prepared[]) => {
    const links = findOriginals(records);
    return {
      rows: records.map((p, i) => [
        p.record.source.row,
        records[links.parent[i] ?? -1]?.record.source.row,
        links.inferred[i],
      ]),
      ambiguous: links.ambiguous.map((a) => [
        records[a.cancel]?.record.source.row,
        a.sales.map((s) => records[s]?.record.source.row),
      ]),
    };
  };
  const voidOf = (row: number, time: string, fields: Partial<PosRecord> = {}) =>
    line(row, { type: 'void', amountFen: -100000, time, ...fields });

  it('links a void the same day to the sale of its whole amount, where terminal and card agree', () => {
    // The void shows a card, the sale none (so the terminal + card + amount key finds nothing): the card does not
    // rule the sale out, and the 原凭证号 it names is not here. Sale 4 is another card's; the void of the next
    // day, with no terminal, has no sale that day.
    const result = parents(
      prepared([
        sale(2, '2026-11-06 15:00:00', { cardNo: undefined }),
        voidOf(3, '2026-11-06 15:05:00', { originalVoucherNo: '000123' }),
        sale(4, '2026-11-06 16:00:00', { cardNo: '622588******5555' }),
        voidOf(5, '2026-11-07 09:00:00', { terminalId: undefined, cardNo: '622588******5555' }),
      ]),
    );
    expect(result.rows).toEqual([
      [2, undefined, 0],
      [3, 2, 1],
      [4, undefined, 0],
      [5, undefined, 0],
    ]);
    expect(result.ambiguous).toEqual([]);
  });

  it('leaves a void two same-day sales could be the original of to a person', () => {
    // The void shows neither terminal nor card: both 1,000.00 sales of its day could be the one voided.
    const result = parents(
      prepared([
        sale(2, '2026-11-06 15:00:00'),
        sale(3, '2026-11-06 15:01:00'),
        voidOf(4, '2026-11-06 15:05:00', { terminalId: undefined, cardNo: undefined }),
      ]),
    );
    expect(result.rows.map((r) => r[1])).toEqual([undefined, undefined, undefined]);
    expect(result.ambiguous).toEqual([[4, [3, 2]]]);
  });

  it('leaves 10,000 refunds larger than each of 100,000 sales unlinked, none of them ambiguous', () => {
    // Every sale is 10.00 on one terminal with no card, every refund 20,000.00: no sale has enough. (A search that
    // walked back through the 180-day window would take 10⁹ steps here; `npm run bench` shows the cost, not this.)
    const base = Date.UTC(2026, 5, 1) + 8 * 3_600_000;
    const at = (minute: number) => `${new Date(base + minute * 60_000).toISOString().slice(0, 19)}+08:00`;
    const records: Prepared[] = [];
    for (let k = 0; k < 100_000; k += 1)
      records.push(
        prepare({
          kind: 'settlement',
          type: 'sale',
          status: 'success',
          channel: 'card',
          card: 'credit',
          merchantId: M,
          terminalId: 'T1',
          refNo: `S${k}`,
          amountFen: 1000,
          time: at(k),
          source: { file: 's.csv', row: k + 2 },
        }),
      );
    for (let k = 0; k < 10_000; k += 1)
      records.push(
        prepare({
          kind: 'settlement',
          type: 'refund',
          status: 'success',
          channel: 'card',
          card: 'credit',
          merchantId: M,
          terminalId: 'T1',
          refNo: `R${k}`,
          amountFen: -2_000_000,
          time: at(100_000 + k),
          source: { file: 's.csv', row: 100_002 + k },
        }),
      );
    const links = findOriginals(records);
    expect(links.parent.every((p) => p === -1)).toBe(true);
    expect(links.ambiguous).toEqual([]);
  });
});
