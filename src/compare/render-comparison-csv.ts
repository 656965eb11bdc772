import { type CsvValue, toCsv } from '../audit/render-csv.js';
import { formatYuan } from '../money/fen.js';
import type { Comparison, JumpRecord, PricedPlan } from './compare-plans.js';
import { unmatchedJumpRecords } from './render-comparison.js';

type Lang = 'zh' | 'en';

const HEADER_ZH = [
  '商户号',
  '排名',
  '服务商',
  '方案',
  '结算周期',
  '开始日期',
  '完整',
  '期间手续费(元)',
  '年化手续费(元)',
  '约定费用/年(元)',
  '流量费/年(元)',
  '押金(元)',
  '第一年合计(元)',
  '未计价笔数',
  '未计价金额(元)',
  '无有效费率天数',
  '跳点记录服务商',
  '跳点问题数',
  '跳点损失(元)',
  '其中多收手续费(元)',
  '流水覆盖起',
  '流水覆盖止',
  '覆盖天数',
  '换用日',
];
const HEADER_EN = [
  'merchant',
  'rank',
  'provider',
  'plan',
  'settlement',
  'start date',
  'complete',
  'period fees (CNY)',
  'fees/yr (CNY)',
  'charges/yr (CNY)',
  'SIM/yr (CNY)',
  'deposit (CNY)',
  'first year (CNY)',
  'unpriced sales',
  'unpriced amount (CNY)',
  'days without a rate',
  '跳点 record provider',
  '跳点 findings',
  '跳点 loss (CNY)',
  'fees overcharged (CNY)',
  'covered from',
  'covered to',
  'covered days',
  'switch date',
];

/** The columns of a 跳点 record: whose, how many findings, the loss and the overcharge within it, in 元. */
function jumpCells(j: JumpRecord | undefined, lang: Lang): CsvValue[] {
  if (j === undefined) return ['', '', '', ''];
  const provider = j.provider ?? (lang === 'en' ? 'your provider' : '您的收单机构');
  return [provider, j.findings, formatYuan(j.lossFen), formatYuan(j.overchargeFen)];
}

function planCells(c: Comparison, p: PricedPlan, lang: Lang): CsvValue[] {
  return [
    c.merchantId,
    p.rank,
    p.provider,
    p.plan,
    p.settlement,
    p.startDate,
    lang === 'en' ? (p.complete ? 'yes' : 'no') : p.complete ? '是' : '否',
    formatYuan(p.totalFen),
    formatYuan(p.yearlyFeesFen),
    formatYuan(p.yearlyChargesFen),
    formatYuan(p.yearlySimFen),
    formatYuan(p.depositFen),
    formatYuan(p.yearlyFen),
    p.unpriced.count,
    formatYuan(p.unpriced.amountFen),
    p.uncoveredDays,
    ...jumpCells(p.jumpRecord, lang),
  ];
}

function historyCells(c: Comparison): CsvValue[] {
  const period = c.history.period;
  return [period?.from, period?.to, period?.days, c.asOf];
}

/**
 * The comparisons as CSV (UTF-8 with a BOM, CRLF, money in 元, cells a spreadsheet would run as a formula
 * neutralised — the audit's csvCell): one row per merchant and plan, cheapest first, then a row for each provider
 * whose 跳点 record matches no catalogue plan (no rank, its plan cell saying so), and one for the findings no one
 * provider's record took (a CSV has no room for the warning that explains them).
 */
export function renderComparisonCsv(comparisons: readonly Comparison[], lang: Lang): string {
  const rows: CsvValue[][] = [lang === 'en' ? HEADER_EN : HEADER_ZH];
  for (const c of comparisons) {
    for (const p of c.plans) rows.push([...planCells(c, p, lang), ...historyCells(c)]);
    for (const j of unmatchedJumpRecords(c)) {
      rows.push([
        c.merchantId,
        '',
        j.provider ?? (lang === 'en' ? 'your provider' : '您的收单机构'),
        lang === 'en' ? '(not in the catalogue)' : '（目录中无此服务商）',
        ...Array.from({ length: 12 }, () => ''),
        ...jumpCells(j, lang),
        ...historyCells(c),
      ]);
    }
    const u = c.unassignedJumps;
    if (u !== undefined) {
      const provider = lang === 'en' ? '(provider not known)' : '（无法确定服务商）';
      rows.push([
        c.merchantId,
        '',
        provider,
        lang === 'en'
          ? `(statements of several providers; terminals ${u.terminals.join(', ') || '-'})`
          : `（结算单来自多家服务商；终端 ${u.terminals.join('、') || '-'}）`,
        ...Array.from({ length: 12 }, () => ''),
        ...jumpCells({ provider, names: [], settlementFiles: [], ...u }, lang),
        ...historyCells(c),
      ]);
    }
  }
  return toCsv(rows);
}
