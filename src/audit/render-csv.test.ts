import { describe, expect, it } from 'vitest';
import { auditRecords } from './audit.js';
import { csvCell, findingCsvHeader, findingCsvRow, renderCsv, toCsv } from './render-csv.js';
import type { Finding } from './report-types.js';
import { sampleReport } from './sample-report.js';
import { plan, rec, rule } from './test-records.js';

describe('csvCell', () => {
  it('neutralises text a spreadsheet would run as a formula', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('-')).toBe("'-");
  });

  it('leaves numbers, signs included, as numbers', () => {
    expect(csvCell('-12.50')).toBe('-12.50');
    expect(csvCell('+3')).toBe('+3');
    expect(csvCell(-7)).toBe('-7');
  });

  it('quotes per RFC 4180', () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('x\ny')).toBe('"x\ny"');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell(undefined)).toBe('');
  });

  it('joins rows with CRLF after a BOM', () => {
    expect(
      toCsv([
        ['a', 1],
        ['b', null],
      ]),
    ).toBe('\ufeffa,1\r\nb,\r\n');
    expect(toCsv([['a']], { bom: false })).toBe('a\r\n');
  });
});

describe('renderCsv', () => {
  const csv = renderCsv(sampleReport(), { lang: 'zh' });
  const lines = csv.slice(1).split('\r\n');

  it('starts with the UTF-8 BOM bytes EF BB BF', () => {
    expect([...Buffer.from(csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('has a Chinese header and one row per finding', () => {
    expect(lines[0]).toBe(
      '问题编号,类型,类型代码,商户号,参考号,订单号,终端号,交易时间,结算日期,渠道/卡种,交易金额(元),应收手续费(元),实收手续费(元),多扣(元),损失(元),依据,费率规则,说明,来源',
    );
    expect(lines.filter((l) => l !== '')).toHaveLength(6);
    expect(lines[1]).toBe(
      'f-0001,多扣手续费,fee_overcharge,898440153991234,100112345678,,12345678,2026-08-03 09:12:00,2026-08-04,贷记卡,1234.56,7.41,8.40,0.99,0.99,费率方案,贷记卡 0.60% (第 12 行),应收 ¥7.41（0.60%），实收 ¥8.40，多扣 ¥0.99,settlement.csv:5',
    );
  });

  it('neutralises =1+1 and @SUM but not the refund amount -12.50', () => {
    expect(lines[3]).toContain(",'=1+1,'@SUM(A1:A2),");
    expect(lines[3]).toContain('settlement.csv:7');
    expect(lines[4]).toContain(',-12.50,-0.08,0.00,0.08,0.08,');
  });

  it('quotes a message with commas and quotes', () => {
    expect(lines[2]).toContain(',"应收 ¥3.00，实收 ¥3.40，多扣 ¥0.40，含逗号, 和""引号""",');
  });

  it('has an English header with lang en', () => {
    const report = sampleReport();
    const first = report.findings[0];
    // The rule's English as describeRule writes it (names, not codes): the CSV prints it as it is, with its line.
    if (first !== undefined)
      first.rule = {
        text: '2026-01-01 起 贷记卡：0.60%',
        textEn: 'from 2026-01-01 credit card: 0.60%',
        line: 12,
      };
    const en = renderCsv(report, { lang: 'en' });
    expect(en.slice(1).split('\r\n')[0]).toMatch(/^id,kind,kind code,merchant,ref no,/);
    expect(en.slice(1).split('\r\n')[1]).toContain(',from 2026-01-01 credit card: 0.60% (line 12),');
  });
});

describe('findings.csv for people', () => {
  // One UnionPay QR debit sale of ¥108.90 in the journal that the statement settles as ¥118.90 (fee 0.55% of
  // ¥118.90 = ¥0.65, by the contract): an amount mismatch whose amount is the journal's ¥108.90.
  const contract = plan([rule({ ratePpm: 5500, channels: ['unionpay-qr'], cards: ['debit'] })]);
  const fields = {
    merchantId: 'M1',
    terminalId: '15878070',
    refNo: '100136097279',
    channel: 'unionpay-qr',
    card: 'debit',
  } as const;
  const report = auditRecords({
    terminal: [rec('terminal', { ...fields, time: '2026-10-01 11:28:38', amountFen: 10890 }, 9)],
    settlement: [
      rec(
        'settlement',
        {
          ...fields,
          time: '2026-10-01 11:28:38',
          settleDate: '2026-10-02',
          amountFen: 11890,
          feeFen: 65,
          settledFen: 11825,
        },
        9,
      ),
    ],
    bank: [],
    plans: [contract],
  });
  const mismatch = report.findings.find((f) => f.kind === 'amount_mismatch');

  it('leads an amount mismatch with the journal amount, the one its amount column shows', () => {
    expect(mismatch?.amountFen).toBe(10890);
    expect(mismatch?.message).toBe(
      '2026-10-01 11:28:38 参考号 100136097279 终端 15878070 银联二维码借记卡 ¥108.90：终端流水金额 ¥108.90，结算金额 ¥118.90，相差 -¥10.00',
    );
    expect(mismatch?.messageEn).toBe(
      '2026-10-01 11:28:38 ref 100136097279 terminal 15878070 UnionPay QR (debit card) ¥108.90: journal amount ¥108.90, settled amount ¥118.90, difference -¥10.00',
    );
  });

  it('names the channel, card and basis in English words, never their codes', () => {
    const en = renderCsv(report, { lang: 'en' }).slice(1).split('\r\n');
    const row = en.find((l) => l.includes(',amount_mismatch,')) ?? '';
    expect(row).toContain(',UnionPay QR (debit card),108.90,,,0.00,0.00,fee plan,,');
    expect(row).not.toMatch(/unionpay-qr/);
    // Chinese keeps its names.
    const zh = renderCsv(report, { lang: 'zh' });
    expect(zh).toContain(',银联二维码·借记卡,108.90,,,0.00,0.00,费率方案,,');
  });

  it('prints the rule of an overcharge in the words describeRule writes, in both languages', () => {
    // An NFC credit sale of ¥500.00 the contract prices at 0.60% up to ¥1,000.00: ¥3.00 expected (300 fen), ¥3.40
    // charged (0.68%, 340 fen), 40 fen over.
    const nfc = plan([
      rule({
        ratePpm: 6000,
        channels: ['card', 'nfc', 'unionpay-qr'],
        cards: ['credit'],
        maxAmountFen: 100000,
      }),
    ]);
    const sale = {
      merchantId: 'M1',
      terminalId: '15878070',
      refNo: '100136097280',
      channel: 'nfc',
      card: 'credit',
      time: '2026-10-01 12:00:00',
      amountFen: 50000,
    } as const;
    const overcharged = auditRecords({
      terminal: [rec('terminal', sale, 2)],
      settlement: [
        rec('settlement', { ...sale, settleDate: '2026-10-02', feeFen: 340, settledFen: 49660 }, 2),
      ],
      bank: [],
      plans: [nfc],
    });
    const f = overcharged.findings.find((x) => x.rule !== undefined);
    expect(f?.overchargeFen).toBe(40);
    const en = renderCsv(overcharged, { lang: 'en' });
    expect(en).toContain(
      ',fee plan,"from 2026-01-01 card/NFC/UnionPay QR, credit card (≤ ¥1,000.00): 0.60% (line 10)",',
    );
    expect(en).not.toMatch(/unionpay-qr|\bnfc\b/);
    const zh = renderCsv(overcharged, { lang: 'zh' });
    expect(zh).toContain(
      ',费率方案,"2026-01-01 起 刷卡/闪付/银联二维码 贷记卡 金额 ≤ ¥1,000.00：0.60% (第 10 行)",',
    );
  });
});

describe('a payout_mismatch row', () => {
  // 2026-11-26: the statement nets ¥4,934.58, the bank credited ¥12,205.48 — ¥7,270.90 more, nothing lost.
  const payout: Finding = {
    id: 'p-1',
    kind: 'payout_mismatch',
    merchantId: '822310048160021',
    settleDate: '2026-11-26',
    amountFen: 493458,
    overchargeFen: 0,
    lossFen: 0,
    basis: 'plan',
    message: '2026-11-26 结算净额 ¥4,934.58（9 笔），银行 2026-11-26 实际入账 ¥12,205.48，多 ¥7,270.90',
    messageEn:
      '2026-11-26: net payout ¥4,934.58 (9 lines), bank credited ¥12,205.48 on 2026-11-26, ¥7,270.90 more',
    source: [{ file: 'settlement.csv', row: 4 }],
  };

  it('leaves the sale-amount column empty: a day’s net payout is no sale’s amount (its 说明 gives the net)', () => {
    for (const lang of ['zh', 'en'] as const) {
      const header = findingCsvHeader(lang);
      const row = findingCsvRow(payout, lang);
      const cell = (name: string) => row[header.indexOf(name)];
      expect(cell(lang === 'zh' ? '交易金额(元)' : 'amount (CNY)')).toBeUndefined();
      expect(cell(lang === 'zh' ? '损失(元)' : 'loss (CNY)')).toBe('0.00');
      expect(cell(lang === 'zh' ? '结算日期' : 'settle date')).toBe('2026-11-26');
      expect(String(cell(lang === 'zh' ? '说明' : 'message'))).toContain('¥4,934.58');
    }
  });
});
