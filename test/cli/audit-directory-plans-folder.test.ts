import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { HEADER, M1, M2, tmpDirs, write } from './audit-fixtures.js';

// `posguard audit DIR` refused a `plans/` folder that `--plans DIR/plans` took: a plans folder of
// `<merchantId>.yaml` files naming no merchantId was read as one merchant's folder ("plans"), so nothing said which
// plan was whose. A plans folder of the data directory is now read as --plans DIR reads it.

// M1 is charged 0.68% on credit cards: ¥1,000.00 → ¥6.80 and ¥500.00 → ¥3.40. At its contract's 0.60% those are
// ¥6.00 and ¥3.00: 80 + 40 = 120 fen over.
// M2 is charged 0.60%: ¥2,000.00 → ¥12.00. At its contract's 0.50% that is ¥10.00: 200 fen over.
// Either merchant audited against the other's plan would show other sums (M2 against 0.60%: nothing over).
const STATEMENT = [
  HEADER,
  `2026-11-02 10:00:00,2026-11-03,${M1},12345678,100000000001,贷记卡,刷卡,消费,1000.00,6.80,993.20`,
  `2026-11-02 11:00:00,2026-11-03,${M1},12345678,100000000002,贷记卡,刷卡,消费,500.00,3.40,496.60`,
  `2026-11-02 12:00:00,2026-11-03,${M2},87654321,100000000003,贷记卡,刷卡,消费,2000.00,12.00,1988.00`,
].join('\n');
const PLAN = (rate: string, merchantId?: string) =>
  `${merchantId === undefined ? '' : `merchantId: "${merchantId}"\n`}periods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: ${rate} }\n`;

const tmp = tmpDirs('posguard-cli-plans-folder-');

function dataDir(plans: Record<string, string>): string {
  const dir = tmp();
  mkdirSync(join(dir, 'data', 'plans'), { recursive: true });
  write(dir, 'data/结算明细.csv', STATEMENT);
  for (const [name, text] of Object.entries(plans)) write(dir, `data/plans/${name}`, text);
  return dir;
}

async function overchargeByMerchant(cwd: string, argv: string[]): Promise<Record<string, number>> {
  const run = await runCli(argv, { cwd, env: {} });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(1);
  const report = JSON.parse(run.stdout) as AuditReport;
  return Object.fromEntries(report.merchants.map((m) => [m.merchantId, m.summary.overchargeFen]));
}

describe('posguard audit DIR with a plans/ folder', () => {
  it('prices each merchant by its <merchantId>.yaml, as --plans DIR does', async () => {
    const dir = dataDir({ [`${M1}.yaml`]: PLAN('0.60%'), [`${M2}.yaml`]: PLAN('0.50%') });
    const folder = await overchargeByMerchant(dir, ['audit', 'data', '--format', 'json']);
    expect(folder).toEqual({ [M1]: 120, [M2]: 200 });
    const flag = await overchargeByMerchant(dir, [
      'audit',
      '--settlement',
      'data/结算明细.csv',
      '--plans',
      'data/plans',
      '--format',
      'json',
    ]);
    expect(flag).toEqual(folder);
  });

  it('lets a plan’s merchantId outrank its file name, and plan.yaml govern the rest, as --plans DIR does', async () => {
    // 1.yaml names M2: it is M2's plan whatever its name; plan.yaml names no merchant and prices M1.
    const dir = dataDir({ '1.yaml': PLAN('0.50%', M2), 'plan.yaml': PLAN('0.60%') });
    const folder = await overchargeByMerchant(dir, ['audit', 'data', '--format', 'json']);
    expect(folder).toEqual({ [M1]: 120, [M2]: 200 });
  });

  it('still refuses two plans for one merchant there, naming the file that implies it', async () => {
    const dir = dataDir({ [`${M1}.yaml`]: PLAN('0.60%'), 'other.yaml': PLAN('0.68%', M1) });
    const run = await runCli(['audit', 'data', '--format', 'json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trimEnd()).toBe(
      `posguard: data/plans/${M1}.yaml 与 data/plans/other.yaml 都是商户 ${M1} 的费率方案（data/plans/${M1}.yaml 没有写 merchantId，按文件名当作商户 ${M1} 的方案），无法判断用哪一个：请只留一个，或用 --plan 指定`,
    );
  });
});
