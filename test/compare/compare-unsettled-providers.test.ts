import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from '../cli/audit-fixtures.js';

// A merchant with two providers' terminals gives both providers' statements and no --plan: a sale never settled has
// no statement line to tell whose it is, and went to no provider — the loss vanished from the comparison. It is now
// the provider's whose statements show its terminal; one whose terminal no single provider's statements show is
// reported apart, with a note, in every format.

const tmp = tmpDirs('posguard-compare-unsettled-');

const A = '822841054119608';

const JOURNAL_HEADER =
  '交易时间,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,用户标识,交易类型,交易状态,交易金额,原凭证号,原参考号,原订单号,备注';
const STATEMENT_HEADER =
  '交易时间,结算日期,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,费率,备注';

/** A card sale of the journal on `terminal`. */
const sale = (time: string, terminal: string, voucher: string, ref: string, amount: string): string =>
  `2026-${time},${A},${terminal},000001,${voucher},${ref},,622588******5678,贷记卡,刷卡,,消费,成功,${amount},,,,`;

/** Its statement line, charged 0.60 %. */
const line = (
  time: string,
  settled: string,
  terminal: string,
  voucher: string,
  ref: string,
  amount: string,
  fee: string,
  net: string,
): string =>
  `2026-${time},2026-${settled},${A},${terminal},000001,${voucher},${ref},,622588******5678,贷记卡,刷卡,消费,${amount},${fee},${net},0.60%,`;

// T0000001 is 汇通支付's terminal, T0000002 银盛支付's (each shows only in its provider's statement); T0000003 shows
// in neither. Each terminal's 10-13 sale (¥500.00, ¥300.00, ¥200.00) is never settled, though both statements hold
// 10-14's payouts.
const JOURNAL = [
  JOURNAL_HEADER,
  sale('10-12 10:00:00', 'T0000001', '000001', '101200000001', '1000.00'),
  sale('10-13 10:00:00', 'T0000001', '000002', '101300000002', '500.00'),
  sale('10-13 11:00:00', 'T0000001', '000003', '101300000003', '100.00'),
  sale('10-12 10:30:00', 'T0000002', '000001', '101200000011', '1000.00'),
  sale('10-13 10:30:00', 'T0000002', '000002', '101300000012', '300.00'),
  sale('10-13 11:30:00', 'T0000002', '000003', '101300000013', '100.00'),
  sale('10-13 12:00:00', 'T0000003', '000001', '101300000021', '200.00'),
].join('\n');

const HUITONG = [
  '汇通支付商户结算明细',
  STATEMENT_HEADER,
  line('10-12 10:00:00', '10-13', 'T0000001', '000001', '101200000001', '1000.00', '6.00', '994.00'),
  line('10-13 11:00:00', '10-14', 'T0000001', '000003', '101300000003', '100.00', '0.60', '99.40'),
].join('\n');

const YINSHENG = [
  '银盛支付商户结算明细',
  STATEMENT_HEADER,
  line('10-12 10:30:00', '10-13', 'T0000002', '000001', '101200000011', '1000.00', '6.00', '994.00'),
  line('10-13 11:30:00', '10-14', 'T0000002', '000003', '101300000013', '100.00', '0.60', '99.40'),
].join('\n');

const CATALOG = [
  'plans:',
  ...['汇通支付', '银盛支付'].flatMap((p) => [
    `  - provider: ${p}`,
    '    plan: 现方案',
    '    settlement: T1',
    '    source: 测试',
    '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
  ]),
].join('\n');

function fixture(journal = JOURNAL): string {
  const dir = tmp();
  writeFileSync(join(dir, 'journal.csv'), journal);
  writeFileSync(join(dir, 'huitong.csv'), HUITONG);
  writeFileSync(join(dir, 'yinsheng.csv'), YINSHENG);
  writeFileSync(join(dir, 'catalog.yaml'), CATALOG);
  return dir;
}

const ARGS = [
  '--settlement',
  'huitong.csv',
  'yinsheng.csv',
  '--catalog',
  'catalog.yaml',
  '--as-of',
  '2027-01-01',
];

async function compare(dir: string, ...args: string[]) {
  const run = await runCli(['compare', '--terminal', 'journal.csv', ...ARGS, ...args], { cwd: dir, env: {} });
  expect(run.exitCode, run.stderr).toBe(0);
  return run;
}

interface JumpRecord {
  provider?: string;
  settlementFiles: string[];
  findings: number;
  overchargeFen: number;
  lossFen: number;
}
interface Comparison {
  plans: { provider: string; jumpRecord?: JumpRecord }[];
  unassignedJumps?: { findings: number; overchargeFen: number; lossFen: number; terminals: string[] };
  warnings: { code: string; zh: string; en: string }[];
}

