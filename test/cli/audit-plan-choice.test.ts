import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { warningIn } from '../../src/audit/warning-text.js';
import { runCli } from '../../src/cli/program.js';
import { HEADER, M1, M2, tmpDirs, write } from './audit-fixtures.js';

// Which plan prices each merchant, and what is said of the others:
// 1. a plan of --plans DIR matching no merchant audited was passed over in silence (the data directory's were
//    named as not used);
// 2. the HTML report printed every plan found, another shop's contract included, as if it had priced the audit;
// 3. a top-level plan naming merchant X and X/plan.yaml: the last loaded won without a word (the top-level one,
//    as `X/` sorts before `plan.yaml`); two plans of --plans DIR for one merchant likewise.

// Charged 0.68% on credit cards: ¥1,000.00 → ¥6.80, ¥500.00 → ¥3.40. Under a 0.60% plan the fees are ¥6.00 and
// ¥3.00: 80 + 40 = 120 fen over. Under a 0.68% plan, nothing over.
const RAISED = [
  `2026-11-02 10:00:00,2026-11-03,${M1},12345678,100000000001,贷记卡,刷卡,消费,1000.00,6.80,993.20`,
  `2026-11-02 11:00:00,2026-11-03,${M1},12345678,100000000002,贷记卡,刷卡,消费,500.00,3.40,496.60`,
].join('\n');
const OVER_AT_060 = 120;
/** A merchant neither statement names. */
const M3 = '898440153990003';
const PLAN = (rate: string, merchantId?: string, merchant?: string) =>
  `${merchant === undefined ? '' : `merchant: ${merchant}\n`}${merchantId === undefined ? '' : `merchantId: "${merchantId}"\n`}periods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: ${rate} }\n`;

const tmp = tmpDirs('posguard-cli-plan-choice-');

async function run(cwd: string, ...argv: string[]) {
  const r = await runCli(['audit', ...argv], { cwd, env: {} });
  expect(r.stderr).toBe('');
  return r;
}
async function json(cwd: string, ...argv: string[]): Promise<AuditReport> {
  return JSON.parse((await run(cwd, ...argv, '--format', 'json')).stdout) as AuditReport;
}
/** The HTML report's fee-plan section (the plans' text), and the whole page. */
async function html(cwd: string, ...argv: string[]): Promise<{ page: string; planSection: string }> {
  await run(cwd, ...argv, '--format', 'html', '--out', 'r.html');
  const page = readFileSync(join(cwd, 'r.html'), 'utf8');
  return { page, planSection: /<section class="plan">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '' };
}

