import type { AuditReport, Finding, RateChange } from '../audit/report-types.js';
import {
  changeDaysText,
  channelCardName,
  formulaChangeText,
  rateChangeText,
  surchargeOf,
} from '../audit/render-table.js';
import { type AuditedPeriod, auditedPeriod } from '../audit/render-html.js';
import { FormulaSet } from '../audit/formula.js';
import { FROM_BANK_ACCOUNT_ZH } from '../audit/provider-debits.js';
import { isHeldMoney, owedOf } from '../audit/rebates.js';
import { formatFen } from '../money/fen.js';
import { formatRate, parseRate, percentageFee } from '../money/rate.js';
import { describeRule } from '../plans/describe-plan.js';
import { quoteFee } from '../plans/expected-fee.js';
import type { FeePlan, FeeRule } from '../plans/plan-types.js';
import { type CardType, type Channel, channelCardWords } from '../records/vocabulary.js';
import { addDays, localDateOf } from '../time/shanghai.js';
import { isDuplicateChargeEvidence } from './attach-diagnoses.js';
import { bandContains, changeInForce } from './change-shares.js';
import { moneyWord } from './render-diagnoses.js';
import { namedParties, planOf } from './report-parties.js';
import type { StatementParties } from './statement-parties.js';

export interface ComplaintOptions {
  /** The plan(s) the audit used: merchant, provider and contract rates come from here. */
  plans?: readonly FeePlan[];
  /** The letter's date, YYYY-MM-DD (Asia/Shanghai). */
  date: string;
  /** Days the provider is given to refund; 15 by default. */
  deadlineDays?: number;
  /** How many transactions to list by ref no; 10 by default. */
  top?: number;
  /** The letter's language: zh-CN (the one to send) by default, or an English rendering of the same letter. */
  lang?: 'zh' | 'en';
  /**
   * Who the statements and journals name in their title lines (statementParties), settlement files first: the
   * merchant's name and the provider's, for a letter whose plan does not name them.
   */
  parties?: readonly StatementParties[];
}

/** The facts the letter states, for tests and for the PDF's totals. */
export interface ComplaintFacts {
  merchant: string;
  merchantId: string;
  provider: string;
  /**
   * The fees due were inferred (the rates the provider itself charged before the change), not taken from a
   * contract: no plan governs the merchant, or every finding with a basis says `inferred`.
   */
  inferred: boolean;
  contractRates: string[];
  contractRatesEn: string[];
  /**
   * What was charged against what was due: each complained rate change, then each card/channel group overcharged
   * with no change of rate to explain it (charged more from the start), with the rate due and the rate charged.
   */
  chargedRates: string[];
  chargedRatesEn: string[];
  firstDate: string | undefined;
  lastDate: string | undefined;
  /**
   * The period the letter says was checked: the report's 核对期间 (auditedPeriod), so the pack states one period
   * — the trade dates of the sales the statements settle; without any, the findings' dates.
   */
  period: AuditedPeriod | undefined;
  transactions: number;
  overchargeFen: number;
  lossFen: number;
  /** What the provider's statements already gave back (rebate lines: 手续费返还…): the refund asked is the rest. */
  returnedFen: number;
  /**
   * The part of lossFen that is settled money the provider froze (资金冻结, isHeldMoney): the merchant's own money,
   * asked to be released (解冻), not a charge to be refunded.
   */
  heldFen: number;
  deadline: string;
  top: Finding[];
}

/** A channel and card for people: `贷记卡`, `闪付·贷记卡` / `credit card`, `NFC (credit card)`, `WeChat` — no codes. */
function channelCardText(channel: Channel, card: CardType, lang: 'zh' | 'en'): string {
  return lang === 'en' ? channelCardWords(channel, card).en : channelCardName(channel, card, 'zh');
}

/**
 * A complained rate change set against the contract: the contract's rule for the sales it explains (quoted for
 * the first of them) and the formula charged from the change on, e.g. `合同 0.60% → 实收 0.63% + 每笔 ¥3.00`. The
 * change's own before→after (0.63%→0.63%, 固定 ¥0.00→¥3.00) compares two charged formulas, not the contract.
 * Undefined without a contract rule to quote; `same` when what was charged is the contract's formula.
 */
function againstContract(
  c: RateChange,
  losing: readonly Finding[],
  plan: FeePlan | undefined,
): { zh: string; en: string } | 'same' | undefined {
  if (plan === undefined) return undefined;
  const ratePpm = parseRate(c.afterRate);
  if (!ratePpm.ok) return undefined;
  const sale = losing.find(
    (f) =>
      f.basis === 'plan' &&
      f.channel === c.channel &&
      f.card === c.card &&
      f.amountFen !== undefined &&
      changeInForce(c, dateOf(f)) &&
      bandContains(c.band, f.amountFen),
  );
  if (sale?.amountFen === undefined) return undefined;
  const quote = quoteFee(plan, {
    amountFen: Math.abs(sale.amountFen),
    channel: c.channel,
    card: c.card,
    date: dateOf(sale),
  });
  if (!quote.ok) return undefined;
  const due = quote.rule;
  const charged = {
    ratePpm: ratePpm.value,
    fixedFen: c.afterFixedFen,
    ...(c.afterCapFen === undefined ? {} : { capFen: c.afterCapFen }),
  };
  if (
    due.ratePpm === charged.ratePpm &&
    due.fixedFen === charged.fixedFen &&
    due.capFen === charged.capFen &&
    due.minFen === undefined
  )
    return 'same';
  // The contract's cap never applied: say so, or “0.55%” beside “0.55%，封顶 ¥20.00” reads like no difference.
  const uncapped = due.capFen !== undefined && charged.capFen === undefined;
  return {
    zh: `合同 ${formulaText(due, 'zh')} → 实收 ${formulaText(charged, 'zh')}${uncapped ? '，未执行封顶' : ''}`,
    en: `contract ${formulaText(due, 'en')} → charged ${formulaText(charged, 'en')}${uncapped ? ', no cap applied' : ''}`,
  };
}

