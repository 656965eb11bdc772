import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { naturalKey } from '../../src/monitor/natural-key.js';
import { DIALECTS } from '../storage/test-storage.js';
import {
  DEDUCTION_HEADER,
  DEDUCTION_LINES,
  DEDUCTION_MERCHANT,
  DEDUCTION_PUSHES,
} from './deduction-fixtures.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { PLAN_YAML } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** The merchant number dialectApp registers. */
const MERCHANT = DEDUCTION_MERCHANT;
const HEADER = DEDUCTION_HEADER;

/** A settlement statement as the provider's site exports it: a title, the export time, the header, the lines. */
function statement(exportedAt: string, lines: readonly string[]): string {
  return `${['商户结算明细', `导出时间：${exportedAt}`, HEADER, ...lines].join('\r\n')}\r\n`;
}

/** ¥10,000.00 on a credit card charged ¥63.00 where the plan's 0.60 % gives ¥60.00: 300 fen over. */
const SALE_LINE = `2026-10-08 10:00:00,2026-10-09,${MERCHANT},T001,634300000001,贷记卡,刷卡,消费,"10,000.00",63.00,"9,937.00",`;
const SALE_PUSH = {
  type: 'sale',
  status: 'success',
  time: '2026-10-08T10:00:00',
  merchantId: MERCHANT,
  terminalId: 'T001',
  refNo: '634300000001',
  channel: 'card',
  card: 'credit',
  amountFen: 1_000_000,
  feeFen: 6300,
  settledFen: 993_700,
  settleDate: '2026-10-09',
};

interface Upload {
  stored: number;
  alreadyStored: number;
}

async function upload(t: DialectApp, name: string, content: string | Buffer): Promise<Upload> {
  const res = await t.uploadStatement(name, content as string, { kind: 'settlement' });
  expect(res.statusCode, res.body).toBe(201);
  const landing = res.json<{ landings: Upload[] }>().landings[0];
  return { stored: landing?.stored ?? -1, alreadyStored: landing?.alreadyStored ?? -1 };
}

async function settlementAmounts(t: DialectApp): Promise<number[]> {
  const rows = await t.storage.db
    .selectFrom('records')
    .select('amount_fen')
    .where('merchant_id', '=', t.merchantId)
    .orderBy('amount_fen')
    .execute();
  return rows.map((r) => r.amount_fen);
}

/** The audit's findings of the merchant as kind and loss, sorted. */
async function findings(t: DialectApp): Promise<{ kind: string; lossFen: number }[]> {
  const res = await t.get('audit');
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json<{ findings: { kind: string; lossFen: number }[] }>()
    .findings.map((f) => ({ kind: f.kind, lossFen: f.lossFen }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.lossFen - b.lossFen);
}

describe.each(DIALECTS)('a pushed record found again in a second import on %s', (dialect) => {
  it('a statement downloaded twice after the push adds nothing: one line, one overcharge of ¥3.00', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN_YAML);
    expect(await t.pushSettlements(SALE_PUSH)).toEqual(['fee_overcharge']);
    const first = await upload(t, '结算明细_第一次下载.csv', statement('2026-10-09 09:00:01', [SALE_LINE]));
    expect(first).toEqual({ stored: 0, alreadyStored: 0 });
    const second = await upload(t, '结算明细_第二次下载.csv', statement('2026-10-09 09:30:07', [SALE_LINE]));
    // The second download lists the line the first one did: the same record again, skipped as already there.
    expect(second).toEqual({ stored: 0, alreadyStored: 1 });
    expect(await settlementAmounts(t)).toEqual([1_000_000]);
    // 6,300 − 1,000,000 × 0.60 % = 6,300 − 6,000 = 300 fen over, in one line.
    const alerts = await t.alerts('fee_overcharge');
    expect(alerts.map((a) => a.amount_fen)).toEqual([300]);
    expect(alerts[0]?.message).toContain('多扣 ¥3.00');
    expect(await findings(t)).toEqual([{ kind: 'fee_overcharge', lossFen: 300 }]);
    // A later file settling the same sale again on 10-10 is a duplicate settlement the audit must see, not the
    // pushed record found once more.
    const again = SALE_LINE.replace(',2026-10-09,', ',2026-10-10,');
    expect(await upload(t, '结算明细_1010.csv', statement('2026-10-10 09:00:01', [again]))).toEqual({
      stored: 1,
      alreadyStored: 0,
    });
    expect(await settlementAmounts(t)).toEqual([1_000_000, 1_000_000]);
    expect((await findings(t)).map((f) => f.kind)).toContain('duplicate_settlement');
  });

  it('a UTF-8 copy of a GBK statement already imported adds nothing, pushed lines included', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN_YAML);
    await t.pushSettlements([SALE_PUSH, ...DEDUCTION_PUSHES]);
    // A line that was not pushed: ¥1,000.00 on a credit card charged the plan's ¥6.00.
    const notPushed = `2026-10-08 11:00:00,2026-10-09,${MERCHANT},T001,634300000002,贷记卡,刷卡,消费,"1,000.00",6.00,994.00,`;
    const text = statement('2026-10-09 09:00:01', [SALE_LINE, notPushed, ...DEDUCTION_LINES]);
    const gbk = await upload(t, '结算明细_20261009.csv', iconv.encode(text, 'gbk'));
    expect(gbk).toEqual({ stored: 1, alreadyStored: 0 });
    const utf8 = await upload(t, '结算明细_20261009_utf8.csv', `\uFEFF${text}`);
    expect(utf8).toEqual({ stored: 0, alreadyStored: 5 });
    expect(await settlementAmounts(t)).toEqual([-29_900, -9900, -9900, 100_000, 1_000_000]);
    expect((await t.alerts('fee_overcharge')).map((a) => a.amount_fen)).toEqual([300]);
  });
});

