import type { Lang } from '../cli/lang.js';
import { changeShares } from '../explain/change-shares.js';
import { diagnosisLines } from '../explain/render-diagnoses.js';
import { formatFen } from '../money/fen.js';
import { parseRate } from '../money/rate.js';
import {
  CARD_NAMES_EN,
  CARD_NAMES_ZH,
  CHANNEL_NAMES_EN,
  CHANNEL_NAMES_ZH,
  type CardType,
  type Channel,
} from '../records/vocabulary.js';
import {
  type AuditReport,
  type AuditSummary,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  type RateChange,
} from './report-types.js';
import { isHeldMoney, owedOf } from './rebates.js';
import { warningIn } from './warning-text.js';

/** What each finding kind is called in a report, zh-CN and English. */
export const FINDING_KIND_NAMES: Record<FindingKind, { zh: string; en: string }> = {
  fee_overcharge: { zh: '多扣手续费', en: 'fee overcharged' },
  fee_undercharge: { zh: '少收手续费（仅提示）', en: 'fee undercharged (informational)' },
  amount_mismatch: { zh: '结算金额与流水不符', en: 'settled amount differs from the journal' },
  missing_settlement: { zh: '未结算', en: 'missing settlement' },
  unexpected_settlement: { zh: '流水中没有的结算', en: 'settlement not in the journal' },
  duplicate_settlement: { zh: '重复结算', en: 'duplicate settlement' },
  void_settled: { zh: '撤销/冲正后仍结算', en: 'voided or reversed but settled' },
  refund_fee_mismatch: { zh: '退货退费不符', en: 'refund fee mismatch' },
  suspected_duplicate_charge: { zh: '疑似重复刷卡', en: 'suspected duplicate charge' },
  unplanned_deduction: { zh: '方案外扣费', en: 'unplanned deduction' },
  late_settlement: { zh: '延迟结算', en: 'late settlement' },
  payout_mismatch: { zh: '到账不符', en: 'payout mismatch' },
  no_rule: { zh: '方案未覆盖', en: 'no plan rule' },
};

/** The input a check needs, and is skipped for a merchant without (merchant-audit.ts: JOURNAL_CHECKS, BANK_CHECKS, PLAN_CHECKS). */
export type SkipReason = 'journal' | 'bank' | 'plan';

const SKIP_REASONS: Partial<Record<FindingKind, SkipReason>> = {
  missing_settlement: 'journal',
  unexpected_settlement: 'journal',
  amount_mismatch: 'journal',
  void_settled: 'journal',
  payout_mismatch: 'bank',
  late_settlement: 'plan',
  refund_fee_mismatch: 'plan',
  no_rule: 'plan',
};

const SKIP_REASON_NAMES: Record<SkipReason, { zh: string; en: string }> = {
  journal: { zh: '缺少终端流水', en: 'no terminal journal' },
  bank: { zh: '缺少银行流水', en: 'no bank statement' },
  plan: { zh: '没有费率方案', en: 'no fee plan' },
};

/** Checks skipped for one reason: for every merchant (`merchantIds` absent), or for the merchants named. */
export interface SkippedChecks {
  /** Undefined for a check this renderer does not know the input of. */
  reason: SkipReason | undefined;
  checks: string[];
  merchantIds?: string[];
}

/**
 * A row of the per-merchant summaries that is no merchant: journal lines without a 商户号 that no statement's
 * merchant could take (unnamed-journal.ts), kept under '' and never set against a statement.
 */
export function isUnplacedJournal(m: AuditReport['merchants'][number]): boolean {
  return m.merchantId === '' && m.summary.settlementRecords === 0 && m.summary.terminalRecords > 0;
}

/**
 * The report's skipped checks, by reason: those skipped for every merchant (the summary's skippedChecks), then
 * those skipped for some merchants only (each merchant's skippedChecks), with the merchants. A check that ran for
 * one merchant is not “skipped”, and a finding of it must not sit beside a line saying it never ran.
 */
export function skippedCheckGroups(report: AuditReport): SkippedChecks[] {
  const reasonOf = (check: string) => SKIP_REASONS[check as FindingKind];
  const order = (r: SkipReason | undefined) => (r === undefined ? 3 : ['journal', 'bank', 'plan'].indexOf(r));
  const everywhere = new Set(report.summary.skippedChecks);
  const groups = new Map<string, SkippedChecks>();
  const add = (check: string, merchantIds?: string[]) => {
    const reason = reasonOf(check);
    const key = `${reason ?? ''}\u0000${merchantIds?.join('\u0000') ?? '*'}`;
    const group = groups.get(key) ?? {
      reason,
      checks: [],
      ...(merchantIds === undefined ? {} : { merchantIds }),
    };
    group.checks.push(check);
    groups.set(key, group);
  };
  for (const check of [...everywhere].sort()) add(check);
  const skippedFor = new Map<string, string[]>();
  for (const m of report.merchants)
    for (const check of m.summary.skippedChecks)
      if (!everywhere.has(check)) skippedFor.set(check, [...(skippedFor.get(check) ?? []), m.merchantId]);
  for (const [check, merchantIds] of [...skippedFor].sort((a, b) => a[0].localeCompare(b[0])))
    add(check, [...merchantIds].sort());
  return [...groups.values()].sort(
    (a, b) =>
      Number(a.merchantIds !== undefined) - Number(b.merchantIds !== undefined) ||
      order(a.reason) - order(b.reason) ||
      (a.merchantIds ?? []).join().localeCompare((b.merchantIds ?? []).join()),
  );
}