/**
 * When a complained change held, as the report's table words it: a lasting change “2026-10-21 起” / “from
 * 2026-10-21”; an episode (charged so, then reverted) “2026-11-20 当天” / “on 2026-11-20 only”, or “2026-11-20 至
 * 2026-11-22 期间” / “from 2026-11-20 to 2026-11-22” — never “起”, which would claim it still holds.
 */
function letterDays(c: RateChange, lang: 'zh' | 'en'): string {
  if (c.until === undefined) return lang === 'en' ? `from ${c.date}` : `${c.date} 起`;
  const days = changeDaysText(c, lang);
  return lang === 'zh' && c.until !== c.date ? `${days} 期间` : days;
}

/**
 * A change's before → after when no contract governs. The days lead the line (letterDays), so an episode's end is
 * not repeated; a surcharge episode reads as the headline words it, “每笔加收 ¥3.00”.
 */
function letterChangeText(c: RateChange, lang: 'zh' | 'en'): string {
  if (c.until === undefined) return rateChangeText(c, lang);
  const surcharge = surchargeOf(c);
  if (surcharge === undefined) return formulaChangeText(c, lang);
  return lang === 'en' ? `${formatFen(surcharge)} extra per sale` : `每笔加收 ${formatFen(surcharge)}`;
}

const dateOf = (f: Finding) => (f.time !== undefined ? localDateOf(f.time) : (f.settleDate ?? ''));

const defined = <T>(x: T | undefined): x is T => x !== undefined;

/** A finding of settled money frozen (资金冻结): held by the provider, not taken. */
const isHeld = (f: Finding) => f.kind === 'unplanned_deduction' && isHeldMoney(f.label);

/** A fee formula in words, without its channel: `0.55%，封顶 ¥20.00` / `0.60% + ¥3.00 per transaction`. */
function formulaText(
  f: { ratePpm: number; fixedFen: number; capFen?: number | undefined; minFen?: number | undefined },
  lang: 'zh' | 'en',
): string {
  const comma = lang === 'en' ? ', ' : '，';
  let text = formatRate(f.ratePpm);
  if (f.capFen !== undefined) text += `${comma}${lang === 'en' ? 'cap' : '封顶'} ${formatFen(f.capFen)}`;
  if (f.fixedFen !== 0)
    text +=
      lang === 'en' ? ` + ${formatFen(f.fixedFen)} per transaction` : ` + 每笔 ${formatFen(f.fixedFen)}`;
  if (f.minFen !== undefined) text += `${comma}${lang === 'en' ? 'minimum' : '最低'} ${formatFen(f.minFen)}`;
  return text;
}

/** A rule's amount band, after the channel it prices: `（≤ ¥1,000.00）` / ` (> ¥1,000.00)`; '' for every amount. */
function ruleBand(rule: FeeRule | undefined, lang: 'zh' | 'en'): string {
  const bounds = [
    rule?.minAmountFen === undefined ? '' : `> ${formatFen(rule.minAmountFen)}`,
    rule?.maxAmountFen === undefined ? '' : `≤ ${formatFen(rule.maxAmountFen)}`,
  ].filter((x) => x !== '');
  if (bounds.length === 0) return '';
  return lang === 'en' ? ` (${bounds.join(', ')})` : `（${bounds.join('，')}）`;
}

/**
 * The findings a complained rate change explains, as diagnosis pairs them: same channel and card, on the change's
 * days (changeInForce: from its date on, an episode only until it ended), in its amount band; a sale the contract
 * caps and the provider charged uncapped is the cap's unless the change is one of the cap.
 */
function explainedByChange(f: Finding, changes: readonly RateChange[], capIgnored: boolean): boolean {
  const d = dateOf(f);
  return changes.some(
    (c) =>
      c.channel === f.channel &&
      c.card === f.card &&
      changeInForce(c, d) &&
      (f.amountFen === undefined || bandContains(c.band, f.amountFen)) &&
      !(capIgnored && c.beforeCapFen === c.afterCapFen),
  );
}

/**
 * Fees charged above what was due with no change of rate to explain them (the rate was wrong from the start): per
 * channel/card and contract rule, the rate due (the plan's rule; without one, what the provider charged before)
 * and the rate charged, both read from the findings' amounts and fees, e.g. `贷记卡：合同费率 0.60%，实收 0.63%`.
 */
