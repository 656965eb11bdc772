import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { PLAN_YAML } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** The merchant number dialectApp registers. */
const MERCHANT = '898440153991234';

async function overcharges(a: DialectApp) {
  return (await a.alerts('fee_overcharge')).map((x) => [x.amount_fen, x.message] as const);
}

async function auditOvercharges(a: DialectApp): Promise<number[]> {
  const res = await a.get('audit');
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json<{ findings: { kind: string; lossFen: number }[] }>()
    .findings.filter((f) => f.kind === 'fee_overcharge')
    .map((f) => f.lossFen)
    .sort((x, y) => x - y);
}

describe.each(DIALECTS)(
  'a line without a fee is fee-checked as amount − settled, on %s',
  (dialect: DialectName) => {
    it('a pushed sale with amountFen and settledFen but no feeFen', async () => {
      const a = await openApp(dialect, '2026-12-07T02:00:00Z');
      await a.putPlan(PLAN_YAML);
      // ¥10,000.00 on a credit card settled ¥9,937.00: ¥63.00 withheld where 0.60 % gives ¥60.00, 300 fen over.
      const kinds = await a.pushSettlements({
        type: 'sale',
        status: 'success',
        time: '2026-12-06T10:00:00',
        terminalId: 'T300',
        refNo: '634300444001',
        channel: 'card',
        card: 'credit',
        amountFen: 1_000_000,
        settledFen: 993_700,
        settleDate: '2026-12-07',
      });
      expect(kinds).toEqual(['fee_overcharge']);
      const [alert] = await overcharges(a);
      expect(alert?.[0]).toBe(300);
      expect(alert?.[1]).toContain('实扣手续费 ¥63.00，按费率方案应为 ¥60.00，多扣 ¥3.00');
      // A sale with neither a fee nor a settled amount says nothing of its fee.
      expect(
        await a.pushSettlements({
          type: 'sale',
          status: 'success',
          time: '2026-12-06T11:00:00',
          refNo: '634300444002',
          channel: 'card',
          card: 'credit',
          amountFen: 1_000_000,
        }),
      ).toEqual([]);
      expect(await auditOvercharges(a)).toEqual([300]);
    });

    it('a statement with 交易金额 and 结算金额 and no 手续费 column (debit cap not applied)', async () => {
      const a = await openApp(dialect, '2026-12-07T02:00:00Z');
      await a.putPlan(PLAN_YAML);
      const csv = [
        '交易时间,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,结算金额,结算日期',
        `2026-12-05 15:00:00,${MERCHANT},LS000300,634300555001,借记卡,刷卡,消费,"8,000.00","7,956.00",2026-12-07`,
      ].join('\r\n');
      const up = await a.uploadStatement('nofee_1205.csv', `${csv}\r\n`);
      expect(up.statusCode, up.body).toBe(201);
      // ¥8,000.00 on a debit card: 0.55 % is ¥44.00, capped at ¥20.00; ¥44.00 was withheld, 2,400 fen over.
      const alerts = await overcharges(a);
      expect(alerts.map(([fen]) => fen)).toEqual([2_400]);
      expect(alerts[0]?.[1]).toContain('实扣手续费 ¥44.00，按费率方案应为 ¥20.00，多扣 ¥24.00');
      expect(await auditOvercharges(a)).toEqual([2_400]);
    });
  },
);
