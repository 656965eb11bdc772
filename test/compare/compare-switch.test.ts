import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/compare/catalog.js';
import { comparePlans } from '../../src/compare/compare-plans.js';
import { type MerchantHistory, merchantHistory } from '../../src/compare/merchant-history.js';
import { renderComparison } from '../../src/compare/render-comparison.js';
import { importFiles } from '../../src/statements/import.js';

// A hand-written journal (one terminal, sales 2026-10-01 … 2026-10-10): credit card 1,000.00 元 = 100,000 fen;
// debit card 5,000.00 元 = 500,000 fen; WeChat 200.00 元 = 20,000 fen. It is an October journal: it covers the
// whole month, 31 days, and its fees are annualised over those 31 days (not over the 10 from first to last sale).
// The merchant compares on 2026-12-01: the first year after switching runs 2026-12-01 … 2027-11-30.

let dir: string;
let history: MerchantHistory;

const JOURNAL = [
  '交易时间,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,用户标识,交易类型,交易状态,交易金额,原凭证号,原参考号,原订单号,备注',
  '2026-10-01 10:00:00,822000000000001,T0000001,000001,000001,100100000001,,622155******8185,贷记卡,刷卡,,消费,成功,1000.00,,,,',
  '2026-10-05 10:00:00,822000000000001,T0000001,000001,000002,100500000002,,623052******8634,借记卡,刷卡,,消费,成功,5000.00,,,,',
  '2026-10-10 10:00:00,822000000000001,T0000001,000001,000003,101000000003,SO1,,,微信,oUser1,消费,成功,200.00,,,,',
].join('\n');

const entry = (provider: string, body: string[]): string[] => [
  `  - provider: ${provider}`,
  `    plan: ${provider} 方案`,
  '    settlement: T1',
  '    source: 测试',
  ...body.map((l) => `    ${l}`),
];

const CATALOG = [
  'plans:',
  // An offer that ended before the comparison date: a merchant can no longer get it.
  ...entry('已过期优惠', ['periods: [{ from: 2026-01-01, until: 2026-10-31, rates: [{ rate: 0.20% }] }]']),
  // A new price list that starts after the comparison date: its first year starts with it.
  ...entry('明年新价', ['periods: [{ from: 2027-01-01, rates: [{ rate: 0.50% }] }]']),
  // A promotion that ends inside the first year.
  ...entry('三个月优惠', [
    'periods:',
    '  - { from: 2026-01-01, until: 2027-02-28, rates: [{ rate: 0.30% }] }',
    '  - { from: 2027-03-01, rates: [{ rate: 0.60% }] }',
  ]),
  // A low rate with a monthly service fee.
  ...entry('月费方案', [
    'periods: [{ from: 2020-01-01, rates: [{ rate: 0.38% }] }]',
    'charges: [{ name: 服务费, amount: 30, every: month }]',
  ]),
  // A low rate with a fee on every payout (D0).
  ...entry('提现费方案', [
    'periods: [{ from: 2020-01-01, rates: [{ rate: 0.38% }] }]',
    'charges: [{ name: 提现手续费, amount: 2, every: payout }]',
  ]),
  ...entry('标准', ['periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]']),
  // Prices cards only: the WeChat sale has no rule.
  ...entry('只收刷卡', ['periods: [{ from: 2020-01-01, rates: [{ channel: card, rate: 0.10% }] }]']),
].join('\n');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-compare-switch-'));
  const file = join(dir, 'terminal.csv');
  writeFileSync(file, `\uFEFF${JOURNAL}\n`);
  const imported = await importFiles([{ path: file }], { kind: 'terminal' });
  expect(imported.rejected).toEqual([]);
  history = merchantHistory(imported.records);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function compare() {
  const catalog = parseCatalog(CATALOG, 'catalog.yaml');
  if (!catalog.ok) throw new Error(catalog.en);
  return comparePlans(history, catalog.entries, [], { asOf: '2026-12-01' });
}