function rateGaps(
  losing: readonly Finding[],
  complained: readonly RateChange[],
  plan: FeePlan | undefined,
): { zh: string; en: string }[] {
  interface Group {
    channel: NonNullable<Finding['channel']>;
    card: NonNullable<Finding['card']>;
    rule: FeeRule | undefined;
    findings: Finding[];
  }
  const groups = new Map<string, Group>();
  for (const f of losing) {
    // A fee kept on a voided sale is no matter of rate: nothing was due at any rate.
    if (f.kind !== 'fee_overcharge' || f.cancelledBy !== undefined) continue;
    const { channel, card, amountFen, chargedFeeFen } = f;
    if (channel === undefined || card === undefined || amountFen === undefined || chargedFeeFen === undefined)
      continue;
    if (amountFen <= 0 || chargedFeeFen < 0) continue;
    const quote =
      plan === undefined || f.basis === 'inferred'
        ? undefined
        : quoteFee(plan, { amountFen, channel, card, date: dateOf(f) });
    const rule = quote?.ok === true ? quote.rule : undefined;
    const capIgnored =
      quote?.ok === true &&
      quote.capApplied &&
      plan !== undefined &&
      chargedFeeFen + 1 >= percentageFee(amountFen, quote.rule.ratePpm, plan.rounding);
    if (explainedByChange(f, complained, capIgnored)) continue;
    const key = `${channel}|${card}|${quote?.ok === true ? `${quote.period.index}.${quote.rule.index}` : ''}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { channel, card, rule, findings: [f] });
    else group.findings.push(f);
  }
  const out: { zh: string; en: string }[] = [];
  for (const g of groups.values()) {
    const fs = [...g.findings].sort((a, b) => dateOf(a).localeCompare(dateOf(b)));
    const formulaOf = (fee: (f: Finding) => number | undefined) =>
      FormulaSet.fromLines(
        fs.flatMap((f) => {
          const feeFen = fee(f);
          return f.amountFen === undefined || feeFen === undefined || feeFen < 0
            ? []
            : [{ amountFen: f.amountFen, feeFen }];
        }),
      ).best();
    const charged = formulaOf((f) => f.chargedFeeFen);
    // Without the plan's rule, the formula of the fees due as the audit computed them.
    const dueFormula = g.rule === undefined ? formulaOf((f) => f.expectedFeeFen) : undefined;
    const due =
      g.rule ??
      (dueFormula === undefined
        ? undefined
        : { ratePpm: dueFormula.ratePpm(), fixedFen: dueFormula.fixedFen, capFen: dueFormula.capFen });
    // What the fees due are: the contract's rule; without one, what the provider charged before (a letter with no
    // plan) or simply the fees due as the audit computed them.
    const dueLabelZh = g.rule !== undefined ? '合同费率' : plan === undefined ? '此前实收' : '应收';
    const dueLabelEn = g.rule !== undefined ? 'contract rate' : plan === undefined ? 'charged before' : 'due';
    const inferred = g.rule === undefined && plan === undefined;
    const sum = (pick: (f: Finding) => number | undefined) => fs.reduce((a, f) => a + (pick(f) ?? 0), 0);
    const chargedText = (lang: 'zh' | 'en') => {
      if (charged === undefined)
        // Fees no single formula explains: the money, not a rate.
        return lang === 'en'
          ? `${formatFen(sum((f) => f.chargedFeeFen))} in fees where ${formatFen(sum((f) => f.expectedFeeFen))} was due`
          : `手续费 ${formatFen(sum((f) => f.chargedFeeFen))}（应收 ${formatFen(sum((f) => f.expectedFeeFen))}）`;
      const text = formulaText(
        { ratePpm: charged.ratePpm(), fixedFen: charged.fixedFen, capFen: charged.capFen },
        lang,
      );
      // The contract's cap never applied: say so, or "0.55%" beside "0.55%, cap ¥20.00" reads like no difference.
      const uncapped = due?.capFen !== undefined && charged.capFen === undefined;
      return uncapped ? `${text}${lang === 'en' ? ', no cap applied' : '，未执行封顶'}` : text;
    };
    const dueZh = due === undefined ? undefined : formulaText(due, 'zh');
    const dueEn = due === undefined ? undefined : formulaText(due, 'en');
    const chargedZh = chargedText('zh');
    const chargedEn = chargedText('en');
    const joinZh = `${dueZh ?? ''}${chargedZh}`.includes('，') ? '；' : '，';
    const joinEn = `${dueEn ?? ''}${chargedEn}`.includes(',') ? '; ' : ', ';
    const first = dateOf(fs[0] as Finding);
    const last = dateOf(fs.at(-1) as Finding);
    const over = formatFen(sum((f) => f.overchargeFen));
    const n = fs.length;
    const zhWhen = first === last ? first : `${first} 至 ${last}`;
    const enWhen = first === last ? first : `${first} to ${last}`;
    out.push({
      zh: `${channelCardText(g.channel, g.card, 'zh')}${ruleBand(g.rule, 'zh')}：${
        dueZh === undefined ? '' : `${dueLabelZh} ${dueZh}${joinZh}`
      }${inferred && dueZh !== undefined ? '现实收' : '实收'} ${chargedZh}（${n} 笔，${zhWhen}，多扣 ${over}）`,
      en: `${channelCardText(g.channel, g.card, 'en')}${ruleBand(g.rule, 'en')}: ${
        dueEn === undefined ? '' : `${dueLabelEn} ${dueEn}${joinEn}`
      }${inferred && dueEn !== undefined ? 'now' : 'charged'} ${chargedEn} (${n} ${n === 1 ? 'transaction' : 'transactions'}, ${enWhen}, ${over} overcharged)`,
    });
  }
  return out;
}

/**
 * The report narrowed to one merchant: its findings, rate changes, diagnoses and summary. A letter in one
 * merchant's name states that merchant's losses only.
 */
export function merchantReport(report: AuditReport, merchantId: string): AuditReport {
  const own = report.merchants.find((m) => m.merchantId === merchantId);
  const findings = report.findings.filter((f) => (f.merchantId ?? '') === merchantId);
  const summary = own?.summary ?? {
    ...report.summary,
    overchargeFen: findings.reduce((a, f) => a + f.overchargeFen, 0),
    lossFen: findings.reduce((a, f) => a + f.lossFen, 0),
  };
  return {
    ...report,
    summary,
    merchants: own === undefined ? [] : [own],
    findings,
    rateChanges: report.rateChanges.filter((c) => (c.merchantId ?? '') === merchantId),
    ...(report.diagnoses === undefined
      ? {}
      : { diagnoses: report.diagnoses.filter((d) => (d.merchantId ?? '') === merchantId) }),
  };
}

/** The facts of a complaint about the report's losses (findings with money at stake). */
export function complaintFacts(report: AuditReport, options: ComplaintOptions): ComplaintFacts {
  const ids = report.merchants.map((m) => m.merchantId).filter((m) => m !== '');
  const plans = options.plans ?? [];
  const planned = planOf(plans, ids.length === 1 ? ids[0] : undefined);
  // A plan in the pack may be another merchant's (an agent's --plans folder with plans for some merchants
  // only): the findings' basis says whether this merchant's fees were checked against a contract at all.
  const based = report.findings.filter((f) => f.basis !== undefined);
  const inferred = planned === undefined || (based.length > 0 && based.every((f) => f.basis === 'inferred'));
  const plan = inferred ? undefined : planned;
  const losing = report.findings.filter((f) => f.lossFen > 0);
  const dates = losing
    .map(dateOf)
    .filter((d) => d !== '')
    .sort();
  const contractRates: string[] = [];
  const contractRatesEn: string[] = [];
  // The contract rates in force while the money was taken (a promotion the provider ended early is quoted as
  // the promotion, not as the standard rate that follows it); without dated losses, the latest period.
  const first = dates[0];
  const last = dates.at(-1);
  const inForce =
    plan === undefined || first === undefined || last === undefined
      ? []
      : plan.periods
          .filter((p) => p.from <= last && (p.until === undefined || p.until >= first))
          .filter((p) => !plan.periods.some((q) => q !== p && q.from > p.from && q.from <= first))
          .sort((a, b) => a.from.localeCompare(b.from));
  const periods = inForce.length > 0 ? inForce : (plan?.periods.slice(-1) ?? []);
  for (const period of periods) {
    const when =
      periods.length === 1
        ? ''
        : `${period.from} 起${period.until === undefined ? '' : `至 ${period.until}`}：`;
    const whenEn =
      periods.length === 1
        ? ''
        : `from ${period.from}${period.until === undefined ? '' : ` to ${period.until}`}: `;
    for (const r of period.rates) {
      contractRates.push(`${when}${describeRule(r, 'zh')}`);
      contractRatesEn.push(`${whenEn}${describeRule(r, 'en')}`);
    }
  }
  // Changes the contract foresaw (a promotion ending on its date) are the contract, not a complaint; one it
  // foresaw but charged before its notice had run is.
  const complained = report.rateChanges.filter((c) => c.inPlan !== true || c.noticeHonoured === false);
  const chargedRates: string[] = [];
  const chargedRatesEn: string[] = [];
  for (const c of complained) {
    // Under 与合同不符 each change reads contract → charged; without a contract (inferred) its before → after.
    const versus = againstContract(c, losing, plan);
    if (versus === 'same') continue;
    chargedRates.push(
      `${letterDays(c, 'zh')} ${channelCardText(c.channel, c.card, 'zh')}${c.band === 'all' ? '' : `（${c.band} 元）`}：${versus?.zh ?? letterChangeText(c, 'zh')}`,
    );
    chargedRatesEn.push(
      `${letterDays(c, 'en')}, ${channelCardText(c.channel, c.card, 'en')}${c.band === 'all' ? '' : ` (${c.band} yuan)`}: ${versus?.en ?? letterChangeText(c, 'en')}`,
    );
  }
  for (const gap of rateGaps(losing, complained, plan)) {
    chargedRates.push(gap.zh);
    chargedRatesEn.push(gap.en);
  }
  const top = [...losing]
    .sort((a, b) => b.lossFen - a.lossFen || dateOf(a).localeCompare(dateOf(b)) || a.id.localeCompare(b.id))
    .slice(0, options.top ?? 10);
  const named = namedParties(ids, plans, options.parties ?? []);
  return {
    merchant: named.merchant ?? (options.lang === 'en' ? '(merchant name)' : '（商户名称）'),
    merchantId:
      ids.length === 1
        ? (ids[0] ?? '')
        : (planned?.merchantId ??
          (ids.length > 0
            ? ids.join(options.lang === 'en' ? ', ' : '、')
            : options.lang === 'en'
              ? '(merchant no.)'
              : '（商户号）')),
    provider: named.provider ?? (options.lang === 'en' ? 'the acquirer' : '收单机构'),
    inferred,
    contractRates,
    contractRatesEn,
    chargedRates,
    chargedRatesEn,
    firstDate: dates[0],
    lastDate: dates.at(-1),
    period: auditedPeriod(report),
    transactions: losing.length,
    overchargeFen: report.summary.overchargeFen,
    lossFen: report.summary.lossFen,
    // What makes good part of the loss: a deposit returned or a cashback is not a refund of what was taken.
    returnedFen: owedOf(report.summary).offsetFen,
    heldFen: losing.filter(isHeld).reduce((a, x) => a + x.lossFen, 0),
    deadline: addDays(options.date, options.deadlineDays ?? 15),
    top,
  };
}

/**
 * A zh-CN complaint letter to the provider's customer service, with the refund asked and the escalation path
 * (`lang: 'en'`: the same letter in English, for the merchant's or agent's own reading).
 */
export function complaintLetter(report: AuditReport, options: ComplaintOptions): string {
  const en = options.lang === 'en';
  const t = (zh: string, english: string): string => (en ? english : zh);
  const f = complaintFacts(report, options);
  // Money frozen (资金冻结) is the merchant's own, held: asked to be released, never called a charge to refund.
  const held = f.heldFen > 0;
  const onlyHeld = held && f.heldFen === f.lossFen;
  // Without a plan nothing shows whether a deduction was agreed or announced: the provider is asked to show it.
  const unproven =
    f.inferred &&
    report.findings.some((x) => x.kind === 'unplanned_deduction' && x.lossFen > 0 && !isHeld(x));
  // Sales that look charged twice are the cardholder's money, if anything (lossFen 0): never part of the refund.
  const duplicates = report.findings.filter((x) => x.kind === 'suspected_duplicate_charge');
  const lines: string[] = [];
  lines.push(t(`致 ${f.provider} 客户服务部：`, `To the customer service of ${f.provider}:`), '');
  lines.push(
    onlyHeld
      ? t(
          `关于商户“${f.merchant}”（商户号 ${f.merchantId}）结算款被冻结的投诉与解冻申请`,
          `Complaint and request for release: settled money frozen for merchant "${f.merchant}" (merchant no. ${f.merchantId})`,
        )
      : f.lossFen > 0
        ? t(
            `关于商户“${f.merchant}”（商户号 ${f.merchantId}）手续费多扣${held ? '、结算差错及结算款冻结' : '及结算差错'}的投诉与退款申请`,
            `Complaint and refund request: fees overcharged${held ? ', settlement errors and settled money frozen' : ' and settlement errors'} for merchant "${f.merchant}" (merchant no. ${f.merchantId})`,
          )
        : t(
            `关于商户“${f.merchant}”（商户号 ${f.merchantId}）收单对账核对情况的函`,
            `Reconciliation of merchant "${f.merchant}" (merchant no. ${f.merchantId})`,
          ),
    '',
  );
  const contract = en ? f.contractRatesEn : f.contractRates;
  if (onlyHeld) {
    // Money frozen alone is no matter of fees: no rates to state.
  } else if (f.inferred) {
    // Nothing here came from a contract: the fees due are what the provider itself charged before.
    lines.push(
      t(
        '本函所列应收手续费均按贵司此前实际收取的费率计算（即贵司调价前对本商户实际执行的费率）。',
        'The fees due in this letter are computed at the rates you yourself charged us before the change.',
      ),
    );
  } else if (contract.length > 0) {
    lines.push(
      t(
        '本商户与贵司签订的收单服务合同约定的手续费为：',
        'The acquiring contract between us sets these fees:',
      ),
    );
    for (const r of contract) lines.push(`  · ${r}`);
  } else {
    lines.push(
      t(
        '本商户与贵司签订的收单服务合同约定了手续费率（见附件费率方案）。',
        'The acquiring contract between us sets the fee rates (see the attached fee plan).',
      ),
    );
  }
  if (!onlyHeld) lines.push('');
  const sources = report.files.map((x) => x.kind);
  const what = [
    sources.includes('settlement') ? t('贵司出具的结算单', 'your settlement statements') : '',
    sources.includes('terminal') ? t('终端交易流水', 'the terminal journal') : '',
    sources.includes('bank') ? t('银行入账流水', 'the bank credits') : '',
  ].filter(Boolean);
  const checked =
    what.length === 0
      ? t('交易记录', 'the transaction records')
      : en && what.length > 1
        ? `${what.slice(0, -1).join(', ')} and ${what.at(-1) ?? ''}`
        : what.join('、');
  // The period is the report's 核对期间, worded as it is there, so the letter and report.html state one period.
  const p = f.period ?? {
    from: f.firstDate ?? '',
    to: f.lastDate ?? f.firstDate ?? '',
    basis: 'findings' as const,
  };
  const periodZh = `${p.from} 至 ${p.to}（${p.basis === 'sales' ? '对账单中已结算交易的交易日期' : '问题交易的日期'}）`;
  const periodEn = `${p.from} to ${p.to} (${p.basis === 'sales' ? 'trade dates of the sales the statements settle' : 'dates of the findings'})`;
  lines.push(
    f.firstDate === undefined
      ? t(`经逐笔核对${checked}，未发现损失。`, `Having checked ${checked} line by line, we found no loss.`)
      : onlyHeld
        ? t(
            `经逐笔核对${checked}，核对期间 ${periodZh}，共 ${f.transactions} 笔结算款被贵司冻结，合计 ${formatFen(f.heldFen)}。`,
            `Having checked ${checked} line by line over ${periodEn}: you froze ${formatFen(f.heldFen)} of our settled money on ${f.transactions} ${f.transactions === 1 ? 'line' : 'lines'}.`,
          )
        : t(
            `经逐笔核对${checked}，核对期间 ${periodZh}，共 ${f.transactions} 笔交易/款项${f.inferred ? '多扣手续费或结算有误' : '与合同不符'}${held ? '或结算款被冻结' : ''}，合计多收手续费 ${formatFen(f.overchargeFen)}，合计损失 ${formatFen(f.lossFen)}${held ? `（其中被冻结的结算款 ${formatFen(f.heldFen)}）` : ''}。`,
            `Having checked ${checked} line by line over ${periodEn}: ${f.transactions} ${
              f.transactions === 1
                ? `transaction or payout ${f.inferred ? 'was overcharged or settled wrong' : 'does not follow the contract'}${held ? ' or had its settled money frozen' : ''}`
                : `transactions or payouts ${f.inferred ? 'were overcharged or settled wrong' : 'do not follow the contract'}${held ? ' or had their settled money frozen' : ''}`
            }; ${formatFen(f.overchargeFen)} in fees overcharged, ${formatFen(f.lossFen)} lost in all${held ? ` (${formatFen(f.heldFen)} of it settled money frozen)` : ''}.`,
          ),
  );
  const charged = en ? f.chargedRatesEn : f.chargedRates;
  if (charged.length > 0) {
    lines.push(
      f.inferred
        ? t(
            '贵司实际收取的费率较此前发生了变化：',
            'The rates you actually charged changed from those you charged before:',
          )
        : t('贵司实际收取的费率与合同不符：', 'The rates you actually charged differ from the contract:'),
    );
    for (const r of charged) lines.push(`  · ${r}`);
  }
  const diagnoses = (report.diagnoses ?? []).filter((d) => d.lossFen > 0);
  if (diagnoses.length > 0) {
    lines.push('', t('主要问题：', 'Main problems:'));
    diagnoses.forEach((d, i) => {
      lines.push(
        `  ${i + 1}. ${t(`${d.title}（${moneyWord(d, 'zh')} ${formatFen(d.lossFen)}）`, `${d.titleEn} (${formatFen(d.lossFen)} ${d.cause === 'money_frozen' ? 'held' : 'lost'})`)}`,
      );
      // Suspected duplicate charges are told apart below: the money at stake there is no loss of the merchant's.
      const evidence = (en ? d.evidenceEn : d.evidence).filter((e) => !isDuplicateChargeEvidence(e));
      for (const e of evidence.slice(0, 2)) lines.push(`     ${e}`);
    });
  }
  if (f.top.length > 0) {
    // Ranked by the money lost on each, largest first; each named by its 参考号 where it has one.
    const byRef = f.top.every((x) => x.refNo !== undefined);
    // Money frozen is listed as held, not lost.
    const heldTop = f.top.filter(isHeld).length;
    const n = f.top.length;
    lines.push(
      '',
      heldTop === n
        ? t(
            `被冻结金额最大的 ${n} 笔（按冻结金额从大到小${byRef ? '，以参考号标识' : ''}）：`,
            `${n === 1 ? 'The largest sum frozen' : `The ${n} largest sums frozen, largest first`}${byRef ? ' (by reference number)' : ''}:`,
          )
        : heldTop > 0
          ? t(
              `损失（含冻结款）金额最大的 ${n} 笔（按金额从大到小${byRef ? '，以参考号标识' : ''}）：`,
              `The ${n} largest losses and sums frozen, largest first${byRef ? ' (by reference number)' : ''}:`,
            )
          : t(
              `损失金额最大的 ${n} 笔（按损失从大到小${byRef ? '，以参考号标识' : ''}）：`,
              `${n === 1 ? 'The largest loss' : `The ${n} largest losses, largest first`}${byRef ? ' (by reference number)' : ''}:`,
            ),
    );
    for (const x of f.top) {
      const label = /“([^”]*)”/.exec(x.message)?.[1];
      // A sale with neither number (a cashier's export) is named by the line the finding cites; a deduction or a
      // payout day by its settlement day.
      const at = label === undefined && x.time !== undefined ? x.source[0] : undefined;
      const key =
        x.refNo !== undefined
          ? t(`参考号 ${x.refNo}`, `ref ${x.refNo}`)
          : x.orderNo !== undefined
            ? t(`订单号 ${x.orderNo}`, `order ${x.orderNo}`)
            : at !== undefined
              ? t(`${at.file} 第 ${at.row} 行`, `${at.file} row ${at.row}`)
              : undefined;
      const line =
        key !== undefined
          ? `${key}  ${dateOf(x)}`
          : // A charge debited from the bank account has a bank date, no settlement day.
            `${x.message.includes(FROM_BANK_ACCOUNT_ZH) ? t('银行扣款日', 'debited from the bank') : t('结算日', 'settled')} ${x.settleDate ?? dateOf(x)}${label === undefined ? '' : t(`  扣款“${label}”`, `  deduction "${label}"`)}`;
      const amount =
        x.amountFen === undefined || key === undefined
          ? ''
          : `  ${t('金额', 'amount')} ${formatFen(x.amountFen)}`;
      lines.push(
        `  ${line}${x.terminalId === undefined ? '' : `  ${t('终端', 'terminal')} ${x.terminalId}`}${amount}  ${isHeld(x) ? t('冻结', 'held') : t('损失', 'lost')} ${formatFen(x.lossFen)}`,
      );
    }
  }
  if (duplicates.length > 0) {
    const n = duplicates.length;
    const amount = formatFen(duplicates.reduce((a, x) => a + Math.abs(x.amountFen ?? 0), 0));
    const refs = duplicates.flatMap((x) => (x.refNo === undefined ? [] : [x.refNo]));
    const shown = refs.slice(0, 10);
    const refsZh =
      shown.length === 0 ? '' : `，参考号 ${shown.join('、')}${refs.length > shown.length ? ' 等' : ''}`;
    const refsEn =
      shown.length === 0 ? '' : `, ref ${shown.join(', ')}${refs.length > shown.length ? ' …' : ''}`;
    lines.push(
      '',
      t(
        `另有 ${n} 笔交易疑似重复刷卡（同一终端、同一付款人、同一金额，间隔很短），交易金额共 ${amount}${refsZh}。如确属重复扣款，多扣的是持卡人的钱：请贵司核实，确属重复的，退还持卡人。这些交易不是本商户的损失，不计入本函请求退还的金额。`,
        `We also found ${n} suspected duplicate ${n === 1 ? 'charge' : 'charges'} (same terminal, payer and amount, moments apart), ${amount} in all${refsEn}. A charge made twice takes the cardholder's money: please check them and refund the cardholder where one was a duplicate. They are no loss of ours and are not part of the sum this letter asks for.`,
      ),
    );
  }
  // Suspected duplicates were told above as the cardholder's matter, not as differences in what we were paid.
  const issues = report.findings.filter(
    (x) => x.kind !== 'fee_undercharge' && x.kind !== 'suspected_duplicate_charge',
  ).length;
  lines.push(
    '',
    t(
      '完整明细见附件 findings.csv 与 report.pdf / report.html；附件 manifest.json 列出了全部原始文件及其 SHA-256 校验值，可据此核验文件未被改动。',
      'The full detail is in the attached findings.csv and report.pdf / report.html; the attached manifest.json lists every original file with its SHA-256, to check that none was altered.',
    ),
    '',
  );
  // The provider gave part back on its statements: the letter asks for the rest only. What came back may be a
  // deposit or a flow fee as well as fees, so the letter names the rebate lines, not one kind of them.
  const owedFen = Math.max(0, f.lossFen - f.returnedFen);
  if (f.lossFen > 0 && f.returnedFen > 0)
    lines.push(
      t(
        `其中贵司已在结算中返还 ${formatFen(f.returnedFen)}（见结算单中的${held ? '返还/解冻' : '返还'}记录），尚欠 ${formatFen(owedFen)}。`,
        `You have given back ${formatFen(f.returnedFen)} of it on your statements (see their ${held ? 'rebate and release' : 'rebate'} lines); ${formatFen(owedFen)} is still owed.`,
      ),
      '',
    );
  if (f.lossFen > 0) {
    lines.push(
      t('现请求贵司：', 'We ask you to:'),
      onlyHeld
        ? owedFen > 0
          ? t(
              '  一、书面说明上述结算款被冻结的原因及解冻日期；',
              '  1. explain in writing why this settled money was frozen and on what date it will be released;',
            )
          : t(
              '  一、书面说明上述结算款被冻结的原因；',
              '  1. explain in writing why this settled money was frozen;',
            )
        : unproven
          ? t(
              '  一、核实上述交易，书面说明多扣及差错的原因；对上述扣款，出示本商户同意该项收费的协议或事先发出的收费通知；',
              '  1. check these transactions and explain in writing why they were overcharged or wrong; for the deductions above, show the agreement by which we accepted the charge or the fee notice you gave us beforehand;',
            )
          : t(
              '  一、核实上述交易，书面说明多扣及差错的原因；',
              '  1. check these transactions and explain in writing why they were overcharged or wrong;',
            ),
      owedFen > 0
        ? onlyHeld
          ? t(
              `  二、于 ${f.deadline} 前将尚未解冻的结算款 ${formatFen(owedFen)} 解冻并打款至本商户的结算账户；`,
              `  2. release the ${formatFen(owedFen)} of settled money still frozen and pay it into our settlement account by ${f.deadline};`,
            )
          : held
            ? t(
                `  二、于 ${f.deadline} 前将多扣、少结及冻结的款项${f.returnedFen > 0 ? '尚欠部分' : '共计'} ${formatFen(owedFen)}（含被冻结而尚未解冻的结算款）退还或解冻打款至本商户的结算账户；`,
                `  2. refund or release ${formatFen(owedFen)} overcharged, short-settled or frozen${f.returnedFen > 0 ? ' and not yet given back' : ''} (settled money frozen and not yet released included) to our settlement account by ${f.deadline};`,
              )
            : t(
                `  二、于 ${f.deadline} 前将多扣及少结的款项${f.returnedFen > 0 ? '尚欠部分' : '共计'} ${formatFen(owedFen)} 退还至本商户的结算账户；`,
                `  2. refund ${formatFen(owedFen)} overcharged or short-settled${f.returnedFen > 0 ? ' and not yet given back' : ''} to our settlement account by ${f.deadline};`,
              )
        : t(
            '  二、书面确认上述款项已全部返还；',
            '  2. confirm in writing that all of it has been given back;',
          ),
      // Frozen money besides other losses: why and until when, apart from the refund of what was taken.
      ...(held && !onlyHeld
        ? [
            t(
              `  三、书面说明结算款 ${formatFen(f.heldFen)} 被冻结的原因及解冻日期，并按期解冻打款：冻结款是本商户的结算款，不是手续费或其他应付贵司的费用；`,
              `  3. explain in writing why ${formatFen(f.heldFen)} of our settled money was frozen and on what date it will be released, and release it then: it is our settlement money, not a fee or anything else owed to you;`,
            ),
          ]
        : []),
      onlyHeld
        ? t(
            '  三、今后如冻结本商户的结算款，请及时告知原因和预计解冻日期。',
            '  3. whenever you freeze our settled money, tell us at once why and on what date it will be released.',
          )
        : f.inferred
          ? t(
              `  ${held ? '四' : '三'}、恢复此前实际执行的费率和结算方式；今后如需调整，须提前书面通知。`,
              `  ${held ? 4 : 3}. restore the rates and settlement you applied before; give written notice before any change.`,
            )
          : t(
              `  ${held ? '四' : '三'}、恢复合同约定的费率和结算方式；今后如需调整，须按合同约定提前书面通知。`,
              `  ${held ? 4 : 3}. restore the contract rates and settlement; give written notice, as the contract requires, before any change.`,
            ),
      '',
      t(
        `如贵司未在 ${f.deadline} 前处理或答复，本商户将向中国人民银行投诉（金融消费者投诉咨询电话 12363，支付结算类投诉），银联卡交易同时向中国银联投诉（客服电话 95516）。`,
        `If this is not resolved or answered by ${f.deadline}, we will complain to the People's Bank of China (financial consumer hotline 12363, payment and settlement) and, for UnionPay card transactions, to China UnionPay (95516).`,
      ),
    );
  } else if (issues > 0) {
    // Differences without money lost (late or duplicate settlement …): an explanation is asked, no refund.
    lines.push(
      t(
        `核对中发现 ${issues} 项结算差错（未造成资金损失），见附件明细。`,
        `The check found ${issues} settlement ${issues === 1 ? 'difference' : 'differences'} (no money lost); see the attached detail.`,
      ),
      t(
        `现请求贵司于 ${f.deadline} 前核实并书面说明原因，今后按合同约定结算。`,
        `We ask you to check them and explain in writing by ${f.deadline}, and to settle as the contract says.`,
      ),
    );
  } else {
    lines.push(
      t(
        '核对结果：未发现多扣手续费或结算差错。本函仅作核对记录，无退款请求。',
        'Result: no fee overcharged and no settlement error found. This letter is a record of the check; no refund is asked.',
      ),
    );
  }
  lines.push(
    '',
    t('此致', 'Yours faithfully,'),
    '',
    `${t('商户：', 'Merchant: ')}${f.merchant}`,
    `${t('商户号：', 'Merchant no.: ')}${f.merchantId}`,
    `${t('日期：', 'Date: ')}${options.date}`,
    '',
  );
  return lines.join('\n');
}

