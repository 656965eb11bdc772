import { describe, expect, it } from 'vitest';
import { runDailyChecks } from '../../src/monitor/daily-checks.js';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';

/**
 * A cancellation that is itself cancelled — a refund cancelled (退货撤销), a void reversed (撤销冲正) — arrives typed
 * as a sale, naming the refund or void it undoes by its original keys. The monitor takes it as the audit does
 * (src/audit/match-records.ts, undoesACancellation / linkUndoings): no new sale — not priced, not a large,
 * duplicate or off-hours sale, not a sale waiting for its statement — and a void it undoes cancels nothing.
 */
const openApp = dialectAppPerTest();

/** The merchant number dialectApp registers. */
const MERCHANT = '898440153991234';

/**
 * UnionPay QR priced by amount band, as providers do (DOMAIN.md §1.3): ≤ ¥1,000 at 0.38 %, above at 0.60 %; a
 * credit card at 0.60 %. So a ¥500.00 line cut from a ¥1,500.00 sale is charged the big sale's rate, and priced
 * on its own would fall in the small band.
 */
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

/** A successful UnionPay QR settlement line of 2026-10-08 at `hhmm`. */
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

/**
 * A ¥1,500.00 QR sale charged 0.60 % = ¥9.00 (900 fen, right: it is above ¥1,000); ¥500.00 of it refunded,
 * the fee given back in proportion: 900 × 500 / 1500 = 300 fen; then the refund cancelled (退货撤销), taking the
 * ¥500.00 and the 300 fen back. Priced as a ¥500.00 sale the 退货撤销 would be 0.38 % = 190 fen, "charged" 300:
 * a false 110 fen overcharge.
 */
