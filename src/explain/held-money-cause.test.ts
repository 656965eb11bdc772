import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdfText, planOf, unzip } from '../../test/explain/explain-fixtures.js';
import { tmpDirs } from '../../test/cli/audit-fixtures.js';
import type { AuditReport } from '../audit/report-types.js';
import { runCli } from '../cli/program.js';
import { diagnose } from './attach-diagnoses.js';
import { complaintLetters } from './complaint-letter.js';
import { diagnosisLines } from './render-diagnoses.js';

// A Leshua 冻结 (frozen) sale: the audit reports its held money as an unplanned deduction labelled 资金冻结. The
// explain layer filed it under 未约定的扣费 (押金/服务费直接从交易款中扣) and the letter asked for it as a refund of
// a charge; it is the merchant's own money, held by risk control until a 解冻 line pays it.

const tmp = tmpDirs('posguard-held-money-');

// One Leshua merchant, credit cards at 0.55% (55 in 万分之一), T1. 2026-11-02 is a Monday: paid on 11-03.
const M = '1000054321';
const PLAN =
  'settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.55% }\n';
const HEADER =
  'BT,编号,交易时间,订单号,商户号,费率(万分之一),交易金额(分),手续费(分),结算金额(分),资金流向,交易类型,支付方式,卡类型,商户优惠类型,参考号,凭证号,终端号,第三方订单号,第三方退款号,支付时间,上游订单号(网、银联),上游订单号(微信、支付宝),付款银行,消费者标识,扫码支付交易类型';

/** A BV row of a credit-card 消费 on terminal 50054321 (amounts in fen, rate in 万分之一). */
function row(
  no: number,
  time: string,
  order: string,
  money: { rate: number; amount: number; fee: number; settled: number },
  flow: string,
  ref: string,
): string {
  const { rate, amount, fee, settled } = money;
  return `BV,${no},${time},${order},${M},${rate},${amount},${fee},${settled},${flow},消费,刷卡,贷记卡,标准类,${ref},00000${no},50054321,*,*,${time},UP${order},*,中国银行,*,*`;
}

// 11-02: sale A 100000 fen, fee 100000 × 0.55% = 550, settled 99450 (进账).
const SALE_A = row(
  1,
  '2026-11-02 10:00:00',
  'LS202611020000001',
  { rate: 55, amount: 100000, fee: 550, settled: 99450 },
  '进账',
  '628300000001',
);
// A charged 0.60% instead: fee 100000 × 0.60% = 600, 600 − 550 = 50 overcharged, settled 99400.
const SALE_A_OVER = row(
  1,
  '2026-11-02 10:00:00',
  'LS202611020000001',
  { rate: 60, amount: 100000, fee: 600, settled: 99400 },
  '进账',
  '628300000001',
);
// Sale B 66600 fen, fee 66600 × 0.55% = 366.3 → 366, settled 66600 − 366 = 66234, held (冻结).
const FROZEN_B = row(
  2,
  '2026-11-02 19:45:20',
  'LS202611020000002',
  { rate: 55, amount: 66600, fee: 366, settled: 66234 },
  '冻结',
  '628300000002',
);
// 11-03: sale C 20000 fen, fee 20000 × 0.55% = 110, settled 19890; and B released (解冻): its 66234.
const SALE_C = row(
  1,
  '2026-11-03 11:00:00',
  'LS202611030000001',
  { rate: 55, amount: 20000, fee: 110, settled: 19890 },
  '进账',
  '628300000003',
);
const RELEASE_B = row(
  2,
  '2026-11-03 09:30:00',
  'LS202611020000002',
  { rate: 55, amount: 66600, fee: 366, settled: 66234 },
  '解冻',
  '628300000002',
);
const DAY1 = '8000123456_trade_new_20261102.txt';
const DAY2 = '8000123456_trade_new_20261103.txt';
const file = (...rows: string[]) => [HEADER, ...rows, ''].join('\n');

// The 打款单 (fen). B1 pays 11-03: A only (B is held). B2 pays 11-04: C 19890 + B released 66234 = 86124.
const BILLS =
  'billId,createTime,bankretTime,merchantId,planAmount,suspendAmount,realAmount,state,settType,settDate,bankAccount,remark';
const bill = (id: string, day: string, fen: number) =>
  `${id},${day} 03:33:36.0,${day} 09:02:11.0,${M},${fen},0,${fen},1,t1,${day},621226*********4882,客户账T1待结算账本`;