/**
 * One letter per merchant that lost money (each in its own name, with its own plan, findings and totals); a
 * report for one merchant, or one where no merchant lost money, gets a single letter over the whole report.
 * Each comes in zh-CN (`letter`, the one to send) and English (`letterEn`).
 */
export function complaintLetters(
  report: AuditReport,
  options: ComplaintOptions,
): { merchantId: string | undefined; letter: string; letterEn: string }[] {
  const both = (r: AuditReport, parties = options.parties ?? []) => ({
    letter: complaintLetter(r, { ...options, parties, lang: 'zh' }),
    letterEn: complaintLetter(r, { ...options, parties, lang: 'en' }),
  });
  const ids = [...new Set(report.merchants.map((m) => m.merchantId).filter((m) => m !== ''))];
  if (ids.length <= 1) return [{ merchantId: ids[0], ...both(report) }];
  const losing = ids.filter((id) => report.findings.some((f) => f.merchantId === id && f.lossFen > 0));
  if (losing.length === 0) return [{ merchantId: undefined, ...both(report) }];
  // A file's title speaks for one merchant of several only when it names that merchant's number; a provider
  // every file agrees on is every merchant's.
  const parties = options.parties ?? [];
  const providers = new Set(parties.map((p) => p.provider).filter(defined));
  const shared: StatementParties[] =
    providers.size === 1 ? [{ kind: 'settlement', provider: [...providers][0] ?? '' }] : [];
  return losing.map((id) => ({
    merchantId: id,
    ...both(merchantReport(report, id), [...parties.filter((p) => p.merchantId === id), ...shared]),
  }));
}
