import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from '../cli/audit-fixtures.js';

// A statement workbook of several sheets (one a month) cites its rows `s.xlsx#十月`, while the audit names the file
// `s.xlsx`: the current provider's 跳点 record in `compare` must still take every sheet's findings as the
// workbook's, and tell whose lines the workbook holds by its sheets' lines.

const tmp = tmpDirs('posguard-compare-sheets-');

const A = '822841054119608';
const B = '822841054119999';

const JOURNAL_HEADER =
  '交易时间,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,用户标识,交易类型,交易状态,交易金额,原凭证号,原参考号,原订单号,备注';
const STATEMENT_HEADER =
  '交易时间,结算日期,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,费率,备注';

/** A successful card sale of the journal; its reference number is 1 + the voucher number + 0000. */
const sale = (merchant: string, day: string, voucher: string, amount: string): string =>
  `2026-${day} 10:00:00,${merchant},T0000001,000001,${voucher},1${voucher}0000,,622588******5678,贷记卡,刷卡,,消费,成功,${amount},,,,`;

/** The statement's line of that sale, paid out on `settled`. */
const line = (day: string, settled: string, voucher: string, amount: string, fee: string, net: string) => [
  `2026-${day} 10:00:00`,
  `2026-${settled}`,
  A,
  'T0000001',
  '000001',
  voucher,
  `1${voucher}0000`,
  '',
  '622588******5678',
  '贷记卡',
  '刷卡',
  '消费',
  amount,
  fee,
  net,
  '',
  '',
];

const PLAN = [
  'provider: 汇通支付',
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates: [{ rate: 0.60% }]',
].join('\n');

const catalog = (...providers: string[]): string =>
  [
    'plans:',
    ...providers.flatMap((p) => [
      `  - provider: ${p}`,
      '    plan: 现方案',
      '    settlement: T1',
      '    source: 测试',
      '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
    ]),
  ].join('\n');

/** Writes `s.xlsx`: one sheet a month, each a list of statement lines under `title` rows. */
async function workbook(
  dir: string,
  sheets: [name: string, title: string[], lines: string[][]][],
): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  for (const [name, title, lines] of sheets) {
    const sheet = book.addWorksheet(name);
    for (const t of title) sheet.addRow([t]);
    sheet.addRow(STATEMENT_HEADER.split(','));
    for (const l of lines) sheet.addRow(l);
  }
  writeFileSync(join(dir, 's.xlsx'), Buffer.from(await book.xlsx.writeBuffer()));
}

/**
 * Merchant A's October and November statement, a sheet each, against the plan's 0.60 %:
 * - 十月 row 2: ¥1,234.56 × 0.60 % = 740.736 → 741 fen due, 840 charged: 99 fen overcharged;
 * - 十一月 row 2: ¥2,000.00 × 0.60 % = 1,200 fen due, 1,400 charged: 200 fen overcharged;
 * the ¥500.00 lines are charged their 300 fen. The journal also holds merchant B's sale (no statement line of B's)
 * and a line of B's the import rejects.
 */
async function planFixture(): Promise<string> {
  const dir = tmp();
  await workbook(dir, [
    [
      '十月',
      [],
      [
        line('10-12', '10-13', '000001', '1234.56', '8.40', '1226.16'),
        line('10-13', '10-14', '000002', '500.00', '3.00', '497.00'),
      ],
    ],
    [
      '十一月',
      [],
      [
        line('11-12', '11-13', '000003', '2000.00', '14.00', '1986.00'),
        line('11-13', '11-16', '000004', '500.00', '3.00', '497.00'),
      ],
    ],
  ]);
  const journal = [
    JOURNAL_HEADER,
    sale(A, '10-12', '000001', '1234.56'),
    sale(A, '10-13', '000002', '500.00'),
    sale(A, '11-12', '000003', '2000.00'),
    sale(A, '11-13', '000004', '500.00'),
    sale(B, '10-12', '000009', '800.00'),
    sale(B, '10-13', '000010', '八百'),
  ];
  writeFileSync(join(dir, 'journal.csv'), journal.join('\n'));
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  writeFileSync(join(dir, 'catalog.yaml'), catalog('汇通支付'));
  return dir;
}

