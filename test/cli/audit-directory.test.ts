import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { warningIn } from '../../src/audit/warning-text.js';
import { runCli } from '../../src/cli/program.js';
import { HEADER, M1, M2, tmpDirs, write } from './audit-fixtures.js';

// `posguard audit DIR` used to take files by their names alone: a plan saved as 费率.yaml was dropped without a
// word and the rate inferred from the provider's own charges (¥3.00 of overcharge where the contract proved
// ¥31.40), and a journal named POS流水.csv was never read. Every file is now used, by its name or by what it
// holds, or named in a warning that says why not.

// Charged 0.68% from the first day: the inferred formula is 0.68% too, so only the contract's 0.60% shows the
// overcharge: ¥1,000.00 → ¥6.80 for ¥6.00 (80 fen), ¥500.00 → ¥3.40 for ¥3.00 (40 fen).
const RAISED = (m: string) => [
  `2026-11-02 10:00:00,2026-11-03,${m},12345678,100000000001,贷记卡,刷卡,消费,1000.00,6.80,993.20`,
  `2026-11-02 11:00:00,2026-11-03,${m},12345678,100000000002,贷记卡,刷卡,消费,500.00,3.40,496.60`,
];
const JOURNAL = [
  '收银机交易流水',
  '交易时间,终端号,参考号,卡类型,支付方式,交易类型,交易金额',
  '2026/11/2 10:00,12345678,100000000001,贷记卡,刷卡,消费,1000.00',
  '2026/11/2 11:00,12345678,100000000002,贷记卡,刷卡,消费,500.00',
].join('\n');
const PLAN = (rate: string, merchantId?: string) =>
  `${merchantId === undefined ? '' : `merchantId: "${merchantId}"\n`}periods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: ${rate} }\n`;

const tmp = tmpDirs('posguard-cli-dir-');

async function audit(cwd: string, ...argv: string[]) {
  const run = await runCli(['audit', ...argv, '--format', 'json'], { cwd, env: {} });
  return { run, report: run.stdout === '' ? undefined : (JSON.parse(run.stdout) as AuditReport) };
}