describe('compare: what switching costs from the comparison date on', () => {
  it('reads the hand-written history', () => {
    expect(history.sales.length).toBe(3);
    expect(history.spanDays).toBe(10);
    expect(history.period).toEqual({ from: '2026-10-01', to: '2026-10-31', days: 31 });
  });

  it('prices the first year after switching, not the past: expired offers, future price lists, promotions ending inside the year, charges', () => {
    const c = compare();
    const by = (p: string) => c.plans.find((x) => x.provider === p);

    // 标准 0.60 %: 600 + 3,000 + 120 = 3,720 fen over the 31 days of October → 3,720 × 365 ÷ 31 = 1,357,800 ÷ 31
    // = 43,800 a year.
    expect(by('标准')).toMatchObject({ totalFen: 3720, yearlyFeesFen: 43_800, yearlyFen: 43_800 });

    // 明年新价 0.50 % from 2027-01-01: 500 + 2,500 + 100 = 3,100 fen; its first year starts 2027-01-01
    // → 3,100 × 365 ÷ 31 = 1,131,500 ÷ 31 = 36,500.
    expect(by('明年新价')).toMatchObject({ totalFen: 3100, yearlyFen: 36_500, startDate: '2027-01-01' });
    expect(by('明年新价')?.unpriced.count).toBe(0);

    // 三个月优惠: 0.30 % (300 + 1,500 + 60 = 1,860) on 2026-12-01 … 2027-02-28 = 31 + 31 + 28 = 90 days, then
    // 0.60 % (3,720) for the other 275 days: (1,860 × 90 + 3,720 × 275) ÷ 31 = (167,400 + 1,023,000) ÷ 31
    // = 1,190,400 ÷ 31 = 38,400.
    expect(by('三个月优惠')).toMatchObject({ totalFen: 1860, yearlyFen: 38_400 });

    // 月费方案 0.38 %: 380 + 1,900 + 76 = 2,356 → 2,356 × 365 ÷ 31 = 859,940 ÷ 31 = 27,740; plus 12 × 30 元 = 36,000
    // (a cycle begins on the 1st of each month of the year from 2026-12-01) → 63,740.
    expect(by('月费方案')).toMatchObject({
      totalFen: 2356,
      yearlyFeesFen: 27_740,
      yearlyChargesFen: 36_000,
      yearlyFen: 63_740,
    });

    // 提现费方案 (T1): 27,740 + a 2 元 payout on each T1 payout day. The sales of 10-01 and 10-05 (National Day
    // holiday, 10-01 … 10-07) are both paid on 10-08, the sale of Saturday 10-10 on Monday 10-12: 2 payouts in the 31
    // days → 200 × 2 × 365 ÷ 31 = 146,000 ÷ 31 = 4,709.68 → 4,710 → 32,450.
    expect(by('提现费方案')).toMatchObject({ yearlyChargesFen: 4_710, yearlyFen: 32_450 });

    // 已过期优惠 has no period in force on or after 2026-12-01: nothing can be priced, and it must say so.
    expect(by('已过期优惠')?.unpriced).toEqual({ count: 3, amountFen: 620_000 });
    expect(by('已过期优惠')?.complete).toBe(false);

    // 只收刷卡 leaves the 200 元 WeChat sale unpriced: its totals are incomplete.
    expect(by('只收刷卡')?.unpriced).toEqual({ count: 1, amountFen: 20_000 });
    expect(by('只收刷卡')?.complete).toBe(false);

    // Complete plans first by first-year cost; plans that leave sales unpriced after them (least left out first),
    // however low their partial totals look.
    expect(c.plans.map((p) => p.provider)).toEqual([
      '提现费方案',
      '明年新价',
      '三个月优惠',
      '标准',
      '月费方案',
      '只收刷卡',
      '已过期优惠',
    ]);
    expect(c.plans.map((p) => p.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('says in the table which plans are incomplete and why, in zh and en', () => {
    const c = compare();
    const zh = renderComparison(c, 'zh');
    expect(zh).toContain('已过期优惠');
    expect(zh).toContain('不完整');
    expect(zh).toContain('只收刷卡 的方案没有规则覆盖 1 笔');
    const en = renderComparison(c, 'en');
    expect(en).toContain('incomplete');
  });

  it('gives plans that cost exactly the same the same rank', () => {
    const text = [
      'plans:',
      ...entry('乙', ['periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]']),
      ...entry('甲', ['periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]']),
      ...entry('丙', ['periods: [{ from: 2020-01-01, rates: [{ rate: 0.70% }] }]']),
    ].join('\n');
    const catalog = parseCatalog(text, 'c.yaml');
    if (!catalog.ok) throw new Error(catalog.en);
    const c = comparePlans(history, catalog.entries, [], { asOf: '2026-12-01' });
    expect(c.plans.map((p) => [p.rank, p.yearlyFen])).toEqual([
      // 0.60 %: 3,720 × 365 ÷ 31 = 43,800.
      [1, 43_800],
      [1, 43_800],
      // 0.70 %: 700 + 3,500 + 140 = 4,340 × 365 ÷ 31 = 1,584,100 ÷ 31 = 51,100.
      [3, 51_100],
    ]);
  });
});

describe('compare: terminals for SIM fees and deposits', () => {
  it('does not count QR sales without a terminal as one more terminal', async () => {
    // One POS terminal and a WeChat 收款码 sale with no device: one terminal pays the SIM fee and the deposit.
    const file = join(dir, 'qr.csv');
    writeFileSync(
      file,
      `\uFEFF${[
        JOURNAL.split('\n')[0],
        '2026-10-01 10:00:00,822000000000001,T0000001,000001,000001,100100000001,,622155******8185,贷记卡,刷卡,,消费,成功,1000.00,,,,',
        '2026-10-10 10:00:00,822000000000001,,,,,SO9,,,微信,oUser2,消费,成功,200.00,,,,',
      ].join('\n')}\n`,
    );
    const imported = await importFiles([{ path: file }], { kind: 'terminal' });
    expect(imported.rejected).toEqual([]);
    const h = merchantHistory(imported.records);
    expect(h.sales.length).toBe(2);
    expect(h.terminals).toBe(1);
    const catalog = parseCatalog(
      [
        'plans:',
        ...entry('押金方案', [
          'deposit: 99',
          'simFee: { amount: 48, every: year }',
          'periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
        ]),
      ].join('\n'),
      'c.yaml',
    );
    if (!catalog.ok) throw new Error(catalog.en);
    const p = comparePlans(h, catalog.entries, [], { asOf: '2026-12-01' }).plans[0];
    // One terminal: deposit 99 元 = 9,900 fen, SIM 48 元 a year = 4,800 fen.
    expect(p).toMatchObject({ depositFen: 9900, yearlySimFen: 4800 });
  });
});
