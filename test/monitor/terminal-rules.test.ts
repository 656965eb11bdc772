import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, limitInForce, parseMonitorRules } from '../../src/monitor/rules.js';
import { cleanupAfterEach, type OwnerSession, ownerSession } from './monitor-harness.js';

const cleanups = cleanupAfterEach();

async function setup(rulesYaml?: string): Promise<OwnerSession> {
  const s = await ownerSession(cleanups, { worker: false }, { plan: false });
  if (rulesYaml !== undefined) {
    const put = await s.putYaml('monitor-rules', rulesYaml);
    expect(put.statusCode).toBe(200);
  }
  return s;
}

interface Sale {
  time: string;
  amountFen: number;
  payerId?: string;
  terminalId?: string;
  status?: string;
  card?: string;
}

async function push(s: OwnerSession, sales: Sale[]): Promise<string[]> {
  const res = await s.post(
    'transactions',
    sales.map((x) => ({
      type: 'sale',
      status: x.status ?? 'success',
      time: x.time,
      terminalId: x.terminalId ?? 'T001',
      channel: 'card',
      card: x.card ?? 'credit',
      amountFen: x.amountFen,
      ...(x.payerId === undefined ? {} : { payerId: x.payerId }),
    })),
  );
  expect(res.statusCode).toBe(201);
  return res.json<{ alerts: { kind: string }[] }>().alerts.map((a) => a.kind);
}

const at = (hhmmss: string, day = '2026-10-01'): string => `${day}T${hhmmss}+08:00`;

describe('monitor rules file', () => {
  it('the shipped rules.default.yaml is exactly the built-in defaults', () => {
    const text = readFileSync(new URL('../../src/monitor/rules.default.yaml', import.meta.url), 'utf8');
    const parsed = parseMonitorRules(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.rules).toEqual(DEFAULT_RULES);
    expect(DEFAULT_RULES.rules.large_amount.thresholdFen).toBe(5_000_000);
  });

  it('rejects a bad rule file with the path of each problem, and keeps unnamed keys at their defaults', async () => {
    const bad = parseMonitorRules('rules:\n  high_frequency: { maxPerHour: 0, severity: urgent }\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.problems).toEqual([
        {
          path: 'rules.high_frequency.severity',
          zh: 'rules.high_frequency.severity：应为 low、medium、high 之一',
          en: 'rules.high_frequency.severity: expected one of low, medium, high',
        },
        {
          path: 'rules.high_frequency.maxPerHour',
          zh: 'rules.high_frequency.maxPerHour：应不小于 1',
          en: 'rules.high_frequency.maxPerHour: must be at least 1',
        },
      ]);
    const good = parseMonitorRules('rules:\n  high_frequency: { maxPerHour: 3 }\n');
    expect(good.ok && good.rules.rules.high_frequency).toEqual({
      enabled: true,
      severity: 'medium',
      maxPerHour: 3,
    });
    const s = await setup();
    const put = await s.putYaml('monitor-rules', 'rules: { off_hours: { start: "8am" } }');
    expect(put.statusCode).toBe(400);
    const got = await s.get('monitor-rules');
    expect(got.json<{ rules: unknown }>().rules).toEqual(DEFAULT_RULES);
  });

  it('the limit in force is the lowest matching row whose dates cover the day', () => {
    const limits = [
      { from: '2026-09-01', perTransactionFen: 5_000_000 },
      { from: '2026-10-15', perTransactionFen: 1_000_000, card: 'credit' as const },
    ];
    expect(
      limitInForce(limits, { date: '2026-10-14', channel: 'card', card: 'credit' })?.perTransactionFen,
    ).toBe(5_000_000);
    expect(
      limitInForce(limits, { date: '2026-10-15', channel: 'card', card: 'credit' })?.perTransactionFen,
    ).toBe(1_000_000);
    expect(
      limitInForce(limits, { date: '2026-10-15', channel: 'card', card: 'debit' })?.perTransactionFen,
    ).toBe(5_000_000);
    expect(limitInForce(limits, { date: '2026-08-31', channel: 'card', card: 'debit' })).toBeUndefined();
  });
});