/**
 * Why a group of checks was skipped, in words: “缺少银行流水”, or for some merchants “商户 822100000000009 没有费率方案”.
 */
function skippedWhy(group: SkippedChecks, lang: Lang): string {
  const en = lang === 'en';
  const names = group.reason === undefined ? undefined : SKIP_REASON_NAMES[group.reason];
  const why = names === undefined ? (en ? 'an input missing' : '缺少相应文件') : en ? names.en : names.zh;
  if (group.merchantIds === undefined) return why;
  const shown = group.merchantIds
    .slice(0, 10)
    .map((m) => m || (en ? '(no merchant number)' : '（无商户号）'));
  const more = group.merchantIds.length - shown.length;
  return en
    ? `merchant(s) ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}: ${why}`
    : `商户 ${shown.join('、')}${more > 0 ? ` 等 ${group.merchantIds.length} 个` : ''} ${why}`;
}

/**
 * One group of skipped checks as a sentence: “未执行（缺少银行流水）：到账不符 (payout_mismatch)”, or for some
 * merchants “部分商户未执行：延迟结算 (late_settlement)（商户 822100000000009 没有费率方案）”.
 */
export function skippedChecksText(group: SkippedChecks, lang: Lang): string {
  const en = lang === 'en';
  const checks = group.checks
    .map((c) => {
      const name = (FINDING_KINDS as readonly string[]).includes(c) ? kindName(c as FindingKind, lang) : c;
      return `${name} (${c})`;
    })
    .join(en ? ', ' : '、');
  const why = skippedWhy(group, lang);
  if (group.merchantIds === undefined)
    return en ? `skipped (${why}): ${checks}` : `未执行（${why}）：${checks}`;
  return en ? `skipped for some merchants: ${checks} (${why})` : `部分商户未执行：${checks}（${why}）`;
}

/** The per-merchant row of journal lines no merchant took: “（无商户号，未核对：流水 12 条）”. */
export function unplacedJournalLabel(m: AuditReport['merchants'][number], lang: Lang): string {
  const n = m.summary.terminalRecords;
  return lang === 'en'
    ? `(no merchant number, not reconciled: ${n} journal line${n === 1 ? '' : 's'})`
    : `（无商户号，未核对：流水 ${n} 条）`;
}

/** The name of a finding kind in the report's language. */
export function kindName(kind: FindingKind, lang: Lang): string {
  const names = FINDING_KIND_NAMES[kind];
  return lang === 'en' ? names.en : names.zh;
}

/** What settled money the provider froze is called for people (see isFrozen). */
export const FROZEN_NAME = { zh: '资金冻结', en: 'money frozen' } as const;

/**
 * Whether a finding is settled money the provider froze (资金冻结, rebates.ts isHeldMoney): an unplanned_deduction
 * in the JSON and CSV contract, but no charge and no loss — the merchant's own money, paid once released (解冻).
 */
export function isFrozen(f: Pick<Finding, 'kind' | 'label'>): boolean {
  return f.kind === 'unplanned_deduction' && isHeldMoney(f.label);
}

/**
 * A finding's kind as people read it in a table: kindName, except that money frozen is called so (资金冻结 /
 * money frozen), never 方案外扣费 — the provider holds it, it took nothing.
 */
export function findingKindName(f: Pick<Finding, 'kind' | 'label'>, lang: Lang): string {
  return isFrozen(f) ? (lang === 'en' ? FROZEN_NAME.en : FROZEN_NAME.zh) : kindName(f.kind, lang);
}

/** A row of the by-kind tables: a finding kind, or money frozen counted apart from the deductions it is one of. */
export interface KindRow {
  name: string;
  count: number;
  overchargeFen: number;
  /** Money lost; money frozen is held, not lost, and counts under heldFen instead. */
  lossFen: number;
  heldFen: number;
}

/**
 * The by-kind rows of a report, in FINDING_KINDS order: every kind with findings, with money frozen taken out
 * of the unplanned deductions into a row of its own (资金冻结, right after them) whose money is held, not lost.
 * `held` says whether any finding is money frozen, for the tables to add the column it is shown in.
 */