describe('posguard audit --plans DIR: plans that match no merchant audited', () => {
  /** s.csv of M1, and plans/ with M1's plan, one implied for M2 by its file name, one naming M3. */
  function agent(): string {
    const dir = tmp();
    write(dir, 's.csv', `${HEADER}\n${RAISED}`);
    mkdirSync(join(dir, 'plans'));
    write(dir, `plans/${M1}.yaml`, PLAN('0.60%'));
    write(dir, `plans/${M2}.yaml`, PLAN('0.68%'));
    write(dir, 'plans/other.yaml', PLAN('0.68%', M3, '别家小店'));
    return dir;
  }
  const ARGS = ['--settlement', 's.csv', '--plans', 'plans'];
  const ZH_M2 = `plans/${M2}.yaml 未使用：方案没有写 merchantId，按文件名当作商户 ${M2} 的方案，但本次核对的商户（${M1}）中没有 ${M2}`;
  const ZH_M3 = `plans/other.yaml 未使用：方案的 merchantId ${M3} 不是本次核对的商户（${M1}）；若它是这些商户的合同，请改正 merchantId 或用 --plan 指定`;

  it('names each, with why, in the JSON warnings and the table, in both languages', async () => {
    const dir = agent();
    const report = await json(dir, ...ARGS);
    expect(report.summary.overchargeFen).toBe(OVER_AT_060);
    expect(report.warnings).toContain(ZH_M2);
    expect(report.warnings).toContain(ZH_M3);
    // The plan that priced M1 is not named.
    expect(report.warnings.filter((w) => w.includes(`plans/${M1}.yaml`))).toEqual([]);

    const en = await json(dir, ...ARGS, '--lang', 'en');
    expect(en.warnings).toContain(
      `plans/${M2}.yaml not used: it names no merchantId, so its file name makes it merchant ${M2}'s, and ${M2} is none of the merchants audited (${M1})`,
    );
    expect(en.warnings).toContain(
      `plans/other.yaml not used: its merchantId ${M3} names none of the merchants audited (${M1}); if it is their contract, correct its merchantId or give it with --plan`,
    );

    const table = (await run(dir, ...ARGS)).stdout;
    expect(table).toContain(`  ! ${ZH_M2}`);
    expect(table).toContain(`  ! ${ZH_M3}`);
  });

  it('names them in the HTML warnings and shows only the plan that priced the audit', async () => {
    const dir = agent();
    const { page, planSection } = await html(dir, ...ARGS);
    expect(page).toContain(`<li class="warning">${ZH_M2}</li>`);
    expect(page).toContain(`<li class="warning">${ZH_M3}</li>`);
    expect(planSection).toContain(`# plans/${M1}.yaml（用于商户 ${M1}）\n`);
    expect(planSection).toContain('rate: 0.60%');
    expect(planSection).not.toContain('0.68%');
    expect(planSection).not.toContain(M3);
    // Nor does the other shop's name head the report.
    expect(page).not.toContain('别家小店');
  });
});

describe('posguard audit DIR --format html: the plans that priced the audit', () => {
  it('shows the merchant’s own plan, and names the other shop’s plan only in the warnings', async () => {
    // Like examples/: the merchant's folder with its plan, and another shop's plan beside it.
    const dir = tmp();
    mkdirSync(join(dir, 'data', M1), { recursive: true });
    write(dir, `data/${M1}/settlement.csv`, `${HEADER}\n${RAISED}`);
    write(dir, `data/${M1}/plan.yaml`, PLAN('0.60%', M1));
    write(dir, 'data/plan.yaml', PLAN('0.68%', M2, '别家小店'));
    const { page, planSection } = await html(dir, 'data');
    expect(page).toContain(
      `<li class="warning">data/plan.yaml 未使用：方案的 merchantId ${M2} 不是本次核对的商户（${M1}）；若它是这些商户的合同，请改正 merchantId 或用 --plan 指定</li>`,
    );
    expect(planSection).toContain(`# data/${M1}/plan.yaml（用于商户 ${M1}）\n`);
    expect(planSection).not.toContain('data/plan.yaml');
    expect(planSection).not.toContain('0.68%');
    expect(page).not.toContain('别家小店');

    await run(dir, 'data', '--format', 'html', '--out', 'r.html', '--lang', 'en');
    const en = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(en).toContain(`# data/${M1}/plan.yaml (applied to merchant ${M1})\n`);
    expect(en).not.toContain('0.68%');
  });

  it('shows a single plan as written', async () => {
    const dir = tmp();
    write(dir, 's.csv', `${HEADER}\n${RAISED}`);
    write(dir, 'plan.yaml', PLAN('0.60%', M1));
    const { planSection } = await html(dir, '--settlement', 's.csv', '--plan', 'plan.yaml');
    expect(planSection).toContain(`<pre>merchantId: &quot;${M1}&quot;\nperiods:`);
    expect(planSection).not.toContain('# plan.yaml');
  });
});

