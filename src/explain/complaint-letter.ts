import type { AuditReport, Finding } from '../audit/report-types.js';
import { channelCardName, rateChangeText } from '../audit/render-table.js';
import { formatFen } from '../money/fen.js';
import { describeRule } from '../plans/describe-plan.js';
import type { FeePlan } from '../plans/plan-types.js';
import { addDays, localDateOf } from '../time/shanghai.js';

export interface ComplaintOptions {
  /** The plan(s) the audit used: merchant, provider and contract rates come from here. */
  plans?: readonly FeePlan[];
  /** The letter's date, YYYY-MM-DD (Asia/Shanghai). */
  date: string;
  /** Days the provider is given to refund; 15 by default. */
  deadlineDays?: number;
  /** How many transactions to list by ref no; 10 by default. */
  top?: number;
}

/** The facts the letter states, for tests and for the PDF's totals. */
export interface ComplaintFacts {
  merchant: string;
  merchantId: string;
  provider: string;
  contractRates: string[];
  chargedRates: string[];
  firstDate: string | undefined;
  lastDate: string | undefined;
  transactions: number;
  overchargeFen: number;
  lossFen: number;
  deadline: string;
  top: Finding[];
}

const dateOf = (f: Finding) => (f.time !== undefined ? localDateOf(f.time) : (f.settleDate ?? ''));

/** The facts of a complaint about the report's losses (findings with money at stake). */
export function complaintFacts(report: AuditReport, options: ComplaintOptions): ComplaintFacts {
  const ids = report.merchants.map((m) => m.merchantId).filter((m) => m !== '');
  const plans = options.plans ?? [];
  const plan = plans.find((p) => p.merchantId !== undefined && ids.includes(p.merchantId)) ?? plans[0];
  const losing = report.findings.filter((f) => f.lossFen > 0);
  const dates = losing
    .map(dateOf)
    .filter((d) => d !== '')
    .sort();
  const contractRates: string[] = [];
  const period = plan?.periods.at(-1);
  if (period !== undefined) for (const r of period.rates) contractRates.push(describeRule(r, 'zh'));
  const chargedRates = report.rateChanges.map(
    (c) =>
      `${c.date} 起 ${channelCardName(c.channel, c.card, 'zh')}${c.band === 'all' ? '' : `（${c.band} 元）`}：${rateChangeText(c, 'zh')}`,
  );
  const top = [...losing]
    .sort((a, b) => b.lossFen - a.lossFen || dateOf(a).localeCompare(dateOf(b)) || a.id.localeCompare(b.id))
    .slice(0, options.top ?? 10);
  return {
    merchant: plan?.merchant ?? '（商户名称）',
    merchantId: plan?.merchantId ?? (ids.length > 0 ? ids.join('、') : '（商户号）'),
    provider: plan?.provider ?? '收单机构',
    contractRates,
    chargedRates,
    firstDate: dates[0],
    lastDate: dates.at(-1),
    transactions: losing.length,
    overchargeFen: report.summary.overchargeFen,
    lossFen: report.summary.lossFen,
    deadline: addDays(options.date, options.deadlineDays ?? 15),
    top,
  };
}

/** A zh-CN complaint letter to the provider's customer service, with the refund asked and the escalation path. */
export function complaintLetter(report: AuditReport, options: ComplaintOptions): string {
  const f = complaintFacts(report, options);
  const lines: string[] = [];
  lines.push(`致 ${f.provider} 客户服务部：`, '');
  lines.push(`关于商户“${f.merchant}”（商户号 ${f.merchantId}）手续费多扣及结算差错的投诉与退款申请`, '');
  if (f.contractRates.length > 0) {
    lines.push('本商户与贵司签订的收单服务合同约定的手续费为：');
    for (const r of f.contractRates) lines.push(`  · ${r}`);
  } else {
    lines.push('本商户与贵司签订的收单服务合同约定了手续费率（见附件费率方案）。');
  }
  lines.push('');
  const sources = report.files.map((x) => x.kind);
  const what = [
    sources.includes('settlement') ? '贵司出具的结算单' : '',
    sources.includes('terminal') ? '终端交易流水' : '',
    sources.includes('bank') ? '银行入账流水' : '',
  ].filter(Boolean);
  lines.push(
    `经逐笔核对${what.length > 0 ? what.join('、') : '交易记录'}，` +
      (f.firstDate === undefined
        ? '未发现损失。'
        : `自 ${f.firstDate} 起至 ${f.lastDate ?? f.firstDate}，共 ${f.transactions} 笔交易/款项与合同不符，合计多收手续费 ${formatFen(f.overchargeFen)}，合计损失 ${formatFen(f.lossFen)}。`),
  );
  if (f.chargedRates.length > 0) {
    lines.push('贵司实际收取的费率与合同不符：');
    for (const r of f.chargedRates) lines.push(`  · ${r}`);
  }
  const diagnoses = (report.diagnoses ?? []).filter((d) => d.lossFen > 0);
  if (diagnoses.length > 0) {
    lines.push('', '主要问题：');
    diagnoses.forEach((d, i) => {
      lines.push(`  ${i + 1}. ${d.title}（损失 ${formatFen(d.lossFen)}）`);
      for (const e of d.evidence.slice(0, 2)) lines.push(`     ${e}`);
    });
  }
  if (f.top.length > 0) {
    lines.push('', `涉及金额最大的 ${f.top.length} 笔（按参考号）：`);
    for (const x of f.top) {
      const key =
        x.refNo !== undefined
          ? `参考号 ${x.refNo}`
          : x.orderNo !== undefined
            ? `订单号 ${x.orderNo}`
            : undefined;
      const label = /“([^”]*)”/.exec(x.message)?.[1];
      const what =
        key !== undefined
          ? `${key}  ${dateOf(x)}`
          : `结算日 ${x.settleDate ?? dateOf(x)}${label === undefined ? '' : `  扣款“${label}”`}`;
      const amount = x.amountFen === undefined || key === undefined ? '' : `  金额 ${formatFen(x.amountFen)}`;
      lines.push(
        `  ${what}${x.terminalId === undefined ? '' : `  终端 ${x.terminalId}`}${amount}  损失 ${formatFen(x.lossFen)}`,
      );
    }
  }
  lines.push(
    '',
    '完整明细见附件 findings.csv 与 report.pdf / report.html；附件 manifest.json 列出了全部原始文件及其 SHA-256 校验值，可据此核验文件未被改动。',
    '',
    '现请求贵司：',
    '  一、核实上述交易，书面说明多扣及差错的原因；',
    `  二、于 ${f.deadline} 前将多扣及少结的款项共计 ${formatFen(f.lossFen)} 退还至本商户的结算账户；`,
    '  三、恢复合同约定的费率和结算方式；今后如需调整，须按合同约定提前书面通知。',
    '',
    `如贵司未在 ${f.deadline} 前处理或答复，本商户将向中国人民银行投诉（金融消费者投诉咨询电话 12363，支付结算类投诉），银联卡交易同时向中国银联投诉（客服电话 95516）。`,
    '',
    '此致',
    '',
    `商户：${f.merchant}`,
    `商户号：${f.merchantId}`,
    `日期：${options.date}`,
    '',
  );
  return lines.join('\n');
}
