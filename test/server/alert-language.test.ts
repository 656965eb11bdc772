import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, creditLine, type OwnerSession, ownerSession } from '../monitor/monitor-harness.js';

const cleanups = cleanupAfterEach();

interface ListedAlert {
  kind: string;
  amountFen: number | null;
  message: string;
  messageZh: string;
  messageEn: string;
}

/** GET …/alerts as a browser asking for `acceptLanguage` (and `?lang=` when given) would. */
async function alertsIn(s: OwnerSession, acceptLanguage?: string, query = ''): Promise<ListedAlert[]> {
  const res = await s.m.app.inject({
    method: 'GET',
    url: `/api/v1/merchants/${s.id}/alerts${query}`,
    headers: {
      cookie: s.cookie,
      ...(acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage }),
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ alerts: ListedAlert[] }>().alerts;
}

describe('the alerts API answers in the language asked for', () => {
  it('English to an English request, Chinese to a Chinese one, both wordings with the same amounts', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    // ¥1,000.00 on a credit card charged ¥6.80 where the plan's 0.60 % gives ¥6.00: 80 fen over.
    const pushed = await s.post('settlements', creditLine(100_000, 680, 1));
    expect(pushed.statusCode, pushed.body).toBe(201);
    expect(pushed.json<{ alerts: { message: string; messageEn: string }[] }>().alerts).toEqual([
      expect.objectContaining({
        message: '2026-10-01 刷卡贷记卡 交易 ¥1,000.00 实扣手续费 ¥6.80，按费率方案应为 ¥6.00，多扣 ¥0.80',
        messageEn:
          '2026-10-01 credit card sale of ¥1,000.00 charged a fee of ¥6.80 where the plan gives ¥6.00: ¥0.80 overcharged',
      }),
    ]);
    // A ¥299.00 deposit the plan does not agree to.
    const deposit = await s.post('settlements', {
      type: 'deduction',
      status: 'success',
      time: '2026-10-02T09:31:00+08:00',
      channel: 'other',
      card: 'unknown',
      amountFen: -29_900,
      label: '机具押金',
      settleDate: '2026-10-02',
    });
    expect(deposit.statusCode, deposit.body).toBe(201);

    const english = await alertsIn(s, 'en-US,en;q=0.9');
    expect(english.map((a) => [a.kind, a.amountFen, a.message])).toEqual([
      [
        'unplanned_deduction',
        29_900,
        '2026-10-02: "机具押金" ¥299.00 deducted from the payout; ¥299.00 is not agreed in the plan. Ask the provider for the grounds of this deduction and for ¥299.00 back',
      ],
      [
        'fee_overcharge',
        80,
        '2026-10-01 credit card sale of ¥1,000.00 charged a fee of ¥6.80 where the plan gives ¥6.00: ¥0.80 overcharged',
      ],
    ]);
    const chinese = await alertsIn(s, 'zh-CN,zh;q=0.9,en;q=0.8');
    expect(chinese.map((a) => a.message)).toEqual([
      '2026-10-02 从结算款中扣除“机具押金” ¥299.00；费率方案未约定 ¥299.00。请向服务商索要扣款依据并要求退还 ¥299.00',
      '2026-10-01 刷卡贷记卡 交易 ¥1,000.00 实扣手续费 ¥6.80，按费率方案应为 ¥6.00，多扣 ¥0.80',
    ]);
    // Both wordings either way, so the dashboard can switch without asking again.
    expect(chinese.map((a) => [a.messageZh, a.messageEn])).toEqual(
      english.map((a) => [chinese.find((c) => c.kind === a.kind)?.message, a.message]),
    );
    // ?lang= wins over the header; without either, Chinese.
    expect((await alertsIn(s, 'zh-CN', '?lang=en'))[1]?.message).toBe(english[1]?.message);
    expect((await alertsIn(s, 'en', '?lang=zh&kind=fee_overcharge')).map((a) => a.message)).toEqual([
      chinese[1]?.message,
    ]);
    expect((await alertsIn(s)).map((a) => a.message)).toEqual(chinese.map((a) => a.message));
  });

  it('a terminal alert: a large sale, its amount and threshold in both wordings', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    const pushed = await s.post('transactions', {
      type: 'sale',
      status: 'success',
      time: '2026-10-01T12:05:00+08:00',
      terminalId: 'T001',
      refNo: 'R1',
      channel: 'card',
      card: 'credit',
      amountFen: 6_000_000,
    });
    expect(pushed.statusCode, pushed.body).toBe(201);
    // Fewer than 100 sales so far: the fixed ¥50,000.00 threshold.
    expect((await alertsIn(s, 'en')).map((a) => [a.kind, a.amountFen, a.message])).toEqual([
      [
        'large_amount',
        6_000_000,
        '2026-10-01 12:05 terminal T001 large sale of ¥60,000.00, above ¥50,000.00',
      ],
    ]);
    expect((await alertsIn(s, 'zh')).map((a) => a.message)).toEqual([
      '2026-10-01 12:05 终端T001 大额交易 ¥60,000.00，超过 ¥50,000.00',
    ]);
  });

  it('an alert brought up to its day total is brought up in both languages', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    expect((await s.post('settlements', creditLine(100_000, 680, 1))).statusCode).toBe(201);
    // A second line of the same day and card: ¥500.00 charged ¥3.50 where 0.60 % gives ¥3.00, 50 fen over.
    expect(
      (await s.post('settlements', creditLine(50_000, 350, 2, '2026-10-01T15:00:00+08:00'))).statusCode,
    ).toBe(201);
    const [zh] = await alertsIn(s, 'zh-CN');
    const [en] = await alertsIn(s, 'en');
    expect(zh?.amountFen).toBe(130);
    expect(zh?.message).toBe(
      '2026-10-01 刷卡贷记卡 2 笔交易手续费高于费率方案：实扣 ¥10.30，应为 ¥9.00，合计多扣 ¥1.30',
    );
    expect(en?.message).toBe(
      '2026-10-01 credit card: 2 sales charged fees above the plan: ¥10.30 charged where the plan gives ¥9.00, ¥1.30 overcharged in all',
    );
  });
});
