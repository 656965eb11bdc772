import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords } from '../../src/audit/audit.js';
import { recordInScope } from '../../src/audit/scope.js';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { attachDiagnoses } from '../../src/explain/attach-diagnoses.js';
import { loadPlanFile } from '../../src/plans/parse-plan.js';
import type { FeePlan } from '../../src/plans/plan-types.js';
import { importFiles } from '../../src/statements/import.js';
import { runBuilt, scratchBuild } from '../scratch-build.js';

/**
 * `posguard audit` audits merchant by merchant through a spool that moves records to temporary files when too
 * many are held (issue 4's memory target). Whatever the spool does, the report must be the one the in-memory
 * audit (importFiles + auditRecords) gives for the same files — cross-file duplicates, scope and diagnoses
 * included.
 */
const root = mkdtempSync(join(tmpdir(), 'posguard-spool-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sim = join(root, 'sim');
const files = { settlement: [] as string[], terminal: [] as string[], bank: [] as string[] };
const plansDir = join(root, 'plans');

beforeAll(async () => {
  const simulated = await runCli([
    'simulate',
    '--out',
    sim,
    '--merchants',
    '3',
    '--days',
    '20',
    '--per-day',
    '15',
    '--seed',
    'spool',
    '--scenario',
    'silent-rate-change,cap-ignored,void-settled,bank-payout-short,limit-change,duplicate-settlement',
  ]);
  expect(simulated.exitCode).toBe(0);
  mkdirSync(plansDir);
  const merchants = readdirSync(sim, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  expect(merchants).toHaveLength(3);
  for (const m of merchants) {
    copyFileSync(join(sim, m, 'plan.yaml'), join(plansDir, `${m}.yaml`));
    files.settlement.push(join(sim, m, 'settlement.csv'));
    files.terminal.push(join(sim, m, 'terminal.csv'));
    files.bank.push(join(sim, m, 'bank.csv'));
  }
  // The first merchant's statement exported twice, and its journal once more in part of another file.
  const first = merchants[0] ?? '';
  copyFileSync(join(sim, first, 'settlement.csv'), join(root, 'settlement-again.csv'));
  files.settlement.push(join(root, 'settlement-again.csv'));
  const journal = readFileSync(join(sim, first, 'terminal.csv'), 'utf8').split('\n');
  const part = join(root, 'terminal-part.csv');
  writeFileSync(part, journal.slice(0, 60).join('\n'));
  files.terminal.push(part);
}, 120_000);

const auditArgs = (extra: string[], withBank = true) => [
  'audit',
  ...files.settlement.flatMap((f) => ['--settlement', f]),
  ...files.terminal.flatMap((f) => ['--terminal', f]),
  ...(withBank ? files.bank.flatMap((f) => ['--bank', f]) : []),
  '--plans',
  plansDir,
  '--format',
  'json',
  ...extra,
];

async function cliReport(extra: string[], env: Record<string, string>): Promise<AuditReport> {
  const run = await runCli(auditArgs(extra), { env: { ...process.env, ...env } });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(1);
  return JSON.parse(run.stdout) as AuditReport;
}

type InputFiles = Record<'settlement' | 'terminal' | 'bank', string[]>;

/**
 * A copy of a simulated journal without merchant numbers, as a cashier's export comes: the title loses its 商户号
 * line's number, the header is the line that starts 交易时间,商户号, and every line under it loses its second cell
 * (the first, a time, has no comma).
 */
function journalWithoutMerchant(path: string, out: string): string {
  const lines = readFileSync(path, 'utf8').split('\r\n');
  const header = lines.findIndex((l) => l.startsWith('交易时间,商户号,'));
  expect(header).toBeGreaterThanOrEqual(0);
  writeFileSync(
    out,
    lines
      .map((l, i) =>
        i < header ? l.replace(/商户号：\S+\s*/, '') : l === '' ? l : l.replace(/^([^,]*),[^,]*,/, '$1,'),
      )
      .join('\r\n'),
  );
  return out;
}

/** One merchant's statement, bank file and plan, with its journal as given. */
const oneMerchantArgs = (terminal: string, extra: string[]) => [
  'audit',
  '--settlement',
  files.settlement[1] ?? '',
  '--terminal',
  terminal,
  '--bank',
  files.bank[1] ?? '',
  '--plans',
  plansDir,
  '--format',
  'json',
  ...extra,
];

async function inMemoryReport(
  options: { from?: string; merchants?: string[] },
  inputs: InputFiles = files,
): Promise<AuditReport> {
  const plans: FeePlan[] = [];
  for (const name of readdirSync(plansDir).sort()) {
    const parsed = await loadPlanFile(join(plansDir, name));
    if (!parsed.ok) throw new Error(`bad plan ${name}`);
    plans.push({ ...parsed.plan, merchantId: parsed.plan.merchantId ?? name.replace(/\.yaml$/, '') });
  }
  const read = async (kind: 'settlement' | 'terminal' | 'bank') =>
    importFiles(
      inputs[kind].map((path) => ({ path })),
      { kind },
    );
  const settlement = await read('settlement');
  const terminal = await read('terminal');
  const bank = await read('bank');
  const report = auditRecords({
    settlement: settlement.records,
    terminal: terminal.records,
    bank: bank.records,
    plans,
    options: { duplicateWindowMs: 60_000, ...options },
  });
  // Diagnoses read the journal in scope: another merchant's declines are not this report's business.
  const inScope = recordInScope(options);
  return attachDiagnoses(report, { plans, terminal: terminal.records.filter(inScope) });
}

const core = (r: AuditReport) => ({
  summary: r.summary,
  merchants: r.merchants,
  findings: r.findings,
  rateChanges: r.rateChanges,
  ambiguous: r.ambiguous,
  effectiveRates: r.effectiveRates,
  diagnoses: r.diagnoses,
});

describe('posguard audit, merchant by merchant through the spool', () => {
  it('reports what the in-memory audit reports, whether the records stay in memory or spill to disk', async () => {
    const reference = await inMemoryReport({});
    const kinds = reference.summary.findingsByKind;
    // The workload exercises what crosses merchants and files: duplicates dropped, bank credits, diagnoses.
    expect(kinds.fee_overcharge).toBeGreaterThan(0);
    expect(kinds.void_settled).toBeGreaterThan(0);
    expect(kinds.payout_mismatch).toBeGreaterThan(0);
    expect(reference.merchants).toHaveLength(3);
    expect(reference.diagnoses?.some((d) => d.cause === 'bank_limit_change')).toBe(true);

    const inMemory = await cliReport([], {});
    const spilled = await cliReport([], { POSGUARD_SPOOL_RECORDS: '97' });
    expect(core(inMemory)).toEqual(core(reference));
    expect(spilled).toEqual(inMemory);
    // The repeated exports are reported on the file that repeated them, by the names the user gave.
    const dupes = inMemory.warnings.filter((w) => w.includes('完全相同的记录'));
    expect(dupes).toHaveLength(2);
    expect(dupes[0]).toMatch(/settlement-again\.csv 与 .*settlement\.csv 有 \d+ 条完全相同的记录/);
    expect(dupes[1]).toMatch(/terminal-part\.csv 与 .*terminal\.csv 有 \d+ 条完全相同的记录/);
    expect(inMemory.summary.settlementRecords).toBe(reference.summary.settlementRecords);
  }, 120_000);

  it("audits a journal without merchant numbers with the statements' merchant as if it had them", async () => {
    const named = files.terminal[1] ?? '';
    const unnamed = journalWithoutMerchant(named, join(root, 'terminal-no-merchant.csv'));
    const run = async (terminal: string, extra: string[]) => {
      const r = await runCli(oneMerchantArgs(terminal, extra), {
        env: { ...process.env, POSGUARD_SPOOL_RECORDS: '40' },
      });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as AuditReport;
    };
    const reference = await run(named, []);
    expect(reference.summary.matched).toBeGreaterThan(0);
    expect(reference.summary.findingsByKind.void_settled).toBeGreaterThan(0);
    // The same report but for the journal's file name in the findings' sources.
    const renamed = (r: AuditReport) =>
      JSON.parse(JSON.stringify(core(r)).replaceAll(unnamed, named)) as ReturnType<typeof core>;
    const placed = await run(unnamed, []);
    expect(renamed(placed)).toEqual(core(reference));
    expect(placed.warnings.filter((w) => w.includes('没有商户号'))).toEqual([
      expect.stringMatching(/^\d+ 笔终端流水没有商户号，已按对账单中唯一的商户 \d+ 核对 \/ /),
    ]);
    const merchant = reference.merchants[0]?.merchantId ?? '';
    expect(renamed(await run(unnamed, ['--merchant', merchant]))).toEqual(core(reference));
    // The in-memory audit places them the same way.
    const inMemory = await inMemoryReport(
      {},
      { settlement: [files.settlement[1] ?? ''], terminal: [unnamed], bank: [files.bank[1] ?? ''] },
    );
    expect(renamed(inMemory).findings).toEqual(reference.findings);
    // Its warnings are the run's own: importers' warnings, which name their file, are the CLI's to add.
    expect(inMemory.warnings).toEqual(placed.warnings.filter((w) => !w.startsWith(root)));
  }, 120_000);

  it('keeps --merchant and --from scopes identical when spilling', async () => {
    const someMerchant = (await inMemoryReport({})).merchants[1]?.merchantId ?? '';
    // Its own bank file only: the other merchants' lie in their folders, beside their statements, and their
    // credits pay none of its days (the unfiltered run sets them against their own merchants').
    expect(files.bank[1]).toBe(join(sim, someMerchant, 'bank.csv'));
    const reference = await inMemoryReport(
      { from: '2026-10-08', merchants: [someMerchant] },
      { ...files, bank: [files.bank[1] ?? ''] },
    );
    const spilled = await cliReport(['--from', '2026-10-08', '--merchant', someMerchant], {
      POSGUARD_SPOOL_RECORDS: '50',
    });
    expect(spilled.merchants.map((m) => m.merchantId)).toEqual([someMerchant]);
    expect(core(spilled)).toEqual(core(reference));
  }, 120_000);

  it('leaves nothing in the temporary directory, and says so plainly when it cannot write there', async () => {
    const tmp = mkdtempSync(join(root, 'tmp-'));
    const ok = await cliReport([], { POSGUARD_SPOOL_RECORDS: '10', TMPDIR: tmp });
    expect(ok.summary.settlementRecords).toBeGreaterThan(10);
    expect(readdirSync(tmp)).toEqual([]);

    const run = await runCli(
      ['audit', ...files.settlement.flatMap((f) => ['--settlement', f]), '--format', 'json'],
      { env: { ...process.env, POSGUARD_SPOOL_RECORDS: '10', TMPDIR: join(root, 'no-such-dir') } },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('无法写入临时文件');
    expect(run.stderr).toContain('no-such-dir');
    expect(run.stderr).toContain('TMPDIR');
    expect(run.stderr).not.toContain('内部错误');
  }, 120_000);

  it('says so when POSGUARD_JOBS asks for threads the sources cannot start, and still audits', async () => {
    const run = await runCli(auditArgs(['--lang', 'en']), { env: { ...process.env, POSGUARD_JOBS: '2' } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('POSGUARD_JOBS ignored');
    expect(JSON.parse(run.stdout)).toEqual(await cliReport(['--lang', 'en'], {}));
  }, 120_000);

  it('refuses a spool size that is not a positive integer', async () => {
    const run = await runCli(['audit', '--settlement', files.settlement[0] ?? '', '--format', 'json'], {
      env: { ...process.env, POSGUARD_SPOOL_RECORDS: 'lots' },
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('POSGUARD_SPOOL_RECORDS');
  });
});

/**
 * Without bank files, files that share no merchant are imported and audited a group at a time, as a quick outline
 * of each file forecasts; when the import reads something the outline did not foresee, the audit starts again
 * through one spool. Either way the report is the in-memory one.
 */
describe('posguard audit, a group of files at a time', () => {
  const argsFor = (inputs: InputFiles) => [
    'audit',
    ...inputs.settlement.flatMap((f) => ['--settlement', f]),
    ...inputs.terminal.flatMap((f) => ['--terminal', f]),
    ...inputs.bank.flatMap((f) => ['--bank', f]),
    '--plans',
    plansDir,
    '--format',
    'json',
  ];
  const audit = async (inputs: InputFiles, env: Record<string, string> = {}) => {
    const run = await runCli(argsFor(inputs), { env: { ...process.env, POSGUARD_DEBUG: '1', ...env } });
    expect(run.exitCode).toBe(1);
    return { report: JSON.parse(run.stdout) as AuditReport, stderr: run.stderr };
  };
  const noBank = (): InputFiles => ({
    settlement: [...files.settlement],
    terminal: [...files.terminal],
    bank: [],
  });

  it('audits the three merchants apart and reports what the in-memory audit reports', async () => {
    const inputs = noBank();
    const reference = await inMemoryReport({}, inputs);
    expect(reference.merchants).toHaveLength(3);
    expect(reference.summary.findingsByKind.fee_overcharge).toBeGreaterThan(0);
    const grouped = await audit(inputs);
    expect(grouped.stderr).toBe('posguard: 3 groups of files that share no merchant, audited apart\n');
    expect(core(grouped.report)).toEqual(core(reference));
    expect(grouped.report.warnings.filter((w) => w.includes('完全相同的记录'))).toHaveLength(2);
    // Groups larger than the memory allowance would only spill: the single spool takes them, same report.
    const spilled = await audit(inputs, { POSGUARD_SPOOL_RECORDS: '40' });
    expect(spilled.stderr).toContain('holds more records than fit in memory');
    expect(spilled.report).toEqual(grouped.report);
    // Bank files are read first and their credits claimed once every merchant's days are in: still a group of
    // files at a time, the same report.
    const withBank = await audit(files);
    expect(withBank.stderr).toBe('posguard: 3 groups of files that share no merchant, audited apart\n');
    const bankReference = await inMemoryReport({}, files);
    expect(bankReference.summary.findingsByKind.payout_mismatch).toBeGreaterThan(0);
    expect(core(withBank.report)).toEqual(core(bankReference));
    // Files, warnings (a bank file exported twice included) and rejected rows as the single spool reports them.
    const bankAgain = join(root, 'bank-again.csv');
    copyFileSync(files.bank[0] ?? '', bankAgain);
    const twice = { ...files, bank: [...files.bank, bankAgain] };
    const twiceGrouped = await audit(twice);
    const bankSpool = await audit(twice, { POSGUARD_SPOOL_RECORDS: '40' });
    expect(twiceGrouped.stderr).toBe('posguard: 3 groups of files that share no merchant, audited apart\n');
    expect(bankSpool.stderr).toContain('holds more records than fit in memory');
    expect(twiceGrouped.report).toEqual(bankSpool.report);
    expect(twiceGrouped.report.files).toHaveLength(12);
    expect(
      twiceGrouped.report.warnings.filter((w) =>
        /bank-again\.csv 与 .*bank\.csv 有 \d+ 条完全相同的记录/.test(w),
      ),
    ).toHaveLength(1);
    expect(core(twiceGrouped.report)).toEqual(core(withBank.report));
  }, 120_000);

  it('starts again through one spool when the outline missed a merchant', async () => {
    // A journal line whose merchant cell is blank: the import files it under no merchant (to be placed by its
    // terminal once every statement is read), the outline skips it.
    const source = files.terminal[1] ?? '';
    const lines = readFileSync(source, 'utf8').split('\n');
    const cells = (lines[5] ?? '').split(',');
    cells[1] = '';
    lines[5] = cells.join(',');
    const blank = join(root, 'terminal-blank-merchant.csv');
    writeFileSync(blank, lines.join('\n'));
    const inputs = noBank();
    inputs.terminal[1] = blank;
    const reference = await inMemoryReport({}, inputs);
    expect(reference.merchants.map((m) => m.merchantId)).not.toContain('');
    expect(reference.warnings).toContain(
      '1 笔终端流水没有商户号：1 笔按终端号对应到对账单中的商户核对 / 1 journal lines have no merchant number: 1 were audited with the merchant whose statement lines their terminal appears on',
    );
    const run = await audit(inputs);
    expect(run.stderr).toContain('the outline missed merchant ""');
    expect(core(run.report)).toEqual(core(reference));
  }, 120_000);

  it('starts again through one spool when a statement covers other days than the outline read', async () => {
    // A row the import rejects (its amount is not money) whose settlement date is past every other: the outline
    // counts the date, the import does not.
    const source = files.settlement[2] ?? '';
    const lines = iconv.decode(readFileSync(source), 'gbk').split('\n');
    const row = lines.findIndex((l) => /^\d{4}-\d{2}-\d{2} /.test(l));
    const cells = (lines[row] ?? '').split(',');
    cells[1] = '2026-12-31';
    cells[12] = 'abc';
    lines[row] = cells.join(',');
    const late = join(root, 'settlement-rejected-late.csv');
    writeFileSync(late, iconv.encode(lines.join('\n'), 'gbk'));
    const inputs = noBank();
    inputs.settlement[2] = late;
    const reference = await inMemoryReport({}, inputs);
    const run = await audit(inputs);
    expect(run.stderr).toContain('misjudged the statements');
    expect(run.report.rejected.some((r) => r.file.endsWith('settlement-rejected-late.csv'))).toBe(true);
    expect(core(run.report)).toEqual(core(reference));
  }, 120_000);
});

/**
 * The worker threads run compiled JavaScript, so this runs the CLI from the run's scratch build with
 * POSGUARD_JOBS=2: its report must be the single-thread one, whatever the spool does.
 */
describe('posguard audit with the files imported on worker threads', () => {
  beforeAll(async () => {
    await scratchBuild();
  }, 120_000);

  // In this process's directory, as runCli without cwd audits: the reports name the files alike.
  const built = (args: string[], env: Record<string, string>) => runBuilt(process.cwd(), args, env);

  // Each merchant (or group of files) on a worker, merged in order; with bank files the credits are claimed once
  // every merchant's payout days are back.
  it.each([true, false])(
    'gives the single-thread report, with the records in memory or spilled by the workers (bank files: %s)',
    async (withBank) => {
      const single = await runCli(auditArgs(['--lang', 'en'], withBank), { env: { ...process.env } });
      expect(single.exitCode).toBe(1);
      const expected = JSON.parse(single.stdout) as AuditReport;
      expect(expected.summary.findingsByKind.fee_overcharge).toBeGreaterThan(0);
      expect(expected.diagnoses?.length).toBeGreaterThan(0);
      for (const spoolRecords of ['1000000', '40']) {
        const parallel = await built(auditArgs(['--lang', 'en'], withBank), {
          POSGUARD_JOBS: '2',
          POSGUARD_SPOOL_RECORDS: spoolRecords,
        });
        expect(parallel.stderr).toBe('');
        expect(parallel.exitCode).toBe(1);
        expect(JSON.parse(parallel.stdout)).toEqual(expected);
      }
    },
    120_000,
  );

  it('places a journal without merchant numbers as the single-thread audit does', async () => {
    const unnamed = journalWithoutMerchant(files.terminal[1] ?? '', join(root, 'terminal-no-merchant-w.csv'));
    const single = await runCli(oneMerchantArgs(unnamed, ['--lang', 'en']), { env: { ...process.env } });
    const expected = JSON.parse(single.stdout) as AuditReport;
    expect(expected.summary.matched).toBeGreaterThan(0);
    for (const spoolRecords of ['1000000', '40']) {
      const parallel = await built(oneMerchantArgs(unnamed, ['--lang', 'en']), {
        POSGUARD_JOBS: '2',
        POSGUARD_SPOOL_RECORDS: spoolRecords,
      });
      expect(parallel.stderr).toBe('');
      expect(JSON.parse(parallel.stdout)).toEqual(expected);
    }
  }, 120_000);

  it('reports an unreadable file as the single-thread import does, and leaves no temporary files', async () => {
    const xls = join(root, 'settlement-old.xls');
    writeFileSync(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    const tmp = mkdtempSync(join(root, 'tmp-workers-'));
    const args = ['audit', '--settlement', files.settlement[0] ?? '', '--settlement', xls, '--lang', 'en'];
    const single = await runCli(args, { env: { ...process.env } });
    const parallel = await built(args, { POSGUARD_JOBS: '2', POSGUARD_SPOOL_RECORDS: '10', TMPDIR: tmp });
    expect(single.exitCode).toBe(2);
    expect(single.stderr).toContain('settlement-old.xls');
    expect(parallel.exitCode).toBe(2);
    expect(parallel.stderr).toBe(single.stderr);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);
});
