import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditRecords } from '../../src/audit/audit.js';
import type { AuditReport } from '../../src/audit/report-types.js';
import { parseDuration } from '../../src/cli/commands/audit.js';
import { runCli } from '../../src/cli/program.js';
import { loadPlanFile } from '../../src/plans/parse-plan.js';
import { importFiles } from '../../src/statements/import.js';
import { HEADER, M1, M2, tmpDirs, write } from './audit-fixtures.js';

// 2026-11-02 is a Monday: T1 settles on Tuesday 11-03. ¥1,000.00 × 0.60% = ¥6.00; ¥500.00 × 0.60% = ¥3.00.
const CLEAN = (m: string) => [
  `2026-11-02 10:00:00,2026-11-03,${m},12345678,100000000001,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
  `2026-11-02 11:00:00,2026-11-03,${m},12345678,100000000002,贷记卡,刷卡,消费,500.00,3.00,497.00`,
];
// ¥1,234.56 × 0.60% = 7.40736 → ¥7.41 due; ¥8.40 charged (0.68%): ¥0.99 overcharged.
const RAISED = (m: string) =>
  `2026-11-04 10:00:00,2026-11-05,${m},12345678,100000000003,贷记卡,刷卡,消费,1234.56,8.40,1226.16`;
const PLAN = (rate: string, merchantId?: string) =>
  `${merchantId === undefined ? '' : `merchantId: "${merchantId}"\n`}settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: ${rate} }\n`;

const tmp = tmpDirs('posguard-cli-audit-');

describe('parseDuration', () => {
  it('reads seconds, minutes and bare numbers as seconds', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('abc')).toBeUndefined();
    expect(parseDuration('-5s')).toBeUndefined();
  });
});

describe('posguard audit', () => {
  it('finds the ¥0.99 overcharge, prints the JSON contract and exits 1', async () => {
    const dir = tmp();
    write(dir, 's.csv', [HEADER, ...CLEAN(M1), RAISED(M1)].join('\n'));
    write(dir, 'my-contract.yaml', PLAN('0.60%'));
    const run = await runCli(
      ['audit', '--settlement', 's.csv', '--plan', 'my-contract.yaml', '--format', 'json'],
      {
        cwd: dir,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.schemaVersion).toBe(1);
    expect(
      report.findings.map((f) => [f.kind, f.refNo, f.expectedFeeFen, f.chargedFeeFen, f.overchargeFen]),
    ).toEqual([['fee_overcharge', '100000000003', 741, 840, 99]]);
    expect(report.summary.overchargeFen).toBe(99);
    expect(report.summary.settlementRecords).toBe(3);
    expect(report.summary.skippedChecks).toContain('missing_settlement');
    expect(report.files.map((f) => [f.file, f.kind, f.rows])).toEqual([['s.csv', 'settlement', 3]]);
    expect(report.findings[0]?.source).toEqual([{ file: 's.csv', row: 4 }]);
    expect(report.findings[0]?.basis).toBe('plan');
  });

  it('prints the total first as a table and exits 0 when everything was charged as planned', async () => {
    const dir = tmp();
    write(dir, 's.csv', [HEADER, ...CLEAN(M1)].join('\n'));
    write(dir, 'plan.yaml', PLAN('0.60%'));
    const run = await runCli(['audit', '--settlement', 's.csv', '--plan', 'plan.yaml'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('未发现多扣手续费');
  });

  it('holds a statement’s own 划款 line against the day’s net when there is no bank file', async () => {
    const dir = tmp();
    // 11-03 nets 994.00 + 497.00 = 1,491.00; the statement's payout line for that day pays 1,481.00.
    const payout = `2026-11-03 09:00:00,2026-11-03,${M1},,,,,划款,1481.00,,1481.00`;
    write(dir, 's.csv', [HEADER, ...CLEAN(M1), payout].join('\n'));
    write(dir, 'plan.yaml', PLAN('0.60%'));
    const run = await runCli(['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--format', 'json'], {
      cwd: dir,
    });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.rejected).toEqual([]);
    expect(report.findings.map((f) => [f.kind, f.settleDate, f.amountFen, f.lossFen])).toEqual([
      ['payout_mismatch', '2026-11-03', 149100, 1000],
    ]);
    expect(report.findings[0]?.source).toEqual([
      { file: 's.csv', row: 2 },
      { file: 's.csv', row: 3 },
      { file: 's.csv', row: 4 },
    ]);
    expect(report.summary.skippedChecks).not.toContain('payout_mismatch');
  });

  describe('a journal without merchant numbers', () => {
    // A cashier's export: no 商户号 column. 100000000002 was voided on the terminal yet settled.
    const JOURNAL = [
      '交易时间,终端号,参考号,交易类型,交易金额',
      '2026-11-02 10:00:00,12345678,100000000001,消费,1000.00',
      '2026-11-02 11:00:00,12345678,100000000002,消费,500.00',
      '2026-11-02 11:05:00,12345678,100000000002,撤销,500.00',
    ].join('\n');
    const audit = async (dir: string, ...extra: string[]) => {
      const run = await runCli(
        ['audit', '--terminal', 'journal.csv', '--plan', 'plan.yaml', '--format', 'json', ...extra],
        { cwd: dir },
      );
      return JSON.parse(run.stdout) as AuditReport;
    };

    it("is reconciled with the statements' only merchant, also split over files and with --merchant", async () => {
      const dir = tmp();
      write(dir, 'journal.csv', JOURNAL);
      // Two statement files of the one merchant: without the journal they would be audited as apart groups.
      write(dir, 'a.csv', [HEADER, CLEAN(M1)[0]].join('\n'));
      write(dir, 'b.csv', [HEADER, CLEAN(M1)[1]].join('\n'));
      write(dir, 'plan.yaml', PLAN('0.60%'));
      for (const extra of [[], ['--merchant', M1]]) {
        const report = await audit(dir, '--settlement', 'a.csv', 'b.csv', ...extra);
        expect(report.summary.matched).toBe(2);
        // The void: ¥500.00 settled with its ¥3.00 fee after the terminal voided it.
        expect(report.findings.map((f) => [f.kind, f.merchantId, f.refNo, f.lossFen])).toEqual([
          ['void_settled', M1, '100000000002', 300],
        ]);
        expect(report.summary.skippedChecks).not.toContain('void_settled');
        expect(report.warnings).toContain(
          `3 笔终端流水没有商户号，已按对账单中唯一的商户 ${M1} 核对 / 3 journal lines have no merchant number and were audited with the statements' only merchant, ${M1}`,
        );
      }
    });

    it("goes to its terminal's merchant when the statements have several", async () => {
      const dir = tmp();
      write(dir, 'journal.csv', JOURNAL);
      // An agent's statement: M1 on the journal's terminal 12345678, M2 on another.
      const m2 = CLEAN(M2)[1]?.replace(',12345678,', ',87654321,') ?? '';
      write(dir, 's.csv', [HEADER, ...CLEAN(M1), m2].join('\n'));
      write(dir, 'plan.yaml', PLAN('0.60%'));
      for (const extra of [[], ['--merchant', M1], ['--lang', 'en']]) {
        const report = await audit(dir, '--settlement', 's.csv', ...extra);
        expect(report.summary.matched).toBe(2);
        expect(report.findings.map((f) => [f.kind, f.merchantId, f.refNo, f.lossFen])).toEqual([
          ['void_settled', M1, '100000000002', 300],
        ]);
      }
      const report = await audit(dir, '--settlement', 's.csv');
      expect(report.warnings).toContain(
        '3 笔终端流水没有商户号：3 笔按终端号对应到对账单中的商户核对 / 3 journal lines have no merchant number: 3 were audited with the merchant whose statement lines their terminal appears on',
      );
      // The in-memory audit (the API's) places them the same way.
      const plan = await loadPlanFile(join(dir, 'plan.yaml'));
      if (!plan.ok) throw new Error('plan');
      const read = async (name: string, kind: 'settlement' | 'terminal') =>
        (await importFiles([{ path: join(dir, name) }], { kind })).records;
      const inMemory = auditRecords({
        settlement: await read('s.csv', 'settlement'),
        terminal: await read('journal.csv', 'terminal'),
        bank: [],
        plans: [plan.plan],
      });
      const withoutDir = (r: AuditReport) => JSON.stringify(r.findings).replaceAll(`${dir}/`, '');
      expect(withoutDir(inMemory)).toBe(withoutDir(report));
      expect(inMemory.summary.matched).toBe(2);
    });

    it('is left alone, and said so, when the statements have several merchants', async () => {
      const dir = tmp();
      write(dir, 'journal.csv', JOURNAL);
      write(dir, 's.csv', [HEADER, CLEAN(M1)[0], CLEAN(M2)[1]].join('\n'));
      write(dir, 'plan.yaml', PLAN('0.60%'));
      const report = await audit(dir, '--settlement', 's.csv');
      expect(report.summary.matched).toBe(0);
      expect(report.warnings.some((w) => w.startsWith('3 笔终端流水没有商户号，而对账单有多个商户'))).toBe(
        true,
      );
      // Not reconciled means not reported either: no statement is theirs, so none can have missed them.
      expect(report.findings.filter((f) => f.merchantId === undefined)).toEqual([]);
      // With --merchant the lines that cannot be placed are outside it, as before.
      const one = await audit(dir, '--settlement', 's.csv', '--merchant', M1);
      expect(one.summary.terminalRecords).toBe(0);
    });
  });

  it('writes CSV with a BOM and HTML with the plan to --out', async () => {
    const dir = tmp();
    write(dir, 's.csv', [HEADER, ...CLEAN(M1), RAISED(M1)].join('\n'));
    write(dir, 'plan.yaml', PLAN('0.60%'));
    const csvRun = await runCli(
      ['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--format', 'csv', '--out', 'f.csv'],
      { cwd: dir },
    );
    expect(csvRun.exitCode).toBe(1);
    expect(csvRun.stdout).toBe('共多扣 ¥0.99，涉及 1 笔交易\n报告已写入 f.csv\n');
    const bytes = readFileSync(join(dir, 'f.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',1234.56,7.41,8.40,0.99,0.99,');

    const htmlRun = await runCli(
      [
        'audit',
        '--settlement',
        's.csv',
        '--plan',
        'plan.yaml',
        '--format',
        'html',
        '--out',
        'r.html',
        '--lang',
        'en',
      ],
      { cwd: dir },
    );
    expect(htmlRun.exitCode).toBe(1);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('- { card: credit, rate: 0.60% }');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('audits a directory with one sub-directory per merchant, each with its own plan', async () => {
    const dir = tmp();
    // M1 is charged 0.68% on a 0.60% plan (one overcharge, the ¥1,234.56 sale); M2 signed 0.68% and pays it.
    const m2Clean = CLEAN(M2).map((l) =>
      l.replace(',6.00,994.00', ',6.80,993.20').replace(',3.00,497.00', ',3.40,496.60'),
    );
    for (const [m, rate, lines] of [
      [M1, '0.60%', CLEAN(M1)],
      [M2, '0.68%', m2Clean],
    ] as const) {
      mkdirSync(join(dir, 'data', m), { recursive: true });
      write(join(dir, 'data', m), 'settlement.csv', [HEADER, ...lines, RAISED(m)].join('\n'));
      write(join(dir, 'data', m), 'plan.yaml', PLAN(rate));
    }
    const run = await runCli(['audit', 'data', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.merchants.map((m) => [m.merchantId, m.summary.overchargeFen])).toEqual([
      [M1, 99],
      [M2, 0],
    ]);
    expect(report.files.map((f) => f.file)).toEqual([
      join('data', M1, 'settlement.csv'),
      join('data', M2, 'settlement.csv'),
    ]);
    expect(run.exitCode).toBe(1);
  });

  it('audits a directory laid out like examples/: settlement.csv and plan.yaml side by side', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'examples'));
    write(join(dir, 'examples'), 'settlement.csv', [HEADER, ...CLEAN(M1), RAISED(M1)].join('\n'));
    write(join(dir, 'examples'), 'plan.yaml', PLAN('0.60%'));
    write(join(dir, 'examples'), 'README.txt', 'not an input');
    const run = await runCli(['audit', 'examples'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe('共多扣 ¥0.99，涉及 1 笔交易');
    expect(run.stdout).toContain(join('examples', 'settlement.csv'));
  });

  it('takes a portal .xls (a web page) and an .html export in a directory, like a .csv', async () => {
    const dir = tmp();
    const row = (cells: string) =>
      `<tr>${cells
        .split(',')
        .map((c) => `<td>${c}</td>`)
        .join('')}</tr>`;
    const page = (lines: string[]) => `<html><body><table>${lines.map(row).join('')}</table></body></html>`;
    write(dir, '结算明细.xls', page([HEADER, ...CLEAN(M1)]));
    write(dir, '对账单.html', page([HEADER, RAISED(M1)]));
    write(dir, 'plan.yaml', PLAN('0.60%'));
    const run = await runCli(['audit', '.', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.files.map((f) => f.file).sort()).toEqual(['对账单.html', '结算明细.xls']);
    expect(report.summary.settlementRecords).toBe(3);
    expect(report.summary.overchargeFen).toBe(99);
  });

  it('matches --plans files named <merchantId>.yaml', async () => {
    const dir = tmp();
    write(
      dir,
      's.csv',
      [HEADER, ...CLEAN(M1), RAISED(M1), RAISED(M2).replace('100000000003', '100000000004')].join('\n'),
    );
    mkdirSync(join(dir, 'plans'));
    write(join(dir, 'plans'), `${M1}.yaml`, PLAN('0.60%'));
    write(join(dir, 'plans'), `${M2}.yaml`, PLAN('0.68%'));
    const run = await runCli(['audit', '--settlement', 's.csv', '--plans', 'plans', '--format', 'json'], {
      cwd: dir,
    });
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(
      report.findings.filter((f) => f.kind === 'fee_overcharge').map((f) => [f.merchantId, f.overchargeFen]),
    ).toEqual([[M1, 99]]);
  });

  describe('usage errors: exit 2 with one line', () => {
    const cases: [string, string[], RegExp][] = [
      ['no statements', ['audit'], /--settlement/],
      ['a file that does not exist', ['audit', '--settlement', 'nope.csv'], /nope\.csv/],
      [
        'a bad duplicate window',
        ['audit', '--settlement', 's.csv', '--duplicate-window', 'soon'],
        /--duplicate-window/,
      ],
      ['an impossible date', ['audit', '--settlement', 's.csv', '--from', '2026-02-30'], /--from/],
      [
        '--plan with --plans',
        ['audit', '--settlement', 's.csv', '--plan', 'a.yaml', '--plans', 'p'],
        /--plans/,
      ],
      ['an invalid plan', ['audit', '--settlement', 's.csv', '--plan', 'bad.yaml'], /bad\.yaml/],
      ['a missing plan', ['audit', '--settlement', 's.csv', '--plan', 'missing.yaml'], /missing\.yaml/],
    ];
    for (const [name, argv, pattern] of cases) {
      it(name, async () => {
        const dir = tmp();
        write(dir, 's.csv', [HEADER, ...CLEAN(M1)].join('\n'));
        write(dir, 'bad.yaml', 'periods:\n  - from: 2026-13-01\n    rates: [{ rate: lots }]\n');
        const run = await runCli(argv, { cwd: dir });
        expect(run.exitCode).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(run.stderr).toMatch(pattern);
        expect(run.stderr).not.toMatch(/\n\s+at /);
      });
    }
  });
});