export function kindRows(report: AuditReport, lang: Lang): { rows: KindRow[]; held: boolean } {
  const s = report.summary;
  const money = new Map<FindingKind, { over: number; loss: number }>();
  const frozen = { count: 0, over: 0, held: 0 };
  for (const f of report.findings) {
    if (isFrozen(f)) {
      frozen.count += 1;
      frozen.over += f.overchargeFen;
      frozen.held += f.lossFen;
      continue;
    }
    const m = money.get(f.kind) ?? { over: 0, loss: 0 };
    m.over += f.overchargeFen;
    m.loss += f.lossFen;
    money.set(f.kind, m);
  }
  const rows: KindRow[] = [];
  for (const k of FINDING_KINDS) {
    // The summary counts every finding; the frozen ones are in the row of their own.
    const count = s.findingsByKind[k] - (k === 'unplanned_deduction' ? frozen.count : 0);
    if (count > 0)
      rows.push({
        name: kindName(k, lang),
        count,
        overchargeFen: money.get(k)?.over ?? 0,
        lossFen: money.get(k)?.loss ?? 0,
        heldFen: 0,
      });
    if (k === 'unplanned_deduction' && frozen.count > 0)
      rows.push({
        name: lang === 'en' ? FROZEN_NAME.en : FROZEN_NAME.zh,
        count: frozen.count,
        overchargeFen: frozen.over,
        lossFen: 0,
        heldFen: frozen.held,
      });
  }
  return { rows, held: frozen.count > 0 };
}

/**
 * “贷记卡” for a card payment, “微信” for WeChat, “闪付·贷记卡” for NFC on a credit card; in English the display
 * names messageEn uses (“WeChat”, “NFC · credit card”), never the JSON's codes (“wechat”, “unionpay-qr”).
 */
export function channelCardName(channel: Channel, card: CardType, lang: Lang): string {
  if (lang === 'en') {
    if (channel === 'card') return CARD_NAMES_EN[card] ?? card;
    const name = CHANNEL_NAMES_EN[channel] ?? channel;
    return card === 'unknown' ? name : `${name} · ${CARD_NAMES_EN[card] ?? card}`;
  }
  if (channel === 'card') return CARD_NAMES_ZH[card];
  return card === 'unknown'
    ? CHANNEL_NAMES_ZH[channel]
    : `${CHANNEL_NAMES_ZH[channel]}·${CARD_NAMES_ZH[card]}`;
}

/**
 * A rate change's amount band as a reader says it: the audit's codes (“all”, “≤1000”, “>1000”, “500–1000”, in
 * yuan) become 全部金额 / all amounts, ¥1,000 及以下 / up to ¥1,000 and so on; a code of another form is shown as is.
 */
export function bandName(band: string, lang: Lang): string {
  const en = lang === 'en';
  if (band === 'all') return en ? 'all amounts' : '全部金额';
  const yuan = (text: string): string | undefined => {
    const n = Number(text.replaceAll(',', ''));
    if (!Number.isFinite(n) || text.trim() === '') return undefined;
    return formatFen(Math.round(n * 100)).replace(/\.00$/, '');
  };
  const upTo = /^≤\s*([\d.,]+)$/.exec(band);
  const over = /^>\s*([\d.,]+)$/.exec(band);
  const between = /^([\d.,]+)\s*[–-]\s*([\d.,]+)$/.exec(band);
  if (upTo !== null) {
    const a = yuan(upTo[1] ?? '');
    if (a !== undefined) return en ? `up to ${a}` : `${a} 及以下`;
  }
  if (over !== null) {
    const a = yuan(over[1] ?? '');
    if (a !== undefined) return en ? `over ${a}` : `${a} 以上`;
  }
  if (between !== null) {
    const a = yuan(between[1] ?? '');
    const b = yuan(between[2] ?? '');
    if (a !== undefined && b !== undefined) return en ? `over ${a} up to ${b}` : `${a} 以上至 ${b}`;
  }
  return band;
}

/** “0.60%→0.68%”, with the fixed add-on and the cap when they changed, and how an episode ended. */
export function rateChangeText(change: RateChange, lang: Lang): string {
  const end = episodeEndText(change, lang);
  const formula = formulaChangeText(change, lang);
  return end === undefined ? formula : `${formula}${lang === 'en' ? ', ' : '，'}${end}`;
}

/**
 * How an episode ended, after its formula: “仅当天” / “至 2026-11-22 止” (the table's date column gives its start);
 * undefined for a lasting change. The dashboard words its episodes with it too.
 */
export function episodeEndText(change: Pick<RateChange, 'date' | 'until'>, lang: Lang): string | undefined {
  if (change.until === undefined) return undefined;
  if (change.until === change.date) return lang === 'en' ? 'that day only' : '仅当天';
  return lang === 'en' ? `until ${change.until}` : `至 ${change.until} 止`;
}

/** The formula's before→after alone, without the days: “0.60%→0.68%，固定 ¥0.00→¥3.00”. */
export function formulaChangeText(change: RateChange, lang: Lang): string {
  const parts = [`${change.beforeRate}→${change.afterRate}`];
  if (change.beforeFixedFen !== change.afterFixedFen) {
    const label = lang === 'en' ? 'fixed' : '固定';
    parts.push(`${label} ${formatFen(change.beforeFixedFen)}→${formatFen(change.afterFixedFen)}`);
  }
  if (change.beforeCapFen !== change.afterCapFen) {
    const cap = (v: number | undefined) => (v === undefined ? (lang === 'en' ? 'none' : '无') : formatFen(v));
    parts.push(`${lang === 'en' ? 'cap' : '封顶'} ${cap(change.beforeCapFen)}→${cap(change.afterCapFen)}`);
  }
  return parts.join(lang === 'en' ? ', ' : '，');
}

