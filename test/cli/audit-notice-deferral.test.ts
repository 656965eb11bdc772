import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { HEADER, tmpDirs, write } from './audit-fixtures.js';

const tmp = tmpDirs('posguard-cli-notice-deferral-');

const MERCHANT = '822100058120009';

/**
 * November 2026 of one shop, one terminal, credit cards only: two sales a working day. 11-02..11-13 charged the
 * contract's 0.60%; 11-16..11-27 charged 0.63%, a raise the plan dates 11-16 but told the merchant only on 11-01
 * (15 days of the 30 the contract requires), so it binds from 11-01 + 30 = 12-01 (DOMAIN.md §4.3). Fees by hand,
 * half-up:
 *   before: 1,234.56 + k (k = 0…9) and 876.43 + k at 0.60%, as charged
 *   after (charged 0.63% → due 0.60%, over):
 *     1,244.56: 7.840728 → 7.84; 7.46736 → 7.47; +0.37    886.43: 5.584509 → 5.58; 5.31858 → 5.32; +0.26
 *     1,245.56: 7.847028 → 7.85; 7.47336 → 7.47; +0.38    887.43: 5.590809 → 5.59; 5.32458 → 5.32; +0.27
 *     1,246.56: 7.853328 → 7.85; 7.47936 → 7.48; +0.37    888.43: 5.597109 → 5.60; 5.33058 → 5.33; +0.27
 *     1,247.56: 7.859628 → 7.86; 7.48536 → 7.49; +0.37    889.43: 5.603409 → 5.60; 5.33658 → 5.34; +0.26
 *     1,248.56: 7.865928 → 7.87; 7.49136 → 7.49; +0.38    890.43: 5.609709 → 5.61; 5.34258 → 5.34; +0.27
 *     1,249.56: 7.872228 → 7.87; 7.49736 → 7.50; +0.37    891.43: 5.616009 → 5.62; 5.34858 → 5.35; +0.27
 *     1,250.56: 7.878528 → 7.88; 7.50336 → 7.50; +0.38    892.43: 5.622309 → 5.62; 5.35458 → 5.35; +0.27
 *     1,251.56: 7.884828 → 7.88; 7.50936 → 7.51; +0.37    893.43: 5.628609 → 5.63; 5.36058 → 5.36; +0.27
 *     1,252.56: 7.891128 → 7.89; 7.51536 → 7.52; +0.37    894.43: 5.634909 → 5.63; 5.36658 → 5.37; +0.26
 *     1,253.56: 7.897428 → 7.90; 7.52136 → 7.52; +0.38    895.43: 5.641209 → 5.64; 5.37258 → 5.37; +0.27
 *   over in all: 3.74 + 2.67 = 6.41
 *   from 12-01, when the raise binds: 1,254.56 → 7.903728 → 7.90 and 896.43 → 5.647509 → 5.65 at 0.63%, as due
 */
const BEFORE_DAYS = ['02', '03', '04', '05', '06', '09', '10', '11', '12', '13'];
const BEFORE_FEES: [number, number][] = [
  [741, 526],
  [741, 526],
  [742, 527],
  [743, 528],
  [743, 528],
  [744, 529],
  [744, 529],
  [745, 530],
  [746, 531],
  [746, 531],
];
const AFTER_DAYS = ['16', '17', '18', '19', '20', '23', '24', '25', '26', '27'];
/** Per day k: [charged, due] for 1,244.56 + k, then for 886.43 + k. */
const AFTER_FEES: [number, number, number, number][] = [
  [784, 747, 558, 532],
  [785, 747, 559, 532],
  [785, 748, 560, 533],
  [786, 749, 560, 534],
  [787, 749, 561, 534],
  [787, 750, 562, 535],
  [788, 750, 562, 535],
  [788, 751, 563, 536],
  [789, 752, 563, 537],
  [790, 752, 564, 537],
];

type Sale = [time: string, refNo: string, amountFen: number, feeFen: number];