describe('two plans for one merchant', () => {
  /** data/ with M1's folder (statement and a 0.60% plan) and a 0.68% top-level plan naming M1. */
  function shop(folderPlan: string): string {
    const dir = tmp();
    mkdirSync(join(dir, 'data', M1), { recursive: true });
    write(dir, `data/${M1}/settlement.csv`, `${HEADER}\n${RAISED}`);
    write(dir, `data/${M1}/plan.yaml`, folderPlan);
    write(dir, 'data/plan.yaml', PLAN('0.68%', M1));
    return dir;
  }

  for (const [how, folderPlan] of [
    ['implied by its folder', PLAN('0.60%')],
    ['naming the merchant', PLAN('0.60%', M1)],
  ] as const) {
    it(`in the data directory: the plan in the merchant’s own folder (${how}) wins, and a warning names both`, async () => {
      const dir = shop(folderPlan);
      const report = await json(dir, 'data');
      expect(report.summary.overchargeFen).toBe(OVER_AT_060);
      expect(report.warnings.map((w) => warningIn(w, 'zh'))).toContain(
        `data/plan.yaml 未使用：它与 data/${M1}/plan.yaml 都是商户 ${M1} 的费率方案；data/${M1}/plan.yaml 在该商户自己的目录中，更具体，核对用的是它`,
      );
      const en = await json(dir, 'data', '--lang', 'en');
      expect(en.summary.overchargeFen).toBe(OVER_AT_060);
      expect(en.warnings.map((w) => warningIn(w, 'en'))).toContain(
        `data/plan.yaml not used: it and data/${M1}/plan.yaml are both plans for merchant ${M1}; data/${M1}/plan.yaml lies in the merchant's own folder, so it is the more specific and the audit applied it`,
      );
      // The one plan that priced the audit, as written.
      const { planSection } = await html(dir, 'data');
      expect(planSection).toContain('rate: 0.60%');
      expect(planSection).not.toContain('0.68%');
    });
  }

  it('in the data directory: two plans of other folders naming one merchant are a usage error', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'data', M2), { recursive: true });
    write(dir, 'data/settlement.csv', `${HEADER}\n${RAISED}`);
    write(dir, 'data/plan.yaml', PLAN('0.60%', M1));
    write(dir, `data/${M2}/plan.yaml`, PLAN('0.68%', M1));
    const r = await runCli(['audit', 'data'], { cwd: dir, env: {} });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toBe(
      `posguard: data/${M2}/plan.yaml 与 data/plan.yaml 都是商户 ${M1} 的费率方案，无法判断用哪一个：请只留一个，或用 --plan 指定`,
    );
  });

  it('in --plans DIR: <merchantId>.yaml and another plan naming that merchant are a usage error', async () => {
    const dir = tmp();
    write(dir, 's.csv', `${HEADER}\n${RAISED}`);
    mkdirSync(join(dir, 'plans'));
    write(dir, `plans/${M1}.yaml`, PLAN('0.60%'));
    write(dir, 'plans/other.yaml', PLAN('0.68%', M1));
    const argv = ['audit', '--settlement', 's.csv', '--plans', 'plans'];
    const zh = await runCli(argv, { cwd: dir, env: {} });
    expect(zh.exitCode).toBe(2);
    expect(zh.stdout).toBe('');
    expect(zh.stderr.trimEnd()).toBe(
      `posguard: plans/${M1}.yaml 与 plans/other.yaml 都是商户 ${M1} 的费率方案（plans/${M1}.yaml 没有写 merchantId，按文件名当作商户 ${M1} 的方案），无法判断用哪一个：请只留一个，或用 --plan 指定`,
    );
    const en = await runCli([...argv, '--lang', 'en'], { cwd: dir, env: {} });
    expect(en.exitCode).toBe(2);
    expect(en.stderr.trimEnd()).toBe(
      `posguard: plans/${M1}.yaml and plans/other.yaml are both plans for merchant ${M1} (plans/${M1}.yaml names no merchantId, so its file name makes it merchant ${M1}'s); which is the contract is unknown: keep one, or give it with --plan`,
    );
  });

  it('says so in audit --help', async () => {
    const help = await runCli(['audit', '--help'], { env: {} });
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('同一商户有两个方案时报错');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('商户子目录中的方案优先于上层目录中同一商户的方案');
  });
});