/** When a change held: “自 2026-11-16 起”, and for an episode “2026-11-20 当天” or “2026-11-20 至 2026-11-22”. */
export function changeDaysText(change: Pick<RateChange, 'date' | 'until'>, lang: Lang): string {
  const en = lang === 'en';
  if (change.until === undefined) return en ? `since ${change.date}` : `自 ${change.date} 起`;
  if (change.until === change.date) return en ? `on ${change.date} only` : `${change.date} 当天`;
  return en ? `from ${change.date} to ${change.until}` : `${change.date} 至 ${change.until}`;
}

/**
 * An episode that only added a fixed fee per sale on top of the same rate and cap — a one-day surcharge: it reads
 * “每笔加收 ¥3.00”, and the same surcharge on several cards that day is one clause.
 */
export function surchargeOf(c: RateChange): number | undefined {
  const extra = c.afterFixedFen - c.beforeFixedFen;
  return c.until !== undefined &&
    extra > 0 &&
    c.beforeRate === c.afterRate &&
    c.beforeCapFen === c.afterCapFen
    ? extra
    : undefined;
}

/** What makes two merchants' rate changes the same change: day, channel, card, band and formula before and after. */
export function sameChangeKey(c: RateChange): string {
  return [
    c.date,
    c.channel,
    c.card,
    c.band,
    c.beforeRate,
    c.afterRate,
    c.beforeFixedFen,
    c.afterFixedFen,
    c.beforeCapFen ?? '',
    c.afterCapFen ?? '',
    c.until ?? '',
  ].join('\u0000');
}

function rateChangeSentence(change: RateChange, lang: Lang, cards = 1): string {
  // A surcharge on several cards the same day names none of them.
  const what = cards > 1 ? '' : channelCardName(change.channel, change.card, lang);
  const en = lang === 'en';
  const band =
    change.band === 'all'
      ? ''
      : en
        ? ` (${bandName(change.band, lang)})`
        : `（金额 ${bandName(change.band, lang)}）`;
  const cap = (v: number | undefined) => (v === undefined ? (en ? 'none' : '无') : formatFen(v));
  const parts: string[] = [];
  if (change.beforeRate !== change.afterRate)
    parts.push(
      en
        ? `rate went from ${change.beforeRate} to ${change.afterRate}`
        : `费率由 ${change.beforeRate} 变为 ${change.afterRate}`,
    );
  if (change.beforeFixedFen !== change.afterFixedFen) {
    const from = formatFen(change.beforeFixedFen);
    const to = formatFen(change.afterFixedFen);
    parts.push(en ? `fixed fee per sale went from ${from} to ${to}` : `每笔固定费由 ${from} 变为 ${to}`);
  }
  if (change.beforeCapFen !== change.afterCapFen) {
    const from = cap(change.beforeCapFen);
    const to = cap(change.afterCapFen);
    parts.push(en ? `cap went from ${from} to ${to}` : `封顶由 ${from} 变为 ${to}`);
  }
  if (parts.length === 0) parts.push(en ? `rate stayed ${change.afterRate}` : `费率仍为 ${change.afterRate}`);
  // “2026-11-20 至 2026-11-22 贷记卡…” needs the space “自 … 起贷记卡” and “… 当天贷记卡” do not.
  const days = `${changeDaysText(change, lang)}${!en && change.until !== undefined && change.until !== change.date ? ' ' : ''}`;
  const surcharge = surchargeOf(change);
  if (surcharge !== undefined)
    return en
      ? `${days} ${what === '' ? 'every' : `every ${what}`}${band} sale was charged ${formatFen(surcharge)} extra`
      : `${days}${what}${band}每笔加收 ${formatFen(surcharge)}`;
  if (change.until !== undefined)
    return en
      ? `${days} the ${what}${band} ${parts.join(', ')} for a time`
      : `${days}${what}${band}${parts.join('，')}（之后恢复）`;
  return en ? `${days} the ${what}${band} ${parts.join(', ')}` : `${days}${what}${band}${parts.join('，')}`;
}

/** Transactions with money at stake: findings that carry an overcharge. */
function overchargedCount(report: AuditReport): number {
  let n = 0;
  for (const f of report.findings) if (f.overchargeFen > 0) n += 1;
  return n;
}

/**
 * The rate changes as the headline tells them: an agent's provider raises many merchants' rates the same day,
 * and one clause with the merchant count says that better than the same clause once per merchant.
 */
function groupedChanges(
  changes: readonly RateChange[],
): { change: RateChange; merchants: number; cards: number; members: RateChange[] }[] {
  const groups = new Map<
    string,
    { change: RateChange; merchants: Set<string>; cards: Set<string>; members: RateChange[] }
  >();
  for (const c of changes) {
    // The same surcharge the same days is one clause whatever the card.
    const surcharge = surchargeOf(c);
    const key =
      surcharge === undefined
        ? sameChangeKey(c)
        : ['surcharge', c.date, c.until, c.channel, c.band, surcharge].join('\u0000');
    const group = groups.get(key) ?? {
      change: c,
      merchants: new Set<string>(),
      cards: new Set<string>(),
      members: [],
    };
    group.merchants.add(c.merchantId ?? '');
    group.cards.add(c.card);
    group.members.push(c);
    groups.set(key, group);
  }
  // Lasting changes first: they are what the merchant still pays; the episodes after, by date (a stable sort).
  return [...groups.values()]
    .map((g) => ({ change: g.change, merchants: g.merchants.size, cards: g.cards.size, members: g.members }))
    .sort((a, b) => Number(a.change.until !== undefined) - Number(b.change.until !== undefined));
}