const SALES: Sale[] = [
  ...BEFORE_DAYS.flatMap((day, k): Sale[] => [
    [
      `2026-11-${day} 10:00:00`,
      `63120000${String(k).padStart(3, '0')}0`,
      123456 + k * 100,
      BEFORE_FEES[k]?.[0] ?? 0,
    ],
    [
      `2026-11-${day} 11:00:00`,
      `63120000${String(k).padStart(3, '0')}1`,
      87643 + k * 100,
      BEFORE_FEES[k]?.[1] ?? 0,
    ],
  ]),
  ...AFTER_DAYS.flatMap((day, k): Sale[] => [
    [
      `2026-11-${day} 10:00:00`,
      `63120001${String(k).padStart(3, '0')}0`,
      124456 + k * 100,
      AFTER_FEES[k]?.[0] ?? 0,
    ],
    [
      `2026-11-${day} 11:00:00`,
      `63120001${String(k).padStart(3, '0')}1`,
      88643 + k * 100,
      AFTER_FEES[k]?.[2] ?? 0,
    ],
  ]),
];
/** The sales on and after 12-01, charged 0.63% once it binds. */
const BOUND: Sale[] = [
  ['2026-12-01 10:00:00', '631200020000', 125456, 790],
  ['2026-12-02 11:00:00', '631200020011', 89643, 565],
];

const yuan = (fen: number) => (fen / 100).toFixed(2);
const statement = (sales: readonly Sale[]) =>
  [
    HEADER,
    ...sales.map(([time, refNo, amount, fee]) =>
      [
        time,
        time.slice(0, 10),
        MERCHANT,
        '70010009',
        refNo,
        '贷记卡',
        '刷卡',
        '消费',
        yuan(amount),
        yuan(fee),
        yuan(amount - fee),
      ].join(','),
    ),
    '',
  ].join('\n');

const plan = (noticed: string | undefined) =>
  [
    `merchantId: "${MERCHANT}"`,
    'settlement: D0',
    'notice: 30',
    'periods:',
    '  - from: 2026-10-01',
    '    until: 2026-11-15',
    '    rates:',
    '      - { channel: card, card: credit, rate: 0.60% }',
    '  - from: 2026-11-16',
    ...(noticed === undefined ? [] : [`    noticed: ${noticed}`]),
    '    rates:',
    '      - { channel: card, card: credit, rate: 0.63% }',
    '',
  ].join('\n');

async function audit(
  sales: readonly Sale[],
  noticed: string | undefined,
  format: 'json' | 'table' | 'html' = 'json',
): Promise<{ exitCode: number; stdout: string }> {
  const dir = tmp();
  write(dir, 'settle.csv', statement(sales));
  write(dir, 'plan.yaml', plan(noticed));
  const run = await runCli(
    ['audit', '--settlement', 'settle.csv', '--plan', 'plan.yaml', '--format', format],
    { cwd: dir, env: {} },
  );
  expect(run.stderr).toBe('');
  return { exitCode: run.exitCode, stdout: run.stdout };
}

const report = (stdout: string) => JSON.parse(stdout) as AuditReport;

/** [refNo, expected, charged, over] of every sale from 11-16 to 11-27, by hand above. */
const DEFERRED = AFTER_FEES.flatMap(([chargedA, dueA, chargedB, dueB], k) => [
  [`63120001${String(k).padStart(3, '0')}0`, dueA, chargedA, chargedA - dueA],
  [`63120001${String(k).padStart(3, '0')}1`, dueB, chargedB, chargedB - dueB],
]);

