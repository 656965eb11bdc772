import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { simulateMerchant } from '../cases/merchant-harness.js';

// The test reads the simulated journal itself and prices it with its own arithmetic (no posguard pricing code),
// then checks `posguard compare --format json` against it.

let dir: string;
let sim: string;

interface Sale {
  date: string;
  ref: string;
  fen: number;
  channel: 'card' | 'nfc' | 'unionpay-qr' | 'wechat' | 'alipay';
  card: string;
  terminal: string;
}

/** "384.00" → 38400 without floating point. */
function fenOf(text: string): number {
  const negative = text.startsWith('-');
  const [whole = '0', frac = ''] = text.replace('-', '').split('.');
  const value = Number(whole) * 100 + Number(frac.padEnd(2, '0').slice(0, 2));
  return negative ? -value : value;
}

/** round-half-up(amount × ppm ÷ 1,000,000) for non-negative integers. */
function pct(amountFen: number, ppm: number): number {
  const product = BigInt(amountFen) * BigInt(ppm);
  return Number((product + 500_000n) / 1_000_000n);
}

const CHANNEL: Record<string, Sale['channel']> = {
  刷卡: 'card',
  闪付: 'nfc',
  银联二维码: 'unionpay-qr',
  微信: 'wechat',
  支付宝: 'alipay',
};

/** The kept sales of the journal: 消费/成功 minus those a successful 撤销/冲正 names by 原参考号. */
const refundsByRef = new Map<string, number[]>();
let cancelledCount = 0;

