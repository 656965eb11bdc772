import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../audit/report-types.js';
import type { Diagnosis } from './diagnosis-types.js';
import { runCli } from '../cli/program.js';
import { diagnose } from './attach-diagnoses.js';
import { auditReport, finding, planOf, rateChange } from '../../test/explain/explain-fixtures.js';

const M = '822000000000009';

/** Every title and evidence line of the diagnoses, zh and en. */
const texts = (ds: readonly Diagnosis[]) =>
  ds.flatMap((d) => [d.title, d.titleEn, ...d.evidence, ...d.evidenceEn]);
const PROMO_WORDS = /优惠费率.*到期|promotional rate ended/;

/** A plan signed 2026-09-01 (day 0), so 2026-11-30 is day 90 (30 + 31 + 29). */
const plan = (periods: string[]) =>
  [`merchantId: "${M}"`, 'settlement: T1', 'notice: 30', 'periods:', ...periods, ''].join('\n');
const NO_PROMO = plan(['  - from: 2026-09-01', '    rates:', '      - { card: credit, rate: 0.60% }']);
/** 0.50% for the first 90 days (2026-09-01 to 2026-11-29), 0.60% from day 90. */
const PROMO_TO_DAY_90 = plan([
  '  - from: 2026-09-01',
  '    until: 2026-11-29',
  '    rates:',
  '      - { card: credit, rate: 0.50% }',
  '  - from: 2026-11-30',
  '    rates:',
  '      - { card: credit, rate: 0.60% }',
]);

describe('a rate change on day 90 of the contract (diagnose)', () => {
  // ¥1,000.00 credit sales from 2026-11-30 on two terminals, charged ¥6.30 (0.63%).
  const sales = (expectedFeeFen: number) =>
    ['10000001', '10000002'].map((terminalId, i) =>
      finding('fee_overcharge', {
        merchantId: M,
        terminalId,
        time: `2026-12-0${1 + i}T10:00:00+08:00`,
        channel: 'card',
        card: 'credit',
        amountFen: 100_000,
        expectedFeeFen,
        chargedFeeFen: 630,
        overchargeFen: 630 - expectedFeeFen,
        lossFen: 630 - expectedFeeFen,
        basis: 'plan',
      }),
    );
  const change = (beforeRate: string) =>
    rateChange({
      merchantId: M,
      channel: 'card',
      card: 'credit',
      date: '2026-11-30',
      beforeRate,
      afterRate: '0.63%',
      transactions: 2,
    });
  const diagnosed = (yaml: string, beforeRate: string, expectedFeeFen: number) =>
    diagnose(auditReport(sales(expectedFeeFen), [change(beforeRate)], { merchantId: M }), {
      plans: [planOf(yaml)],
    });

  it('is a promotion ending when the contract’s promotion ends the day before', () => {
    // Due ¥6.00 (0.60% after the promotion), charged ¥6.30: ¥0.30 over on each of the two sales.
    const [d, ...rest] = diagnosed(PROMO_TO_DAY_90, '0.50%', 600);
    expect(rest).toEqual([]);
    expect([d?.cause, d?.confidence, d?.overchargeFen]).toEqual(['promo_expiry', 'high', 60]);
    expect(d?.title).toBe('贷记卡优惠费率到期：0.50% → 0.63%');
    expect(d?.evidence.at(-1)).toBe(
      '判断依据：变价日正是合同中优惠期（2026-09-01 至 2026-11-29）结束的次日、变价日是签约（2026-09-01）后第 90 天；优惠到期后应按合同此后约定的费率收取，实收仍高于合同约定，多扣部分应退还',
    );
    expect(d?.evidenceEn.at(-1)).toBe(
      'Grounds: the change comes the day after the contract’s promotional period (2026-09-01 to 2026-11-29) ends, the change comes 90 days after the contract started (2026-09-01); after the promotion the contract’s later rate applies, and the fees charged are above it',
    );
  });

  it('is the provider’s price change, with day 90 only a weaker hint, when the contract has no promotion', () => {
    // Due ¥6.00 (0.60% throughout), charged ¥6.30: ¥0.30 over on each of the two sales.
    const ds = diagnosed(NO_PROMO, '0.60%', 600);
    expect(ds.map((d) => [d.cause, d.confidence, d.overchargeFen, d.title])).toEqual([
      ['provider_rate_change', 'high', 60, '收单机构/代理商调价：贷记卡0.60% → 0.63%'],
    ]);
    for (const text of texts(ds)) expect(text).not.toMatch(PROMO_WORDS);
    expect(ds[0]?.evidence.at(-1)).toBe(
      '变价日恰是签约（2026-09-01）后第 90 天，优惠期常为这样的天数；但合同中没有到此结束的优惠期，这只是较弱的线索，不能据此认为是优惠到期：应继续按合同费率收取',
    );
    expect(ds[0]?.evidenceEn.at(-1)).toMatch(
      /^The change came exactly 90 days after the contract started .* only a weak hint, not a promotion ending/,
    );
  });

  it('is no promotion when a contract period ends there but the contract’s rate does not rise after it', () => {
    const sameRate = plan([
      '  - from: 2026-09-01',
      '    until: 2026-11-29',
      '    rates:',
      '      - { card: credit, rate: 0.60% }',
      '  - from: 2026-11-30',
      '    rates:',
      '      - { card: credit, rate: 0.60% }',
      '      - { card: debit, rate: 0.55%, cap: 20 }',
    ]);
    const ds = diagnosed(sameRate, '0.60%', 600);
    expect(ds.map((d) => d.cause)).toEqual(['provider_rate_change']);
    for (const text of texts(ds)) expect(text).not.toMatch(PROMO_WORDS);
  });

  it('is a promotion ended early when the change comes on day 90 of a promotion running to the year’s end', () => {
    const toYearEnd = PROMO_TO_DAY_90.replace('until: 2026-11-29', 'until: 2026-12-31').replace(
      'from: 2026-11-30',
      'from: 2027-01-01',
    );
    // Due ¥5.00 (0.50%, the promotion still running), charged ¥6.30: ¥1.30 over on each of the two sales.
    const [d] = diagnosed(toYearEnd, '0.50%', 500);
    expect([d?.cause, d?.overchargeFen, d?.title]).toEqual([
      'promo_expiry',
      260,
      '贷记卡优惠费率提前到期：0.50% → 0.63%',
    ]);
    expect(d?.evidence.at(-1)).toBe(
      '判断依据：合同中的优惠期（2026-09-01 至 2026-12-31）尚未结束、变价日是签约（2026-09-01）后第 90 天；合同约定优惠期到 2026-12-31 才结束，此前应继续按优惠费率收取',
    );
  });
});

