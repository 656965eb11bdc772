import { formatFen } from '../money/index.js';
import { dayNumber } from '../time/shanghai.js';
import type { Comparison, JumpRecord, PricedPlan } from './compare-plans.js';

type Lang = 'zh' | 'en';

/** `1 sale`, `2 sales`: English counts agree with their noun. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A 跳点 record in a few words: the findings and what they cost in all (as JSON's lossFen), the overcharge within. */
export function jumpWords(j: JumpRecord, lang: Lang): string {
  return lang === 'en'
    ? `${count(j.findings, 'finding', 'findings')}, lost ${formatFen(j.lossFen)} (fees overcharged ${formatFen(j.overchargeFen)})`
    : `${j.findings} 项，损失 ${formatFen(j.lossFen)}（其中多收手续费 ${formatFen(j.overchargeFen)}）`;
}

/** The history the plans were priced on, in one sentence: sales, refunds, terminals and the days annualised over. */
export function historyText(c: Comparison, lang: Lang): string {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  const h = c.history;
  const covered =
    h.period === null
      ? ''
      : t(
          `；按流水覆盖的 ${h.period.from} 至 ${h.period.to}（${h.period.days} 天）折算为一年`,
          `; annualised over the ${count(h.period.days, 'day', 'days')} the journals cover (${h.period.from} to ${h.period.to})`,
        );
  return t(
    `历史数据：${h.firstDate ?? '-'} 至 ${h.lastDate ?? '-'} 的 ${h.sales} 笔消费 ${formatFen(h.salesAmountFen)}，${h.refunds} 笔退货，${h.voided} 笔已撤销/冲正，${h.terminals} 台终端${covered}`,
    `History: ${count(h.sales, 'sale', 'sales')} ${formatFen(h.salesAmountFen)} from ${h.firstDate ?? '-'} to ${h.lastDate ?? '-'}, ${count(h.refunds, 'refund', 'refunds')}, ${h.voided} voided/reversed, ${count(h.terminals, 'terminal', 'terminals')}${covered}`,
  );
}

