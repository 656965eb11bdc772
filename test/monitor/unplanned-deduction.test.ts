import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { PLAN_YAML } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** The merchant number dialectApp registers. */
const MERCHANT = '898440153991234';

/** The test plan, agreeing to one ¥99.00 SIM fee per contract year from 2026-09-01 and nothing else. */
const PLAN_WITH_SIM_FEE = `${PLAN_YAML}charges:\n  - { name: 流量费, amount: 99, every: year, from: 2026-09-01 }\n`;

/** A deduction the provider took out of the payout of `settleDate`. */
function deduction(
  label: string,
  amountFen: number,
  settleDate: string,
  hhmm = '09:31',
): Record<string, unknown> {
  return {
    type: 'deduction',
    status: 'success',
    time: `2026-12-07T${hhmm}:00+08:00`,
    terminalId: 'T001',
    channel: 'other',
    card: 'unknown',
    amountFen: -amountFen,
    label,
    settleDate,
  };
}

const HEADER =
  '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,备注';

async function unplanned(a: DialectApp) {
  return (await a.alerts('unplanned_deduction')).map((x) => ({
    amountFen: x.amount_fen,
    message: x.message,
    details: JSON.parse(x.details_json) as Record<string, unknown>,
  }));
}

async function auditLosses(a: DialectApp): Promise<number[]> {
  const res = await a.get('audit');
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json<{ findings: { kind: string; lossFen: number }[] }>()
    .findings.filter((f) => f.kind === 'unplanned_deduction')
    .map((f) => f.lossFen)
    .sort((x, y) => x - y);
}

describe.each(DIALECTS)('unplanned deductions are alerted on arrival, on %s', (dialect: DialectName) => {
  it('a pushed deposit and a second SIM fee of the year raise one alert each, as the audit finds them', async () => {
    const a = await openApp(dialect, '2026-12-08T02:00:00Z');
    await a.putPlan(PLAN_WITH_SIM_FEE);
    await a.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's' });
    const kinds = await a.pushSettlements([
      deduction('机具押金', 29_900, '2026-12-08', '09:31'),
      deduction('流量费（SIM卡）', 9_900, '2026-12-08', '09:32'),
      deduction('流量费（SIM卡）', 9_900, '2026-12-08', '09:33'),
    ]);
    expect(kinds).toEqual(['unplanned_deduction', 'unplanned_deduction']);
    const alerts = await unplanned(a);
    // The deposit is in no charge: all ¥299.00. The first SIM fee is the year's ¥99.00; the second is over it.
    expect(alerts.map((x) => x.amountFen)).toEqual([29_900, 9_900]);
    expect(alerts[0]?.message).toContain(
      '2026-12-08 从结算款中扣除“机具押金” ¥299.00；费率方案未约定 ¥299.00',
    );
    expect(alerts[0]?.message).toContain('要求退还 ¥299.00');
    expect(alerts[0]?.details['messageEn']).toContain('¥299.00 is not agreed in the plan');
    expect(alerts[1]?.message).toContain('约定的“流量费”每年最多 ¥99.00，超出 ¥99.00');
    expect((await a.deliveries()).filter((d) => d.kind === 'alert')).toHaveLength(2);
    // The month-end audit of the same lines finds the same two amounts.
    expect(await auditLosses(a)).toEqual([9_900, 29_900]);

    // The next contract year (from 2027-09-01) has its own ¥99.00 SIM fee.
    expect(await a.pushSettlements(deduction('流量费', 9_900, '2027-09-02'))).toEqual([]);
    expect((await unplanned(a)).map((x) => x.amountFen)).toEqual([29_900, 9_900]);
  });

  it('a second SIM fee pushed before the first of the year is the unplanned one, as in the audit', async () => {
    const a = await openApp(dialect, '2026-12-21T02:00:00Z');
    await a.putPlan(PLAN_WITH_SIM_FEE);
    // The 12-20 fee arrives first and is the year's ¥99.00 — until the 12-08 one arrives: then 12-20 is over.
    expect(await a.pushSettlements(deduction('流量费', 9_900, '2026-12-20'))).toEqual([]);
    expect(await a.pushSettlements(deduction('流量费', 9_900, '2026-12-08'))).toEqual([
      'unplanned_deduction',
    ]);
    const alerts = await unplanned(a);
    expect(alerts.map((x) => [x.amountFen, x.details['date']])).toEqual([[9_900, '2026-12-20']]);
    expect(await auditLosses(a)).toEqual([9_900]);
  });

  it('a statement (uploaded or watched) with the deposit and two SIM fees raises the same two alerts', async () => {
    const a = await openApp(dialect, '2026-12-08T02:00:00Z');
    await a.putPlan(PLAN_WITH_SIM_FEE);
    const lines = [
      `2026-12-07 09:31:00,2026-12-08,${MERCHANT},T001,,,其他,扣款,-299.00,0.00,-299.00,机具押金`,
      `2026-12-07 09:32:00,2026-12-08,${MERCHANT},T001,,,其他,扣款,-99.00,0.00,-99.00,流量费（SIM卡）`,
      `2026-12-07 09:33:00,2026-12-08,${MERCHANT},T001,,,其他,扣款,-99.00,0.00,-99.00,流量费（SIM卡）`,
    ];
    const up = await a.uploadStatement('结算明细_20261208.csv', `${[HEADER, ...lines].join('\r\n')}\r\n`);
    expect(up.statusCode, up.body).toBe(201);
    expect((await unplanned(a)).map((x) => x.amountFen)).toEqual([29_900, 9_900]);
    expect(await auditLosses(a)).toEqual([9_900, 29_900]);
  });

  it('a charge the plan agrees to once is unplanned the second time', async () => {
    const a = await openApp(dialect, '2026-12-21T02:00:00Z');
    await a.putPlan(`${PLAN_WITH_SIM_FEE}  - { name: 机具押金, amount: 299, every: once }\n`);
    expect(
      await a.pushSettlements([
        deduction('机具押金', 29_900, '2026-12-08'),
        deduction('流量费（SIM卡）', 9_900, '2026-12-08'),
      ]),
    ).toEqual([]);
    expect(await a.pushSettlements(deduction('机具押金', 29_900, '2026-12-20'))).toEqual([
      'unplanned_deduction',
    ]);
    const [alert] = await unplanned(a);
    expect(alert?.message).toContain('约定的“机具押金”共最多 ¥299.00，超出 ¥299.00');
    expect(await auditLosses(a)).toEqual([29_900]);
  });
});