// No plan: the audit expects each provider's own 0.60 % (what the settled lines were charged). A sale never settled
// loses its amount less that fee: ¥500.00 − ¥3.00 = 49,700 fen; ¥300.00 − ¥1.80 = 29,820; ¥200.00 − ¥1.20 = 19,880.
describe('compare: sales never settled, with several providers’ statements and no --plan', () => {
  it('are the audit’s missing settlements, 99,400 fen in all', async () => {
    const dir = fixture();
    const audit = await runCli(
      [
        'audit',
        '--terminal',
        'journal.csv',
        '--settlement',
        'huitong.csv',
        'yinsheng.csv',
        '--format',
        'json',
      ],
      { cwd: dir, env: {} },
    );
    const report = JSON.parse(audit.stdout) as {
      summary: { lossFen: number };
      findings: { kind: string; terminalId?: string; lossFen: number }[];
    };
    expect(report.findings.map((f) => [f.kind, f.terminalId, f.lossFen])).toEqual([
      ['missing_settlement', 'T0000001', 49_700],
      ['missing_settlement', 'T0000002', 29_820],
      ['missing_settlement', 'T0000003', 19_880],
    ]);
    expect(report.summary.lossFen).toBe(99_400);
  });

  it('go to the provider whose statements show their terminal; the rest are reported unassigned, with a note', async () => {
    const dir = fixture();
    const out = JSON.parse((await compare(dir, '--format', 'json')).stdout) as Comparison;
    const records = new Map(out.plans.map((p) => [p.provider, p.jumpRecord]));
    expect(records.get('汇通支付')).toMatchObject({
      provider: '汇通支付',
      settlementFiles: ['huitong.csv'],
      findings: 1,
      overchargeFen: 0,
      lossFen: 49_700,
    });
    expect(records.get('银盛支付')).toMatchObject({
      provider: '银盛支付',
      settlementFiles: ['yinsheng.csv'],
      findings: 1,
      overchargeFen: 0,
      lossFen: 29_820,
    });
    // 49,700 + 29,820 + 19,880 = 99,400: nothing of the audit's loss vanishes.
    expect(out.unassignedJumps).toEqual({
      findings: 1,
      overchargeFen: 0,
      lossFen: 19_880,
      terminals: ['T0000003'],
    });
    const note = out.warnings.find((w) => w.code === 'unassigned-jumps');
    expect(note?.zh).toContain('1 项问题（损失 ¥198.80');
    expect(note?.zh).toContain('终端 T0000003');
    expect(note?.en).toContain('1 more finding (lost ¥198.80');
    expect(note?.en).toContain('terminal T0000003 is in no provider');
  });

  it('says so in the table, the HTML page and the CSV too, zh and en', async () => {
    const dir = fixture();
    const table = await compare(dir);
    expect(table.stdout).toContain('注意：另有 1 项问题（损失 ¥198.80');
    const en = await compare(dir, '--lang', 'en');
    expect(en.stdout).toContain('warning: 1 more finding (lost ¥198.80');
    const html = await compare(dir, '--format', 'html');
    expect(html.stdout).toContain('另有 1 项问题（损失 ¥198.80');
    const csv = await compare(dir, '--format', 'csv');
    // The note goes to stderr; the row carries the findings, the loss and the overcharge in 元.
    expect(csv.stderr).toContain('另有 1 项问题');
    const row = csv.stdout
      .split('\r\n')
      .find((r) => r.includes('（无法确定服务商）'))
      ?.split(',');
    expect(row?.slice(0, 4)).toEqual([
      A,
      '',
      '（无法确定服务商）',
      '（结算单来自多家服务商；终端 T0000003）',
    ]);
    expect(row?.slice(16, 20)).toEqual(['（无法确定服务商）', '1', '198.80', '0.00']);
  });

  it('leaves a terminal shown in both providers’ statements unassigned rather than guess', async () => {
    // T0000003's sale settled by both: its other, unsettled sale cannot be told to be either's.
    const dir = fixture();
    writeFileSync(
      join(dir, 'huitong.csv'),
      `${HUITONG}\n${line('10-12 12:00:00', '10-13', 'T0000003', '000009', '101200000029', '50.00', '0.30', '49.70')}`,
    );
    writeFileSync(
      join(dir, 'yinsheng.csv'),
      `${YINSHENG}\n${line('10-12 12:30:00', '10-13', 'T0000003', '000010', '101200000030', '50.00', '0.30', '49.70')}`,
    );
    writeFileSync(
      join(dir, 'journal.csv'),
      [
        JOURNAL,
        sale('10-12 12:00:00', 'T0000003', '000009', '101200000029', '50.00'),
        sale('10-12 12:30:00', 'T0000003', '000010', '101200000030', '50.00'),
      ].join('\n'),
    );
    const out = JSON.parse((await compare(dir, '--format', 'json')).stdout) as Comparison;
    expect(out.plans.map((p) => [p.provider, p.jumpRecord?.lossFen])).toEqual([
      ['汇通支付', 49_700],
      ['银盛支付', 29_820],
    ]);
    expect(out.unassignedJumps).toMatchObject({ findings: 1, lossFen: 19_880, terminals: ['T0000003'] });
  });

  it('go to the one provider of a merchant whose statements are one provider’s, with no note', async () => {
    // Only 汇通支付's statement: every unsettled sale of the merchant is 汇通支付's, as before. Without 银盛支付's
    // statement all of T0000002's sales are unsettled: five sales, ¥500.00 (49,700), ¥1,000.00 (− ¥6.00 = 99,400),
    // ¥300.00 (29,820), ¥100.00 (− ¥0.60 = 9,940) and ¥200.00 (19,880): 208,740 fen.
    const dir = fixture();
    const run = await runCli(
      [
        'compare',
        '--terminal',
        'journal.csv',
        '--settlement',
        'huitong.csv',
        '--catalog',
        'catalog.yaml',
        '--as-of',
        '2027-01-01',
        '--format',
        'json',
      ],
      { cwd: dir, env: {} },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Comparison;
    expect(out.plans.find((p) => p.provider === '汇通支付')?.jumpRecord).toMatchObject({
      findings: 5,
      lossFen: 208_740,
    });
    expect(out.unassignedJumps).toBeUndefined();
    expect(out.warnings.map((w) => w.code)).not.toContain('unassigned-jumps');
  });
});
