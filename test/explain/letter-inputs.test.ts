import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { complaintLetter, complaintLetters } from '../../src/explain/complaint-letter.js';
import { auditReport, cjkFont, overchargedSale, planOf, rateChange, unzip } from './explain-fixtures.js';

// The complaint letter states what the inputs say: the provider and merchant the statement's title names, no
// contract when there is no plan, and the rate charged beside the rate due when no change of rate explains it.

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'posguard-letter-inputs-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The evidence pack's two letters for these CLI arguments, run in `dir`. */
async function letters(dir: string, args: string[]): Promise<{ zh: string; en: string }> {
  cjkFont();
  const out = join(dir, 'pack.zip');
  const run = await runCli(['evidence', ...args, '--out', out, '--date', '2026-12-07'], { cwd: dir });
  expect(run.exitCode, run.stderr).toBe(1);
  const pack = await unzip(readFileSync(out));
  return {
    zh: pack.get('complaint-letter.txt')?.toString('utf8') ?? '',
    en: pack.get('complaint-letter.en.txt')?.toString('utf8') ?? '',
  };
}

const M = '822841054119608';
/** Credit sales at 0.60 %, from 2026-10-11 at 0.63 %, and a ¥99.00 流量费 taken from the payout of 2026-10-08. */
const SALES: [string, string, string, string, string, string][] = [
  ['2026-10-01 10:00:00', '2026-10-02', 'T01', '100100000001', '1000.00', '6.00'],
  ['2026-10-02 11:00:00', '2026-10-03', 'T02', '100200000002', '2345.00', '14.07'],
  ['2026-10-03 12:00:00', '2026-10-04', 'T01', '100300000003', '876.50', '5.26'],
  ['2026-10-04 13:00:00', '2026-10-05', 'T02', '100400000004', '1520.00', '9.12'],
  ['2026-10-11 10:00:00', '2026-10-12', 'T01', '101100000005', '1000.00', '6.30'],
  ['2026-10-12 11:00:00', '2026-10-13', 'T02', '101200000006', '2345.00', '14.77'],
  ['2026-10-13 12:00:00', '2026-10-14', 'T01', '101300000007', '876.50', '5.52'],
  ['2026-10-14 13:00:00', '2026-10-15', 'T02', '101400000008', '1520.00', '9.58'],
  ['2026-10-15 14:00:00', '2026-10-16', 'T01', '101500000009', '3000.00', '18.90'],
];

/** The statement as the provider's portal exports it: GBK, the provider and the merchant in its title lines. */
function statementWithTitle(): Buffer {
  const settled = (amount: string, fee: string) =>
    ((Math.round(Number(amount) * 100) - Math.round(Number(fee) * 100)) / 100).toFixed(2);
  const lines = [
    '汇通支付有限公司商户结算明细',
    `商户号：${M}  商户名称：鸿运便利店  结算日期：2026-10-02 至 2026-10-16`,
    '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,备注',
    ...SALES.map(
      ([time, day, terminal, ref, amount, fee]) =>
        `${time},${day},${M},${terminal},${ref},622588******4321,贷记卡,刷卡,消费,${amount},${fee},${settled(amount, fee)},`,
    ),
    `2026-10-08 00:30:00,2026-10-08,${M},,,,,,流量费,-99.00,0.00,-99.00,流量费`,
  ];
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
}

