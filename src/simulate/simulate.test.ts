import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/program.js';
import { SCENARIO_KINDS, SCENARIOS, type Scenario, scenarioParams } from './scenarios.js';
import { type SimPreset, type SimulateOptions, simulate } from './simulate.js';
import type { TruthFinding, TruthRateChange } from './sim-types.js';

const root = mkdtempSync(join(tmpdir(), 'posguard-sim-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

interface Truth {
  seed: string;
  summary: {
    overchargeFen: number;
    lossFen: number;
    pending: number;
    findingsByKind: Record<string, number>;
  };
  findings: TruthFinding[];
  rateChanges: TruthRateChange[];
}

function run(scenarios: Scenario[], extra: Partial<SimulateOptions> = {}) {
  runs += 1;
  const out = join(root, `run${runs}`);
  const options: SimulateOptions = {
    out,
    merchants: 1,
    terminals: 3,
    days: 30,
    perDay: 40,
    start: '2026-10-01',
    seed: '1',
    scenarios,
    preset: 'generic',
    ...extra,
  };
  const result = simulate(options);
  const merchantId = result.merchants[0]?.merchantId ?? '';
  const dir = join(out, merchantId);
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as Truth;
  return { out, dir, merchantId, result, truth };
}

const gbkLines = (path: string) => iconv.decode(readFileSync(path), 'gbk').split('\r\n');

// Kinds the simulated merchant shows without any fault: one genuine duplicate-looking pair.
const NATURAL = ['suspected_duplicate_charge'];

describe('simulate: determinism', () => {
  it('writes byte-identical files for the same seed and different ones for another seed', () => {
    const a = run(['silent-rate-change', 'refund-fee'], { merchants: 2 });
    const b = run(['silent-rate-change', 'refund-fee'], { merchants: 2 });
    const c = run(['silent-rate-change', 'refund-fee'], { merchants: 2, seed: '2' });
    const files = (dir: string) =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(dir.length))
        .sort();
    expect(files(a.out)).toEqual(files(b.out));
    expect(files(a.out)).toHaveLength(12);
    for (const f of files(a.out))
      expect(readFileSync(join(b.out, f)).equals(readFileSync(join(a.out, f)))).toBe(true);
    expect(readFileSync(join(c.dir, 'terminal.csv')).equals(readFileSync(join(a.dir, 'terminal.csv')))).toBe(
      false,
    );
  });
});

describe('simulate: each scenario alone', () => {
  const withChanges: Scenario[] = ['promo-expiry', 'silent-rate-change', 'fixed-surcharge'];
  for (const scenario of SCENARIOS) {
    it(`${scenario} produces ${SCENARIO_KINDS[scenario].join(', ') || 'no findings'} and no other injected kind`, () => {
      const { truth } = run([scenario]);
      const kinds = SCENARIO_KINDS[scenario];
      for (const kind of kinds) expect(truth.summary.findingsByKind[kind], kind).toBeGreaterThan(0);
      for (const [kind, n] of Object.entries(truth.summary.findingsByKind)) {
        if (!kinds.includes(kind) && !NATURAL.includes(kind)) expect(n, kind).toBe(0);
      }
      expect(truth.rateChanges).toHaveLength(withChanges.includes(scenario) ? 1 : 0);
    });
  }

  it('injects no payout fault on a day that nets below zero (nothing is paid, so nothing can be short)', () => {
    // Seed 7 over 24 days at 6 sales a day: the day picked for the missing payout, 2026-10-19, nets to −9,050.82
    // (a refund above the day's sales). Only the other picked day, 10-13, is short, by the scenario's 100 元.
    const { truth } = run(['bank-payout-short'], { seed: '7', days: 24, perDay: 6 });
    const payouts = truth.findings.filter((f) => f.kind === 'payout_mismatch');
    expect(payouts.map((f) => [f.settleDate, f.lossFen])).toEqual([['2026-10-13', 10000]]);
    expect(payouts.every((f) => (f.amountFen ?? 0) > 0)).toBe(true);
  });

  it('records the natural duplicate-looking pair even with no scenario', () => {
    const { truth } = run([]);
    expect(truth.summary.findingsByKind.suspected_duplicate_charge).toBe(1);
    expect(truth.findings).toHaveLength(1);
    expect(truth.summary.overchargeFen).toBe(0);
  });

  it('counts the sales of the last trading day as pending, not as missing', () => {
    // 2026-10-30 is a Friday: its sales settle on Monday 11-02, after the statements end on 10-30
    const { dir, truth } = run([]);
    const lastDay = readFileSync(join(dir, 'terminal.csv'), 'utf8')
      .split('\r\n')
      .filter((l) => l.startsWith('2026-10-30') && l.includes(',消费,成功,'));
    expect(lastDay.length).toBeGreaterThan(0);
    expect(truth.summary.pending).toBeGreaterThanOrEqual(lastDay.length - 2);
    expect(truth.summary.findingsByKind.missing_settlement).toBe(0);
    const settlement = gbkLines(join(dir, 'settlement.csv'));
    expect(settlement.some((l) => l.startsWith('2026-10-30'))).toBe(false);
  });

  it('dates the silent rate change on or after the injected date, at 0.60% → 0.63%', () => {
    const { truth } = run(['silent-rate-change']);
    const change = truth.rateChanges[0];
    expect(change).toMatchObject({
      channel: 'card',
      card: 'credit',
      beforeRate: '0.60%',
      afterRate: '0.63%',
    });
    expect((change?.date ?? '') >= scenarioParams('2026-10-01', 30).rateChangeOn).toBe(true);
    // the first fee_overcharge can never come before the change date
    const first = truth.findings
      .filter((f) => f.kind === 'fee_overcharge')
      .map((f) => f.time.slice(0, 10))
      .sort()[0];
    expect((first ?? '') >= (change?.date ?? '')).toBe(true);
  });

  it('records the fixed surcharge as a change of the fixed part only', () => {
    const { truth } = run(['fixed-surcharge']);
    expect(truth.rateChanges[0]).toMatchObject({
      beforeRate: '0.60%',
      afterRate: '0.60%',
      beforeFixedFen: 0,
      afterFixedFen: 300,
    });
  });

  it('limit-change writes declined sales of one card and no finding', () => {
    const { dir, truth } = run(['limit-change']);
    const declined = readFileSync(join(dir, 'terminal.csv'), 'utf8')
      .split('\r\n')
      .filter((l) => l.includes(',失败,'));
    expect(declined.length).toBeGreaterThan(0);
    expect(new Set(declined.map((l) => l.split(',')[7])).size).toBe(1);
    expect(truth.summary.overchargeFen + truth.summary.lossFen).toBe(0);
  });

  it('software-update records the new firmware in devices.yaml from the injected date', () => {
    const { dir } = run(['software-update']);
    const devices = readFileSync(join(dir, 'devices.yaml'), 'utf8');
    expect(devices).toContain(`- { from: ${scenarioParams('2026-10-01', 30).updateOn}, firmware: `);
  });
});

describe('simulate: combined scenarios', () => {
  const all = run([...SCENARIOS]);

  it('produces every injected kind together, with three rate changes', () => {
    for (const scenario of SCENARIOS)
      for (const kind of SCENARIO_KINDS[scenario])
        expect(all.truth.summary.findingsByKind[kind], kind).toBeGreaterThan(0);
    expect(all.truth.rateChanges.map((c) => `${c.channel}/${c.card}`).sort()).toEqual([
      'card/credit',
      'card/credit',
      'wechat/unknown',
    ]);
  });

  it('keeps the truth totals equal to the sums of its findings', () => {
    const sum = (f: (x: TruthFinding) => number) => all.truth.findings.reduce((a, x) => a + f(x), 0);
    expect(all.truth.summary.overchargeFen).toBe(sum((f) => f.overchargeFen));
    expect(all.truth.summary.lossFen).toBe(sum((f) => f.lossFen));
    const counts: Record<string, number> = {};
    for (const f of all.truth.findings) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
    for (const [kind, n] of Object.entries(all.truth.summary.findingsByKind))
      expect(n).toBe(counts[kind] ?? 0);
    expect(Object.keys(all.truth.summary.findingsByKind)).toHaveLength(13);
  });

  it('writes the charged fee of an overcharged line into settlement.csv', () => {
    const lines = gbkLines(join(all.dir, 'settlement.csv'));
    const header = lines[2]?.split(',') ?? [];
    const col = (name: string) => header.indexOf(name);
    const overcharged = all.truth.findings.filter((f) => f.kind === 'fee_overcharge');
    expect(overcharged.length).toBeGreaterThan(10);
    for (const f of overcharged.slice(0, 20)) {
      const row = lines.find((l) => l.split(',')[col('参考号')] === f.refNo)?.split(',') ?? [];
      const fee = row[col('手续费')] ?? '';
      // yuan text to fen by digits, e.g. "3.58" → 358
      const [yuan = '', cents = ''] = fee.split('.');
      expect(Number(yuan) * 100 + Number(cents)).toBe(f.chargedFeeFen);
      expect((f.chargedFeeFen ?? 0) - (f.expectedFeeFen ?? 0)).toBe(f.overchargeFen);
    }
  });

  it('lists a duplicated line twice and a missing sale not at all', () => {
    const text = gbkLines(join(all.dir, 'settlement.csv')).join('\n');
    for (const f of all.truth.findings) {
      const n = text.split(`,${f.refNo},`).length - 1;
      if (f.kind === 'duplicate_settlement') expect(n).toBe(2);
      if (f.kind === 'missing_settlement') expect(n).toBe(0);
    }
  });

  it('credits the bank with each payout except the missing one, and 100 元 short once', () => {
    const bank = gbkLines(join(all.dir, 'bank.csv')).join('\n');
    const payouts = all.truth.findings.filter((f) => f.kind === 'payout_mismatch');
    expect(payouts.map((p) => p.lossFen).sort((a, b) => a - b)[0]).toBe(10_000);
    const missing = payouts.find((p) => p.lossFen === p.amountFen);
    expect(missing).toBeDefined();
    expect(bank).not.toContain(`T1结算款${missing?.settleDate}`);
  });

  it('nets a 299 元 deposit out of one sale and lists 流量费 and 秒到服务费 as deduction lines', () => {
    const deductions = all.truth.findings.filter((f) => f.kind === 'unplanned_deduction');
    expect(deductions.filter((d) => d.lossFen === 29_900 && d.refNo)).toHaveLength(1);
    expect(deductions.filter((d) => d.lossFen === 9_900)).toHaveLength(1);
    const lines = gbkLines(join(all.dir, 'settlement.csv'));
    expect(lines.filter((l) => l.includes(',流量费,-99.00,0.00,-99.00,'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(',秒到服务费,-3.00,'))).toHaveLength(deductions.length - 2);
  });
});

describe('simulate: file formats', () => {
  const files = (dir: string) => readdirSync(dir).map((f) => join(dir, f));

  it('writes terminal.csv in UTF-8 with BOM and settlement/bank in GBK with title rows and a 合计 row', () => {
    const { dir } = run(['sim-fee']);
    const terminal = readFileSync(join(dir, 'terminal.csv'));
    expect([...terminal.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(terminal.toString('utf8')).toContain('\r\n交易时间,商户号,终端号,');
    const settlement = readFileSync(join(dir, 'settlement.csv'));
    // 合计 in GBK is BA CF BC C6; the UTF-8 decoding of GBK bytes is not the text
    expect(settlement.includes(Buffer.from([0xba, 0xcf, 0xbc, 0xc6]))).toBe(true);
    expect(settlement.toString('utf8')).not.toContain('合计');
    const lines = gbkLines(join(dir, 'settlement.csv'));
    expect(lines[0]).toContain('商户结算明细');
    expect(lines[2]).toBe(
      '交易时间,结算日期,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,费率,备注',
    );
    expect(lines.at(-2)?.startsWith('合计,')).toBe(true);
    expect(gbkLines(join(dir, 'bank.csv'))[2]).toBe(
      '交易日期,交易时间,收入金额,支出金额,账户余额,对方户名,对方账号,摘要',
    );
  });

  it('writes plan.yaml in the plan format with the contract rates', () => {
    const { dir, merchantId } = run([]);
    const plan = readFileSync(join(dir, 'plan.yaml'), 'utf8');
    expect(plan).toContain(`merchantId: "${merchantId}"`);
    expect(plan).toContain('settlement: T1');
    expect(plan).toContain('- { channel: [card, nfc, unionpay-qr], card: debit, rate: 0.55%, cap: 20 }');
    expect(plan).toContain('- { channel: [wechat, alipay], rate: 0.38% }');
  });

  it('writes the WeChat bill with backticks and the summary pair last, QR sales only', () => {
    const { dir } = run(['promo-expiry', 'refund-fee'], { preset: 'wechat' as SimPreset });
    const lines = readFileSync(join(dir, 'settlement.csv'), 'utf8').split('\r\n').filter(Boolean);
    expect(lines[0]?.startsWith('交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号')).toBe(
      true,
    );
    for (const line of lines.slice(1)) {
      if (line.startsWith('总交易单数')) continue;
      for (const cell of line.split(',')) expect(cell.startsWith('`')).toBe(true);
    }
    expect(lines.at(-2)?.startsWith('总交易单数,应结订单总金额')).toBe(true);
    expect(lines.some((l) => l.includes('`REFUND,'))).toBe(true);
    const terminal = readFileSync(join(dir, 'terminal.csv'), 'utf8');
    expect(terminal).not.toContain(',刷卡,');
  });

  it('writes the Leshua trade file with a BT title row, BV rows and fen', () => {
    const { dir } = run(['silent-rate-change'], { preset: 'leshua' as SimPreset });
    const lines = readFileSync(join(dir, 'settlement.txt'), 'utf8').split('\r\n').filter(Boolean);
    expect(
      lines[0]?.startsWith(
        'BT,编号,交易时间,订单号,商户号,费率(万分之一),交易金额(分),手续费(分),结算金额(分)',
      ),
    ).toBe(true);
    expect(lines.slice(1).every((l) => l.startsWith('BV,'))).toBe(true);
    expect(lines.some((l) => l.split(',')[5] === '63')).toBe(true);
  });

  it('never writes a full card number: every 13–19 digit run is the merchant id', () => {
    for (const preset of ['generic', 'leshua', 'wechat'] as SimPreset[]) {
      const { dir, merchantId } = run(
        preset === 'wechat'
          ? ['refund-fee']
          : [...SCENARIOS].filter((s) => s !== 'late-settlement' || preset === 'generic'),
        {
          preset,
        },
      );
      for (const file of files(dir)) {
        const text =
          file.endsWith('.csv') && !file.endsWith('terminal.csv') && preset === 'generic'
            ? iconv.decode(readFileSync(file), 'gbk')
            : readFileSync(file, 'utf8');
        const runs13 = text.match(/(?<!\d)\d{13,19}(?!\d)/g) ?? [];
        for (const r of runs13) expect(r, file).toBe(merchantId);
        if (file.endsWith('terminal.csv') && preset !== 'wechat') expect(text).toMatch(/,\d{6}\*{6,9}\d{4},/);
      }
    }
  });
});

describe('posguard simulate (CLI)', () => {
  it('prints a zh-CN summary and writes the files', async () => {
    const out = join(root, 'cli');
    const r = await runCli([
      'simulate',
      '--out',
      out,
      '--scenario',
      'cap-ignored',
      '--days',
      '20',
      '--per-day',
      '20',
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('已生成 1 个商户的模拟数据');
    expect(r.stdout).toContain('cap-ignored  借记卡封顶 20 元未执行');
    expect(r.stdout).toMatch(/标准答案：多扣手续费 ¥[\d,.]+/);
    expect(readdirSync(out)).toHaveLength(1);
  });

  it('rejects an unknown scenario with exit 2, listing the valid ones', async () => {
    const r = await runCli(['simulate', '--out', join(root, 'bad'), '--scenario', 'rate-hike']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('未知场景 rate-hike');
    expect(r.stderr).toContain('promo-expiry silent-rate-change');
  });

  it('rejects an unknown preset and a scenario the preset cannot show', async () => {
    const bad = await runCli(['simulate', '--out', join(root, 'bad'), '--preset', 'lakala', '--lang', 'en']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('unknown preset lakala; valid: generic leshua wechat');
    const unsupported = await runCli([
      'simulate',
      '--out',
      join(root, 'bad'),
      '--preset',
      'wechat',
      '--scenario',
      'late-settlement',
    ]);
    expect(unsupported.exitCode).toBe(2);
  });

  it('rejects a --start that is no real day (2026-02-30) with exit 2, naming the flag and value', async () => {
    for (const start of ['2026-02-30', '2026-13-01', '2026-1-5']) {
      const out = join(root, `bad-start-${start}`);
      const zh = await runCli(['simulate', '--out', out, '--start', start], { env: { LANG: 'zh_CN.UTF-8' } });
      expect(zh.exitCode).toBe(2);
      expect(zh.stdout).toBe('');
      expect(zh.stderr).toBe(`posguard: --start 应为 YYYY-MM-DD 日期：“${start}”\n`);
      const en = await runCli(['simulate', '--out', out, '--start', start, '--lang', 'en']);
      expect(en.exitCode).toBe(2);
      expect(en.stderr).toBe(`posguard: --start must be a YYYY-MM-DD date: "${start}"\n`);
      // Nothing is written for a rejected run.
      expect(() => readdirSync(out)).toThrow();
    }
  });

  it('prints JSON with the truth totals', async () => {
    const r = await runCli([
      'simulate',
      '--out',
      join(root, 'json'),
      '--format',
      'json',
      '--days',
      '10',
      '--per-day',
      '10',
    ]);
    const parsed = JSON.parse(r.stdout) as {
      truth: { findingsByKind: Record<string, number> };
      files: string[];
    };
    expect(parsed.files).toHaveLength(6);
    expect(parsed.truth.findingsByKind.suspected_duplicate_charge).toBe(1);
  });
});