/** Writes the trade files, the 打款单 and the plan into a new folder; returns the folder and the input flags. */
function inputs(trades: Record<string, string>, bills: readonly string[]): { dir: string; args: string[] } {
  const dir = tmp();
  for (const [name, text] of Object.entries(trades)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  writeFileSync(join(dir, 'merchant-settlement-order.csv'), [BILLS, ...bills, ''].join('\n'));
  return {
    dir,
    args: [
      '--settlement',
      ...Object.keys(trades),
      '--plan',
      'plan.yaml',
      '--bank',
      'merchant-settlement-order.csv',
    ],
  };
}

/** `posguard audit --format json`: the findings and the diagnoses the audit attaches. */
async function audit(trades: Record<string, string>, bills: readonly string[]): Promise<AuditReport> {
  const { dir, args } = inputs(trades, bills);
  const run = await runCli(['audit', ...args, '--format', 'json'], { cwd: dir });
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout) as AuditReport;
  expect(report.rejected).toEqual([]);
  return report;
}

const LETTER_DATE = '2026-11-10';
const letterOf = (report: AuditReport) => {
  const letters = complaintLetters(report, { date: LETTER_DATE, plans: [planOf(PLAN)] });
  expect(letters).toHaveLength(1);
  return letters[0] ?? { letter: '', letterEn: '' };
};