/** Merchants named in a headline clause of a change several made; more are counted only. */
const MAX_NAMED_MERCHANTS = 3;

/** Whether a change raises no part of the fee: rate, fixed fee and cap each the same or lower after it. */
function lowersFee(c: RateChange): boolean {
  const before = parseRate(c.beforeRate);
  const after = parseRate(c.afterRate);
  if (!before.ok || !after.ok) return false;
  const capRaised =
    c.beforeCapFen !== undefined && (c.afterCapFen === undefined || c.afterCapFen > c.beforeCapFen);
  return after.value <= before.value && c.afterFixedFen <= c.beforeFixedFen && !capRaised;
}

/**
 * The one sentence a merchant reads first:
 * “共多扣 ¥1,284.50，涉及 312 笔交易，自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%”. When the rate changes do
 * not account for the whole overcharge (a cap never applied, a fee kept on a voided sale), each change says its
 * own part: “共多扣 ¥41.10，涉及 145 笔交易；其中自 2026-10-11 起贷记卡费率由 0.60% 变为 0.63%（多扣 ¥14.49，144 笔）”.
 */
export function headline(report: AuditReport, lang: Lang): string {
  const s = report.summary;
  const en = lang === 'en';
  const groups = groupedChanges(report.rateChanges);
  const n = overchargedCount(report);
  const shares = changeShares(report);
  const shareOf = (members: readonly RateChange[]) =>
    members.reduce(
      (a, c) => {
        const share = shares.get(c);
        return share === undefined
          ? a
          : { fen: a.fen + share.overchargeFen, count: a.count + share.transactions };
      },
      { fen: 0, count: 0 },
    );
  const explained = shareOf(report.rateChanges);
  // The changes' parts are told only when they are not the whole: the bare clause reads as the cause of all of it.
  // Several clauses each read so too (a lasting change and a day's surcharge on top): each then says its part.
  const apart =
    s.overchargeFen > 0 && (explained.fen !== s.overchargeFen || explained.count !== n || groups.length > 1);
  // A change that lowers the fee (back to the contract) and counts no overcharge is noise in a sentence about
  // what was overcharged: the rate change table still lists it.
  const told = apart ? groups.filter((g) => shareOf(g.members).fen > 0 || !lowersFee(g.change)) : groups;
  // A report of several merchants names whose change each clause is.
  const several = report.merchants.length > 1;
  const changes = told.slice(0, 3).map(({ change, merchants, cards, members }) => {
    const sentence = rateChangeSentence(change, lang, cards);
    const whose =
      several && merchants === 1 && change.merchantId !== undefined
        ? en
          ? `for merchant ${change.merchantId}, `
          : `商户 ${change.merchantId}：`
        : '';
    // One parenthesis: how many merchants (named when few), and (when the changes are not the whole) what part is
    // this change's.
    const notes: string[] = [];
    if (merchants >= 2) {
      const ids = [...new Set(members.map((c) => c.merchantId ?? ''))].filter((m) => m !== '').sort();
      const named = ids.length === merchants && merchants <= MAX_NAMED_MERCHANTS;
      notes.push(
        en
          ? `${merchants} merchants${named ? `: ${ids.join(', ')}` : ''}`
          : `${merchants} 个商户${named ? `：${ids.join('、')}` : ''}`,
      );
    }
    if (apart) {
      const share = shareOf(members);
      notes.push(
        share.fen === 0
          ? en
            ? 'no overcharge counted'
            : '未计多扣'
          : en
            ? `${formatFen(share.fen)} on ${share.count} transaction(s)`
            : `多扣 ${formatFen(share.fen)}，${share.count} 笔`,
      );
    }
    if (notes.length === 0) return `${whose}${sentence}`;
    return en ? `${whose}${sentence} (${notes.join(', ')})` : `${whose}${sentence}（${notes.join('，')}）`;
  });
  const more = told.length - changes.length;
  if (more > 0) changes.push(en ? `and ${more} more rate change(s)` : `另有 ${more} 处费率变化`);
  const tail = changes.length > 0 ? (en ? `; ${changes.join('; ')}` : `，${changes.join('；')}`) : '';
  if (s.overchargeFen > 0) {
    if (apart && changes.length > 0) {
      const parts =
        explained.fen > 0
          ? en
            ? `; of which: ${changes.join('; ')}`
            : `；其中${changes.join('；')}`
          : en
            ? `; ${changes.join('; ')}`
            : `；${changes.join('；')}`;
      return en
        ? `Overcharged ${formatFen(s.overchargeFen)} in total on ${n} transaction(s)${parts}`
        : `共多扣 ${formatFen(s.overchargeFen)}，涉及 ${n} 笔交易${parts}`;
    }
    return en
      ? `Overcharged ${formatFen(s.overchargeFen)} in total on ${n} transaction(s)${tail}`
      : `共多扣 ${formatFen(s.overchargeFen)}，涉及 ${n} 笔交易${tail}`;
  }
  // Statements without a fee or settled column judge no fee, and statement lines that were rejected are not
  // judged: "no overcharge found" would read as a clean bill.
  const unchecked = s.skippedChecks.includes('fee_overcharge');
  const rejected = rejectedStatementLines(report);
  const none =
    rejected > 0 && s.settlementRecords === 0
      ? en
        ? `Nothing was checked: all ${rejected} statement line(s) were rejected (see the rejected rows)`
        : `未能核对：对账单的 ${rejected} 行全部被拒绝（见“被拒绝的行”）`
      : unchecked
        ? en
          ? 'Fees were not checked (the statements show no fee or settled amount)'
          : '手续费未核对（对账单中没有手续费或结算金额）'
        : rejected > 0
          ? en
            ? `No fee overcharge found in the lines read (${rejected} statement line(s) rejected, not checked)`
            : `已读取的记录中未发现多扣手续费（另有 ${rejected} 行对账单被拒绝，未核对）`
          : en
            ? 'No fee overcharge found'
            : '未发现多扣手续费';
  // The first line is the conclusion: money lost otherwise (a missing settlement, a short payout) belongs in it.
  if (s.lossFen > 0)
    return en
      ? `${none}, but other findings lost ${formatFen(s.lossFen)}${tail}`
      : `${none}，但其他问题损失 ${formatFen(s.lossFen)}${tail}`;
  return `${none}${tail}`;
}