describe('evidence from a statement alone (no plan)', () => {
  let zh: string;
  let en: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(root, 'no-plan-'));
    writeFileSync(join(dir, 'settlement.csv'), statementWithTitle());
    ({ zh, en } = await letters(dir, ['--settlement', 'settlement.csv']));
  });

  it('cites no contract and no plan, and names no key of a plan file', () => {
    expect(zh).toContain('按贵司此前实际收取的费率计算');
    for (const word of ['合同', '费率方案', 'charges', '约定费用']) expect(zh).not.toContain(word);
    expect(en).not.toMatch(/contract|\bplan\b|plan’s/);
  });

  it('words the unplanned deduction as one with no agreement shown, claiming nothing the audit cannot know', () => {
    // Without a plan the audit cannot say the merchant never agreed or was never told (letter-known-facts.test.ts).
    expect(zh).toContain('1 笔未见约定的扣款，合计 ¥99.00：2026-10-08 扣除“流量费” ¥99.00');
    expect(zh).not.toContain('未经商户同意');
    expect(en).toContain('1 deduction with no agreement shown, ¥99.00 in all');
    expect(en).not.toContain('never agreed');
  });

  it('words the overcharges as fees above what the provider itself charged before', () => {
    expect(zh).toContain('贵司实际收取的费率较此前发生了变化：\n  · 2026-10-11 起 贷记卡：0.60%→0.63%');
    expect(en).toContain('The rates you actually charged changed from those you charged before:');
    // ¥99.00 + the 0.03 % taken on ¥8,741.50 of sales since 2026-10-11.
    expect(zh).toContain('合计多收手续费 ¥2.62，合计损失 ¥101.62');
  });

  it('is addressed to the provider and signed by the merchant the statement’s title names', () => {
    expect(zh).toMatch(/^致 汇通支付有限公司 客户服务部：/);
    expect(zh).toContain(`关于商户“鸿运便利店”（商户号 ${M}）`);
    expect(zh).toContain(`商户：鸿运便利店\n商户号：${M}`);
    expect(zh).not.toMatch(/（商户名称）|收单机构 客户服务部/);
    expect(en).toMatch(/^To the customer service of 汇通支付有限公司:/);
    expect(en).toContain(`merchant "鸿运便利店" (merchant no. ${M})`);
    expect(en).not.toMatch(/\(merchant name\)|the acquirer/);
  });
});

const PLAN = `merchant: 测试小店
merchantId: "898000000000001"
provider: 测试收单
rounding: half-up
settlement: T1
periods:
  - from: 2026-01-01
    rates:
      - { channel: card, card: debit, rate: 0.55%, cap: 20 }
      - { channel: card, card: credit, rate: 0.60% }
      - { channel: [wechat, alipay], rate: 0.38% }
`;
// Every credit sale on T0000001 charged 0.63 % from the first (no change to detect), the debit sale uncapped; the
// WeChat sale on T0000002 as the contract says.
const STATEMENT = `交易时间,结算日期,商户号,终端号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,备注
2026-11-02 10:00:00,2026-11-03,898000000000001,T0000001,000000000001,SO1,622848******0018,借记卡,刷卡,消费,8000.00,44.00,7956.00,
2026-11-02 11:00:00,2026-11-03,898000000000001,T0000001,000000000002,SO2,622588******5674,贷记卡,刷卡,消费,1234.56,7.78,1226.78,
2026-11-03 12:00:00,2026-11-04,898000000000001,T0000001,000000000003,SO3,622588******5674,贷记卡,刷卡,消费,999.99,6.30,993.69,
2026-11-03 13:00:00,2026-11-04,898000000000001,T0000002,000000000004,SO4,,,微信,消费,100.00,0.38,99.62,
2026-11-04 14:00:00,2026-11-05,898000000000001,T0000001,000000000005,SO5,622588******5674,贷记卡,刷卡,消费,2000.00,12.60,1987.40,
`;
const JOURNAL = `交易时间,商户号,终端号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易状态,交易金额
2026-11-02 10:00:00,898000000000001,T0000001,000000000001,SO1,622848******0018,借记卡,刷卡,消费,成功,8000.00
2026-11-02 11:00:00,898000000000001,T0000001,000000000002,SO2,622588******5674,贷记卡,刷卡,消费,成功,1234.56
2026-11-03 12:00:00,898000000000001,T0000001,000000000003,SO3,622588******5674,贷记卡,刷卡,消费,成功,999.99
2026-11-03 13:00:00,898000000000001,T0000002,000000000004,SO4,,,微信,消费,成功,100.00
2026-11-04 14:00:00,898000000000001,T0000001,000000000005,SO5,622588******5674,贷记卡,刷卡,消费,成功,2000.00
`;

