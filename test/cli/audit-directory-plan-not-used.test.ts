import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { plansNotApplied } from '../../src/cli/commands/directory-inputs.js';
import { runCli } from '../../src/cli/program.js';
import { unzip } from '../explain/explain-fixtures.js';
import { HEADER, M1, M2, tmpDirs, write } from './audit-fixtures.js';

// `posguard audit examples/` found examples/plan.yaml (merchantId 822584053110001) beside the merchant folder
// 822841054119608/ and applied it to no one without a word, though every file of the directory not used is to be
// named with why. A plan that governs none of the merchants audited is now one of those files.

// Charged 0.68%; the merchant's own plan says 0.60%: ¥1,000.00 → 80 fen over (¥6.80 for ¥6.00), ¥500.00 → 40 fen
// over (¥3.40 for ¥3.00), 120 fen in all — only when the merchant's own plan is the one applied.
const RAISED = [
  `2026-11-02 10:00:00,2026-11-03,${M1},12345678,100000000001,贷记卡,刷卡,消费,1000.00,6.80,993.20`,
  `2026-11-02 11:00:00,2026-11-03,${M1},12345678,100000000002,贷记卡,刷卡,消费,500.00,3.40,496.60`,
].join('\n');
const PLAN = (rate: string, merchantId?: string) =>
  `${merchantId === undefined ? '' : `merchantId: "${merchantId}"\n`}periods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: ${rate} }\n`;

const tmp = tmpDirs('posguard-cli-plan-unused-');

/** A data directory like examples/: one merchant folder with its plan, and a plan beside it. */
function shop(topPlan: string | undefined, folderPlan = true): string {
  const dir = tmp();
  mkdirSync(join(dir, 'data', M1), { recursive: true });
  write(dir, `data/${M1}/settlement.csv`, `${HEADER}\n${RAISED}`);
  if (folderPlan) write(dir, `data/${M1}/plan.yaml`, PLAN('0.60%'));
  if (topPlan !== undefined) write(dir, 'data/plan.yaml', topPlan);
  return dir;
}

async function audit(cwd: string, ...argv: string[]) {
  const run = await runCli(['audit', 'data', ...argv], { cwd, env: {} });
  expect(run.stderr).toBe('');
  return run;
}

describe('posguard audit DIR: a plan that governs no merchant audited', () => {
  it('is named as not used, with its merchantId and the merchants audited, in JSON and in the table', async () => {
    const dir = shop(PLAN('0.68%', M2));
    const zh = await audit(dir, '--format', 'json');
    const report = JSON.parse(zh.stdout) as AuditReport;
    // The merchant's own plan is the one applied.
    expect(report.summary.overchargeFen).toBe(120);
    expect(report.warnings).toContain(
      `data/plan.yaml 未使用：方案的 merchantId ${M2} 不是本次核对的商户（${M1}）；若它是这些商户的合同，请改正 merchantId 或用 --plan 指定`,
    );
    // The plan that is used is not named.
    expect(report.warnings.filter((w) => w.includes(`data/${M1}/plan.yaml`))).toEqual([]);

    const en = JSON.parse((await audit(dir, '--format', 'json', '--lang', 'en')).stdout) as AuditReport;
    expect(en.warnings).toContain(
      `data/plan.yaml not used: its merchantId ${M2} names none of the merchants audited (${M1}); if it is their contract, correct its merchantId or give it with --plan`,
    );

    const table = await audit(dir);
    expect(table.stdout).toContain(
      `  ! data/plan.yaml 未使用：方案的 merchantId ${M2} 不是本次核对的商户（${M1}）`,
    );
  });

  it('leaves the other merchant’s plan, and the warning naming it, out of the evidence pack', async () => {
    const dir = shop(PLAN('0.68%', M2));
    const run = await runCli(['evidence', 'data', '--out', 'pack.zip', '--date', '2026-12-01'], {
      cwd: dir,
      env: {},
    });
    expect(run.stderr).toBe('');
    const pack = await unzip(readFileSync(join(dir, 'pack.zip')));
    expect(pack.get('report.html')?.toString('utf8')).toContain(M1);
    for (const [name, bytes] of pack) {
      if (name.endsWith('.pdf') || name.endsWith('.zip')) continue;
      expect(bytes.toString('utf8'), name).not.toContain(M2);
    }
  });

  it('names a plan without merchantId when every merchant audited has a plan of its own', async () => {
    const dir = shop(PLAN('0.68%'));
    const report = JSON.parse((await audit(dir, '--format', 'json')).stdout) as AuditReport;
    expect(report.summary.overchargeFen).toBe(120);
    expect(report.warnings).toContain(
      `data/plan.yaml 未使用：方案没有写 merchantId，而本次核对的每个商户（${M1}）都另有写明商户号的方案`,
    );
  });

  it('says nothing of a plan that is used', async () => {
    const dir = shop(undefined);
    const report = JSON.parse((await audit(dir, '--format', 'json')).stdout) as AuditReport;
    expect(report.summary.overchargeFen).toBe(120);
    expect(report.warnings.filter((w) => w.includes('plan.yaml'))).toEqual([]);
    // The plan beside the merchant's folder, naming it: used, so not named either.
    const beside = shop(PLAN('0.60%', M1), false);
    const used = JSON.parse((await audit(beside, '--format', 'json')).stdout) as AuditReport;
    expect(used.summary.overchargeFen).toBe(120);
    expect(used.warnings.filter((w) => w.includes('plan.yaml'))).toEqual([]);
  });
});

describe('plansNotApplied', () => {
  const plans = [
    { path: 'a/plan.yaml', merchantId: 'A', impliedBy: 'folder' as const },
    { path: 'plan.yaml', merchantId: 'A', impliedBy: undefined },
    { path: 'b/plan.yaml', merchantId: 'B', impliedBy: 'folder' as const },
  ];
  it('names the plan a merchant has instead, and a folder plan whose folder is no merchant audited', () => {
    expect(plansNotApplied(plans, (m) => (m === 'A' ? 1 : undefined), ['A'])).toEqual([
      {
        file: 'a/plan.yaml',
        zh: '商户 A 另有费率方案 plan.yaml，核对用的是它',
        en: 'merchant A has another plan, plan.yaml, which the audit applied',
      },
      {
        file: 'b/plan.yaml',
        zh: '方案没有写 merchantId，按所在目录名当作商户 B 的方案，但本次核对的商户（A）中没有 B',
        en: "it names no merchantId, so its folder makes it merchant B's, and B is none of the merchants audited (A)",
      },
    ]);
  });
  it('says nothing when no merchant was audited', () => {
    expect(plansNotApplied(plans, () => undefined, [])).toEqual([]);
  });
});