/** How many rejected rows were a statement's (settlement files'): lines whose fees went unjudged. */
function rejectedStatementLines(report: AuditReport): number {
  const statements = new Set(report.files.filter((f) => f.kind === 'settlement').map((f) => f.file));
  let n = 0;
  for (const r of report.rejected) if (statements.has(r.file)) n += 1;
  return n;
}

// C0 controls, DEL and C1 controls: ESC and CSI (0x9b) start terminal escape sequences that could clear the
// screen or rewrite what was printed, BEL rings; a statement's cells must show as text, never act.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// As CONTROL, but the line breaks of whole lines of output are the output's own.
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

function escapeControl(ch: string): string {
  return `\\x${(ch.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`;
}

/**
 * A cell of data shown on a terminal: control characters as visible escapes (ESC → `\x1b`), so the cell cannot
 * move the cursor or clear the screen, and measures as wide as it prints.
 * @example terminalText('T01\u001b[2J') === 'T01\\x1b[2J'
 */
export function terminalText(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/** As terminalText, for whole lines of output: keeps their line breaks. */
function terminalLines(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, escapeControl);
}

/** Columns a string takes in a terminal: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Pads to a display width, on the right (text) or the left (numbers). */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}

/** Aligned columns; the last column is not padded so long messages do not drag trailing spaces. */
export function alignRows(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
  indent = '  ',
): string[] {
  rows = rows.map((r) => r.map(terminalText));
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((c, i) =>
        i === cells.length - 1 && !right.has(i) ? c : pad(c, widths[i] ?? 0, right.has(i) ? 'right' : 'left'),
      )
      .join('  ');
  const rule = indent + widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)];
}

export interface RenderTableOptions {
  lang: Lang;
}

/**
 * The audit report as terminal text, the total first; yields pieces so a huge report never becomes one string.
 * Whatever came from the input files is printed with its control characters escaped (terminalText).
 */
export function* renderTableChunks(report: AuditReport, options: RenderTableOptions): Generator<string> {
  // Cells are escaped before they are measured (alignRows, findingsTable); this catches the free-text lines.
  for (const chunk of tableChunks(report, options)) yield terminalLines(chunk);
}

/**
 * What the provider already gave back (rebate lines) and what it still owes: "; the provider gave back ¥20.00
 * (rebate lines), still owed ¥21.10". When only part of it makes good the loss (a deposit returned, a cashback),
 * that part is said too. Empty when the statements show no rebate.
 */
export function returnedWords(s: AuditReport['summary'], lang: Lang): string {
  // A report stored before rebates were counted has no returnedFen: nothing to say then.
  const returned = s.returnedFen;
  if (!(returned > 0)) return '';
  const { offsetFen, owedFen } = owedOf(s);
  const partZh = offsetFen < returned ? `，其中抵扣上述损失 ${formatFen(offsetFen)}` : '';
  const partEn = offsetFen < returned ? `, ${formatFen(offsetFen)} of it against this loss` : '';
  return lang === 'en'
    ? `; the provider gave back ${formatFen(returned)} (rebate lines${partEn}), still owed ${formatFen(owedFen)}`
    : `；服务商已返还 ${formatFen(returned)}（返还记录${partZh}），仍欠 ${formatFen(owedFen)}`;
}

