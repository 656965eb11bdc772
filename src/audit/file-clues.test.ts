import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/index.js';
import { accountColumns, bankFileClues, headRows, statementTitleOf, textRows } from './file-clues.js';

const dir = mkdtempSync(join(tmpdir(), 'posguard-file-clues-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, bytes: string | Uint8Array) => {
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
};

const credit = (label: string, merchantId?: string): PosRecord => ({
  kind: 'bank',
  type: 'payout',
  status: 'success',
  time: '2026-08-05T09:10:00',
  channel: 'unknown',
  card: 'unknown',
  amountFen: 149100,
  label,
  ...(merchantId === undefined ? {} : { merchantId }),
  source: { file: 'b.csv', row: 2 },
});

describe('statementTitleOf', () => {
  it('reads the merchant’s number, names and settlement account from a GBK statement’s title', async () => {
    const text = [
      '汇通支付有限公司商户结算明细',
      '商户号：822841054119608,商户名称：鸿运便利店',
      '结算户名：鸿运商贸有限公司,结算账号：6222****1111',
      '交易时间,结算日期,商户号,交易金额,手续费,结算金额',
      '2026-10-01 10:00:00,2026-10-02,822841054119608,100.00,0.60,99.40',
    ].join('\r\n');
    const file = write('s.csv', iconv.encode(text, 'gbk'));
    expect(await statementTitleOf('s.csv', file, ['822841054119608'])).toEqual({
      file: 's.csv',
      merchants: ['822841054119608'],
      merchantId: '822841054119608',
      names: ['鸿运便利店', '鸿运商贸有限公司'],
      accounts: ['6222****1111'],
    });
  });
});

describe('bankFileClues', () => {
  it('reads the account of a bank export’s title, not its counterparty’s, and the credits’ memos', async () => {
    const text = [
      '某某银行账户交易明细',
      '账号：6222021234561111,户名：鸿运便利店,查询日期：2026-08-01 至 2026-08-31',
      '交易日期,交易时间,收入金额,支出金额,对方户名,对方账号,摘要',
      '2026-08-05,09:10:00,1491.00,,某某支付有限公司,6222000000009999,结算款',
    ].join('\n');
    const file = write('b.csv', text);
    const clues = await bankFileClues('b.csv', file, [credit('T1结算款', '822000000000001')]);
    expect(clues).toEqual({
      file: 'b.csv',
      numbers: ['822000000000001'],
      titles: [
        '某某银行账户交易明细',
        '账号：6222021234561111  户名：鸿运便利店  查询日期：2026-08-01 至 2026-08-31',
      ],
      memos: ['T1结算款'],
      names: ['鸿运便利店'],
      accounts: ['6222021234561111'],
    });
  });

  it('reads a 建设银行 export’s account columns, repeated on every row', async () => {
    const text = [
      '账号,账户名称,交易时间,贷方发生额,借方发生额,对方户名,对方账号,摘要',
      '6222021234562222,星光书店,2026-08-05 09:10:00,1491.00,,某某支付有限公司,6222000000009999,结算款',
      '6222021234562222,星光书店,2026-08-06 09:10:00,991.00,,某某支付有限公司,6222000000009999,结算款',
    ].join('\n');
    const clues = await bankFileClues('ccb.csv', write('ccb.csv', text), []);
    expect([clues.names, clues.accounts]).toEqual([['星光书店'], ['6222021234562222']]);
  });
});

describe('accountColumns', () => {
  it('takes the columns under the first header that has one, none from a counterparty’s', () => {
    const rows = [
      ['账号：6222021234561111'],
      ['交易日期', '收入金额', '对方户名', '对方账号', '本方户名', '本方账号(卡号)'],
      ['2026-08-05', '1491.00', '某某支付有限公司', '6222000000009999', '星光书店', '6222021234562222'],
    ];
    expect(accountColumns(rows)).toEqual({ names: ['星光书店'], accounts: ['6222021234562222'] });
    expect(
      accountColumns([
        ['交易日期', '收入金额', '对方户名'],
        ['2026-08-05', '1.00', '某某支付'],
      ]),
    ).toEqual({
      names: [],
      accounts: [],
    });
  });
});

describe('headRows', () => {
  it('splits a text export at its separator, quotes and Excel’s ="…" as the text they hold', () => {
    const rows = textRows(Buffer.from('"户名"\t账号\n"鸿运, 便利店"\t="0062220212"\n'));
    expect(rows).toEqual([
      ['户名', '账号'],
      ['鸿运, 便利店', '0062220212'],
    ]);
  });

  it('reads an XLSX’s first worksheet, and nothing of a file that is none', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('明细');
    sheet.addRow(['账户明细']);
    sheet.addRow(['账号', '账户名称', '交易时间', '贷方发生额']);
    sheet.addRow(['6222021234562222', '星光书店', '2026-08-05 09:10:00', 1491]);
    workbook.addWorksheet('汇总').addRow(['合计', 1491]);
    const file = write('b.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(await headRows(file)).toEqual([
      ['账户明细'],
      ['账号', '账户名称', '交易时间', '贷方发生额'],
      ['6222021234562222', '星光书店', '2026-08-05 09:10:00', '1491'],
    ]);
    expect(await headRows(join(dir, 'missing.csv'))).toEqual([]);
  });
});
