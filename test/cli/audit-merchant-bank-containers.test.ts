import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { HEADER, M1, M2, tmpDirs } from './audit-fixtures.js';
import { M1_CREDIT, M1_LINES, M2_CREDIT, M2_LINES, PLAN } from './flat-merchants-fixture.js';

// `posguard audit --merchant M1` told bank files apart by their account columns (账号 on every row, as 建设银行
// exports it) only when the file was a plain CSV or XLSX: the same export gzipped (.csv.gz), packed in a ZIP, or
// saved by the portal as a ".xls" web page or XML Spreadsheet was read for nothing, so M2's file was kept as
// "unattributed" and its 08-05 credit of 1491.00 set against M1's 08-05 payout of 1988.00: a phantom 到账不符 of
// 198800 − 149100 = 49700 fen beside M1's real overcharge of 7.00 − 6.00 = 100 fen. Every container and format the
// importer reads is now read for its account columns too.

const tmp = tmpDirs('posguard-cli-bank-containers-');

/** M1's and M2's settlement accounts, as their statements' titles print them (masked) and the bank in full. */
const ACCOUNT_1 = '6222021234561111';
const ACCOUNT_2 = '6222021234562222';

/** The header of the bank export: its own account on every row, no holder's name, no merchant number. */
const BANK_HEADER = ['账号', '交易时间', '贷方发生额', '借方发生额', '对方户名', '摘要'];

/** The bank export's rows: the account, then one credit of 某某支付 a row. */
function bankRows(account: string, [date, amount, memo]: [string, string, string]): string[][] {
  return [BANK_HEADER, [account, `${date} 09:10:00`, amount, '', '某某支付有限公司', memo]];
}

const csv = (rows: string[][]) => `${rows.map((r) => r.join(',')).join('\n')}\n`;