describe('explain: a Leshua 冻结 sale is money frozen, not a charge never agreed', () => {
  it('frozen and not released: its own cause, the reasons, and ask why, prove the sales, escalate, watch for 解冻', async () => {
    const report = await audit({ [DAY1]: file(SALE_A, FROZEN_B) }, [bill('B1', '2026-11-03', 99450)]);
    // The audit: B held, 66600 − 366 = 66234 fen; B1 paid A's 99450, so nothing else.
    expect(report.findings.map((f) => [f.kind, f.label, f.lossFen])).toEqual([
      ['unplanned_deduction', '资金冻结', 66234],
    ]);
    const held = report.findings[0];
    // The diagnoses the CLI attached are what the explain code makes of the report and the plan (--plan: shared).
    expect(diagnose(report, { plans: [planOf(PLAN)], sharedPlan: true })).toEqual(report.diagnoses);
    expect(report.diagnoses?.map((d) => [d.cause, d.merchantId, d.findingIds, d.lossFen])).toEqual([
      ['money_frozen', M, [held?.id], 66234],
    ]);
    const d = report.diagnoses?.[0];
    expect(d?.title).toBe('结算款被服务商冻结（风控冻结/资金冻结），尚未解冻');
    expect(d?.titleEn).toBe('Settled money frozen by the provider (risk-control hold), not yet released');
    expect(d?.confidence).toBe('high');
    expect(d?.evidence[0]).toBe(
      '1 笔结算款被服务商冻结（资金冻结），合计 ¥662.34：2026-11-02 参考号 628300000002 冻结 ¥662.34',
    );
    expect(d?.evidence[1]).toContain('冻结不是扣费');
    for (const reason of ['风控', '大额交易', '异常交易', '资料不全', '投诉', '拒付'])
      expect(d?.evidence[1]).toContain(reason);
    expect(d?.evidence[2]).toBe('所核对的对账单中没有解冻（资金解冻）记录：这笔钱仍被冻结，尚未到账');
    expect(d?.evidenceEn[0]).toBe(
      'The provider froze (资金冻结) ¥662.34 of settled money on 1 line: 2026-11-02: ref no 628300000002, ¥662.34 frozen',
    );
    expect(d?.evidenceEn[1]).toContain('A freeze is no charge');
    for (const reason of [
      'risk-control',
      'large or unusual sale',
      'incomplete merchant documents',
      'chargeback',
    ])
      expect(d?.evidenceEn[1]).toContain(reason);
    // Nothing of the never-agreed charge wording.
    const all = [d?.title, d?.titleEn, ...(d?.evidence ?? []), ...(d?.evidenceEn ?? [])].join('\n');
    for (const wrong of ['未约定', '押金', '服务费', 'never agreed', 'deposit', 'refunded'])
      expect(all).not.toContain(wrong);

    expect(d?.remedies).toEqual(['contact_service', 'provide_proof', 'escalate', 'reconcile_regularly']);
    const [ask, prove, escalate, watch] = d?.steps ?? [];
    expect(ask).toBe(
      '联系服务商客服，询问结算款 ¥662.34 被冻结的原因和预计解冻日期（参考号 628300000002），并请对方书面或以工单答复',
    );
    for (const proof of ['交易凭证', '小票', '发货', '营业执照']) expect(prove).toContain(proof);
    expect(escalate).toContain('先向收单机构书面投诉');
    expect(escalate).toContain('12363');
    expect(escalate).toContain('95516');
    // The order: the provider first, the regulator after.
    expect(escalate?.indexOf('收单机构')).toBeLessThan(escalate?.indexOf('12363') ?? -1);
    expect(watch).toContain('之后的对账单出现“解冻”行（资金解冻）、款项到账，这笔冻结款即已补回');
    const [askEn, proveEn, escalateEn, watchEn] = d?.stepsEn ?? [];
    expect(askEn).toContain('ask why ¥662.34 of settled money was frozen (ref no 628300000002)');
    expect(askEn).toContain('on what date it will be released');
    expect(proveEn).toContain('receipts');
    expect(proveEn).toContain('proof of delivery');
    expect(escalateEn).toContain('complain to the provider in writing');
    expect(escalateEn).toContain('12363');
    expect(escalateEn).toContain('95516');
    expect(watchEn).toContain('once a later statement has the 解冻 (release) line');

    // The table: held, not lost.
    const lines = diagnosisLines(report.diagnoses ?? [], 'zh').join('\n');
    expect(lines).toContain('[资金冻结（风控） · 把握大]  冻结 ¥662.34');
    expect(lines).not.toContain('损失 ¥662.34');
    expect(diagnosisLines(report.diagnoses ?? [], 'en').join('\n')).toContain(
      '[money frozen (risk control) · high confidence]  held ¥662.34',
    );

    // The letter asks for the money to be released, with the reason and the date, not refunded as a charge.
    const { letter, letterEn } = letterOf(report);
    expect(letter).toContain(`关于商户“（商户名称）”（商户号 ${M}）结算款被冻结的投诉与解冻申请`);
    expect(letter).toContain('共 1 笔结算款被贵司冻结，合计 ¥662.34。');
    // No fee is at stake: the letter states no rates.
    expect(letter).not.toContain('手续费');
    expect(letter).toContain('被冻结金额最大的 1 笔（按冻结金额从大到小，以参考号标识）：');
    expect(letter).toContain('1. 结算款被服务商冻结（风控冻结/资金冻结），尚未解冻（冻结 ¥662.34）');
    expect(letter).toContain('参考号 628300000002  2026-11-02  终端 50054321  金额 ¥666.00  冻结 ¥662.34');
    expect(letter).toContain('一、书面说明上述结算款被冻结的原因及解冻日期；');
    // Deadline: 2026-11-10 + 15 days = 2026-11-25.
    expect(letter).toContain('二、于 2026-11-25 前将尚未解冻的结算款 ¥662.34 解冻并打款至本商户的结算账户；');
    expect(letter).toContain('12363');
    for (const wrong of ['多扣', '退还至', '未约定', '损失 ¥662.34']) expect(letter).not.toContain(wrong);
    expect(letterEn).toContain('Complaint and request for release: settled money frozen');
    expect(letterEn).toContain('The largest sum frozen (by reference number):');
    expect(letterEn).not.toContain('fee');
    expect(letterEn).toContain('(¥662.34 held)');
    expect(letterEn).toContain('held ¥662.34');
    expect(letterEn).toContain(
      '2. release the ¥662.34 of settled money still frozen and pay it into our settlement account by 2026-11-25;',
    );
    expect(letterEn).not.toContain('overcharged');
  });

  it('frozen and released (解冻) the next day: the same cause, made good, the steps check the money arrived', async () => {
    const report = await audit({ [DAY1]: file(SALE_A, FROZEN_B), [DAY2]: file(SALE_C, RELEASE_B) }, [
      bill('B1', '2026-11-03', 99450),
      bill('B2', '2026-11-04', 19890 + 66234),
    ]);
    // The release gives back 66234 and makes good exactly the 66234 frozen: owed 0.
    expect(report.summary).toMatchObject({ lossFen: 66234, returnedFen: 66234, offsetFen: 66234 });
    expect(report.diagnoses?.map((d) => [d.cause, d.lossFen])).toEqual([['money_frozen', 66234]]);
    const d = report.diagnoses?.[0];
    expect(d?.title).toBe('结算款被服务商冻结（风控冻结/资金冻结），已解冻');
    expect(d?.titleEn).toBe('Settled money frozen by the provider (risk-control hold), since released');
    expect(d?.evidence[2]).toBe(
      '之后对账单中的解冻（资金解冻）或返还已补足包括这笔冻结款在内的全部损失：钱已回到商户',
    );
    expect(d?.evidenceEn[2]).toContain('this frozen money included: the money is back');
    expect(d?.steps.at(-1)).toBe(
      '核对解冻款已到账：确认银行账户收到了解冻（资金解冻）的这笔钱，之后继续每天对账',
    );
    const { letter } = letterOf(report);
    expect(letter).toContain('其中贵司已在结算中返还 ¥662.34（见结算单中的返还/解冻记录），尚欠 ¥0.00。');
    expect(letter).toContain('一、书面说明上述结算款被冻结的原因；');
    expect(letter).toContain('二、书面确认上述款项已全部返还；');
    expect(letter).not.toContain('尚未解冻的结算款');
  });

  it('frozen beside a fee overcharge: two causes, and the letter asks the fee back and the frozen money released', async () => {
    // 11-02: A charged 600 (50 over, settled 99400), B frozen (66234). B1 pays A's 99400.
    const trades = { [DAY1]: file(SALE_A_OVER, FROZEN_B) };
    const bills = [bill('B1', '2026-11-03', 99400)];
    const report = await audit(trades, bills);
    expect(report.findings.map((f) => [f.kind, f.lossFen]).sort()).toEqual([
      ['fee_overcharge', 50],
      ['unplanned_deduction', 66234],
    ]);
    // 66234 + 50 = 66284 lost; the freeze is its own cause, the fee another.
    expect(report.summary.lossFen).toBe(66284);
    const causes = report.diagnoses?.map((d) => [d.cause, d.lossFen]);
    expect(causes?.[0]).toEqual(['money_frozen', 66234]);
    expect(causes?.some(([c]) => c === 'unagreed_charge')).toBe(false);
    expect(causes?.filter(([c]) => c !== 'money_frozen')).toEqual([[expect.any(String), 50]]);
    // No rebate line at all: nothing released.
    expect(report.diagnoses?.[0]?.evidence[2]).toContain('没有解冻');

    // The evidence pack: the letter and the report as the merchant sends and reads them.
    const { dir, args } = inputs(trades, bills);
    const run = await runCli(['evidence', ...args, '--out', 'pack.zip', '--date', LETTER_DATE], {
      cwd: dir,
      env: {},
    });
    expect(run.stderr).toBe('');
    const pack = await unzip(readFileSync(join(dir, 'pack.zip')));
    const letter = pack.get('complaint-letter.txt')?.toString('utf8') ?? '';
    expect(letter).toContain('手续费多扣、结算差错及结算款冻结的投诉与退款申请');
    expect(letter).toContain(
      '共 2 笔交易/款项与合同不符或结算款被冻结，合计多收手续费 ¥0.50，合计损失 ¥662.84（其中被冻结的结算款 ¥662.34）。',
    );
    expect(letter).toContain('损失（含冻结款）金额最大的 2 笔（按金额从大到小，以参考号标识）：');
    expect(letter).toContain('1. 结算款被服务商冻结（风控冻结/资金冻结），尚未解冻（冻结 ¥662.34）');
    expect(letter).toContain('参考号 628300000002  2026-11-02  终端 50054321  金额 ¥666.00  冻结 ¥662.34');
    expect(letter).toContain('参考号 628300000001  2026-11-02  终端 50054321  金额 ¥1,000.00  损失 ¥0.50');
    expect(letter).toContain(
      '二、于 2026-11-25 前将多扣、少结及冻结的款项共计 ¥662.84（含被冻结而尚未解冻的结算款）退还或解冻打款至本商户的结算账户；',
    );
    expect(letter).toContain(
      '三、书面说明结算款 ¥662.34 被冻结的原因及解冻日期，并按期解冻打款：冻结款是本商户的结算款，不是手续费或其他应付贵司的费用；',
    );
    expect(letter).toContain('四、恢复合同约定的费率和结算方式');
    expect(letter).not.toContain('未约定');
    const letterEn = pack.get('complaint-letter.en.txt')?.toString('utf8') ?? '';
    expect(letterEn).toContain('¥662.84 lost in all (¥662.34 of it settled money frozen)');
    expect(letterEn).toContain('3. explain in writing why ¥662.34 of our settled money was frozen');
    expect(letterEn).toContain('4. restore the contract rates');
    const html = pack.get('report.html')?.toString('utf8') ?? '';
    expect(html).toContain('资金冻结（风控） · 把握大 · 冻结 ¥662.34');
    expect(html).toContain('结算款被服务商冻结（风控冻结/资金冻结），尚未解冻');
    const pdf = pdfText(pack.get('report.pdf') ?? Buffer.alloc(0), dir);
    expect(pdf).toContain('资金冻结（风控）');
    expect(pdf).not.toContain('未约定的扣费');
  });
});