interface JumpRecord {
  provider?: string;
  names: string[];
  settlementFiles: string[];
  findings: number;
  overchargeFen: number;
  lossFen: number;
}
interface Comparison {
  merchantId?: string;
  plans: { provider: string; jumpRecord?: JumpRecord }[];
  jumpRecords: JumpRecord[];
}

async function compare(dir: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const run = await runCli(
    ['compare', '--terminal', 'journal.csv', ...args, '--catalog', 'catalog.yaml', '--as-of', '2027-01-01'],
    { cwd: dir, env: {} },
  );
  expect(run.exitCode, run.stderr).toBe(0);
  return run;
}

const PLAN_ARGS = ['--settlement', 's.xlsx', '--plan', 'plan.yaml'];

describe('compare with a statement workbook of several sheets', () => {
  it("counts every sheet's overcharges in the current provider's 跳点 record, as the audit reports them", async () => {
    const dir = await planFixture();
    const audit = await runCli(
      ['audit', '--terminal', 'journal.csv', ...PLAN_ARGS, '--merchant', A, '--format', 'json'],
      { cwd: dir, env: {} },
    );
    const report = JSON.parse(audit.stdout) as {
      summary: { overchargeFen: number; lossFen: number };
      findings: { kind: string; overchargeFen: number; lossFen: number; source: { file: string }[] }[];
    };
    expect(
      report.findings.map((f) => [f.kind, f.overchargeFen, f.lossFen, f.source.map((s) => s.file)]),
    ).toEqual([
      ['fee_overcharge', 99, 99, ['journal.csv', 's.xlsx#十月']],
      ['fee_overcharge', 200, 200, ['journal.csv', 's.xlsx#十一月']],
    ]);
    expect([report.summary.overchargeFen, report.summary.lossFen]).toEqual([299, 299]);

    const run = await compare(dir, [...PLAN_ARGS, '--merchant', A, '--format', 'json']);
    const out = JSON.parse(run.stdout) as Comparison;
    expect(out.plans.map((p) => [p.provider, p.jumpRecord])).toEqual([
      [
        '汇通支付',
        {
          provider: '汇通支付',
          names: ['汇通支付', 'generic'],
          settlementFiles: ['s.xlsx'],
          findings: report.findings.length,
          overchargeFen: report.summary.overchargeFen,
          lossFen: report.summary.lossFen,
        },
      ],
    ]);
  });

  it('names the files as typed, in the comparison and the rows it rejects, never by their absolute path', async () => {
    const dir = await planFixture();
    for (const format of ['json', 'table', 'csv', 'html']) {
      const run = await compare(dir, [...PLAN_ARGS, '--format', format]);
      expect(run.stdout).not.toContain(dir);
      expect(run.stderr).not.toContain(dir);
      expect(run.stderr).toContain('journal.csv:7 ');
    }
  });

  it('names a statement it cannot read as typed, not by its absolute path', async () => {
    const dir = await planFixture();
    // A ZIP signature and nothing after it: not a workbook that can be opened.
    writeFileSync(join(dir, 'broken.xlsx'), Buffer.from('PK\u0003\u0004 not really a workbook'));
    const run = await runCli(
      ['compare', '--terminal', 'journal.csv', '--settlement', 'broken.xlsx', '--catalog', 'catalog.yaml'],
      { cwd: dir, env: {} },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('posguard: broken.xlsx：ZIP 文件已损坏');
    expect(run.stderr).not.toContain(dir);
  });

  it('gives a merchant none of whose lines any sheet holds no 跳点 record from the workbook', async () => {
    const dir = await planFixture();
    const run = await compare(dir, [...PLAN_ARGS, '--format', 'json']);
    const out = JSON.parse(run.stdout) as { merchants: Comparison[] };
    expect(
      out.merchants.map((m) => [m.merchantId, m.jumpRecords.map((j) => [j.settlementFiles, j.lossFen])]),
    ).toEqual([
      [A, [[['s.xlsx'], 299]]],
      [B, []],
    ]);
    expect(out.merchants[1]?.plans.map((p) => p.jumpRecord)).toEqual([undefined]);
  });

  it("gives the sheets' findings to the workbook's provider beside another provider's statement", async () => {
    // No plan: the fees due are the provider's own earlier 0.60 % (6.00 on ¥1,000.00, 3.00 on ¥500.00, 1.20 on
    // ¥200.00 in October). November charges 0.70 %: ¥2,000.00 → 1,400 − 1,200 = 200 fen, ¥500.00 → 350 − 300 = 50
    // fen overcharged, 250 fen in all, both on the sheet 十一月 of 汇通支付's workbook. 银盛支付's December line is
    // charged its 0.60 %.
    const dir = tmp();
    await workbook(dir, [
      [
        '十月',
        ['汇通支付商户结算明细'],
        [
          line('10-12', '10-13', '000001', '1000.00', '6.00', '994.00'),
          line('10-13', '10-14', '000002', '500.00', '3.00', '497.00'),
          line('10-14', '10-15', '000003', '200.00', '1.20', '198.80'),
        ],
      ],
      [
        '十一月',
        [],
        [
          line('11-12', '11-13', '000004', '2000.00', '14.00', '1986.00'),
          line('11-13', '11-16', '000005', '500.00', '3.50', '496.50'),
        ],
      ],
    ]);
    writeFileSync(
      join(dir, 't.csv'),
      [
        '银盛支付商户结算明细',
        STATEMENT_HEADER,
        line('12-01', '12-02', '000006', '1000.00', '6.00', '994.00').join(','),
      ].join('\n'),
    );
    const journal = [
      JOURNAL_HEADER,
      sale(A, '10-12', '000001', '1000.00'),
      sale(A, '10-13', '000002', '500.00'),
      sale(A, '10-14', '000003', '200.00'),
      sale(A, '11-12', '000004', '2000.00'),
      sale(A, '11-13', '000005', '500.00'),
      sale(A, '12-01', '000006', '1000.00'),
    ];
    writeFileSync(join(dir, 'journal.csv'), journal.join('\n'));
    writeFileSync(join(dir, 'catalog.yaml'), catalog('汇通支付', '银盛支付'));

    const audit = await runCli(
      ['audit', '--terminal', 'journal.csv', '--settlement', 's.xlsx', 't.csv', '--format', 'json'],
      { cwd: dir, env: {} },
    );
    const report = JSON.parse(audit.stdout) as {
      summary: { lossFen: number };
      findings: { overchargeFen: number; source: { file: string; row: number }[] }[];
    };
    expect(report.findings.map((f) => [f.overchargeFen, f.source.map((s) => `${s.file}:${s.row}`)])).toEqual([
      [200, ['journal.csv:5', 's.xlsx#十一月:2']],
      [50, ['journal.csv:6', 's.xlsx#十一月:3']],
    ]);
    expect(report.summary.lossFen).toBe(250);

    const run = await compare(dir, ['--settlement', 's.xlsx', 't.csv', '--format', 'json']);
    const out = JSON.parse(run.stdout) as Comparison;
    const records = new Map(out.plans.map((p) => [p.provider, p.jumpRecord]));
    expect(records.get('汇通支付')).toMatchObject({
      settlementFiles: ['s.xlsx'],
      findings: 2,
      overchargeFen: 250,
      lossFen: 250,
    });
    expect(records.get('银盛支付')).toMatchObject({
      settlementFiles: ['t.csv'],
      findings: 0,
      overchargeFen: 0,
      lossFen: 0,
    });
  });
});