/** A portal's ".xls" that is a web page: a title row spanning the table, then the export's rows. */
const htmlXls = (rows: string[][]) =>
  [
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>',
    '<table border="1">',
    `<tr><td colspan="${BANK_HEADER.length}">账户交易明细</td></tr>`,
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`),
    '</table></body></html>',
  ].join('\n');

/** A portal's ".xls" that is Excel's XML Spreadsheet 2003. */
const spreadsheetMl = (rows: string[][]) =>
  [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">',
    '<Worksheet ss:Name="明细"><Table>',
    ...rows.map(
      (r) => `<Row>${r.map((c) => `<Cell><Data ss:Type="String">${c}</Data></Cell>`).join('')}</Row>`,
    ),
    '</Table></Worksheet></Workbook>',
  ].join('\n');

async function xlsx(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('明细');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A ZIP holding `members` (name → bytes). */
async function zip(members: Record<string, string | Buffer>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, bytes] of Object.entries(members))
    z.addBuffer(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, name);
  z.end();
  const chunks: Buffer[] = [];
  for await (const chunk of z.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** How each container holds one bank export: its file name's ending and its bytes. */
const CONTAINERS: [name: string, ext: string, bytes: (rows: string[][]) => Promise<Buffer>][] = [
  ['a gzipped CSV', '.csv.gz', async (rows) => gzipSync(csv(rows))],
  ['a CSV in a ZIP', '.zip', async (rows) => zip({ '账户明细/流水.csv': csv(rows) })],
  ['an XLSX in a ZIP', '.zip', async (rows) => zip({ '流水.xlsx': await xlsx(rows) })],
  ['a web-page .xls in a ZIP', '.zip', async (rows) => zip({ '流水.xls': htmlXls(rows) })],
  ['a web-page .xls', '.xls', async (rows) => Buffer.from(htmlXls(rows))],
  ['an XML Spreadsheet .xls', '.xls', async (rows) => Buffer.from(spreadsheetMl(rows))],
  ['a gzipped ZIP of a CSV', '.zip.gz', async (rows) => gzipSync(await zip({ '流水.csv': csv(rows) }))],
];

/** The warning on one bank file left out as M2's by its account number. */
const leftOutByAccount = (file: string) =>
  `${file}（账号表明属于商户 ${M2}）是 --merchant 以外商户的银行流水，未用于核对所选商户的到账 / ` +
  `${file} (merchant ${M2}'s, by its account number): a bank statement of a merchant other than --merchant, so it was not used to check the selected merchants' payouts`;

/** Runs `posguard audit --merchant M1` over two statements and two bank files given by flag, in `env`. */
async function auditM1(
  files: Record<string, string | Buffer>,
  [statement1, statement2]: [string, string],
  [bank1, bank2]: [string, string],
  env: Record<string, string> = {},
): Promise<AuditReport> {
  const dir = tmp();
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  const run = await runCli(
    [
      'audit',
      '--settlement',
      statement1,
      statement2,
      '--bank',
      bank1,
      bank2,
      '--plan',
      'plan.yaml',
      '--merchant',
      M1,
      '--format',
      'json',
    ],
    { cwd: dir, env },
  );
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

/** M1's bank file kept without a word, M2's left out by its account number, and only M1's own finding. */
function expectM2BankLeftOut(report: AuditReport, bank1: string, bank2: string): void {
  // M1's 1000.00 charged 7.00 for 0.60% = 6.00: 100 fen; no shortfall (not 100 + 49700 = 49800).
  expect(report.findings.map((f) => [f.kind, f.merchantId, f.lossFen])).toEqual([
    ['fee_overcharge', M1, 100],
  ]);
  expect(report.summary.lossFen).toBe(100);
  expect(report.summary.findingsByKind.payout_mismatch).toBe(0);
  // M1's one credit of 993.00, not M2's of 1491.00 too.
  expect(report.summary.bankRecords).toBe(1);
  expect(report.files.filter((f) => f.kind === 'bank').map((f) => f.file)).toEqual([bank1]);
  expect(report.warnings).toContain(leftOutByAccount(bank2));
  // M1's own export is known to be M1's: no word on it.
  expect(report.warnings.filter((w) => w.includes(bank1))).toEqual([]);
}

/** The statements, each with its settlement account (masked) in its title. */
const STATEMENTS = {
  'stmt/settlement-1.csv': ['结算账号：6222****1111', HEADER, ...M1_LINES].join('\n'),
  'stmt/settlement-2.csv': ['结算账号：6222****2222', HEADER, ...M2_LINES].join('\n'),
};
const STATEMENT_FILES: [string, string] = ['stmt/settlement-1.csv', 'stmt/settlement-2.csv'];

describe('posguard audit --merchant: bank files told apart by their account column, in any container', () => {
  for (const [name, ext, bytes] of CONTAINERS)
    for (const [path, env] of [
      ['file groups', {}],
      ['spool', { POSGUARD_SPOOL_RECORDS: '1' }],
    ] as const)
      it(`keeps M1's and leaves out M2's bank export as ${name} (${path})`, async () => {
        // Named so that nothing but their contents tells whose they are.
        const banks: [string, string] = [`downloads/流水1${ext}`, `downloads/流水2${ext}`];
        const report = await auditM1(
          {
            ...STATEMENTS,
            [banks[0]]: await bytes(bankRows(ACCOUNT_1, M1_CREDIT)),
            [banks[1]]: await bytes(bankRows(ACCOUNT_2, M2_CREDIT)),
          },
          STATEMENT_FILES,
          banks,
          env,
        );
        expectM2BankLeftOut(report, ...banks);
      });
});

describe('posguard audit --merchant: the title of a web page saved as .xls', () => {
  /** A page with the account's details in a table of their own above the transactions, as bank portals print it. */
  const titledPage = (title: string[], rows: string[][]) =>
    htmlXls(rows).replace(
      '<table border="1">',
      `<table>${title.map((t) => `<tr><td>${t}</td></tr>`).join('')}</table>\n<table border="1">`,
    );
  /** The bank export without its account column: the title alone names the account. */
  const withoutAccount = (credit: [string, string, string]) =>
    bankRows('', credit).map((row) => row.slice(1));

  it('reads a bank page’s account from the title above its table', async () => {
    const banks: [string, string] = ['downloads/流水1.xls', 'downloads/流水2.xls'];
    const report = await auditM1(
      {
        ...STATEMENTS,
        [banks[0]]: titledPage(['账户交易明细', `账号：${ACCOUNT_1}`], withoutAccount(M1_CREDIT)),
        [banks[1]]: titledPage(['账户交易明细', `账号：${ACCOUNT_2}`], withoutAccount(M2_CREDIT)),
      },
      STATEMENT_FILES,
      banks,
    );
    expectM2BankLeftOut(report, ...banks);
  });

  it('reads the account column of a page that opens with Excel’s kilobytes of styles', async () => {
    const banks: [string, string] = ['downloads/流水1.xls', 'downloads/流水2.xls'];
    // 80 KiB of styles before the first table, as Excel's "save as web page" writes them.
    const styles = `<style>${'.xl65 { mso-number-format: "\\@"; }\n'.repeat(2400)}</style>`;
    const page = (rows: string[][]) => htmlXls(rows).replace('</head>', `${styles}</head>`);
    const report = await auditM1(
      {
        ...STATEMENTS,
        [banks[0]]: page(bankRows(ACCOUNT_1, M1_CREDIT)),
        [banks[1]]: page(bankRows(ACCOUNT_2, M2_CREDIT)),
      },
      STATEMENT_FILES,
      banks,
    );
    expectM2BankLeftOut(report, ...banks);
  });

  it('reads it from such a page packed in a ZIP', async () => {
    const banks: [string, string] = ['downloads/流水1.zip', 'downloads/流水2.zip'];
    const page = (account: string, credit: [string, string, string]) =>
      zip({ '流水.xls': titledPage(['账户交易明细', `账号：${account}`], withoutAccount(credit)) });
    const report = await auditM1(
      {
        ...STATEMENTS,
        [banks[0]]: await page(ACCOUNT_1, M1_CREDIT),
        [banks[1]]: await page(ACCOUNT_2, M2_CREDIT),
      },
      STATEMENT_FILES,
      banks,
    );
    expectM2BankLeftOut(report, ...banks);
  });

  it('reads a statement page’s settlement account from its title', async () => {
    const page = (account: string, lines: string[]) =>
      titledPage(
        ['汇通支付有限公司商户结算明细', `结算账号：${account}`],
        [HEADER.split(','), ...lines.map((l) => l.split(','))],
      );
    const statements: [string, string] = ['stmt/settlement-1.xls', 'stmt/settlement-2.xls'];
    const banks: [string, string] = ['downloads/流水1.csv', 'downloads/流水2.csv'];
    const report = await auditM1(
      {
        [statements[0]]: page('6222****1111', M1_LINES),
        [statements[1]]: page('6222****2222', M2_LINES),
        [banks[0]]: csv(bankRows(ACCOUNT_1, M1_CREDIT)),
        [banks[1]]: csv(bankRows(ACCOUNT_2, M2_CREDIT)),
      },
      statements,
      banks,
    );
    expectM2BankLeftOut(report, ...banks);
  });
});
