import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { statementAuditor } from '../../test/cli/audit-fixtures.js';
import { importFiles } from './import.js';

// A provider's settlement statement with 交易类型 values no vocabulary has: a charge taken as an adjustment
// (系统调账, no card, reference or terminal), a refund worded its own way (退回交易, with the sale's traces), a
// sale worded its own way (快捷交易), and one word used both ways (其他交易). GBK, CRLF, as portals save it.
const MERCHANT = '822000000000031';
const gbk = (lines: readonly string[]) => iconv.encode(lines.join('\r\n'), 'gbk');
const STATEMENT = gbk([
  '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  `2026-10-12 09:00:00,2026-10-13,${MERCHANT},10000031,310000000001,622588******0001,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
  `2026-10-12 09:30:00,2026-10-13,${MERCHANT},10000031,310000000002,622588******0002,贷记卡,刷卡,快捷交易,200.00,1.20,198.80`,
  `2026-10-12 10:00:00,2026-10-13,${MERCHANT},10000031,310000000003,622588******0001,贷记卡,刷卡,退回交易,-100.00,0.00,-100.00`,
  `2026-10-12 11:00:00,2026-10-13,${MERCHANT},10000031,310000000004,622588******0004,贷记卡,刷卡,其他交易,300.00,1.80,298.20`,
  `2026-10-12 11:30:00,2026-10-13,${MERCHANT},10000031,310000000005,622588******0004,贷记卡,刷卡,其他交易,-50.00,0.00,-50.00`,
  `2026-10-13 00:10:00,2026-10-13,${MERCHANT},,,,,,系统调账,-3.00,0.00,-3.00`,
]);
const PLAN = [
  `merchantId: "${MERCHANT}"`,
  'rounding: half-up',
  'settlement: T1',
  'refundFee: none',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: card, card: debit, rate: 0.55%, cap: 20 }',
  '      - { channel: card, card: credit, rate: 0.60% }',
  '',
].join('\n');

const audit = statementAuditor('posguard-unknown-types-');

describe('a settlement line whose 交易类型 no vocabulary knows', () => {
  it('reads a negative one without a cardholder trace as a charge named by its type, with one as a refund', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: STATEMENT }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.type, r.amountFen, r.label ?? null])).toEqual([
      ['sale', 100000, null],
      ['sale', 20000, null],
      ['refund', -10000, null],
      ['sale', 30000, null],
      ['refund', -5000, null],
      ['deduction', -300, '系统调账'],
    ]);
  });

  it('says in Chinese what each unknown type was read as, and how many rows each way', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: STATEMENT }]);
    const unknown = result.warnings.filter((w) => w.code === 'value.unknown');
    expect(unknown.map((w) => w.message)).toEqual([
      '“交易类型”列有未识别的值“快捷交易”（1 行），已按消费处理',
      '“交易类型”列有未识别的值“退回交易”（1 行），已按退货处理',
      '“交易类型”列有未识别的值“其他交易”（2 行），已按消费（1 行）、退货（1 行）处理',
      '“交易类型”列有未识别的值“系统调账”（1 行），已按扣费处理',
    ]);
    expect(unknown.map((w) => w.messageEn)).toEqual([
      'column "交易类型" has an unknown value "快捷交易" (1 row), read as sale',
      'column "交易类型" has an unknown value "退回交易" (1 row), read as refund',
      'column "交易类型" has an unknown value "其他交易" (2 rows), read as sale (1), refund (1)',
      'column "交易类型" has an unknown value "系统调账" (1 row), read as deduction',
    ]);
  });

  it('reports the adjustment as a ¥3.00 deduction nobody agreed to', async () => {
    const { report } = await audit(STATEMENT, PLAN);
    expect(
      report.findings.filter((f) => f.kind === 'unplanned_deduction').map((f) => [f.amountFen, f.lossFen]),
    ).toEqual([[-300, 300]]);
    expect(report.findings.filter((f) => f.kind === 'fee_overcharge')).toEqual([]);
  });
});

describe('a terminal journal line whose 交易类型 no vocabulary knows', () => {
  it('stays a refund when negative: a terminal takes no charges', async () => {
    const journal = gbk([
      '交易时间,商户号,终端号,凭证号,交易类型,交易金额',
      `2026-10-12 09:00:00,${MERCHANT},10000031,000001,消费,1000.00`,
      `2026-10-12 10:00:00,${MERCHANT},10000031,,退回交易,-100.00`,
    ]);
    const result = await importFiles([{ name: 'pos.csv', bytes: journal }], { kind: 'terminal' });
    expect(result.records.map((r) => [r.kind, r.type, r.amountFen])).toEqual([
      ['terminal', 'sale', 100000],
      ['terminal', 'refund', -10000],
    ]);
  });
});

describe('a 卡类型 no vocabulary knows', () => {
  it('reads 信用卡 and 借记 words by their account, a card that is both as unknown, with a warning', async () => {
    const cards = gbk([
      '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
      `2026-10-12 09:00:00,2026-10-13,${MERCHANT},10000031,320000000001,信用卡（白金）,刷卡,消费,100.00,0.60,99.40`,
      `2026-10-12 09:01:00,2026-10-13,${MERCHANT},10000031,320000000002,借记IC卡,刷卡,消费,100.00,0.55,99.45`,
      `2026-10-12 09:02:00,2026-10-13,${MERCHANT},10000031,320000000003,借贷合一卡,刷卡,消费,100.00,0.60,99.40`,
      `2026-10-12 09:03:00,2026-10-13,${MERCHANT},10000031,320000000004,储值卡,刷卡,消费,100.00,0.60,99.40`,
    ]);
    const result = await importFiles([{ name: 'cards.csv', bytes: cards }]);
    expect(result.records.map((r) => r.card)).toEqual(['credit', 'debit', 'unknown', 'prepaid']);
    expect(result.warnings.filter((w) => w.code === 'value.unknown').map((w) => w.message)).toEqual([
      '“卡类型”列有未识别的值“借贷合一卡”（1 行），已按未知卡种处理（不按借记卡或贷记卡费率核对）',
    ]);
  });
});