describe('evidence with a plan, fees above the contract from the first sale (no change of rate)', () => {
  let zh: string;
  let en: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(root, 'plan-'));
    writeFileSync(join(dir, 'plan.yaml'), PLAN);
    writeFileSync(join(dir, 'settlement.csv'), STATEMENT);
    writeFileSync(join(dir, 'terminal.csv'), JOURNAL);
    ({ zh, en } = await letters(dir, [
      '--settlement',
      'settlement.csv',
      '--terminal',
      'terminal.csv',
      '--plan',
      'plan.yaml',
    ]));
  });

  it('states the contract rate and the rate charged for each card', () => {
    expect(zh).toContain(
      [
        '贵司实际收取的费率与合同不符：',
        '  · 借记卡：合同费率 0.55%，封顶 ¥20.00；实收 0.55%，未执行封顶（1 笔，2026-11-02，多扣 ¥24.00）',
        '  · 贷记卡：合同费率 0.60%，实收 0.63%（3 笔，2026-11-02 至 2026-11-04，多扣 ¥1.27）',
      ].join('\n'),
    );
    expect(en).toContain(
      [
        'The rates you actually charged differ from the contract:',
        '  · debit card: contract rate 0.55%, cap ¥20.00; charged 0.55%, no cap applied (1 transaction, 2026-11-02, ¥24.00 overcharged)',
        '  · credit card: contract rate 0.60%, charged 0.63% (3 transactions, 2026-11-02 to 2026-11-04, ¥1.27 overcharged)',
      ].join('\n'),
    );
    // ¥24.00 + ¥0.37 + ¥0.30 + ¥0.60.
    expect(zh).toContain('合计多收手续费 ¥25.27，合计损失 ¥25.27');
  });

  it('heads the list of largest losses as what it is: ranked by the loss, named by reference number', () => {
    expect(zh).toContain(
      '损失金额最大的 4 笔（按损失从大到小，以参考号标识）：\n  参考号 000000000001  2026-11-02',
    );
    expect(zh).not.toContain('涉及金额最大');
    expect(en).toContain('The 4 largest losses, largest first (by reference number):\n  ref 000000000001');
  });

  it('writes English counts in the singular where there is one', () => {
    expect(en).toContain(
      '1 transaction was charged above the contract cap ¥20.00, ¥24.00 overcharged, on 2026-11-02',
    );
    expect(en).toContain('3 transactions were charged above the contract, ¥1.27 overcharged');
    // T0000002 made only a WeChat sale: no credit sale of its own shows the contract rate, so nothing compares.
    expect(en).toContain(
      'Only terminal T0000001 was overcharged; the other terminal (T0000002) made no such sales charged the contract then',
    );
    expect(en).not.toMatch(/\b1 transactions\b|the other 1 |\b1 deductions\b/);
    expect(zh).toContain('1 笔交易的手续费超过合同封顶 ¥20.00，多扣 ¥24.00，2026-11-02 当天');
  });
});