const SALE = qrLine('sale', '10:00', { refNo: 'Q1', amountFen: 150_000, feeFen: 900, settledFen: 149_100 });
const REFUND = qrLine('refund', '11:00', {
  refNo: 'Q2',
  originalRefNo: 'Q1',
  amountFen: -50_000,
  feeFen: -300,
  settledFen: -49_700,
});
const REFUND_CANCELLED = qrLine('sale', '11:05', {
  refNo: 'Q3',
  originalRefNo: 'Q2',
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

/** The record ids each formula group's rate-change window holds. */
async function windowIds(t: DialectApp): Promise<Record<string, number[]>> {
  const rows = await t.storage.db
    .selectFrom('monitor_rate_state')
    .select(['group_key', 'lines_json'])
    .where('merchant_id', '=', t.merchantId)
    .execute();
  return Object.fromEntries(
    rows.map((r) => [r.group_key, (JSON.parse(r.lines_json) as unknown[][]).map((l) => l[4] as number)]),
  );
}

async function idOf(t: DialectApp, refNo: string): Promise<number> {
  const row = await t.storage.db
    .selectFrom('records')
    .select('id')
    .where('merchant_id', '=', t.merchantId)
    .where('ref_no', '=', refNo)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function auditOvercharges(t: DialectApp): Promise<number[]> {
  const res = await t.get('audit');
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json<{ findings: { kind: string; lossFen: number }[] }>()
    .findings.filter((f) => f.kind === 'fee_overcharge')
    .map((f) => f.lossFen);
}

describe.each(DIALECTS)(
  'the fee checks do not price a line undoing a cancellation, on %s',
  (dialect: DialectName) => {
    it('pushed: a 退货撤销 alone (its refund not stored yet) or with its refund raises nothing; the day total is the real sale only', async () => {
      const t = await openApp(dialect);
      await t.putPlan(PLAN);
      // Its refund is not here yet: still no sale (the audit leaves such a line out too).
      expect(await t.pushSettlements([REFUND_CANCELLED])).toEqual([]);
      expect(await t.pushSettlements([SALE, REFUND, OVERCHARGED])).toEqual(['fee_overcharge']);
      // 46 fen, one line: the 退货撤销's false 110 fen is not in the day's total of its key (it would be 156, 2 lines).
      expect(await overcharges(t)).toEqual([['fee_overcharge|2026-10-08|unionpay-qr|credit|r0.0', 46, 1]]);
      // The rate-change windows hold the sales only: Q4 under ≤ ¥1,000, Q1 above.
      expect(await windowIds(t)).toEqual({
        'unionpay-qr|credit|r0.0': [await idOf(t, 'Q4')],
        'unionpay-qr|credit|r0.1': [await idOf(t, 'Q1')],
      });
      // The monitor and the audit say the same.
      expect(await auditOvercharges(t)).toEqual([46]);
    });

    it('a plan saved after the lines re-checks them without pricing the 退货撤销', async () => {
      const t = await openApp(dialect);
      expect(await t.pushSettlements([SALE, REFUND, REFUND_CANCELLED, OVERCHARGED])).toEqual([]);
      await t.putPlan(PLAN);
      expect(await overcharges(t)).toEqual([['fee_overcharge|2026-10-08|unionpay-qr|credit|r0.0', 46, 1]]);
    });

    it('uploaded: a statement with 退货撤销 and 原参考号 raises the real overcharge only', async () => {
      const t = await openApp(dialect);
      await t.putPlan(PLAN);
      const line = (time: string, ref: string, original: string, type: string, money: string) =>
        `2026-10-08 ${time},${MERCHANT},T001,${ref},${original},622848******0001,贷记卡,银联二维码,${type},${money},2026-10-09`;
      const csv = [
        '交易时间,商户号,终端号,参考号,原参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,结算日期',
        line('10:00:00', '201000000001', '', '消费', '1500.00,9.00,1491.00'),
        line('11:00:00', '201000000002', '201000000001', '退货', '-500.00,-3.00,-497.00'),
        line('11:05:00', '201000000003', '201000000002', '退货撤销', '500.00,3.00,497.00'),
        line('12:00:00', '201000000004', '', '消费', '800.00,3.50,796.50'),
      ].join('\r\n');
      const up = await t.uploadStatement('settlement.csv', `${csv}\r\n`, { kind: 'settlement' });
      expect(up.statusCode, up.body).toBe(201);
      const stored = await t.storage.db
        .selectFrom('records')
        .select(['type', 'amount_fen', 'original_ref_no'])
        .where('merchant_id', '=', t.merchantId)
        .where('ref_no', '=', '201000000003')
        .executeTakeFirstOrThrow();
      // Read as the importer reads it: a sale, its sign kept, naming the refund.
      expect(stored).toEqual({ type: 'sale', amount_fen: 50_000, original_ref_no: '201000000002' });
      expect(await overcharges(t)).toEqual([['fee_overcharge|2026-10-08|unionpay-qr|credit|r0.0', 46, 1]]);
      expect(await auditOvercharges(t)).toEqual([46]);
    });
  },
);

/** A successful terminal transaction on card 622588******1234 at `time` (Shanghai), terminal T001. */
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

describe.each(DIALECTS)(
  'the terminal rules do not read a line undoing a cancellation as a sale, on %s',
  (dialect) => {
    it('a ¥60,000.00 sale is one large sale, its refund cancelled is not a second', async () => {
      const t = await openApp(dialect);
      // ¥60,000.00 is above the default ¥50,000.00 bar: the sale is large, once.
      expect(
        await pushTerminal(t, [
          terminal('sale', '2026-10-08T10:00:00', { refNo: 'L1', amountFen: 6_000_000 }),
        ]),
      ).toEqual(['large_amount']);
      expect(
        await pushTerminal(t, [
          terminal('refund', '2026-10-08T10:30:00', {
            refNo: 'L2',
            originalRefNo: 'L1',
            amountFen: -6_000_000,
          }),
          terminal('sale', '2026-10-08T10:35:00', { refNo: 'L3', originalRefNo: 'L2', amountFen: 6_000_000 }),
        ]),
      ).toEqual([]);
      expect((await t.alerts('large_amount')).map((a) => [a.dedup_key, a.amount_fen])).toEqual([
        [`large_amount|rec:${await idOf(t, 'L1')}`, 6_000_000],
      ]);
    });

    it('a void reversed within the minute by the same card is no duplicate submission', async () => {
      const t = await openApp(dialect);
      expect(
        await pushTerminal(t, [
          terminal('sale', '2026-10-08T10:00:00', { refNo: 'D1', voucherNo: '000001', amountFen: 10_000 }),
          terminal('void', '2026-10-08T10:00:20', {
            refNo: 'D2',
            voucherNo: '000002',
            originalVoucherNo: '000001',
            amountFen: -10_000,
          }),
          // 消费撤销冲正: the void reversed, naming the void by its 凭证号; ¥100.00 on the same card, 40 s after.
          terminal('sale', '2026-10-08T10:00:40', {
            refNo: 'D3',
            voucherNo: '000003',
            originalVoucherNo: '000002',
            amountFen: 10_000,
          }),
        ]),
      ).toEqual([]);
      // Control: the same card's ¥100.00 sale again, 50 s after the first, is one.
      expect(
        await pushTerminal(t, [
          terminal('sale', '2026-10-08T10:00:50', { refNo: 'D4', voucherNo: '000004', amountFen: 10_000 }),
        ]),
      ).toEqual(['duplicate_submission']);
    });

    it('a refund cancelled after hours is no sale after hours', async () => {
      const t = await openApp(dialect);
      expect(
        await pushTerminal(t, [
          terminal('sale', '2026-10-08T21:00:00', { refNo: 'H1', amountFen: 20_000 }),
          terminal('refund', '2026-10-08T22:10:00', { refNo: 'H2', originalRefNo: 'H1', amountFen: -20_000 }),
          terminal('sale', '2026-10-08T22:15:00', { refNo: 'H3', originalRefNo: 'H2', amountFen: 20_000 }),
        ]),
      ).toEqual([]);
    });
  },
);

/** The daily run on Monday 2026-11-09 (every statement of the week before is due by then, T+1). */
async function mondayRun(t: DialectApp): Promise<string[]> {
  const results = await runDailyChecks(t.storage.db, '2026-11-09', {
    at: '2026-11-09T02:00:00Z',
    publicUrl: 'https://posguard.example',
  });
  return results.find((r) => r.merchantId === t.merchantId)?.missingStatements ?? [];
}

describe.each(DIALECTS)(
  'missing_statement counts what a line undoing a cancellation restores, on %s',
  (dialect) => {
    it('a void reversed leaves its sale waiting; a refund cancelled adds no sale; a line alone owes nothing', async () => {
      const t = await openApp(dialect);
      await pushTerminal(t, [
        // Wednesday: only a 退货撤销, its refund not stored: no sale, nothing to settle, no statement owed.
        terminal('sale', '2026-11-04T12:00:00', { refNo: 'W3', originalRefNo: 'W2', amountFen: 7_000 }),
        // Thursday: ¥100.00, voided, the void reversed (撤销冲正 naming the void): the sale stands, 10,000 fen.
        terminal('sale', '2026-11-05T12:00:00', { refNo: 'R1', amountFen: 10_000 }),
        terminal('void', '2026-11-05T12:05:00', { refNo: 'V1', originalRefNo: 'R1', amountFen: -10_000 }),
        terminal('sale', '2026-11-05T12:06:00', { refNo: 'X1', originalRefNo: 'V1', amountFen: 10_000 }),
        // Friday: ¥250.00, ¥50.00 refunded, the refund cancelled: one sale of 25,000 fen, not 30,000.
        terminal('sale', '2026-11-06T12:00:00', { refNo: 'R2', amountFen: 25_000 }),
        terminal('refund', '2026-11-06T13:00:00', { refNo: 'F2', originalRefNo: 'R2', amountFen: -5_000 }),
        terminal('sale', '2026-11-06T13:05:00', { refNo: 'X2', originalRefNo: 'F2', amountFen: 5_000 }),
      ]);
      expect(await mondayRun(t)).toEqual(['2026-11-05', '2026-11-06']);
      expect((await t.alerts('missing_statement')).map((a) => [a.dedup_key, a.amount_fen])).toEqual([
        ['missing_statement|2026-11-05', 10_000],
        ['missing_statement|2026-11-06', 25_000],
      ]);
    });
  },
);
