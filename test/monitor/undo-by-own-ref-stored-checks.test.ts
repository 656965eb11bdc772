import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';

/**
 * A void that names no original but repeats its sale's 参考号, then reversed (撤销冲正) by a sale-typed line that
 * names nothing either and gives the same 参考号 again: the audit links the 撤销冲正 to the void by that 参考号 and
 * amount (linkUndoings), so the sale stands once and the 撤销冲正 is no sale of its own. The per-record checks
 * already take it so (monitor-undo-by-own-ref.test.ts); these are the checks that read stored lines: the
 * large-amount median, the rate-change window rebuilt when an import is deleted, and the short-settled sale.
 */
const openApp = dialectAppPerTest();

/** UnionPay QR by amount band: ≤ ¥1,000 at 0.38 %, above at 0.60 %; a credit card at 0.60 %. */
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

/** The same plan agreeing to one ¥99.00 SIM fee (流量费) per contract year from 2026-09-01. */
const PLAN_WITH_SIM_FEE = `${PLAN}charges:\n  - { name: 流量费, amount: 99, every: year, from: 2026-09-01 }\n`;

/** A successful credit-card line of terminal T001 at `time` (Shanghai). */
function line(type: string, time: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    status: 'success',
    time: `${time}+08:00`,
    terminalId: 'T001',
    channel: 'card',
    card: 'credit',
    ...fields,
  };
}

async function pushTerminal(t: DialectApp, records: Record<string, unknown>[]): Promise<string[]> {
  const res = await t.post('transactions', records);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ alerts: { kind: string }[] }>().alerts.map((a) => a.kind);
}

async function idOf(t: DialectApp, refNo: string, type = 'sale'): Promise<number> {
  const rows = await t.storage.db
    .selectFrom('records')
    .select('id')
    .where('merchant_id', '=', t.merchantId)
    .where('ref_no', '=', refNo)
    .where('type', '=', type)
    .orderBy('id')
    .execute();
  const first = rows[0];
  if (first === undefined) throw new Error(`no ${type} ${refNo}`);
  return first.id;
}