describe('posguard audit DIR', () => {
  it('uses a plan whatever its name (费率.yaml) and a journal whatever its name (POS流水.csv)', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'shop'));
    write(dir, 'shop/结算明细.csv', [HEADER, ...RAISED(M1)].join('\n'));
    write(dir, 'shop/POS流水.csv', JOURNAL);
    write(dir, 'shop/费率.yaml', PLAN('0.60%'));
    const { run, report } = await audit(dir, 'shop');
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(1);
    expect(report?.summary.overchargeFen).toBe(120);
    expect(report?.findings.map((f) => [f.kind, f.refNo, f.overchargeFen, f.basis])).toEqual([
      ['fee_overcharge', '100000000001', 80, 'plan'],
      ['fee_overcharge', '100000000002', 40, 'plan'],
    ]);
    expect(report?.files.map((f) => [f.file, f.kind, f.rows])).toEqual([
      ['shop/结算明细.csv', 'settlement', 2],
      ['shop/POS流水.csv', 'terminal', 2],
    ]);
    expect(report?.summary.matched).toBe(2);
    expect(report?.warnings.some((w) => w.includes('没有费率方案'))).toBe(false);
  });

  it('says plainly that without a plan the rate is inferred', async () => {
    const dir = tmp();
    write(dir, '结算明细.csv', [HEADER, ...RAISED(M1)].join('\n'));
    const zh = await audit(dir, '.');
    expect(zh.report?.summary.overchargeFen).toBe(0);
    expect(zh.report?.warnings[0]).toMatch(/^没有费率方案，按收单机构此前实收的费率推断/);
    const en = await audit(dir, '.', '--lang', 'en');
    expect(warningIn(en.report?.warnings[0] ?? '', 'en')).toMatch(
      /^no fee plan: the expected fees are inferred/,
    );
    // Given by flags, the same.
    const flags = await audit(dir, '--settlement', '结算明细.csv');
    expect(flags.report?.warnings[0]).toMatch(/^没有费率方案/);
  });

  it('names every file it does not use and why, and reads no report of its own as a statement', async () => {
    const dir = tmp();
    write(dir, 'settlement.csv', [HEADER, ...RAISED(M1)].join('\n'));
    write(dir, 'plan.yaml', PLAN('0.60%'));
    // posguard's own findings CSV has 交易时间 and 交易金额(元) columns: read as a statement it would double every
    // sale. It is written by the audit itself, into the directory it then audits again.
    const first = await runCli(['audit', '.', '--format', 'csv', '--out', 'findings.csv'], {
      cwd: dir,
      env: {},
    });
    expect(first.exitCode).toBe(1);
    write(dir, 'notes.txt', '10月对账备忘\n记得打电话给客服\n');
    write(dir, 'my-bank.yaml', 'name: my-bank\nkind: bank\ncolumns:\n  time: [日期]\n  credit: [贷方]\n');
    write(dir, 'truth.json', '{"schemaVersion":1}');
    write(dir, 'other.json', '{"hello":"world"}');
    // A script that made the fixtures: its lines would otherwise be read as a table's text.
    write(dir, 'gen.cjs', "const rows = ['交易时间,交易金额'];\nconsole.log(rows.join('\\n'));\n");
    mkdirSync(join(dir, 'm1', 'old'), { recursive: true });
    write(dir, 'm1/old/settlement.csv', [HEADER, ...RAISED(M1)].join('\n'));
    const { run, report } = await audit(dir, '.');
    expect(run.stderr).toBe('');
    expect(report?.files.map((f) => f.file)).toEqual(['settlement.csv']);
    expect(report?.summary.overchargeFen).toBe(120);
    const notUsed =
      report?.warnings.map((w) => warningIn(w, 'zh')).filter((w) => w.includes(' 未使用：')) ?? [];
    expect(notUsed.map((w) => w.slice(0, w.indexOf(' 未使用：')))).toEqual([
      'findings.csv',
      'gen.cjs',
      'm1/old/',
      'my-bank.yaml',
      'notes.txt',
      'other.json',
      'truth.json',
    ]);
    expect(notUsed).toContain('findings.csv 未使用：是 posguard 生成的问题明细（CSV）');
    expect(notUsed).toContain('my-bank.yaml 未使用：是列映射文件（有 columns），请用 --mapping 指定');
    expect(notUsed.find((w) => w.startsWith('notes.txt'))).toContain('找不到表头');
    expect(notUsed).toContain('gen.cjs 未使用：不是表格文件（脚本、文档或图片）');
    expect(notUsed.find((w) => w.startsWith('other.json'))).toContain('不是费率方案');
    const en = await audit(dir, '.', '--lang', 'en');
    expect(en.report?.warnings.map((w) => warningIn(w, 'en'))).toContain(
      'findings.csv not used: it is a findings file posguard wrote (CSV)',
    );
  });

  it('stops on a plan with a mistake, whatever its name, instead of inferring the rate', async () => {
    const dir = tmp();
    write(dir, '结算明细.csv', [HEADER, ...RAISED(M1)].join('\n'));
    write(dir, '费率.yaml', PLAN('0.6'));
    const { run } = await audit(dir, '.');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('费率方案无效：费率.yaml:4 periods[0].rates[0].rate');
  });

  it('takes several plans in one directory as one per merchant when each names its merchantId', async () => {
    const dir = tmp();
    write(
      dir,
      '结算明细.csv',
      [HEADER, ...RAISED(M1), ...RAISED(M2).map((l) => l.replace(/10000000000/g, '20000000000'))].join('\n'),
    );
    write(dir, 'a.yaml', PLAN('0.60%', M1));
    write(dir, 'b.yaml', PLAN('0.68%', M2));
    const { run, report } = await audit(dir, '.');
    expect(run.stderr).toBe('');
    expect(report?.merchants.map((m) => [m.merchantId, m.summary.overchargeFen])).toEqual([
      [M1, 120],
      [M2, 0],
    ]);
  });

  it('refuses several plans in one directory when one names no merchantId', async () => {
    const dir = tmp();
    write(dir, '结算明细.csv', [HEADER, ...RAISED(M1)].join('\n'));
    write(dir, 'a.yaml', PLAN('0.60%', M1));
    write(dir, 'b.yaml', PLAN('0.68%'));
    const { run } = await audit(dir, '.');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'posguard: . 中有 2 个费率方案（a.yaml、b.yaml），其中 b.yaml 没有写 merchantId，无法判断各用于哪个商户：请只留一个方案，或在每个方案中写明 merchantId（每个商户一个），或用 --plan 指定\n',
    );
    // --plan settles it; the directory's plans are then named as not used.
    write(dir, 'contract.yaml', PLAN('0.60%'));
    const chosen = await audit(dir, '.', '--plan', 'contract.yaml');
    expect(chosen.report?.summary.overchargeFen).toBe(120);
    const chosenZh = chosen.report?.warnings.map((w) => warningIn(w, 'zh'));
    expect(chosenZh).toContain('a.yaml 未使用：费率方案已由 --plan 指定');
    expect(chosenZh).toContain('b.yaml 未使用：费率方案已由 --plan 指定');
  });
});