describe('terminal-side rules on pushed transactions', () => {
  it('large_amount: above ¥50,000 by default; ¥50,000.00 itself is not', async () => {
    const s = await setup();
    expect(await push(s, [{ time: at('12:00:00'), amountFen: 5_000_000 }])).toEqual([]);
    expect(await push(s, [{ time: at('12:01:00'), amountFen: 5_000_001 }])).toEqual(['large_amount']);
  });

  it('large_amount: 5× the median once the merchant has enough sales', async () => {
    const s = await setup('rules: { large_amount: { medianMinSales: 5 } }');
    const small = [0, 1, 2, 3, 4].map((i) => ({ time: at(`12:0${i}:00`), amountFen: 10_000 }));
    expect(await push(s, small)).toEqual([]);
    // Six sales: 10,000 ×5 and 50,001; the lower middle is 10,000, so the bar is 50,000 fen.
    expect(await push(s, [{ time: at('12:10:00'), amountFen: 50_001 }])).toEqual(['large_amount']);
    expect(await push(s, [{ time: at('12:11:00'), amountFen: 50_000 }])).toEqual([]);
  });

  it('high_frequency: more than N sales by one payer in an hour, one alert per payer and hour', async () => {
    const s = await setup('rules: { high_frequency: { maxPerHour: 3 } }');
    const sales = ['12:00:00', '12:10:00', '12:20:00'].map((t, i) => ({
      time: at(t),
      amountFen: 1_000 + i,
      payerId: 'P1',
    }));
    expect(await push(s, sales)).toEqual([]);
    expect(await push(s, [{ time: at('12:30:00'), amountFen: 1_100, payerId: 'P1' }])).toEqual([
      'high_frequency',
    ]);
    expect(await push(s, [{ time: at('12:40:00'), amountFen: 1_200, payerId: 'P1' }])).toEqual([]);
    // Another payer is counted on its own.
    expect(await push(s, [{ time: at('12:41:00'), amountFen: 1_300, payerId: 'P2' }])).toEqual([]);
  });

  it('off_hours: outside the business hours (Asia/Shanghai), start inclusive, end exclusive', async () => {
    const s = await setup('rules: { off_hours: { start: "08:00", end: "22:00" } }');
    expect(await push(s, [{ time: at('07:59:00'), amountFen: 100 }])).toEqual(['off_hours']);
    expect(await push(s, [{ time: at('08:00:00'), amountFen: 101 }])).toEqual([]);
    expect(await push(s, [{ time: at('21:59:59'), amountFen: 102 }])).toEqual([]);
    expect(await push(s, [{ time: at('22:00:00'), amountFen: 103 }])).toEqual(['off_hours']);
    // 2026-10-01T15:30:00Z is 23:30 in Shanghai.
    expect(await push(s, [{ time: '2026-10-01T15:30:00Z', amountFen: 104 }])).toEqual(['off_hours']);
  });

  it('off_hours: a shop open round the clock (start = end) has no off hours; a night shift spans midnight', async () => {
    const allDay = await setup('rules: { off_hours: { start: "00:00", end: "00:00" } }');
    expect(await push(allDay, [{ time: at('03:00:00'), amountFen: 100 }])).toEqual([]);
    expect(await push(allDay, [{ time: at('15:00:00'), amountFen: 101 }])).toEqual([]);
    const night = await setup('rules: { off_hours: { start: "18:00", end: "02:00" } }');
    expect(await push(night, [{ time: at('01:59:00'), amountFen: 102 }])).toEqual([]);
    expect(await push(night, [{ time: at('02:00:00'), amountFen: 103 }])).toEqual(['off_hours']);
  });

  it('split_sales: several sales just under the limit by one payer within minutes', async () => {
    const s = await setup(
      'rules: { split_sales: { limitFen: 1000000, windowMinutes: 10, minCount: 3, marginPercent: 10 } }',
    );
    // Floor 900,000 fen: 990,000 is "just under" ¥10,000; 800,000 is not.
    expect(await push(s, [{ time: at('12:00:00'), amountFen: 990_000, payerId: 'P9' }])).toEqual([]);
    expect(await push(s, [{ time: at('12:03:00'), amountFen: 800_000, payerId: 'P9' }])).toEqual([]);
    expect(await push(s, [{ time: at('12:04:00'), amountFen: 950_000, payerId: 'P9' }])).toEqual([]);
    expect(await push(s, [{ time: at('12:06:00'), amountFen: 999_999, payerId: 'P9' }])).toEqual([
      'split_sales',
    ]);
    expect(await push(s, [{ time: at('12:07:00'), amountFen: 990_001, payerId: 'P9' }])).toEqual([]);
  });

  it('over_limit: above the per-transaction limit in force from its effective date, failed attempts too', async () => {
    const s = await setup('limits:\n  - { from: 2026-10-15, perTransactionFen: 1000000, card: credit }\n');
    expect(await push(s, [{ time: at('12:00:00', '2026-10-14'), amountFen: 2_000_000 }])).toEqual([]);
    expect(await push(s, [{ time: at('12:00:00', '2026-10-15'), amountFen: 1_000_000 }])).toEqual([]);
    expect(
      await push(s, [{ time: at('12:01:00', '2026-10-15'), amountFen: 1_000_001, status: 'failed' }]),
    ).toEqual(['over_limit']);
    expect(
      await push(s, [{ time: at('12:02:00', '2026-10-15'), amountFen: 2_000_000, card: 'debit' }]),
    ).toEqual([]);
  });

  it('duplicate_submission: same terminal, payer and amount within 60 s', async () => {
    const s = await setup();
    const sale = (t: string, terminalId = 'T001') => ({
      time: at(t),
      amountFen: 8_800,
      payerId: 'P5',
      terminalId,
    });
    expect(await push(s, [sale('12:00:00')])).toEqual([]);
    expect(await push(s, [sale('12:00:45')])).toEqual(['duplicate_submission']);
    expect(await push(s, [sale('12:02:00')])).toEqual([]);
    expect(await push(s, [sale('12:02:10', 'T002')])).toEqual([]);
  });

  it('duplicate_submission: also when the later sale arrives first (an export listed newest first, a late queue)', async () => {
    const s = await setup();
    const sale = (t: string) => ({ time: at(t), amountFen: 8_800, payerId: 'P6' });
    // One array, newest first: 12:00:30 then 12:00:05 — 25 s apart, one duplicate.
    expect(await push(s, [sale('12:00:30'), sale('12:00:05')])).toEqual(['duplicate_submission']);
    // Two requests, the resubmission (13:00:40) before the original (13:00:10): one duplicate.
    expect(await push(s, [sale('13:00:40')])).toEqual([]);
    expect(await push(s, [sale('13:00:10')])).toEqual(['duplicate_submission']);
    const alerts = await s.m.storage.db
      .selectFrom('monitor_alerts')
      .select('kind')
      .where('kind', '=', 'duplicate_submission')
      .execute();
    expect(alerts).toHaveLength(2);
  });

  it('a disabled rule raises nothing', async () => {
    const s = await setup('rules: { off_hours: { enabled: false } }');
    expect(await push(s, [{ time: at('03:00:00'), amountFen: 100 }])).toEqual([]);
  });
});