describe.each(DIALECTS)('pushed deductions (no reference number) on %s', (dialect) => {
  it('are found again in the statement by day, label and amount: three deductions, not six', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN_YAML);
    await t.pushSettlements(DEDUCTION_PUSHES);
    const up = await upload(t, '结算明细_20261009.csv', statement('2026-10-09 09:00:01', DEDUCTION_LINES));
    expect(up).toEqual({ stored: 0, alreadyStored: 0 });
    expect(await settlementAmounts(t)).toEqual([-29_900, -9900, -9900]);
    // Each deduction once: 29,900 + 9,900 + 9,900 = 49,700 fen taken outside the plan, not 99,400.
    const unplanned = (await findings(t)).filter((f) => f.kind === 'unplanned_deduction');
    expect(unplanned.map((f) => f.lossFen)).toEqual([9900, 9900, 29_900]);
    expect(unplanned.reduce((sum, f) => sum + f.lossFen, 0)).toBe(49_700);
  });

  it('a statement taking a third SIM fee keeps it: each pushed deduction answers one line', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN_YAML);
    await t.pushSettlements(DEDUCTION_PUSHES);
    const third = `2026-10-08 09:34:00,2026-10-09,${MERCHANT},T001,,,其他,扣款,-99.00,0.00,-99.00,流量费（SIM卡）`;
    const up = await upload(
      t,
      '结算明细_20261009.csv',
      statement('2026-10-09 09:00:01', [...DEDUCTION_LINES, third]),
    );
    expect(up).toEqual({ stored: 1, alreadyStored: 0 });
    // 29,900 + 3 × 9,900 = 59,600 fen taken.
    const amounts = await settlementAmounts(t);
    expect(amounts).toEqual([-29_900, -9900, -9900, -9900]);
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(-59_600);
  });

  it('pushed after the statement brought them, are the imported deductions: none stored twice', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN_YAML);
    await upload(t, '结算明细_20261009.csv', statement('2026-10-09 09:00:01', DEDUCTION_LINES));
    const res = await t.post('settlements', DEDUCTION_PUSHES);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<{ stored: number }>().stored).toBe(0);
    expect(await settlementAmounts(t)).toEqual([-29_900, -9900, -9900]);
  });
});

describe('the natural key of a deduction without an identifier', () => {
  const deduction = {
    kind: 'settlement',
    type: 'deduction',
    status: 'success',
    time: '2026-10-08T09:32:00+08:00',
    channel: 'other',
    card: 'unknown',
    amountFen: -9900,
    label: '流量费（SIM卡）',
    settleDate: '2026-10-09',
    source: { file: 'api', row: 1 },
  } as const;

  it('is its settle day, label and amount, whatever the width and spacing of the label', () => {
    const key = 'settlement|deduction|-9900|day:2026-10-09/流量费(SIM卡)';
    expect(naturalKey(deduction)).toBe(key);
    expect(naturalKey({ ...deduction, label: '流量费 (SIM卡)', time: '2026-10-09T00:00:00+08:00' })).toBe(
      key,
    );
    expect(naturalKey({ ...deduction, settleDate: '2026-10-10' })).not.toBe(key);
    expect(naturalKey({ ...deduction, label: '机具押金' })).not.toBe(key);
    // Without a settle day, the trade day in Shanghai names it.
    const { settleDate: _settleDate, ...unsettled } = deduction;
    expect(naturalKey({ ...unsettled, time: '2026-10-08T16:30:00Z' })).toBe(
      'settlement|deduction|-9900|day:2026-10-09/流量费(SIM卡)',
    );
  });
});