describe('posguard audit --merchant', () => {
  it('is a usage error naming the merchants found when it names none of them', async () => {
    const dir = tmp();
    write(dir, 's.csv', [HEADER, ...RAISED(M1)].join('\n'));
    write(dir, 'plan.yaml', PLAN('0.60%'));
    const zh = await runCli(['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--merchant', '999'], {
      cwd: dir,
      env: {},
    });
    expect(zh.exitCode).toBe(2);
    expect(zh.stdout).toBe('');
    expect(zh.stderr).toBe(
      `posguard: --merchant 999 不在导入的文件中，没有核对任何记录；文件中的商户：${M1}\n`,
    );
    const en = await runCli(['audit', '.', '--merchant', '999', '--lang', 'en'], { cwd: dir, env: {} });
    expect(en.exitCode).toBe(2);
    expect(en.stderr).toBe(
      `posguard: --merchant 999: not in the files given, so nothing was audited; the files hold merchant ${M1}\n`,
    );
    // A merchant of the files whose trades lie outside --from/--to is no mistake: an empty report.
    const outside = await audit(dir, '.', '--merchant', M1, '--from', '2027-01-01');
    expect(outside.run.exitCode).toBe(0);
  });
});

describe('agreed charges under another label', () => {
  it('covers 10月服务费 and 流量费（SIM卡） by the plan’s 服务费 and 流量费, and flags the second 流量费', async () => {
    const dir = tmp();
    const deduction = (date: string, type: string, amount: string, note: string) =>
      `${date} 00:30:00,${date},${M1},,,,,${type},-${amount},0.00,-${amount},${note}`;
    write(
      dir,
      's.csv',
      [
        `${HEADER},备注`,
        `2026-10-14 11:00:00,2026-10-15,${M1},12345678,100000000003,贷记卡,刷卡,消费,1000.00,6.00,994.00,`,
        deduction('2026-10-08', '扣费', '39.00', '10月服务费'),
        deduction('2026-10-15', '扣费', '99.00', '流量费（SIM卡）'),
        deduction('2026-10-16', '流量费', '99.00', ''),
      ].join('\n'),
    );
    write(
      dir,
      'plan.yaml',
      `${PLAN('0.60%', M1)}charges:\n  - { name: 服务费, amount: 39, every: month }\n  - { name: 流量费, aliases: [SIM卡服务费], amount: 99, every: year, from: 2026-09-01 }\n`,
    );
    const { report } = await audit(dir, '--settlement', 's.csv', '--plan', 'plan.yaml');
    // Before: ¥39 + ¥99 of agreed charges reported as unplanned. Now only the year's second ¥99 is.
    expect(report?.findings.map((f) => [f.kind, f.settleDate, f.lossFen])).toEqual([
      ['unplanned_deduction', '2026-10-16', 9900],
    ]);
  });
});
