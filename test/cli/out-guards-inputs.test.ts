import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

// `posguard audit --out plan.yaml` wrote the report over the merchant's contract (exit 1, “报告已写入 plan.yaml”),
// and so over devices.yaml, the --mapping, a plan of --plans DIR and the plan of a data directory: only statements,
// journals and bank files were protected. Every input is now, by the one guard of --out (out-path.ts), compared by
// real path, before anything is audited.

const HEADER = '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
// ¥1,234.56 × 0.60% = ¥7.41 due (740.736 fen, half-up), ¥8.40 charged: 99 fen overcharged.
const STATEMENT = [
  HEADER,
  '2026-11-04 10:00:00,2026-11-05,898440153991234,12345678,100000000003,贷记卡,刷卡,消费,1234.56,8.40,1226.16',
].join('\n');
const PLAN =
  'merchantId: "898440153991234"\nsettlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.60% }\n';
const DEVICES = `merchantId: "898440153991234"
terminals:
  - terminalId: "12345678"
    model: P2
    versions:
      - { from: 2026-07-01, app: "1.0" }
`;
const MAPPING = [
  'name: mine',
  'kind: settlement',
  'columns:',
  '  time: [交易时间]',
  '  settleDate: [结算日期]',
  '  merchantId: [商户号]',
  '  terminalId: [终端号]',
  '  refNo: [参考号]',
  '  card: [卡类型]',
  '  amount: [交易金额]',
  '  fee: [手续费]',
  '',
].join('\n');

const dirs: string[] = [];
function shop(): string {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-out-guards-'));
  dirs.push(dir);
  writeFileSync(join(dir, 's.csv'), STATEMENT);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  writeFileSync(join(dir, 'devices.yaml'), DEVICES);
  writeFileSync(join(dir, 'm.yaml'), MAPPING);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The refusal, exit 2, nothing on stdout (no “报告已写入”), and the input as it was. */
async function refused(
  dir: string,
  argv: string[],
  input: { file: string; shownOut: string; shownInput: string; text: string },
) {
  const zh = await runCli(argv, { cwd: dir, env: {} });
  expect(zh.stderr).toBe(`posguard: --out ${input.shownOut} 是输入文件 ${input.shownInput}，不能覆盖\n`);
  expect(zh.exitCode).toBe(2);
  expect(zh.stdout).toBe('');
  expect(readFileSync(join(dir, input.file), 'utf8')).toBe(input.text);
  const en = await runCli([...argv, '--lang', 'en'], { cwd: dir, env: {} });
  expect(en.stderr).toBe(
    `posguard: --out ${input.shownOut} is the input file ${input.shownInput}; it will not be overwritten\n`,
  );
  expect(en.exitCode).toBe(2);
  expect(readFileSync(join(dir, input.file), 'utf8')).toBe(input.text);
}

describe('posguard audit --out never overwrites an input', () => {
  it('the plan of --plan, however the path is written', async () => {
    const dir = shop();
    const base = ['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--format', 'json', '--out'];
    for (const out of ['plan.yaml', './plan.yaml', join('..', dir.split('/').pop() ?? '', 'plan.yaml')])
      await refused(dir, [...base, out], {
        file: 'plan.yaml',
        shownOut: out,
        shownInput: 'plan.yaml',
        text: PLAN,
      });
  });

  it('the plan through a symlink to it', async () => {
    const dir = shop();
    symlinkSync(join(dir, 'plan.yaml'), join(dir, 'contract.yaml'));
    await refused(
      dir,
      ['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--format', 'csv', '--out', 'contract.yaml'],
      { file: 'plan.yaml', shownOut: 'contract.yaml', shownInput: 'plan.yaml', text: PLAN },
    );
  });

  it('every plan of --plans DIR', async () => {
    const dir = shop();
    mkdirSync(join(dir, 'plans'));
    writeFileSync(join(dir, 'plans', '898440153991234.yaml'), PLAN);
    writeFileSync(join(dir, 'plans', 'default.yaml'), PLAN);
    for (const name of ['898440153991234.yaml', 'default.yaml']) {
      const out = join('plans', name);
      await refused(
        dir,
        ['audit', '--settlement', 's.csv', '--plans', 'plans', '--format', 'json', '--out', out],
        {
          file: out,
          shownOut: out,
          shownInput: out,
          text: PLAN,
        },
      );
    }
  });

  it('the devices file of --devices', async () => {
    const dir = shop();
    const argv = ['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--format', 'json'];
    await refused(dir, [...argv, '--devices', 'devices.yaml', '--out', 'devices.yaml'], {
      file: 'devices.yaml',
      shownOut: 'devices.yaml',
      shownInput: 'devices.yaml',
      text: DEVICES,
    });
  });

  it('the --mapping (a valid one: without the guard the audit would run and write over it)', async () => {
    const dir = shop();
    const argv = ['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--format', 'json'];
    await refused(dir, [...argv, '--mapping', 'm.yaml', '--out', 'm.yaml'], {
      file: 'm.yaml',
      shownOut: 'm.yaml',
      shownInput: 'm.yaml',
      text: MAPPING,
    });
  });

  it('what a data directory holds: its plan and devices file, its plan even when --plan overrides it', async () => {
    const root = shop();
    mkdirSync(join(root, 'data'));
    for (const [name, text] of [
      ['settlement.csv', STATEMENT],
      ['plan.yaml', PLAN],
      ['devices.yaml', DEVICES],
    ] as const)
      writeFileSync(join(root, 'data', name), text);
    for (const [name, text] of [
      ['plan.yaml', PLAN],
      ['devices.yaml', DEVICES],
      ['settlement.csv', STATEMENT],
    ] as const) {
      const out = join('data', name);
      await refused(root, ['audit', 'data', '--format', 'csv', '--out', out], {
        file: out,
        shownOut: out,
        shownInput: out,
        text,
      });
    }
    await refused(
      root,
      ['audit', 'data', '--plan', 'plan.yaml', '--format', 'csv', '--out', join('data', 'plan.yaml')],
      {
        file: join('data', 'plan.yaml'),
        shownOut: join('data', 'plan.yaml'),
        shownInput: join('data', 'plan.yaml'),
        text: PLAN,
      },
    );
  });

  it('is checked before the audit: a refusal even when the statement would fail to import', async () => {
    const dir = shop();
    writeFileSync(join(dir, 's.csv'), 'not,a,statement\n1,2,3\n');
    const run = await runCli(
      ['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--out', 'plan.yaml'],
      { cwd: dir, env: {} },
    );
    expect(run.stderr).toBe('posguard: --out plan.yaml 是输入文件 plan.yaml，不能覆盖\n');
    expect(run.exitCode).toBe(2);
  });

  it('still writes a new file, and replaces an earlier report in the data directory', async () => {
    const root = shop();
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data', 'settlement.csv'), STATEMENT);
    writeFileSync(join(root, 'data', 'plan.yaml'), PLAN);
    for (let i = 0; i < 2; i++) {
      const run = await runCli(['audit', 'data', '--format', 'json', '--out', join('data', 'report.json')], {
        cwd: root,
        env: {},
      });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toContain(`报告已写入 ${join('data', 'report.json')}`);
      const report = JSON.parse(readFileSync(join(root, 'data', 'report.json'), 'utf8'));
      expect(report.summary.overchargeFen).toBe(99);
    }
    expect(readFileSync(join(root, 'data', 'plan.yaml'), 'utf8')).toBe(PLAN);
  });
});
