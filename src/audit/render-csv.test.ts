import { describe, expect, it } from 'vitest';
import { auditRecords } from './audit.js';
import { csvCell, namedRuleTextEn, renderCsv, toCsv } from './render-csv.js';
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
    const en = renderCsv(sampleReport(), { lang: 'en' });
    expect(en.slice(1).split('\r\n')[0]).toMatch(/^id,kind,kind code,merchant,ref no,/);
    expect(en.slice(1).split('\r\n')[1]).toContain(',credit card 0.60% (line 12),');
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

  it('names the channel and card codes of a rule’s English text, leaving amounts and formula', () => {
    expect(namedRuleTextEn('from 2026-09-01 card/nfc/unionpay-qr credit: 0.60%')).toBe(
      'from 2026-09-01 card/NFC/UnionPay QR, credit card: 0.60%',
    );
    expect(namedRuleTextEn('from 2026-09-01 nfc amount ≤ ¥1,000.00: 0.38%')).toBe(
      'from 2026-09-01 NFC amount ≤ ¥1,000.00: 0.38%',
    );
    expect(namedRuleTextEn('from 2026-09-01 wechat/alipay: 0.38%, cap ¥20.00')).toBe(
      'from 2026-09-01 WeChat/Alipay: 0.38%, cap ¥20.00',
    );
    expect(namedRuleTextEn('from 2026-09-01 all sales: 0.60%')).toBe('from 2026-09-01 all sales: 0.60%');
  });
});
