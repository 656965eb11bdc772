import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { dialectAppPerTest } from '../monitor/dialect-app.js';
import { DIALECTS } from '../storage/test-storage.js';

const openApp = dialectAppPerTest();

/** The merchant number dialectApp registers. */
const OWN_NUMBER = '898440153991234';
/** Another shop's number, written in the plan by mistake (or the same contract's QR number). */
const OTHER_NUMBER = '822000000000999';

/** Credit cards 0.60 %, no tolerance, naming another merchant number than the merchant it is uploaded for. */
const PLAN_FOR_OTHER_NUMBER = `merchant: 测试小店
merchantId: "${OTHER_NUMBER}"
rounding: half-up
tolerance: 0
settlement: T1
periods:
  - from: 2026-09-01
    rates:
      - { channel: card, card: credit, rate: 0.60% }
`;

/** A ¥3,000.00 credit-card sale on 2026-10-08 settled with a ¥45.00 fee (1.50 %). */
const OVERCHARGED_LINE = {
  type: 'sale',
  status: 'success',
  time: '2026-10-08T10:00:00+08:00',
  settleDate: '2026-10-09',
  merchantId: OWN_NUMBER,
  terminalId: 'T001',
  refNo: '300000000001',
  channel: 'card',
  card: 'credit',
  amountFen: 300_000,
  feeFen: 4_500,
  settledFen: 295_500,
};

interface AuditJson {
  findings: { kind: string; basis?: string; overchargeFen: number; lossFen: number; refNo?: string }[];
  summary: { lossFen: number };
  warnings: string[];
}

describe.each(DIALECTS)('the plan stored for a merchant, on %s', (dialect: DialectName) => {
  it('is the one the audit prices with, whatever merchantId it names; the upload warns of the other number', async () => {
    const a = await openApp(dialect);
    const put = await a.putYaml('plan', PLAN_FOR_OTHER_NUMBER);
    expect(put.statusCode, put.body).toBe(200);
    const warnings = put.json<{ warnings: { code: string; path: string; zh: string; en: string }[] }>()
      .warnings;
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'merchant_id_mismatch',
        path: 'merchantId',
        zh: expect.stringContaining(OTHER_NUMBER),
        en: expect.stringContaining(OWN_NUMBER),
      }),
    ]);

    // The monitor prices the line against the stored plan: 0.60 % of 300,000 = 1,800; charged 4,500 → 2,700 over.
    expect(await a.pushSettlements(OVERCHARGED_LINE)).toEqual(['fee_overcharge']);
    const [alert] = await a.alerts('fee_overcharge');
    expect(alert?.amount_fen).toBe(2_700);

    // The audit (and the evidence pack built from it) prices it the same way, on the plan's basis.
    const res = await a.get('audit');
    expect(res.statusCode, res.body).toBe(200);
    const audit = res.json<AuditJson>();
    const overcharges = audit.findings.filter((f) => f.kind === 'fee_overcharge');
    expect(overcharges.map((f) => [f.refNo, f.basis, f.overchargeFen])).toEqual([
      ['300000000001', 'plan', 2_700],
    ]);
    expect(audit.warnings.some((w) => w.includes('没有对应的费率方案'))).toBe(false);
    expect(audit.warnings.some((w) => w.includes(OTHER_NUMBER) && w.includes(OWN_NUMBER))).toBe(true);
  });

  it('naming the merchant itself (or no number) brings no warning', async () => {
    const a = await openApp(dialect);
    const own = await a.putYaml('plan', PLAN_FOR_OTHER_NUMBER.replace(OTHER_NUMBER, OWN_NUMBER));
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json<{ warnings: unknown[] }>().warnings).toEqual([]);
    const none = await a.putYaml(
      'plan',
      PLAN_FOR_OTHER_NUMBER.replace(`merchantId: "${OTHER_NUMBER}"\n`, ''),
    );
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json<{ warnings: unknown[] }>().warnings).toEqual([]);
  });
});

/** A terminal sale of ¥50.00 as a POS pushes it. */
const terminalSale = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'sale',
  status: 'success',
  time: '2026-10-08T10:00:00+08:00',
  terminalId: 'T001',
  refNo: '300000000009',
  channel: 'card',
  card: 'credit',
  amountFen: 5_000,
  ...over,
});

interface Refusal {
  error: {
    code: string;
    message: string;
    details: { problems: { index: number; path: string; zh: string; en: string }[] };
  };
}

describe.each(DIALECTS)('a pushed amount of the wrong sign, on %s', (dialect: DialectName) => {
  it('a negative sale is refused with 400 naming the field, nothing is stored, and no loss goes below zero', async () => {
    const a = await openApp(dialect);
    const res = await a.post('transactions', terminalSale({ amountFen: -5_000 }));
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json<Refusal>();
    expect(error.code).toBe('invalid_record');
    expect(error.message).toContain('[0].amountFen');
    expect(error.message).toContain('refund');
    expect(error.details.problems).toEqual([
      expect.objectContaining({ index: 0, path: 'amountFen', zh: expect.stringContaining('正数') }),
    ]);
    const audit = (await a.get('audit')).json<AuditJson>();
    expect(audit.findings).toEqual([]);
    expect(audit.summary.lossFen).toBe(0);
  });

  it('refuses every record of the wrong sign by index, in both pushes, and takes the right signs', async () => {
    const a = await openApp(dialect);
    const wrong = [
      terminalSale({ refNo: 'A1' }),
      terminalSale({ refNo: 'A2', type: 'refund', originalRefNo: 'A1', amountFen: 2_000 }),
      terminalSale({ refNo: 'A3', type: 'void', originalRefNo: 'A1', amountFen: 5_000 }),
      terminalSale({ refNo: 'A4', type: 'preauth-complete', amountFen: 0 }),
      terminalSale({ refNo: 'A5', discountFen: -100 }),
    ];
    const res = await a.post('transactions', wrong);
    expect(res.statusCode, res.body).toBe(400);
    const problems = res.json<Refusal>().error.details.problems;
    expect(problems.map((p) => [p.index, p.path])).toEqual([
      [1, 'amountFen'],
      [2, 'amountFen'],
      [3, 'amountFen'],
      [4, 'discountFen'],
    ]);
    expect(problems[0]?.en).toContain('negative');
    expect(problems[0]?.zh).toContain('负数');

    const settlement = await a.post('settlements', { ...OVERCHARGED_LINE, amountFen: -300_000 });
    expect(settlement.statusCode, settlement.body).toBe(400);
    expect(settlement.json<Refusal>().error.details.problems.map((p) => p.path)).toEqual(['amountFen']);

    const right = [
      terminalSale({ refNo: 'A1' }),
      terminalSale({ refNo: 'A2', type: 'refund', originalRefNo: 'A1', amountFen: -2_000 }),
    ];
    const ok = await a.post('transactions', right);
    expect(ok.statusCode, ok.body).toBe(201);
    const records = await a.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${a.merchantId}`,
      headers: { cookie: a.cookie },
    });
    expect(records.json<{ records: number }>().records).toBe(2);
  });
});
