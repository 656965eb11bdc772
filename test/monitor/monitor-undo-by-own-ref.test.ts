import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';

/**
 * A void or refund that names no original but repeats its sale's 参考号, then cancelled in turn (撤销冲正,
 * 退货撤销) by a sale-typed line that also names nothing and gives the same 参考号 again: the audit links the
 * undoing line to the cancellation by that 参考号 and amount (linkUndoings in src/audit/match-records.ts), and so
 * must the per-record checks as lines arrive — it is no new sale to price or to pair as a duplicate.
 */
const openApp = dialectAppPerTest();

/** UnionPay QR by amount band: ≤ ¥1,000 at 0.38 %, above at 0.60 %. */
const PLAN = `merchant: 测试小店
rounding: half-up
tolerance: 0.01
settlement: T1
periods:
  - from: 2026-09-01
    rates:
      - { channel: unionpay-qr, maxAmount: 1000, rate: 0.38% }
      - { channel: unionpay-qr, rate: 0.60% }
      - { channel: card, card: credit, rate: 0.60% }
`;

function qrLine(type: string, hhmm: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    status: 'success',
    time: `2026-10-08T${hhmm}:00+08:00`,
    terminalId: 'T001',
    channel: 'unionpay-qr',
    card: 'credit',
    settleDate: '2026-10-09',
    ...fields,
  };
}

/** ¥1,500.00 at 0.60 % = 900 fen: right. */
const SALE = qrLine('sale', '10:00', { refNo: 'Q1', amountFen: 150_000, feeFen: 900, settledFen: 149_100 });
/** ¥500.00 refunded with the sale's own 参考号 and no 原参考号; 900 × 500 / 1500 = 300 fen of fee given back. */
const REFUND = qrLine('refund', '11:00', {
  refNo: 'Q1',
  amountFen: -50_000,
  feeFen: -300,
  settledFen: -49_700,
});
/**
 * The refund cancelled (退货撤销), again under 参考号 Q1 and naming nothing: it takes the ¥500.00 and 300 fen back.
 * Priced as a ¥500.00 sale it would be 0.38 % = 190 fen, "charged" 300: a false 110 fen overcharge.
 */
const REFUND_CANCELLED = qrLine('sale', '11:05', {
  refNo: 'Q1',
  amountFen: 50_000,
  feeFen: 300,
  settledFen: 49_700,
});
/** A real overcharge in the same band: ¥800.00 at 0.38 % = 304 fen, charged 350: 46 fen over. */
const OVERCHARGED = qrLine('sale', '12:00', {
  refNo: 'Q4',
  amountFen: 80_000,
  feeFen: 350,
  settledFen: 79_650,
});

async function overcharges(t: DialectApp): Promise<[string, number | null, unknown][]> {
  return (await t.alerts('fee_overcharge')).map((a) => [
    a.dedup_key,
    a.amount_fen,
    (JSON.parse(a.details_json) as { lines?: number }).lines,
  ]);
}

async function auditOvercharges(t: DialectApp): Promise<number[]> {
  const res = await t.get('audit');
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json<{ findings: { kind: string; lossFen: number }[] }>()
    .findings.filter((f) => f.kind === 'fee_overcharge')
    .map((f) => f.lossFen);
}

function terminal(type: string, time: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    status: 'success',
    time: `${time}+08:00`,
    terminalId: 'T001',
    channel: 'card',
    card: 'credit',
    cardNo: '622588******1234',
    ...fields,
  };
}

async function pushTerminal(t: DialectApp, records: Record<string, unknown>[]): Promise<string[]> {
  const res = await t.post('transactions', records);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ alerts: { kind: string }[] }>().alerts.map((a) => a.kind);
}

describe.each(DIALECTS)('a line undoing a cancellation by its 参考号 alone is no sale, on %s', (dialect) => {
  it('settlement, one push: the 退货撤销 is not priced; the day total is the real overcharge only', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN);
    expect(await t.pushSettlements([SALE, REFUND, REFUND_CANCELLED, OVERCHARGED])).toEqual([
      'fee_overcharge',
    ]);
    // 46 fen, one line (with the false 110 fen it would be 156 fen over 2 lines).
    expect(await overcharges(t)).toEqual([['fee_overcharge|2026-10-08|unionpay-qr|credit|r0.0', 46, 1]]);
    expect(await auditOvercharges(t)).toEqual([46]);
  });

  it('settlement, the refund stored before: the 退货撤销 arriving later is linked to it', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN);
    expect(await t.pushSettlements([SALE, REFUND])).toEqual([]);
    expect(await t.pushSettlements([REFUND_CANCELLED])).toEqual([]);
    expect(await t.pushSettlements([OVERCHARGED])).toEqual(['fee_overcharge']);
    expect(await overcharges(t)).toEqual([['fee_overcharge|2026-10-08|unionpay-qr|credit|r0.0', 46, 1]]);
  });

  it('terminal: a void reversed under the sale’s 参考号 is no duplicate submission', async () => {
    const t = await openApp(dialect);
    expect(
      await pushTerminal(t, [
        terminal('sale', '2026-10-08T10:00:00', { refNo: 'D1', amountFen: 10_000 }),
        // 消费撤销 with the sale's 参考号 and no original keys; then 撤销冲正, the same 参考号, 40 s after the sale.
        terminal('void', '2026-10-08T10:00:20', { refNo: 'D1', amountFen: -10_000 }),
      ]),
    ).toEqual([]);
    expect(
      await pushTerminal(t, [terminal('sale', '2026-10-08T10:00:40', { refNo: 'D1', amountFen: 10_000 })]),
    ).toEqual([]);
    // Control: the same card's ¥100.00 sale with a new 参考号, 50 s after the first, is a duplicate — of the sale
    // only, the 撤销冲正 being no sale.
    expect(
      await pushTerminal(t, [terminal('sale', '2026-10-08T10:00:50', { refNo: 'D4', amountFen: 10_000 })]),
    ).toEqual(['duplicate_submission']);
    const [dup] = await t.alerts('duplicate_submission');
    const ids = await t.storage.db
      .selectFrom('records')
      .select(['id', 'ref_no', 'time'])
      .where('merchant_id', '=', t.merchantId)
      .orderBy('id')
      .execute();
    expect(JSON.parse(dup?.details_json ?? '{}')).toMatchObject({
      earlierRecordId: ids[0]?.id,
      recordId: ids[3]?.id,
    });
  });
});