describe.each(DIALECTS)(
  'a void reversed under its sale’s own 参考号, in the stored-line checks, on %s',
  (dialect) => {
    it('large_amount: the 撤销冲正 is not a sale of the median', async () => {
      const t = await openApp(dialect);
      const put = await t.putYaml('monitor-rules', 'rules: { large_amount: { medianMinSales: 3 } }');
      expect(put.statusCode, put.body).toBe(200);
      expect(
        await pushTerminal(t, [line('sale', '2026-10-08T10:00:00', { refNo: 'M0', amountFen: 60_000 })]),
      ).toEqual([]);
      // ¥100.00, voided under its own 参考号, the void reversed under it again: the sale stands, once.
      expect(
        await pushTerminal(t, [
          line('sale', '2026-10-08T10:10:00', { refNo: 'M1', amountFen: 10_000 }),
          line('void', '2026-10-08T10:12:00', { refNo: 'M1', amountFen: -10_000 }),
          line('sale', '2026-10-08T10:14:00', { refNo: 'M1', amountFen: 10_000 }),
        ]),
      ).toEqual([]);
      // The sales are 60,000, 10,000 and 200,000 fen: the median is 60,000, the bar 5 × 60,000 = 300,000, and
      // ¥2,000.00 is not large. Counting the 撤销冲正 as a fourth sale (10,000 twice), the lower middle would be
      // 10,000 and the bar 50,000: a false large_amount.
      expect(
        await pushTerminal(t, [line('sale', '2026-10-08T11:00:00', { refNo: 'M2', amountFen: 200_000 })]),
      ).toEqual([]);
      // Control: above the bar is large, against the median of the sales only (10,000, 60,000, 200,000, 300,001:
      // the lower middle is 60,000).
      expect(
        await pushTerminal(t, [line('sale', '2026-10-08T11:30:00', { refNo: 'M3', amountFen: 300_001 })]),
      ).toEqual(['large_amount']);
      const [large] = await t.alerts('large_amount');
      expect(large?.dedup_key).toBe(`large_amount|rec:${await idOf(t, 'M3')}`);
      expect(JSON.parse(large?.details_json ?? '{}')).toMatchObject({
        thresholdFen: 300_000,
        medianFen: 60_000,
      });
    });

    it('rate_change: the window rebuilt when an import is deleted holds the sale, not the 撤销冲正', async () => {
      const t = await openApp(dialect);
      await t.putPlan(PLAN);
      const qr = (type: string, hhmm: string, fields: Record<string, unknown>) =>
        line(type, `2026-10-08T${hhmm}:00`, { channel: 'unionpay-qr', settleDate: '2026-10-09', ...fields });
      // ¥1,500.00 at 0.60 % = 900 fen; voided and the void reversed, each under the sale's 参考号 Q1.
      expect(
        await t.pushSettlements([
          qr('sale', '10:00', { refNo: 'Q1', amountFen: 150_000, feeFen: 900, settledFen: 149_100 }),
          qr('void', '10:05', { refNo: 'Q1', amountFen: -150_000, feeFen: -900, settledFen: -149_100 }),
          qr('sale', '10:06', { refNo: 'Q1', amountFen: 150_000, feeFen: 900, settledFen: 149_100 }),
        ]),
      ).toEqual([]);
      const sale = await idOf(t, 'Q1');
      expect(await windowIds(t)).toEqual({ 'unionpay-qr|credit|r0.1': [sale] });
      // A statement of the next day with one more sale of the group (¥2,000.00 at 0.60 % = 1,200 fen), uploaded
      // and deleted again: the group's window is rebuilt from the stored lines.
      const csv = [
        '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,结算日期',
        '2026-10-09 10:00:00,898440153991234,T001,201000000009,622848******0001,贷记卡,银联二维码,消费,2000.00,12.00,1988.00,2026-10-10',
      ].join('\r\n');
      const up = await t.uploadStatement('settlement.csv', `${csv}\r\n`, { kind: 'settlement' });
      expect(up.statusCode, up.body).toBe(201);
      expect(await windowIds(t)).toEqual({
        'unionpay-qr|credit|r0.1': [sale, await idOf(t, '201000000009')],
      });
      const removed = await t.delete(`imports/${up.json<{ importId: number }>().importId}`);
      expect(removed.statusCode, removed.body).toBe(200);
      // As the check left it before the upload: the sale alone (read as a sale, the 撤销冲正 would sit beside it).
      expect(await windowIds(t)).toEqual({ 'unionpay-qr|credit|r0.1': [sale] });
    });

    it('unplanned_deduction: a 撤销冲正 that moves no money is no sale settled short', async () => {
      const t = await openApp(dialect);
      await t.putPlan(PLAN);
      // The void and its reversal net out and are settled at ¥0.00. Read as a sale, the 撤销冲正 would be ¥100.00
      // settled 0, below amount − fee = 10,000 fen: a false deduction of 10,000 fen.
      expect(
        await t.pushSettlements([
          line('sale', '2026-10-08T10:00:00', {
            refNo: 'S1',
            amountFen: 10_000,
            feeFen: 60,
            settledFen: 9_940,
          }),
          line('void', '2026-10-08T10:05:00', { refNo: 'S1', amountFen: -10_000, feeFen: 0, settledFen: 0 }),
          line('sale', '2026-10-08T10:06:00', { refNo: 'S1', amountFen: 10_000, feeFen: 0, settledFen: 0 }),
          // Control: ¥200.00 at 0.60 % = 120 fen settled ¥190.00: short by 20,000 − 120 − 19,000 = 880 fen.
          line('sale', '2026-10-08T11:00:00', {
            refNo: 'S2',
            amountFen: 20_000,
            feeFen: 120,
            settledFen: 19_000,
          }),
        ]),
      ).toEqual(['unplanned_deduction']);
      expect((await t.alerts('unplanned_deduction')).map((a) => [a.dedup_key, a.amount_fen])).toEqual([
        [`unplanned_deduction|rec:${await idOf(t, 'S2')}`, 880],
      ]);
    });

    it('unplanned_deduction: a stored 撤销冲正 whose 备注 names a charge takes none of its allowance', async () => {
      const t = await openApp(dialect);
      await t.putPlan(PLAN_WITH_SIM_FEE);
      // The 撤销冲正, settled ¥0.00, carries a 备注 naming the SIM fee: read as a sale settled short, it would take
      // 10,000 fen of the ¥99.00 a year (9,900 fen) the plan allows.
      expect(
        await t.pushSettlements([
          line('sale', '2026-10-08T10:00:00', {
            refNo: 'S1',
            amountFen: 10_000,
            feeFen: 60,
            settledFen: 9_940,
          }),
          line('void', '2026-10-08T10:05:00', { refNo: 'S1', amountFen: -10_000, feeFen: 0, settledFen: 0 }),
          line('sale', '2026-10-08T10:06:00', {
            refNo: 'S1',
            amountFen: 10_000,
            feeFen: 0,
            settledFen: 0,
            label: '流量费',
          }),
        ]),
      ).toEqual([]);
      // The year's one SIM fee, ¥99.00, is then within the allowance: no alert on it.
      expect(
        await t.pushSettlements([
          line('deduction', '2026-10-09T09:31:00', {
            channel: 'other',
            card: 'unknown',
            amountFen: -9_900,
            label: '流量费',
            settleDate: '2026-10-10',
          }),
        ]),
      ).toEqual([]);
      expect(await t.alerts('unplanned_deduction')).toEqual([]);
    });
  },
);

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