describe('posguard audit: a rise on day 90 of the contract (end to end)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** Credit sales of ¥1,000.00 on two terminals: `fee` to 2026-11-29, ¥6.30 (0.63%) from 2026-11-30. */
  const settlement = (fee: string, net: string) => {
    const lines = ['交易时间,商户号,终端号,凭证号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额'];
    let n = 100;
    const sale = (day: string, terminal: string, fee: string, net: string) => {
      n += 1;
      lines.push(
        `${day} 10:00:00,${M},${terminal},000${n},628500000${n},贷记卡,刷卡,消费,1000.00,${fee},${net}`,
      );
    };
    for (const day of ['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']) {
      sale(day, '10000001', fee, net);
      sale(day, '10000002', fee, net);
    }
    for (const day of ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03']) {
      sale(day, '10000001', '6.30', '993.70');
      sale(day, '10000002', '6.30', '993.70');
    }
    return lines.join('\n');
  };
  const audit = async (yaml: string, fee: string, net: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-promo-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'settlement.csv'), settlement(fee, net));
    writeFileSync(join(dir, 'plan.yaml'), yaml);
    const run = await runCli(
      ['audit', '--settlement', 'settlement.csv', '--plan', 'plan.yaml', '--format', 'json'],
      {
        cwd: dir,
      },
    );
    return JSON.parse(run.stdout) as AuditReport;
  };

  it('labels 优惠费率到期 when the contract’s promotion ends at day 90', async () => {
    // ¥5.00 (0.50%) during the promotion.
    const report = await audit(PROMO_TO_DAY_90, '5.00', '995.00');
    // 8 sales from 2026-11-30 due ¥6.00 (0.60%), charged ¥6.30: 8 × ¥0.30 = ¥2.40.
    expect(report.diagnoses?.map((d) => [d.cause, d.since, d.overchargeFen, d.title])).toEqual([
      ['promo_expiry', '2026-11-30', 240, '贷记卡优惠费率到期：0.50% → 0.63%'],
    ]);
  });

  it('does not label 优惠费率到期 when the contract has no promotion', async () => {
    // ¥6.00 (0.60%, the contract) to 2026-11-29; the 8 sales from 2026-11-30 are charged ¥6.30: 8 × ¥0.30 = ¥2.40.
    const report = await audit(NO_PROMO, '6.00', '994.00');
    expect(report.diagnoses?.map((d) => [d.cause, d.since, d.overchargeFen])).toEqual([
      ['provider_rate_change', '2026-11-30', 240],
    ]);
    for (const text of texts(report.diagnoses ?? [])) expect(text).not.toMatch(PROMO_WORDS);
    expect(report.diagnoses?.[0]?.evidence.join('\n')).toContain('签约（2026-09-01）后第 90 天');
  });
});