describe('the letter’s names and rates, from the report', () => {
  const sale = (id: string, day: string, amountFen: number, chargedFeeFen: number) =>
    overchargedSale({
      id,
      refNo: `1${day.replaceAll('-', '').slice(2)}0000${id.slice(-1)}`,
      time: `${day}T10:00:00+08:00`,
      channel: 'card',
      card: 'credit',
      amountFen,
      expectedFeeFen: Math.round((amountFen * 6) / 1000),
      chargedFeeFen,
      basis: 'plan',
    });
  const plan = planOf(
    [
      'merchant: 测试商户',
      'merchantId: "898440153991234"',
      'provider: 测试支付',
      'periods: [{ from: 2026-01-01, rates: [{ channel: card, card: credit, rate: 0.60% }] }]',
    ].join('\n'),
  );

  it('names the plan’s provider and merchant before the statement’s', () => {
    const letter = complaintLetter(auditReport([sale('f1', '2026-10-15', 100_000, 630)]), {
      plans: [plan],
      date: '2026-11-01',
      parties: [{ kind: 'settlement', merchant: '鸿运便利店', provider: '汇通支付有限公司' }],
    });
    expect(letter).toMatch(/^致 测试支付 客户服务部：/);
    expect(letter).toContain('商户：测试商户');
  });

  it('falls back to the placeholders when neither the plan nor the inputs name them', () => {
    const letter = complaintLetter(auditReport([sale('f1', '2026-10-15', 100_000, 630)]), {
      date: '2026-11-01',
    });
    expect(letter).toMatch(/^致 收单机构 客户服务部：/);
    expect(letter).toContain('商户：（商户名称）');
  });

  it('gives each merchant of several the name its own statement’s title gives, and the provider they share', () => {
    const A = '898440153990001';
    const B = '898440153990002';
    const report = auditReport(
      [
        { ...sale('f1', '2026-10-15', 100_000, 630), merchantId: A },
        { ...sale('f2', '2026-10-16', 200_000, 1260), merchantId: B },
      ],
      [],
      { merchantId: A },
    );
    report.merchants.push({ merchantId: B, summary: report.summary });
    const out = complaintLetters(report, {
      date: '2026-11-01',
      parties: [
        { kind: 'settlement', merchantId: A, merchant: '甲店', provider: '汇通支付有限公司' },
        { kind: 'settlement', merchantId: B, merchant: '乙店', provider: '汇通支付有限公司' },
        // A journal naming no merchant number speaks for neither.
        { kind: 'terminal', merchant: '丙店' },
      ],
    });
    const a = out.find((l) => l.merchantId === A)?.letter ?? '';
    const b = out.find((l) => l.merchantId === B)?.letter ?? '';
    expect(a).toContain(`关于商户“甲店”（商户号 ${A}）`);
    expect(b).toContain(`关于商户“乙店”（商户号 ${B}）`);
    expect(a).toMatch(/^致 汇通支付有限公司 客户服务部：/);
    expect(`${a}${b}`).not.toContain('丙店');
  });

  it('names the amount band of the rule a gap is measured against', () => {
    const banded = planOf(
      [
        'periods: [{ from: 2026-01-01, rates: [',
        '  { channel: nfc, maxAmount: 1000, rate: 0.38% },',
        '  { channel: nfc, card: credit, rate: 0.60% } ] }]',
      ].join('\n'),
    );
    // ¥500.00 by NFC: 0.38 % = ¥1.90 due, 0.60 % = ¥3.00 charged.
    const small = overchargedSale({
      id: 'n1',
      refNo: '101500000001',
      time: '2026-10-15T10:00:00+08:00',
      channel: 'nfc',
      card: 'credit',
      amountFen: 50_000,
      expectedFeeFen: 190,
      chargedFeeFen: 300,
      basis: 'plan',
    });
    const letter = complaintLetter(auditReport([small]), { plans: [banded], date: '2026-11-01' });
    expect(letter).toContain(
      '  · 闪付·贷记卡（≤ ¥1,000.00）：合同费率 0.38%，实收 0.60%（1 笔，2026-10-15，多扣 ¥1.10）',
    );
    const en = complaintLetter(auditReport([small]), { plans: [banded], date: '2026-11-01', lang: 'en' });
    expect(en).toContain(
      '(≤ ¥1,000.00): contract rate 0.38%, charged 0.60% (1 transaction, 2026-10-15, ¥1.10 overcharged)',
    );
  });

  it('states no rate gap for sales a complained rate change already explains', () => {
    const report = auditReport(
      [sale('f1', '2026-10-15', 100_000, 630), sale('f2', '2026-10-16', 200_000, 1260)],
      [
        rateChange({
          channel: 'card',
          card: 'credit',
          date: '2026-10-11',
          beforeRate: '0.60%',
          afterRate: '0.63%',
          transactions: 2,
        }),
      ],
    );
    const letter = complaintLetter(report, { plans: [plan], date: '2026-11-01' });
    expect(letter).toContain(
      '贵司实际收取的费率与合同不符：\n  · 2026-10-11 起 贷记卡：合同 0.60% → 实收 0.63%\n\n',
    );
    expect(letter).not.toContain('合同费率 0.60%');
  });
});