/** The ranking table's column names. */
export function rankingHeader(lang: Lang): string[] {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  return [
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
}

/** What the first-year cell adds to the amount: a later start, an incomplete total. */
export function planMarks(c: Comparison, p: PricedPlan, lang: Lang): string[] {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  return [
    ...(p.startDate > c.asOf ? [t(`${p.startDate} 起`, `starts ${p.startDate}`)] : []),
    ...(p.complete ? [] : [t('不完整', 'incomplete')]),
  ];
}

/** One plan's row of the ranking table, money as ¥1,234.56. */
export function rankingRow(c: Comparison, p: PricedPlan, lang: Lang): string[] {
  const marks = planMarks(c, p, lang);
  return [
    String(p.rank),
    p.provider,
    p.plan,
    p.settlement,
    formatFen(p.totalFen),
    formatFen(p.yearlyFeesFen),
    formatFen(p.yearlyChargesFen),
    formatFen(p.yearlySimFen),
    formatFen(p.depositFen),
    marks.length === 0
      ? formatFen(p.yearlyFen)
      : lang === 'en'
        ? `${formatFen(p.yearlyFen)} (${marks.join(', ')})`
        : `${formatFen(p.yearlyFen)}（${marks.join('，')}）`,
    p.jumpRecord === undefined ? '-' : jumpWords(p.jumpRecord, lang),
  ];
}

/** The notes under the table: plans that start later, leave days without a rate or sales unpriced. */
export function planNotes(c: Comparison, lang: Lang): string[] {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  const lines: string[] = [];
  for (const p of c.plans) {
    if (p.startDate > c.asOf) {
      const wait = dayNumber(p.startDate) - dayNumber(c.asOf);
      lines.push(
        t(
          `注意：${p.provider} 的方案 ${p.startDate} 才开始（换用日 ${c.asOf} 之后 ${wait} 天），此前无法按此方案办理；它的第一年从 ${p.startDate} 算起`,
          `note: ${p.provider}'s plan starts on ${p.startDate}, ${count(wait, 'day', 'days')} after the switch date ${c.asOf}; it cannot be had before then, and its first year is counted from ${p.startDate}`,
        ),
      );
    }
    if (p.uncoveredDays > 0) {
      lines.push(
        t(
          `注意：${p.provider} 的方案自 ${p.startDate} 起的一年中有 ${p.uncoveredDays} 天没有有效期内的费率（优惠已结束或方案已过期），这些天未计费，合计不完整`,
          `note: ${p.provider}'s plan has no period in force on ${count(p.uncoveredDays, 'day', 'days')} of the year from ${p.startDate} (the offer has ended); those days are not priced and its total is incomplete`,
        ),
      );
    }
    if (p.unpriced.count > 0) {
      lines.push(
        t(
          `注意：${p.provider} 的方案没有规则覆盖 ${p.unpriced.count} 笔（${formatFen(p.unpriced.amountFen)}），未计入，合计不完整，排在能完整计价的方案之后`,
          `note: no rule of ${p.provider}'s plan prices ${count(p.unpriced.count, 'sale', 'sales')} (${formatFen(p.unpriced.amountFen)}); left out, so its total is incomplete and ranked after the plans that price everything`,
        ),
      );
    }
  }
  return lines;
}

/** The 跳点 records of providers no catalogue plan matched (the merchant's own provider, often). */
export function unmatchedJumpRecords(c: Comparison): JumpRecord[] {
  return c.jumpRecords.filter(
    (j) => !c.plans.some((p) => p.jumpRecord?.names.some((n) => j.names.includes(n))),
  );
}

/** A 跳点 record no catalogue plan matched, in one sentence. */
export function unmatchedJumpText(j: JumpRecord, lang: Lang): string {
  const t = (zh: string, en: string): string => (lang === 'en' ? en : zh);
  return j.provider === undefined
    ? t(
        `您的收单机构在您数据中的跳点记录：${jumpWords(j, lang)}（结算单未写明服务商名称，无法与目录对应；可在 --plan 的方案中写 provider）`,
        `your provider's 跳点 record in your data: ${jumpWords(j, lang)} (the statements do not name the provider, so it cannot be matched to the catalogue; give it as provider in the --plan file)`,
      )
    : t(
        `您的数据中 ${j.provider} 的跳点记录：${jumpWords(j, lang)}（目录中无此服务商）`,
        `${j.provider}'s 跳点 record in your data: ${jumpWords(j, lang)} (not in the catalogue)`,
      );
}

/** How the first year is worked out, which days the journals cover, what a 跳点 record's loss is. */
export function comparisonFootnote(lang: Lang): string {
  return lang === 'en'
    ? "First year = fees over the year after switching (each day at the rate then in force: period fees × 365 ÷ the days the journals cover; after a promotion ends, the later rate) + the plan's charges (service fees; payout fees once per payout day of the plan's settlement cycle) + SIM fees per terminal + deposit per terminal (first year only). The days the journals cover: the dates their title states, else the whole calendar months they span — but a journal whose lines stop (or start) mid-month, silent for longer than the shop ever is between sales, covers only up to its last (from its first) line — and never past the export time its title gives, nor today. A 跳点 record's loss = fees overcharged + sales never settled + deductions not agreed and the like (JSON's lossFen; what posguard audit reports as loss). Catalogue figures are editable examples; your contract decides."
    : '第一年合计 = 换用后一年的手续费（按每天有效的费率，期间手续费 × 365 ÷ 流水覆盖的天数；优惠到期后按到期后的费率）+ 方案约定费用（服务费、提现费等，按结算周期的到账日计提现次数）+ 每台终端流量费 + 每台终端押金（只计第一年）。流水覆盖的天数：标题写明的日期范围，否则按流水所跨的整月——但流水在月中停止（或开始）、停顿比店里平时两笔之间最长的停顿还长时，只算到最后一笔（从第一笔算起）——且不晚于标题写明的导出时间，也不晚于今天。跳点记录的损失 = 多收的手续费 + 未结算的交易 + 未约定的扣费等（与 JSON 的 lossFen、posguard audit 报告的损失相同）。目录中的数字是可编辑的示例，请以合同为准。';
}

/** The comparison as a plain-text table (zh or en), cheapest first, with the history it was priced on. */
export function renderComparison(c: Comparison, lang: Lang): string {
  const lines: string[] = [historyText(c, lang)];
  for (const w of c.warnings) lines.push(lang === 'en' ? `warning: ${w.en}` : `注意：${w.zh}`);
  lines.push('');
  const head = rankingHeader(lang);
  const rows = c.plans.map((p) => rankingRow(c, p, lang));
  const width = (s: string): number =>
    [...s].reduce((w, ch) => w + ((ch.codePointAt(0) ?? 0) > 0x2e80 ? 2 : 1), 0);
  const cols = head.map((_, i) => Math.max(...[head, ...rows].map((r) => width(r[i] ?? ''))));
  const line = (r: string[]): string =>
    r
      .map((cell, i) => cell + ' '.repeat((cols[i] ?? 0) - width(cell)))
      .join('  ')
      .trimEnd();
  lines.push(line(head), ...rows.map(line));
  lines.push(...planNotes(c, lang));
  for (const j of unmatchedJumpRecords(c)) lines.push(unmatchedJumpText(j, lang));
  lines.push('', comparisonFootnote(lang));
  return `${lines.join('\n')}\n`;
}