function* tableChunks(report: AuditReport, options: RenderTableOptions): Generator<string> {
  const { lang } = options;
  const t = (zh: string, en: string) => (lang === 'en' ? en : zh);
  const s = report.summary;
  const out: string[] = [];
  out.push(headline(report, lang));
  out.push(
    t(
      `合计损失 ${formatFen(s.lossFen)}，问题 ${report.findings.length} 项`,
      `Total loss ${formatFen(s.lossFen)}, ${report.findings.length} finding(s)`,
    ) + returnedWords(s, lang),
  );
  out.push('');
  out.push(summaryLine(s, lang));
  if (s.withinToleranceFen > 0)
    out.push(
      t(
        `容差内差额 ${formatFen(s.withinToleranceFen)}`,
        `within tolerance ${formatFen(s.withinToleranceFen)}`,
      ),
    );

  if (report.merchants.length > 1) {
    // An agent sends each merchant its own claim: what came back and what is still owed, merchant by merchant.
    const anyReturned = report.merchants.some((m) => m.summary.returnedFen > 0);
    const returnedCells = (m: AuditReport['merchants'][number]) =>
      anyReturned ? [formatFen(m.summary.returnedFen), formatFen(owedOf(m.summary).owedFen)] : [];
    out.push('', t('按商户', 'By merchant'));
    out.push(
      ...alignRows(
        [
          t('商户号', 'merchant'),
          t('多扣', 'overcharge'),
          t('损失', 'loss'),
          ...(anyReturned ? [t('已返还', 'given back'), t('仍欠', 'still owed')] : []),
          t('问题', 'findings'),
          t('结算记录', 'settled rows'),
        ],
        report.merchants.map((m) => {
          // Lines no merchant took were never set against a statement: their zeros would read as “checked, fine”.
          if (isUnplacedJournal(m)) {
            const findings = countFindings(m.summary);
            return [
              unplacedJournalLabel(m, lang),
              findings > 0 ? formatFen(m.summary.overchargeFen) : '—',
              findings > 0 ? formatFen(m.summary.lossFen) : '—',
              ...(findings > 0 ? returnedCells(m) : returnedCells(m).map(() => '—')),
              findings > 0 ? String(findings) : '—',
              '—',
            ];
          }
          return [
            m.merchantId || t('（无商户号）', '(none)'),
            formatFen(m.summary.overchargeFen),
            formatFen(m.summary.lossFen),
            ...returnedCells(m),
            String(countFindings(m.summary)),
            String(m.summary.settlementRecords),
          ];
        }),
        new Set(anyReturned ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4]),
      ),
    );
  }

  // Money frozen has a row of its own and, only then, a column: it is held, not lost.
  const byKind = kindRows(report, lang);
  if (byKind.rows.length > 0) {
    out.push('', t('按类型', 'By kind'));
    out.push(
      ...alignRows(
        [
          t('类型', 'kind'),
          t('笔数', 'count'),
          t('多扣', 'overcharge'),
          t('损失', 'loss'),
          ...(byKind.held ? [t('冻结', 'held')] : []),
        ],
        byKind.rows.map((r) => [
          r.name,
          String(r.count),
          formatFen(r.overchargeFen),
          formatFen(r.lossFen),
          ...(byKind.held ? [formatFen(r.heldFen)] : []),
        ]),
        new Set([1, 2, 3, 4]),
      ),
    );
  }

  if (report.rateChanges.length > 0) {
    out.push('', t('费率变化', 'Rate changes'));
    out.push(
      ...alignRows(
        [
          t('日期', 'date'),
          t('商户号', 'merchant'),
          t('渠道/卡', 'channel/card'),
          t('金额段', 'band'),
          t('变化', 'change'),
          t('笔数', 'txns'),
          t('方案内', 'in plan'),
          t('按期通知', 'notice kept'),
        ],
        report.rateChanges.map((c) => rateChangeCells(c, lang)),
        new Set([5]),
      ),
    );
  }
  if (report.diagnoses !== undefined && report.diagnoses.length > 0)
    out.push('', ...diagnosisLines(report.diagnoses, lang));
  yield `${out.join('\n')}\n`;

  if (report.findings.length > 0) {
    yield* findingsTable(report, lang);
  }

  const tail: string[] = [];
  const skipped = skippedCheckGroups(report);
  if (skipped.length > 0) {
    tail.push('', t('未执行的检查（缺少相应文件）', 'Checks skipped (input not given)'));
    for (const group of skipped) tail.push(`  - ${skippedChecksText(group, lang)}`);
  }
  if (report.ambiguous.length > 0) {
    tail.push(
      '',
      t(`无法确定配对（${report.ambiguous.length}）`, `Ambiguous matches (${report.ambiguous.length})`),
    );
    for (const a of report.ambiguous) {
      const where = a.source.map((r) => `${r.file}:${r.row}`).join(', ');
      tail.push(`  ? ${t(a.reason, a.reasonEn)}  [${where}]`);
    }
  }
  if (report.rejected.length > 0) {
    tail.push('', t(`被拒绝的行（${report.rejected.length}）`, `Rejected rows (${report.rejected.length})`));
    for (const r of report.rejected)
      tail.push(`  ✗ ${r.file}:${r.row}${r.column ? ` [${r.column}]` : ''}: ${r.reason}`);
  }
  if (report.warnings.length > 0) {
    tail.push('', t('提示', 'Warnings'));
    for (const w of report.warnings) tail.push(`  ! ${warningIn(w, lang)}`);
  }
  if (report.files.length > 0) {
    tail.push('', t('文件', 'Files'));
    tail.push(
      ...alignRows(
        [t('文件', 'file'), t('类别', 'kind'), t('格式', 'preset'), t('行数', 'rows')],
        report.files.map((f) => [f.file, f.kind, f.preset, String(f.rows)]),
        new Set([3]),
      ),
    );
  }
  if (tail.length > 0) yield `${tail.join('\n')}\n`;
}