function keptSales(): Sale[] {
  refundsByRef.clear();
  const lines = readFileSync(join(sim, 'terminal.csv'), 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .slice(3);
  const sales: Sale[] = [];
  const cancelled = new Set<string>();
  for (const line of lines) {
    if (line.trim() === '') continue;
    const c = line.split(',');
    const [time, , terminal, , , ref, , , card, method, , type, status, amount, , origRef] = c;
    if (status !== '成功') continue;
    if (type === '消费') {
      const channel = CHANNEL[method ?? ''];
      if (channel === undefined) throw new Error(`unknown method ${method}`);
      sales.push({
        date: (time ?? '').slice(0, 10),
        ref: ref ?? '',
        fen: fenOf(amount ?? ''),
        channel,
        card: card ?? '',
        terminal: terminal ?? '',
      });
    } else if (type === '消费撤销' || type === '消费冲正') cancelled.add(origRef ?? '');
    else if (type === '退货')
      refundsByRef.set(origRef ?? '', [...(refundsByRef.get(origRef ?? '') ?? []), -fenOf(amount ?? '')]);
  }
  cancelledCount = cancelled.size;
  return sales.filter((s) => !cancelled.has(s.ref));
}

function spanDays(sales: Sale[]): number {
  const days = sales.map((s) => Date.parse(`${s.date}T00:00:00Z`) / 86_400_000);
  return Math.max(...days) - Math.min(...days) + 1;
}

function yearly(total: number, span: number): number {
  // round-half-up(total × 365 ÷ span) for a positive total.
  return Math.floor((total * 365 * 2 + span) / (2 * span));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-compare-'));
  sim = simulateMerchant(dir, {
    terminals: 2,
    days: 30,
    perDay: 20,
    seed: 'posguard-compare',
    scenarios: ['network-resubmit', 'refund-fee', 'silent-rate-change'],
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Priced {
  rank: number;
  provider: string;
  plan: string;
  settlement: string;
  totalFen: number;
  yearlyFen: number;
  yearlySimFen: number;
  depositFen: number;
  unpriced: { count: number };
  jumpRecord?: { findings: number; overchargeFen: number; settlementFiles: string[] };
}

describe('posguard compare', () => {
  it('prices the simulated history under the shipped plans as the test recomputes it, cheapest first', async () => {
    const run = await runCli(['compare', '--terminal', 'terminal.csv', '--format', 'json'], { cwd: sim });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as {
      plans: Priced[];
      history: { sales: number; spanDays: number; terminals: number };
    };
    const sales = keptSales();
    const span = spanDays(sales);
    expect(out.history).toMatchObject({ sales: sales.length, spanDays: span, terminals: 2 });
    const cardLike = new Set(['card', 'nfc', 'unionpay-qr']);

    // 乐刷（示例）: debit card/nfc/QR 0.60% capped at 20 元, other card/nfc/QR 0.60%, WeChat/Alipay 0.38%;
    // refunds return nothing; SIM 99 元/year and deposit 99 元 per terminal.
    let leshua = 0;
    for (const s of sales) {
      if (cardLike.has(s.channel) && s.card === '借记卡') leshua += Math.min(pct(s.fen, 6000), 2000);
      else if (cardLike.has(s.channel)) leshua += pct(s.fen, 6000);
      else leshua += pct(s.fen, 3800);
    }
    const leshuaPlan = out.plans.find((p) => p.provider === '乐刷（示例）');
    expect(leshuaPlan?.totalFen).toBe(leshua);
    expect(leshuaPlan?.yearlySimFen).toBe(2 * 9900);
    expect(leshuaPlan?.depositFen).toBe(2 * 9900);
    expect(leshuaPlan?.yearlyFen).toBe(yearly(leshua, span) + 2 * 9900 + 2 * 9900);

    // 促销扫码机（示例）: WeChat/Alipay/UnionPay QR up to 1,000 元 0.38%, everything else 0.60%; SIM 30 元 a
    // quarter and deposit 299 元 per terminal.
    let promo = 0;
    for (const s of sales) {
      const qr = s.channel === 'wechat' || s.channel === 'alipay' || s.channel === 'unionpay-qr';
      promo += pct(s.fen, qr && s.fen <= 100_000 ? 3800 : 6000);
    }
    const promoPlan = out.plans.find((p) => p.provider === '促销扫码机（示例）');
    expect(promoPlan?.totalFen).toBe(promo);
    expect(promoPlan?.yearlyFen).toBe(yearly(promo, span) + 2 * 4 * 3000 + 2 * 29_900);
    expect(promoPlan?.settlement).toBe('D0');

    // 汇付（示例）: UnionPay QR / NFC up to 1,000 元 0.38%, debit card/NFC/QR 0.55% capped at 20 元, other
    // card/NFC/QR 0.56%, WeChat/Alipay 0.38%, anything else 0.56%; refunds give back the proportional fee,
    // round-half-up(fee × refund ÷ amount), the refund that completes the sale the remainder.
    expect(cancelledCount).toBeGreaterThan(0);
    expect(refundsByRef.size).toBeGreaterThan(0);
    let huifu = 0;
    for (const s of sales) {
      let fee: number;
      if ((s.channel === 'unionpay-qr' || s.channel === 'nfc') && s.fen <= 100_000) fee = pct(s.fen, 3800);
      else if (cardLike.has(s.channel) && s.card === '借记卡') fee = Math.min(pct(s.fen, 5500), 2000);
      else if (cardLike.has(s.channel)) fee = pct(s.fen, 5600);
      else if (s.channel === 'wechat' || s.channel === 'alipay') fee = pct(s.fen, 3800);
      else fee = pct(s.fen, 5600);
      huifu += fee;
      let refunded = 0;
      let returned = 0;
      for (const r of refundsByRef.get(s.ref) ?? []) {
        refunded += r;
        const back =
          refunded >= s.fen
            ? fee - returned
            : Number((BigInt(fee) * BigInt(r) * 2n + BigInt(s.fen)) / (2n * BigInt(s.fen)));
        returned += back;
      }
      huifu -= returned;
    }
    const huifuPlan = out.plans.find((p) => p.provider === '汇付（示例）');
    expect(huifuPlan?.totalFen).toBe(huifu);
    expect(huifuPlan?.yearlyFen).toBe(yearly(huifu, span));

    // Every shipped plan prices every sale; ranks follow the first-year cost.
    expect(out.plans.length).toBeGreaterThanOrEqual(4);
    expect(out.plans.every((p) => p.unpriced.count === 0)).toBe(true);
    const yearlies = out.plans.map((p) => p.yearlyFen);
    expect(yearlies).toEqual([...yearlies].sort((a, b) => a - b));
    expect(out.plans.map((p) => p.rank)).toEqual(out.plans.map((_, i) => i + 1));
  });

  it("shows a provider's 跳点 record from the user's statements, matched by preset or plan provider", async () => {
    const catalog = join(dir, 'catalog.yaml');
    writeFileSync(
      catalog,
      [
        'plans:',
        '  - provider: 汇通支付',
        '    aliases: [generic]',
        '    plan: 现在的方案',
        '    settlement: T1',
        '    source: 测试',
        '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
        '  - provider: 另一家',
        '    plan: 0.5%',
        '    settlement: T1',
        '    deposit: 0',
        '    source: 测试',
        '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.50% }] }]',
      ].join('\n'),
    );
    const run = await runCli(
      [
        'compare',
        '--terminal',
        'terminal.csv',
        '--settlement',
        'settlement.csv',
        '--plan',
        'plan.yaml',
        '--catalog',
        catalog,
        '--format',
        'json',
      ],
      { cwd: sim },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { plans: Priced[] };
    expect(out.plans.map((p) => p.provider)).toEqual(['另一家', '汇通支付']);
    const truth = JSON.parse(readFileSync(join(sim, 'truth.json'), 'utf8')) as {
      findings: { kind: string; overchargeFen: number }[];
    };
    const overcharge = truth.findings
      .filter((f) => f.kind === 'fee_overcharge')
      .reduce((a, f) => a + f.overchargeFen, 0);
    const record = out.plans.find((p) => p.provider === '汇通支付')?.jumpRecord;
    expect(record?.settlementFiles).toEqual(['settlement.csv']);
    expect(overcharge).toBeGreaterThan(0);
    expect(record?.overchargeFen).toBeGreaterThanOrEqual(overcharge);
    expect(out.plans.find((p) => p.provider === '另一家')?.jumpRecord).toBeUndefined();

    const table = await runCli(
      ['compare', '--terminal', 'terminal.csv', '--catalog', catalog, '--lang', 'en'],
      { cwd: sim },
    );
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toContain('另一家');
    expect(table.stdout).toContain('First year');
  });

  it('keeps only the last N months with --months', async () => {
    const run = await runCli(['compare', '--terminal', 'terminal.csv', '--months', '1', '--format', 'json'], {
      cwd: sim,
    });
    const out = JSON.parse(run.stdout) as {
      history: { firstDate: string; lastDate: string; period: { from: string; to: string; days: number } };
    };
    // The history ends 2026-09-30; the last calendar month is September, annualised over its 30 days.
    expect(out.history.lastDate).toBe('2026-09-30');
    expect(out.history.firstDate >= '2026-09-01').toBe(true);
    expect(out.history.period).toEqual({ from: '2026-09-01', to: '2026-09-30', days: 30 });
  });

  it('refuses a catalogue entry whose plan part is invalid, naming the place, with exit code 2', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'plans:\n  - provider: X\n    plan: Y\n    settlement: T1\n    source: s\n    periods: [{ from: 2020-01-01, rates: [{ rate: abc }] }]\n',
    );
    const run = await runCli(['compare', '--terminal', 'terminal.csv', '--catalog', bad, '--lang', 'en'], {
      cwd: sim,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('plans[0]');
    expect(run.stderr).toContain('periods[0].rates[0].rate');
    const missing = await runCli(['compare', '--lang', 'en'], { cwd: sim });
    expect(missing.exitCode).toBe(2);
  });

  it('names file:line of a misspelt catalogue key and suggests the catalogue key, zh by default and en with --lang en', async () => {
    const typo = join(dir, 'cat.yaml');
    writeFileSync(
      typo,
      'plans:\n  - provider: X\n    plan: Y\n    settlement: T1\n    deposite: 50\n    source: s\n    periods: [{ from: 2020-01-01, rates: [{ rate: 0.6% }] }]\n',
    );
    const zh = await runCli(['compare', '--terminal', 'terminal.csv', '--catalog', typo, '--lang', 'zh'], {
      cwd: sim,
    });
    expect(zh.exitCode).toBe(2);
    expect(zh.stderr).toContain('cat.yaml:5 plans[0].deposite: 未知的键“deposite”，是否想写 deposit？');
    const en = await runCli(['compare', '--terminal', 'terminal.csv', '--catalog', typo, '--lang', 'en'], {
      cwd: sim,
    });
    expect(en.stderr).toContain(
      'cat.yaml:5 plans[0].deposite: unknown key "deposite" (did you mean deposit?)',
    );
  });

  it('starts the first year on --as-of, and refuses a day that does not exist before reading anything', async () => {
    const run = await runCli(
      ['compare', '--terminal', 'terminal.csv', '--as-of', '2027-03-01', '--format', 'json'],
      { cwd: sim },
    );
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as { plans: { startDate: string }[] };
    expect(out.plans.length).toBeGreaterThan(0);
    // The shipped plans are all in force from 2020, so each year starts on the day given.
    expect(out.plans.map((p) => p.startDate)).toEqual(out.plans.map(() => '2027-03-01'));
    const bad = await runCli(
      ['compare', '--terminal', 'no-such.csv', '--as-of', '2027-02-30', '--lang', 'en'],
      {
        cwd: sim,
      },
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--as-of must be a YYYY-MM-DD date: "2027-02-30"');
  });
});
