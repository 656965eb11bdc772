import { formatFen } from '../money/index.js';
import type { Comparison } from './compare-plans.js';

/** The comparison as a plain-text table (zh or en), cheapest first, with the history it was priced on. */
export function renderComparison(c: Comparison, lang: 'zh' | 'en'): string {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  const h = c.history;
  const lines: string[] = [];
  lines.push(
    t(
      `历史数据：${h.firstDate ?? '-'} 至 ${h.lastDate ?? '-'}（${h.spanDays} 天），${h.sales} 笔消费 ${formatFen(h.salesAmountFen)}，${h.refunds} 笔退货，${h.voided} 笔已撤销/冲正，${h.terminals} 台终端`,
      `History: ${h.firstDate ?? '-'} to ${h.lastDate ?? '-'} (${h.spanDays} days), ${h.sales} sales ${formatFen(h.salesAmountFen)}, ${h.refunds} refunds, ${h.voided} voided/reversed, ${h.terminals} terminal(s)`,
    ),
    '',
  );
  const head = [
    '#',
    t('服务商', 'provider'),
    t('方案', 'plan'),
    t('结算', 'settle'),
    t('期间手续费', 'period fees'),
    t('年化手续费', 'fees/yr'),
    t('约定费用/年', 'charges/yr'),
    t('流量费/年', 'SIM/yr'),
    t('押金', 'deposit'),
    t('第一年合计', 'first year'),
    t('跳点记录', '跳点 record'),
  ];
  const rows = c.plans.map((p) => [
    String(p.rank),
    p.provider,
    p.plan,
    p.settlement,
    formatFen(p.totalFen),
    formatFen(p.yearlyFeesFen),
    formatFen(p.yearlyChargesFen),
    formatFen(p.yearlySimFen),
    formatFen(p.depositFen),
    p.complete
      ? formatFen(p.yearlyFen)
      : t(`${formatFen(p.yearlyFen)}（不完整）`, `${formatFen(p.yearlyFen)} (incomplete)`),
    p.jumpRecord === undefined
      ? '-'
      : t(
          `${p.jumpRecord.findings} 项，多收 ${formatFen(p.jumpRecord.overchargeFen)}`,
          `${p.jumpRecord.findings} findings, overcharged ${formatFen(p.jumpRecord.overchargeFen)}`,
        ),
  ]);
  const width = (s: string): number =>
    [...s].reduce((w, ch) => w + ((ch.codePointAt(0) ?? 0) > 0x2e80 ? 2 : 1), 0);
  const cols = head.map((_, i) => Math.max(...[head, ...rows].map((r) => width(r[i] ?? ''))));
  const line = (r: string[]): string =>
    r
      .map((cell, i) => cell + ' '.repeat((cols[i] ?? 0) - width(cell)))
      .join('  ')
      .trimEnd();
  lines.push(line(head), ...rows.map(line));
  for (const p of c.plans) {
    if (p.uncoveredDays > 0) {
      lines.push(
        t(
          `注意：${p.provider} 的方案自 ${p.startDate} 起的一年中有 ${p.uncoveredDays} 天没有有效期内的费率（优惠已结束或方案已过期），这些天未计费，合计不完整`,
          `note: ${p.provider}'s plan has no period in force on ${p.uncoveredDays} days of the year from ${p.startDate} (the offer has ended); those days are not priced and its total is incomplete`,
        ),
      );
    }
    if (p.unpriced.count > 0) {
      lines.push(
        t(
          `注意：${p.provider} 的方案没有规则覆盖 ${p.unpriced.count} 笔（${formatFen(p.unpriced.amountFen)}），未计入，合计不完整，排在能完整计价的方案之后`,
          `note: no rule of ${p.provider}'s plan prices ${p.unpriced.count} sales (${formatFen(p.unpriced.amountFen)}); left out, so its total is incomplete and ranked after the plans that price everything`,
        ),
      );
    }
  }
  const unmatched = c.jumpRecords.filter(
    (j) => !c.plans.some((p) => p.jumpRecord?.names.some((n) => j.names.includes(n))),
  );
  for (const j of unmatched) {
    lines.push(
      t(
        `您的数据中 ${j.provider} 的跳点记录：${j.findings} 项，多收 ${formatFen(j.overchargeFen)}（目录中无此服务商）`,
        `${j.provider}'s 跳点 record in your data: ${j.findings} findings, overcharged ${formatFen(j.overchargeFen)} (not in the catalogue)`,
      ),
    );
  }
  lines.push(
    '',
    t(
      '第一年合计 = 换用后一年的手续费（按每天有效的费率，期间手续费 × 365 ÷ 天数；优惠到期后按到期后的费率）+ 方案约定费用（服务费、提现费等）+ 每台终端流量费 + 每台终端押金（只计第一年）。目录中的数字是可编辑的示例，请以合同为准。',
      "First year = fees over the year after switching (each day at the rate then in force: period fees × 365 ÷ days; after a promotion ends, the later rate) + the plan's charges (service, payout fees …) + SIM fees per terminal + deposit per terminal (first year only). Catalogue figures are editable examples; your contract decides.",
    ),
  );
  return `${lines.join('\n')}\n`;
}
