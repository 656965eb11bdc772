import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { HEADER, M1, M2, tmpDirs } from './audit-fixtures.js';
import {
  bankFile,
  FLAT_BY_FILE_NAME,
  M1_CREDIT,
  M1_LINES,
  M2_CREDIT,
  M2_LINES,
  PLAN,
  writeFiles,
} from './flat-merchants-fixture.js';

// `posguard audit --merchant M1` over an agent's folder where the merchants' bank files lie side by side
// (bank-<M1>.csv beside bank-<M2>.csv), or given with --bank from a downloads folder, kept every bank file: M2's
// 08-05 credit of 1491.00 was set against M1's 08-05 payout of 1988.00, a phantom 到账不符 of
// 198800 − 149100 = 49700 fen on top of M1's real 100 fen overcharge. A bank file is now M1's or another's by what
// it says: the merchant number in its name, its account holder (户名) or number against the statements' titles,
// its account columns, its memos.

const tmp = tmpDirs('posguard-cli-bank-attribution-');

async function audit(
  files: Record<string, string>,
  args: string[],
  env: Record<string, string> = {},
): Promise<AuditReport> {
  const dir = tmp();
  writeFiles(dir, files);
  const run = await runCli(['audit', ...args, '--format', 'json'], { cwd: dir, env });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

const kinds = (report: AuditReport) => report.findings.map((f) => [f.kind, f.merchantId, f.lossFen]);
const bankFiles = (report: AuditReport) => report.files.filter((f) => f.kind === 'bank').map((f) => f.file);

/** The warning on one bank file left out as `merchant`'s, by `byZh` / `byEn`. */
const leftOutWarning = (file: string, merchant: string, byZh: string, byEn: string) =>
  `${file}（${byZh}表明属于商户 ${merchant}）是 --merchant 以外商户的银行流水，未用于核对所选商户的到账 / ` +
  `${file} (merchant ${merchant}'s, by ${byEn}): a bank statement of a merchant other than --merchant, so it was not used to check the selected merchants' payouts`;

/** Only M1's own finding: 1.00 overcharged, nothing short (not 100 + 49700 = 49800). */
function expectOnlyM1Overcharge(report: AuditReport): void {
  expect(kinds(report)).toEqual([['fee_overcharge', M1, 100]]);
  expect(report.summary.lossFen).toBe(100);
  expect(report.summary.findingsByKind.payout_mismatch).toBe(0);
  // M1's one credit, not M2's too.
  expect(report.summary.bankRecords).toBe(1);
}

describe('posguard audit --merchant: whose bank file is it', () => {
  // The file groups (one per merchant), and the spool that one record of allowance forces.
  for (const [path, env] of [
    ['file groups', {}],
    ['spool', { POSGUARD_SPOOL_RECORDS: '1' }],
  ] as const)
    it(`leaves out bank-<M2>.csv lying beside bank-<M1>.csv in one folder (${path})`, async () => {
      const report = await audit(FLAT_BY_FILE_NAME, ['.', '--merchant', M1], env);
      expectOnlyM1Overcharge(report);
      expect(bankFiles(report)).toEqual([`bank-${M1}.csv`]);
      expect(report.warnings).toContain(
        leftOutWarning(`bank-${M2}.csv`, M2, '文件名中的商户号', 'the merchant number in its name'),
      );
      // M1's own file is known to be M1's: no word on it.
      expect(report.warnings.filter((w) => w.includes(`bank-${M1}.csv`))).toEqual([]);
    });

  it('keeps both for M2 alone what is M2’s, and both without --merchant', async () => {
    const m2 = await audit(FLAT_BY_FILE_NAME, ['.', '--merchant', M2]);
    expect(kinds(m2)).toEqual([]);
    expect(m2.summary.bankRecords).toBe(1);
    expect(bankFiles(m2)).toEqual([`bank-${M2}.csv`]);
    const all = await audit(FLAT_BY_FILE_NAME, ['.']);
    expect(kinds(all)).toEqual([['fee_overcharge', M1, 100]]);
    expect(all.summary.bankRecords).toBe(2);
    expect(all.warnings.filter((w) => w.includes('--merchant'))).toEqual([]);
  });

  const byTitle = (m1Title: string[], m2Title: string[], bank1: string[], bank2: string[]) => ({
    'stmt/settlement-1.csv': [...m1Title, HEADER, ...M1_LINES].join('\n'),
    'stmt/settlement-2.csv': [...m2Title, HEADER, ...M2_LINES].join('\n'),
    'downloads/流水1.csv': bankFile(bank1, [M1_CREDIT]),
    'downloads/流水2.csv': bankFile(bank2, [M2_CREDIT]),
    'plan.yaml': PLAN,
  });
  const flags = [
    '--settlement',
    'stmt/settlement-1.csv',
    'stmt/settlement-2.csv',
    '--bank',
    'downloads/流水1.csv',
    'downloads/流水2.csv',
    '--plan',
    'plan.yaml',
    '--merchant',
    M1,
  ];

  it('tells --bank files from elsewhere apart by the account holder (户名) the statements name', async () => {
    const report = await audit(
      byTitle(
        ['商户名称：鸿运便利店'],
        ['商户名称：星光书店'],
        ['某某银行账户交易明细', '账号：6222021234561111,户名：鸿运便利店'],
        ['某某银行账户交易明细', '账号：6222021234562222,户名：星光书店'],
      ),
      flags,
    );
    expectOnlyM1Overcharge(report);
    expect(bankFiles(report)).toEqual(['downloads/流水1.csv']);
    expect(report.warnings).toContain(
      leftOutWarning('downloads/流水2.csv', M2, '户名', 'its account holder'),
    );
  });

  it('tells them apart by the account number, against the masked one a statement’s title gives', async () => {
    const report = await audit(
      byTitle(
        ['结算账号：6222****1111'],
        ['结算账号：6222****2222'],
        ['账号：6222021234561111'],
        ['账号：6222021234562222'],
      ),
      flags,
    );
    expectOnlyM1Overcharge(report);
    expect(report.warnings).toContain(
      leftOutWarning('downloads/流水2.csv', M2, '账号', 'its account number'),
    );
  });

  it('tells them apart by the account columns a bank repeats on every row (账号, 账户名称)', async () => {
    const ccb = (account: string, holder: string, [date, amount]: [string, string, string]) =>
      [
        '账号,账户名称,交易时间,贷方发生额,借方发生额,对方户名,摘要',
        `${account},${holder},${date} 09:10:00,${amount},,某某支付有限公司,结算款`,
      ].join('\n');
    const files = {
      ...byTitle(['商户名称：鸿运便利店'], ['商户名称：星光书店'], [], []),
      'downloads/流水1.csv': ccb('6222021234561111', '鸿运便利店', M1_CREDIT),
      'downloads/流水2.csv': ccb('6222021234562222', '星光书店', M2_CREDIT),
    };
    const report = await audit(files, flags);
    expectOnlyM1Overcharge(report);
    expect(report.warnings).toContain(
      leftOutWarning('downloads/流水2.csv', M2, '户名', 'its account holder'),
    );
  });

  it('tells them apart by the merchant number a payout’s memo gives', async () => {
    const files = {
      ...byTitle([], [], [], []),
      'downloads/流水1.csv': bankFile([], [['2026-08-04', '993.00', `结算款 商户${M1}`]]),
      'downloads/流水2.csv': bankFile([], [['2026-08-05', '1491.00', `结算款 商户${M2}`]]),
    };
    const report = await audit(files, flags);
    expectOnlyM1Overcharge(report);
    expect(report.warnings).toContain(
      leftOutWarning('downloads/流水2.csv', M2, '摘要中的商户号', 'a merchant number in its memos'),
    );
  });

  it('keeps a bank file that says nothing of whose it is, and says it could not tell', async () => {
    const files = {
      'settlement-1.csv': [HEADER, ...M1_LINES].join('\n'),
      'settlement-2.csv': [HEADER, ...M2_LINES].join('\n'),
      'bank-a.csv': bankFile([], [M1_CREDIT]),
      'bank-b.csv': bankFile([], [M2_CREDIT]),
      'plan.yaml': PLAN,
    };
    const report = await audit(files, ['.', '--merchant', M1]);
    // Both kept: nothing tells that bank-b.csv is M2's.
    expect(report.summary.bankRecords).toBe(2);
    expect(bankFiles(report)).toEqual(['bank-a.csv', 'bank-b.csv']);
    expect(report.warnings).toContain(
      '无法判断 bank-a.csv、bank-b.csv 属于哪个商户（户名、账号、商户号、文件名和所在目录都没有指明），仍用于核对所选商户的到账；若是其他商户的银行流水，请不要一并给出 / ' +
        "bank-a.csv, bank-b.csv: could not be attributed to a merchant (no account holder, account number, merchant number, file or folder name tells), so they were kept to check the selected merchants' payouts; leave them out if they are another merchant's",
    );
  });

  it('keeps one account that receives both merchants’ payouts, without a word', async () => {
    const files = {
      ...byTitle(['结算户名：鸿运商贸有限公司'], ['结算户名：鸿运商贸有限公司'], [], []),
      'downloads/流水1.csv': bankFile(['户名：鸿运商贸有限公司'], [M1_CREDIT, M2_CREDIT]),
    };
    const report = await audit(files, [
      '--settlement',
      'stmt/settlement-1.csv',
      'stmt/settlement-2.csv',
      '--bank',
      'downloads/流水1.csv',
      '--plan',
      'plan.yaml',
      '--merchant',
      M1,
    ]);
    expect(report.summary.bankRecords).toBe(2);
    expect(bankFiles(report)).toEqual(['downloads/流水1.csv']);
    expect(report.warnings.filter((w) => w.includes('流水1.csv'))).toEqual([]);
  });
});
