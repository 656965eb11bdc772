import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords } from '../../src/audit/audit.js';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { attachDiagnoses } from '../../src/explain/attach-diagnoses.js';
import { loadPlanFile } from '../../src/plans/parse-plan.js';
import { importFiles } from '../../src/statements/import.js';

/**
 * One shop, three merchant numbers: WeChat Pay (1900000001), Alipay (2088123412341234) and the card acquirer
 * (822000000000001), all under one contract. Its cashier journal names no merchant number but says on every line
 * how the customer paid (支付方式); WeChat and Alipay are paid at the cashier POS01, cards at the acquirer's
 * terminal 10000001. A WeChat bill holds WeChat trades only (DOMAIN.md §2.6), an Alipay 业务明细 Alipay only.
 */
const root = mkdtempSync(join(tmpdir(), 'posguard-shop-channels-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const WECHAT = '微信交易账单_20261012-20261018.csv';
const ALIPAY = '20881234123412340156_20261018_业务明细.csv';
const CARD = '刷卡结算明细_202610.csv';
const JOURNAL = '收银流水.csv';
const gbk = (lines: string[]) => iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
const yuan = (fen: number) => (fen / 100).toFixed(2);

// WeChat: 0.38% until 10-14, 0.60% from 10-15 (the promotion's end, which the contract sets).
const wechat: [time: string, order: string, amountFen: number, feeFen: number, rate: string][] = [
  ['2026-10-12 10:00:00', 'W1', 8800, 33, '0.38%'],
  ['2026-10-13 11:00:00', 'W2', 12345, 47, '0.38%'],
  ['2026-10-14 12:00:00', 'W3', 50, 0, '0.38%'],
  ['2026-10-15 09:00:00', 'W4', 8800, 53, '0.60%'],
  ['2026-10-16 10:00:00', 'W5', 12345, 74, '0.60%'],
  ['2026-10-16 10:30:00', 'W6', 50, 0, '0.60%'],
  ['2026-10-17 14:00:00', 'W7', 25000, 150, '0.60%'],
];
const alipay: [time: string, order: string, amountFen: number, feeFen: number][] = [
  ['2026-10-12 13:00:00', 'A1', 20000, 76],
  ['2026-10-14 13:00:00', 'A2', 3500, 13],
  ['2026-10-15 13:00:00', 'A3', 20000, 120],
  ['2026-10-18 13:00:00', 'A4', 100, 1],
  ['2026-10-18 13:30:00', 'A5', 6667, 40],
];
// Cards: credit 0.60%, debit 0.55% capped at ¥20.
const card: [
  time: string,
  settle: string,
  ref: string,
  cardType: string,
  amountFen: number,
  feeFen: number,
][] = [
  ['2026-10-12 15:00:00', '2026-10-13', 'C00000000001', '贷记卡', 100000, 600],
  ['2026-10-13 15:00:00', '2026-10-14', 'C00000000002', '借记卡', 500000, 2000],
  ['2026-10-15 15:00:00', '2026-10-16', 'C00000000003', '贷记卡', 33333, 200],
  ['2026-10-16 15:00:00', '2026-10-19', 'C00000000004', '借记卡', 800000, 2000],
];

const PLAN_BODY = `rounding: half-up
tolerance: 0
settlement: T1
refundFee: proportional
notice: 30
periods:
  - from: 2026-01-01
    until: 2026-10-14
    rates:
      - { channel: [card, nfc, unionpay-qr], card: debit, rate: 0.55%, cap: 20 }
      - { channel: [card, nfc, unionpay-qr], card: credit, rate: 0.60% }
      - { channel: [wechat, alipay], rate: 0.38% }
  - from: 2026-10-15
    noticed: 2026-09-01
    rates:
      - { channel: [card, nfc, unionpay-qr], card: debit, rate: 0.55%, cap: 20 }
      - { channel: [card, nfc, unionpay-qr], card: credit, rate: 0.60% }
      - { channel: [wechat, alipay], rate: 0.60% }
`;

beforeAll(() => {
  const wx = [
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
  ];
  for (const [i, [time, order, amount, fee, rate]] of wechat.entries())
    wx.push(
      [
        time,
        'wx2f8a0c9b3e5d7a1c',
        '1900000001',
        '0',
        'POS01',
        `42000${i}`,
        order,
        `oU${i}`,
        'MICROPAY',
        'SUCCESS',
        'OTHERS',
        'CNY',
        yuan(amount),
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        '商品',
        '',
        `${yuan(fee)}000`,
        rate,
        yuan(amount),
        '0.00',
        '',
      ]
        .map((c) => `\`${c}`)
        .join(','),
    );
  const wxAmount = wechat.reduce((a, w) => a + w[2], 0);
  const wxFee = wechat.reduce((a, w) => a + w[3], 0);
  wx.push('总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额');
  wx.push(
    [String(wechat.length), yuan(wxAmount), '0.00', '0.00', `${yuan(wxFee)}000`, yuan(wxAmount), '0.00']
      .map((c) => `\`${c}`)
      .join(','),
  );
  writeFileSync(join(root, WECHAT), gbk(wx));

  const ali = [
    '#支付宝业务明细查询',
    '#账号：[2088123412341234]',
    '#起始日期：[2026年10月12日 00:00:00]   终止日期：[2026年10月19日 00:00:00]',
    '#-----------------------------------------业务明细列表----------------------------------------',
    '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注',
  ];
  for (const [i, [time, order, amount, fee]] of alipay.entries())
    ali.push(
      [
        `20261012220010${i}`,
        order,
        '交易',
        '商品',
        time,
        time.replace(/:00$/, ':05'),
        '',
        '门店一',
        '',
        'POS01',
        'abc***@163.com',
        yuan(amount),
        yuan(amount),
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '',
        '0.00',
        '0.00',
        '',
        `-${yuan(fee)}`,
        '0.00',
        '',
      ]
        .map((c) => `${c}\t`)
        .join(','),
    );
  const aliAmount = alipay.reduce((a, x) => a + x[2], 0);
  const aliFee = alipay.reduce((a, x) => a + x[3], 0);
  ali.push(
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${alipay.length}笔，商家实收共${yuan(aliAmount)}元，商家优惠共0.00元，服务费共-${yuan(aliFee)}元，分润共0.00元`,
    '#退款合计：0笔，商家实收共0.00元，商家优惠共0.00元，服务费共0.00元，分润共0.00元',
    '#导出时间：[2026年10月19日 10:21:23]',
  );
  writeFileSync(join(root, ALIPAY), gbk(ali));

  writeFileSync(
    join(root, CARD),
    gbk([
      '商户号,终端号,交易时间,结算日期,参考号,卡类型,交易类型,交易金额,手续费,结算金额',
      ...card.map(([time, settle, ref, type, amount, fee]) =>
        [
          '822000000000001',
          '10000001',
          time,
          settle,
          ref,
          type,
          '消费',
          yuan(amount),
          yuan(fee),
          yuan(amount - fee),
        ].join(','),
      ),
    ]),
  );

  writeFileSync(
    join(root, JOURNAL),
    gbk([
      '交易时间,终端号,支付方式,订单号,参考号,交易金额,交易类型',
      ...wechat.map(([time, order, amount]) =>
        [time, 'POS01', '微信', order, '', yuan(amount), '消费'].join(','),
      ),
      ...alipay.map(([time, order, amount]) =>
        [time, 'POS01', '支付宝', order, '', yuan(amount), '消费'].join(','),
      ),
      ...card.map(([time, , ref, , amount]) =>
        [time, '10000001', '刷卡', '', ref, yuan(amount), '消费'].join(','),
      ),
    ]),
  );

  writeFileSync(join(root, 'plan_noid.yaml'), `merchant: 测试小店\n${PLAN_BODY}`);
  writeFileSync(
    join(root, 'plan_card_id.yaml'),
    `merchant: 测试小店\nmerchantId: "822000000000001"\n${PLAN_BODY}`,
  );
  writeFileSync(
    join(root, 'plan_other_shop.yaml'),
    `merchant: 别的店\nmerchantId: "822999999999999"\n${PLAN_BODY}`,
  );
  mkdirSync(join(root, 'plans'));
  writeFileSync(join(root, 'plans', '822000000000001.yaml'), `merchant: 测试小店\n${PLAN_BODY}`);
});

const audit = async (statements: string[], plan: string[], extra: string[] = [], env = {}) => {
  const run = await runCli(
    [
      'audit',
      ...statements.flatMap((s) => ['--settlement', s]),
      '--terminal',
      JOURNAL,
      ...plan,
      '--format',
      'json',
      ...extra,
    ],
    { cwd: root, env: { ...process.env, ...env } },
  );
  return { ...run, report: JSON.parse(run.stdout) as AuditReport };
};

/** The in-memory audit of the same files, with the diagnosis the CLI attaches. */
const inMemory = async (statements: string[], planFile: string, sharedPlan: boolean) => {
  const settlement = await importFiles(
    statements.map((s) => ({ path: join(root, s) })),
    { kind: 'settlement' },
  );
  const terminal = await importFiles([{ path: join(root, JOURNAL) }], { kind: 'terminal' });
  const loaded = await loadPlanFile(join(root, planFile));
  if (!loaded.ok) throw new Error('plan');
  const plans = [loaded.plan];
  const report = auditRecords({
    terminal: terminal.records,
    settlement: settlement.records,
    bank: [],
    plans,
    sharedPlan,
  });
  return attachDiagnoses(report, { plans, sharedPlan, terminal: terminal.records });
};

const missing = (r: AuditReport) => r.findings.filter((f) => f.kind === 'missing_settlement');

describe('a cashier journal without merchant numbers, placed by how each line was paid', () => {
  it('audited with only the WeChat bill, reports no Alipay or card sale as unsettled', async () => {
    for (const env of [{}, { POSGUARD_SPOOL_RECORDS: '3' }]) {
      const { report, exitCode } = await audit([WECHAT], ['--plan', 'plan_noid.yaml'], [], env);
      expect(missing(report)).toEqual([]);
      expect(report.summary.lossFen).toBe(0);
      expect(exitCode).toBe(0);
      // The seven WeChat lines met their bill; the other nine stay without a merchant, unreconciled.
      const wx = report.merchants.find((m) => m.merchantId === '1900000001');
      expect(wx?.summary.matched).toBe(7);
      expect(report.merchants.find((m) => m.merchantId === '')?.summary.terminalRecords).toBe(9);
      expect(report.warnings).toContain(
        '16 笔终端流水没有商户号：7 笔已按对账单中唯一的商户 1900000001 核对；其余 9 笔的支付方式（刷卡、支付宝）不在对账单中，未与对账单核对 / ' +
          "16 journal lines have no merchant number: 7 were audited with the statements' only merchant, 1900000001; the other 9 were paid by channels the statements do not carry (card, alipay) and were not reconciled with the statements",
      );
    }
    // The in-memory audit places them the same way.
    const memory = await inMemory([WECHAT], 'plan_noid.yaml', true);
    expect(missing(memory)).toEqual([]);
    expect(memory.summary.lossFen).toBe(0);
  });

  it('with the WeChat, Alipay and card statements, places every line by its channel though POS01 is shared', async () => {
    const all = [WECHAT, ALIPAY, CARD];
    for (const env of [{}, { POSGUARD_SPOOL_RECORDS: '3' }]) {
      const { report } = await audit(all, ['--plan', 'plan_noid.yaml'], [], env);
      expect(report.findings).toEqual([]);
      expect(report.summary.matched).toBe(16);
      expect(
        report.merchants.map((m) => [m.merchantId, m.summary.terminalRecords, m.summary.matched]),
      ).toEqual([
        ['1900000001', 7, 7],
        ['2088123412341234', 5, 5],
        ['822000000000001', 4, 4],
      ]);
      expect(report.warnings).toContain(
        '16 笔终端流水没有商户号：16 笔按支付方式对应到对账单中收该支付方式的商户核对 / ' +
          '16 journal lines have no merchant number: 16 were audited with the merchant whose statements carry their payment channel',
      );
      expect(report.warnings.join('\n')).not.toContain('属于多个商户');
    }
  });
});

describe('--plan: one plan for every merchant of the run', () => {
  const all = [WECHAT, ALIPAY, CARD];

  it('applies a plan naming the card merchant to the WeChat and Alipay merchant numbers too', async () => {
    const named = await audit(all, ['--plan', 'plan_card_id.yaml']);
    const unnamed = await audit(all, ['--plan', 'plan_noid.yaml']);
    expect(named.report.findings).toEqual([]);
    expect(named.report.summary.lossFen).toBe(0);
    expect(named.report.summary.overchargeFen).toBe(0);
    expect(named.report.summary.withinToleranceFen).toBe(0);
    expect(named.exitCode).toBe(0);
    // Exactly what the same plan without merchantId gives.
    expect(named.report.findings).toEqual(unnamed.report.findings);
    expect(named.report.rateChanges).toEqual(unnamed.report.rateChanges);
    expect(named.report.merchants).toEqual(unnamed.report.merchants);
    // The WeChat change on 10-15 is the plan's own, noticed in time.
    const change = named.report.rateChanges.find((c) => c.merchantId === '1900000001');
    expect(change).toMatchObject({
      date: '2026-10-15',
      beforeRate: '0.38%',
      afterRate: '0.60%',
      inPlan: true,
    });
    const warnings = named.report.warnings.join('\n');
    expect(warnings).not.toContain('没有对应的费率方案');
    expect(warnings).not.toContain('容差内');
    expect(named.report.diagnoses ?? []).toEqual([]);
    // The table shows no within-tolerance line: the plan's tolerance is 0.
    const table = await runCli(
      [
        'audit',
        ...all.flatMap((s) => ['--settlement', s]),
        '--terminal',
        JOURNAL,
        '--plan',
        'plan_card_id.yaml',
      ],
      { cwd: root, env: { ...process.env } },
    );
    expect(table.stdout).not.toContain('容差内差额');
    expect(table.stdout).not.toContain('未知');
    expect(table.stdout.split('\n')[0]).toContain('未发现');
  });

  it("warns, in Chinese and English, when the plan's merchantId names none of the run's merchants", async () => {
    const { report } = await audit(all, ['--plan', 'plan_other_shop.yaml']);
    expect(report.findings).toEqual([]);
    expect(report.warnings).toContain(
      '费率方案的 merchantId 822999999999999 不是本次核对的商户（1900000001、2088123412341234、822000000000001），已按 --plan 用于所有商户；请检查 merchantId 是否写错 / ' +
        "the plan's merchantId 822999999999999 names none of the merchants audited (1900000001, 2088123412341234, 822000000000001); given with --plan, it was applied to every merchant — check the plan's merchantId",
    );
    // The WeChat bill alone: the journal lines it cannot take (card, Alipay) stay without a merchant, and are no
    // merchant the plan could have named.
    const wechat = await audit([all[0] as string], ['--plan', 'plan_card_id.yaml']);
    expect(wechat.report.warnings).toContainEqual(
      expect.stringMatching(/^费率方案的 merchantId 822000000000001 不是本次核对的商户（1900000001），/),
    );
    // A plan naming one of them says nothing; --merchant leaving that one out does not make it a stranger.
    const scoped = await audit(all, ['--plan', 'plan_card_id.yaml'], ['--merchant', '1900000001']);
    expect(scoped.report.warnings.join('\n')).not.toContain('merchantId');
    expect(scoped.report.findings).toEqual([]);
  });

  it('--plans DIR still matches plans to merchants by number', async () => {
    const { report } = await audit(all, ['--plans', 'plans']);
    expect(report.warnings.join('\n')).toContain(
      '商户 1900000001、2088123412341234 没有对应的费率方案（方案中的 merchantId：822000000000001）',
    );
    expect(report.findings.every((f) => f.merchantId !== '822000000000001')).toBe(true);
  });

  it('the diagnosis reads the plan the audit priced by', async () => {
    // Told the plan is for every merchant, the audit finds nothing, and there is nothing to diagnose.
    const shared = await inMemory(all, 'plan_card_id.yaml', true);
    expect(shared.findings).toEqual([]);
    expect(shared.diagnoses).toBeUndefined();
    // Matched by number, the WeChat merchant has no plan: its findings are inferred, and the diagnosis must not
    // read the card merchant's contract into them (a promotion "ending" by that plan, a contract silent after it).
    const perMerchant = await inMemory(all, 'plan_card_id.yaml', false);
    const promo = perMerchant.diagnoses?.find((d) => d.merchantId === '1900000001');
    expect(promo?.cause).toBe('promo_expiry');
    const evidence = promo?.evidence.join('\n') ?? '';
    expect(evidence).not.toContain('合同中优惠期结束');
    expect(evidence).not.toContain('合同没有约定优惠到期后的费率');
    expect(evidence).toContain('没有该商户的费率方案，请对照合同确认优惠到期后的费率');
    expect(
      perMerchant.findings.filter((f) => f.merchantId === '1900000001').every((f) => f.basis === 'inferred'),
    ).toBe(true);
  });
});