describe('posguard audit of a raise told 15 days ahead of a 30-day notice', () => {
  it('prices 11-16..11-27 at the old 0.60%: 20 overcharges, ¥6.41, exit 1', async () => {
    const { exitCode, stdout } = await audit(SALES, '2026-11-01');
    const r = report(stdout);
    expect(exitCode).toBe(1);
    expect(r.findings.every((f) => f.kind === 'fee_overcharge' && f.basis === 'plan')).toBe(true);
    expect(r.findings.map((f) => [f.refNo, f.expectedFeeFen, f.chargedFeeFen, f.overchargeFen])).toEqual(
      DEFERRED,
    );
    expect(r.summary.overchargeFen).toBe(641);
    expect(r.summary.lossFen).toBe(641);
  });

  it('says in zh and en that the new rate came before the notice ran out, with the day told and the day it binds', async () => {
    const r = report((await audit(SALES, '2026-11-01')).stdout);
    const first = r.findings[0];
    expect(first?.message).toContain('应收 ¥7.47（0.60%），实收 ¥7.84，多扣 ¥0.37');
    expect(first?.message).toContain(
      '已按 2026-11-16 起的新费率 0.63% 收取，但该调价于 2026-11-01 才通知，通知不足 30 天，最早 2026-12-01 起生效',
    );
    expect(first?.messageEn).toContain('expected ¥7.47 (0.60%), charged ¥7.84, overcharged ¥0.37');
    expect(first?.messageEn).toContain('applied before the required notice');
    expect(first?.messageEn).toContain('noticed only on 2026-11-01');
    expect(first?.messageEn).toContain('take effect from 2026-12-01');
    expect(first?.rule?.text).toBe(
      '2026-10-01 起 刷卡 贷记卡：0.60%（2026-11-16 起的调价通知不足 30 天，2026-12-01 前仍适用）',
    );
  });

  it('keeps the plan’s late-notice warning and reports the change as in the plan but not noticed in time', async () => {
    const r = report((await audit(SALES, '2026-11-01')).stdout);
    expect(r.warnings.some((w) => w.includes('仅 15 天，合同要求提前 30 天'))).toBe(true);
    expect(
      r.rateChanges.map((c) => [
        c.date,
        c.beforeRate,
        c.afterRate,
        c.transactions,
        c.inPlan,
        c.noticeHonoured,
      ]),
    ).toEqual([['2026-11-16', '0.60%', '0.63%', 20, true, false]]);
  });

  it('finds nothing more on sales from 12-01, when the raise binds', async () => {
    const r = report((await audit([...SALES, ...BOUND], '2026-11-01')).stdout);
    expect(r.findings).toHaveLength(20);
    expect(r.summary.overchargeFen).toBe(641);
    expect(r.findings.some((f) => f.time?.startsWith('2026-12'))).toBe(false);
  });

  it('shows the findings in the table and the HTML report like any overcharge', async () => {
    const table = await audit(SALES, '2026-11-01', 'table');
    expect(table.exitCode).toBe(1);
    expect(table.stdout).toContain('共多扣 ¥6.41，涉及 20 笔交易');
    expect(table.stdout).toContain('通知不足 30 天，最早 2026-12-01 起生效');
    const html = await audit(SALES, '2026-11-01', 'html');
    expect(html.exitCode).toBe(1);
    expect(html.stdout).toContain('¥6.41');
    expect(html.stdout).toContain('通知不足 30 天，最早 2026-12-01 起生效');
  });
});

describe('posguard audit of the same raise with notice in time or not stated', () => {
  it('finds nothing when the merchant was told on 10-15, 32 days ahead', async () => {
    const { exitCode, stdout } = await audit(SALES, '2026-10-15');
    const r = report(stdout);
    expect(exitCode).toBe(0);
    expect(r.findings).toEqual([]);
    expect(r.rateChanges.map((c) => [c.date, c.inPlan, c.noticeHonoured])).toEqual([
      ['2026-11-16', true, true],
    ]);
  });

  it('finds nothing when the plan does not say when the merchant was told, and leaves notice unknown', async () => {
    const { exitCode, stdout } = await audit(SALES, undefined);
    const r = report(stdout);
    expect(exitCode).toBe(0);
    expect(r.findings).toEqual([]);
    expect(r.rateChanges.map((c) => [c.date, c.inPlan, c.noticeHonoured])).toEqual([
      ['2026-11-16', true, null],
    ]);
  });
});