/** The whole table output as one string. */
export function renderTable(report: AuditReport, options: RenderTableOptions): string {
  return [...renderTableChunks(report, options)].join('');
}

function countFindings(s: AuditSummary): number {
  let n = 0;
  for (const k of FINDING_KINDS) n += s.findingsByKind[k];
  return n;
}

function summaryLine(s: AuditSummary, lang: Lang): string {
  return lang === 'en'
    ? `journal ${s.terminalRecords} · statements ${s.settlementRecords} · bank ${s.bankRecords} · matched ${s.matched} · pending ${s.pending}`
    : `终端流水 ${s.terminalRecords} 条 · 结算记录 ${s.settlementRecords} 条 · 银行入账 ${s.bankRecords} 条 · 已配对 ${s.matched} · 待结算 ${s.pending}`;
}

/** Column widths come from a bounded sample so a million findings are not measured twice. */
function* findingsTable(report: AuditReport, lang: Lang): Generator<string> {
  const t = (zh: string, en: string) => (lang === 'en' ? en : zh);
  // Money frozen is held, not lost: its amount goes under a column of its own, there only when a finding is.
  const held = report.findings.some(isFrozen);
  const header = [
    t('时间', 'time'),
    t('参考号', 'ref'),
    t('终端', 'terminal'),
    t('金额', 'amount'),
    t('应收', 'expected'),
    t('实收', 'charged'),
    t('多扣', 'overcharge'),
    t('损失', 'loss'),
    ...(held ? [t('冻结', 'held')] : []),
    t('说明', 'message'),
  ];
  const money = (v: number | undefined) => (v === undefined ? '' : formatFen(v));
  const cells = (i: number): string[] => {
    const f = report.findings[i];
    if (f === undefined) return [];
    const frozen = isFrozen(f);
    return [
      f.time === undefined ? (f.settleDate ?? '') : f.time.slice(0, 19).replace('T', ' '),
      f.refNo ?? f.orderNo ?? '',
      f.terminalId ?? '',
      money(f.amountFen),
      money(f.expectedFeeFen),
      money(f.chargedFeeFen),
      money(f.overchargeFen),
      frozen ? '' : money(f.lossFen),
      ...(held ? [frozen ? money(f.lossFen) : ''] : []),
      `[${findingKindName(f, lang)}] ${lang === 'en' ? f.messageEn : f.message}`,
    ].map(terminalText);
  };
  const right = new Set(held ? [3, 4, 5, 6, 7, 8] : [3, 4, 5, 6, 7]);
  const sample = Math.min(report.findings.length, 5000);
  const widths = header.map((h) => displayWidth(h));
  for (let i = 0; i < sample; i++) {
    const row = cells(i);
    for (let c = 0; c < row.length - 1; c++) widths[c] = Math.max(widths[c] ?? 0, displayWidth(row[c] ?? ''));
  }
  const line = (row: readonly string[]) =>
    `  ${row.map((c, i) => (i === row.length - 1 ? c : pad(c, widths[i] ?? 0, right.has(i) ? 'right' : 'left'))).join('  ')}`;
  let buffer = `\n${t(`问题明细（${report.findings.length}）`, `Findings (${report.findings.length})`)}\n`;
  buffer += `${line(header)}\n  ${widths
    .slice(0, -1)
    .map((w) => '─'.repeat(w))
    .join('  ')}  ${'─'.repeat(widths.at(-1) ?? 0)}\n`;
  for (let i = 0; i < report.findings.length; i++) {
    buffer += `${line(cells(i))}\n`;
    if (buffer.length > 1 << 16) {
      yield buffer;
      buffer = '';
    }
  }
  yield buffer;
}

/**
 * A rate change as a row of the 费率变化 table (date, merchant, channel and card, band, change, transactions, in
 * plan, notice kept), as the text table and the PDF print it.
 */
export function rateChangeCells(c: RateChange, lang: Lang): string[] {
  const t = (zh: string, en: string) => (lang === 'en' ? en : zh);
  const yesNo = (v: boolean | null) =>
    v === null ? t('未知', 'unknown') : v ? t('是', 'yes') : t('否', 'no');
  return [
    c.date,
    c.merchantId ?? '',
    channelCardName(c.channel, c.card, lang),
    bandName(c.band, lang),
    rateChangeText(c, lang),
    String(c.transactions),
    yesNo(c.inPlan),
    yesNo(c.noticeHonoured),
  ];
}
