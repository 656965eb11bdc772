// One merchant's audit (issue 4): match the journal to the statements, price every settled sale against the plan
// or the provider's own earlier formula, and draft a finding for each discrepancy. audit.ts feeds it merchant by
// merchant and assembles the report.
import { expectedSettleDate } from '../calendar/expected-settle-date.js';
import { formatFen, formatYuan } from '../money/fen.js';
import { coverDeductions, type DeductionLine, unplannedWords } from '../plans/charges.js';
import { refundFeesDue } from '../plans/refund-fee.js';
import { quoteFee, ruleMatches } from '../plans/expected-fee.js';
import type { FeePlan, FeeQuote } from '../plans/plan-types.js';
import { journalAmountAgrees, orderTotalFen, type PosRecord } from '../records/record.js';
import {
  CARD_NAMES_EN,
  CARD_NAMES_ZH,
  CHANNEL_NAMES_ZH,
  type CardType,
  type Channel,
} from '../records/vocabulary.js';
import { dayNumber, localDateMemo, localDateOf } from '../time/shanghai.js';
import {
  type Coverage,
  coverageState,
  cutShortFileOf,
  cutShortPayoutFile,
  merchantCoverage,
} from './coverage.js';
import {
  newUncheckedDays,
  noteCutShort,
  noteOutside,
  notePayoutCutShort,
  type UncheckedDays,
  type UncheckedDaysEntries,
  uncheckedEntries,
} from './unchecked-days.js';
import { describeDeferral, describeFormula, describeRule } from './describe-rule.js';
import { ExportCopies, withoutExportCopies } from './export-copies.js';
import { describeTransaction, type FindingDraft, sourceOf, transactionFields } from './finding-builder.js';
import type { Formula } from './formula.js';
import {
  compareTimeThenSource,
  EXACT_KEYS,
  epochMsOf,
  type AmbiguousOriginal,
  findOriginals,
  linkUndoings,
  matchRecords,
  namesAnotherSale,
  type Prepared,
  payerOf,
  prepare,
  REFUND_WINDOW_DAYS,
  tradeTimeOf,
} from './match-records.js';
import { holdsAcrossFiles, holdsAcrossFilesWarning } from './leshua-holds-across-files.js';
import { type MerchantPayouts, type PayoutDay, payoutDaysOf } from './payouts.js';
import { chargeNamedIn, noneReturned, type ReturnedByKind, rebatesOf } from './rebates.js';
import { debitsListedOnStatement, deductionLineOf, describeProviderDebit } from './provider-debits.js';
import { checkStatementPayouts } from './statement-payouts.js';
import { cycleText, merchantSettlementCycle } from './settle-cycle.js';
import { baselineFormula, type FormulaGroup, inferFormulas, rateChangesOf } from './rate-changes.js';
import type { AmbiguousMatch, FindingKind, RateChange } from './report-types.js';
import type { AuditOptions } from './audit.js';
import { inDateScope, scopeDateOf } from './scope.js';

const JOURNAL_CHECKS: FindingKind[] = [
  'missing_settlement',
  'unexpected_settlement',
  'amount_mismatch',
  'void_settled',
];
const BANK_CHECKS: FindingKind[] = ['payout_mismatch'];
const PLAN_CHECKS: FindingKind[] = ['late_settlement', 'refund_fee_mismatch', 'no_rule'];

export interface RunContext {
  readonly options: AuditOptions;
  readonly coverage: Coverage;
  /** Whether the run has bank records: then each merchant's payout days are kept for claimPayouts. */
  readonly hasBank: boolean;
  readonly payouts: MerchantPayouts[];
  readonly drafts: FindingDraft[];
  readonly ambiguous: AmbiguousMatch[];
  readonly rateChanges: RateChange[];
  readonly effective: Map<
    string,
    { date: string; channel: Channel; card: CardType; amountFen: number; feeFen: number }
  >;
  /** The same entries by day, channel and card (see addEffective). */
  readonly effectiveIndex: Map<string, Map<Channel, Map<CardType, EffectiveRate>>>;
  readonly warnings: string[];
  /** Warnings merchants' audits raise (calendar gaps, fees taken as amount − settled), each said once. */
  readonly merchantWarnings: Set<string>;
  /** Journal sales due on a day no statement covers (before or between the statements): not checked. */
  readonly outsideCoverage: { count: number };
  /** The days those sales, and the sales due on a cut-off statement's last day, were due (unchecked-days.ts). */
  readonly unchecked: UncheckedDays;
}

export interface MerchantCounts {
  terminalRecords: number;
  settlementRecords: number;
  bankRecords: number;
  matched: number;
  pending: number;
  withinToleranceFen: number;
  /** What the statements' rebate lines (手续费返还, 押金退还) gave back, in the run's dates. */
  returnedFen: number;
  /** The same by what each line gives back, to set against the losses of that kind (rebates.ts). */
  returnedByKind: ReturnedByKind;
  skippedChecks: Set<string>;
}

/** Says once per pair of files, however many merchants the two exports hold, that their lines were counted once. */
function warnExportCopies(ctx: RunContext, copies: ExportCopies, whatZh: string, whatEn: string): void {
  for (const pair of copies.pairs) {
    const [later, earlier] = pair.split('\u0000');
    ctx.merchantWarnings.add(
      `${later} 与 ${earlier} 有相同的记录，只是两份导出的列不同（疑似同一${whatZh}导出两次），每笔只计一次 / ` +
        `${later} and ${earlier} hold the same lines in exports with different columns (one ${whatEn} exported twice?); each counted once`,
    );
  }
}

/**
 * The lines that undo a cancellation (撤销冲正, 退货撤销: linkUndoings) and the cancellations they undo, to be
 * left out of matching and pricing: the cancellation did not happen, so the sale stands and the refund is no
 * refund, and the two lines between them give and take back the same money. A line that names an original that
 * is not here is left out too, with a warning naming it: priced as a sale it would read as one.
 */
function undoneLines(
  lines: readonly Prepared[],
  ctx: RunContext,
  merchantId: string,
  whatZh: string,
  whatEn: string,
): Set<Prepared> {
  const out = new Set<Prepared>();
  const { undoes, orphans } = linkUndoings(lines);
  undoes.forEach((c, i) => {
    const undo = lines[i];
    const cancellation = lines[c];
    if (undo === undefined || cancellation === undefined) return;
    out.add(undo);
    out.add(cancellation);
  });
  if (orphans.length === 0) return out;
  const shown = orphans.slice(0, 5).map((i) => lines[i]?.record.source);
  const more = orphans.length > shown.length ? ' …' : '';
  const whoZh = merchantId === '' ? '' : `商户 ${merchantId} 的`;
  const whoEn = merchantId === '' ? '' : `merchant ${merchantId}: `;
  const rowsZh = shown.map((s) => `${s?.file} 第 ${s?.row} 行`).join('、');
  const rowsEn = shown.map((s) => `${s?.file} row ${s?.row}`).join(', ');
  ctx.merchantWarnings.add(
    `${whoZh}${whatZh}中有 ${orphans.length} 笔记录取消的是一笔撤销、冲正或退货（如退货撤销、撤销冲正），但被取消的那笔不在所给文件中，未核对：${rowsZh}${more} / ` +
      `${whoEn}${orphans.length} ${whatEn} line(s) cancel a void, reversal or refund (a refund cancelled, a void reversed) that is not in the files given; not checked: ${rowsEn}${more}`,
  );
  for (const i of orphans) {
    const p = lines[i];
    if (p !== undefined) out.add(p);
  }
  return out;
}

/** Amount band used to group lines for formula inference when the plan does not say: small QR/NFC sales apart. */
function defaultBand(channel: Channel, amountFen: number): string {
  if (channel === 'nfc' || channel === 'unionpay-qr') return amountFen <= 100_000 ? '≤1000' : '>1000';
  return 'all';
}

/**
 * The amount band a sale's line is grouped in for formula inference: cut at every amount limit any period of the
 * plan sets for its channel and card, so that a period adding “≤1000” does not split the lines before and after
 * it into groups that never meet, and its rate change go unseen. Without a plan (or a rule for the channel and
 * card), the default bands.
 */
function planBands(
  plan: FeePlan | undefined,
): (channel: Channel, card: CardType, amountFen: number) => string {
  if (plan === undefined) return (channel, _card, amountFen) => defaultBand(channel, amountFen);
  const limitsOf = new Map<string, number[] | undefined>();
  const limits = (channel: Channel, card: CardType): number[] | undefined => {
    const key = `${channel}|${card}`;
    if (limitsOf.has(key)) return limitsOf.get(key);
    const found = new Set<number>();
    let priced = false;
    for (const period of plan.periods)
      for (const rule of period.rates) {
        if (rule.channels !== undefined && !rule.channels.includes(channel)) continue;
        if (rule.cards !== undefined && !rule.cards.includes(card)) continue;
        priced = true;
        if (rule.minAmountFen !== undefined) found.add(rule.minAmountFen);
        if (rule.maxAmountFen !== undefined) found.add(rule.maxAmountFen);
      }
    const sorted = priced ? [...found].sort((a, b) => a - b) : undefined;
    limitsOf.set(key, sorted);
    return sorted;
  };
  const yuan = (fen: number) => (fen % 100 === 0 ? `${fen / 100}` : formatYuan(fen));
  return (channel, card, amountFen) => {
    const cuts = limits(channel, card);
    if (cuts === undefined) return defaultBand(channel, amountFen);
    const magnitude = Math.abs(amountFen);
    let k = 0;
    while (k < cuts.length && magnitude > (cuts[k] as number)) k += 1;
    const below = k > 0 ? cuts[k - 1] : undefined;
    const above = cuts[k];
    if (below === undefined && above === undefined) return 'all';
    if (below === undefined) return `≤${yuan(above as number)}`;
    if (above === undefined) return `>${yuan(below)}`;
    return `${yuan(below)}–${yuan(above)}`;
  };
}

/** How an amount_mismatch names the two amounts: zh journal, zh settled, en journal, en settled. */
type AmountWords = readonly [journalZh: string, settledZh: string, journalEn: string, settledEn: string];
const SALE_AMOUNT_WORDS: AmountWords = ['终端流水金额', '结算金额', 'journal amount', 'settled amount'];
const REFUND_AMOUNT_WORDS: AmountWords = ['终端退货金额', '结算退货金额', 'journal refund', 'settled refund'];

function formulaWords(f: Formula): { zh: string; en: string } {
  return describeFormula(f.ratePpm(), f.fixedFen, f.capFen);
}

/**
 * What a fee finding adds when the line's time is not when the sale was paid (a Leshua T0 line stamped with its
 * settlement time): the payment time, whose day the plan's rate is taken for.
 */
function paidWords(r: PosRecord, tradeDate: string): { zh: string; en: string } {
  if (localDateOf(r.time) === tradeDate) return { zh: '', en: '' };
  const paid = tradeTimeOf(r).slice(0, 19).replace('T', ' ');
  return {
    zh: `（支付时间 ${paid}，按 ${tradeDate} 的费率计）`,
    en: ` (paid at ${paid}; priced as of ${tradeDate})`,
  };
}

/**
 * The finding for a sale a settled void or reversal nets and whose fee was kept, wholly or in part (`kept` is
 * the sale line's fee plus the cancel line's, signs as the statement gives them): no fee is due on it.
 */
function cancelledFeeDraft(
  merchantId: string,
  basis: 'plan' | 'inferred',
  sale: PosRecord,
  journal: PosRecord | undefined,
  cancel: PosRecord,
  journalCancel: PosRecord | undefined,
  view: LineView,
  kept: number,
): FindingDraft {
  const over = kept > 0;
  const reversed = cancel.type === 'reversal';
  const whatZh = reversed ? '冲正' : '撤销';
  const whatEn = reversed ? 'reversed' : 'voided';
  const lineEn = reversed ? 'reversal' : 'void';
  const charged = formatFen(sale.feeFen ?? 0);
  const returned = formatFen(-(cancel.feeFen ?? 0));
  const at = cancel.source;
  return {
    kind: over ? 'fee_overcharge' : 'fee_undercharge',
    merchantId,
    keys: keysOf(sale, journal),
    ...view.fields,
    expectedFeeFen: 0,
    chargedFeeFen: kept,
    overchargeFen: over ? kept : 0,
    lossFen: over ? kept : 0,
    basis,
    cancelledBy: reversed ? 'reversal' : 'void',
    message: `${view.d.zh} 已${whatZh}（${at.file} 第 ${at.row} 行），${whatZh}的交易不收手续费：应收 ¥0.00，实收 ${charged} − ${whatZh}退回 ${returned} = ${formatFen(kept)}，${over ? '多扣' : '多退'} ${formatFen(Math.abs(kept))}`,
    messageEn: `${view.d.en} was ${whatEn} (${at.file} row ${at.row}), and a ${whatEn} sale costs no fee: expected ¥0.00, charged ${charged} − ${returned} returned with the ${lineEn} = ${formatFen(kept)}, ${over ? 'overcharged' : 'returned'} ${formatFen(Math.abs(kept))}${over ? '' : ' too much'}`,
    source: sourceOf(journal, journalCancel, sale, cancel),
  };
}

/**
 * A line settled below amount − fee, as a deduction of the difference on its settlement day (`tradeDate` without
 * one); undefined when it was settled in full or does not say.
 */
function shortSettled(p: Prepared, tradeDate: string): { p: Prepared; deduction: DeductionLine } | undefined {
  const r = p.record;
  if (r.settledFen === undefined || r.feeFen === undefined || r.settledFen >= r.amountFen - r.feeFen)
    return undefined;
  return {
    p,
    deduction: {
      date: r.settleDate ?? tradeDate,
      amountFen: r.amountFen - r.feeFen - r.settledFen,
      label: r.label ?? '',
      ...(r.terminalId !== undefined ? { terminalId: r.terminalId } : {}),
    },
  };
}

/**
 * The finding for a settled sale whose fee differs from the expected one: an overcharge (lost) when the fee is
 * above it, else an undercharge (informational).
 */
function feeDraft(
  line: {
    merchantId: string;
    basis: 'plan' | 'inferred';
    /** A line with a fee. */
    s: PosRecord;
    t: PosRecord | undefined;
    view: LineView;
  },
  expectedFeeFen: number,
  rule: FindingDraft['rule'],
  words: { zh: string; en: string },
): FindingDraft {
  const { merchantId, basis, s, t, view } = line;
  const chargedFeeFen = s.feeFen ?? 0;
  const over = chargedFeeFen - expectedFeeFen;
  return {
    kind: over > 0 ? 'fee_overcharge' : 'fee_undercharge',
    merchantId,
    keys: keysOf(s, t),
    ...view.fields,
    expectedFeeFen,
    chargedFeeFen,
    overchargeFen: Math.max(0, over),
    lossFen: Math.max(0, over),
    basis,
    rule,
    message: words.zh,
    messageEn: words.en,
    source: sourceOf(t, s),
  };
}

/** Audits one merchant's records into ctx (findings, rate changes, bank credits claimed) and returns its counts. */
export function auditMerchant(
  ctx: RunContext,
  merchantId: string,
  terminalRecords: readonly PosRecord[],
  settlementRecords: readonly PosRecord[],
  plan: FeePlan | undefined,
  /** The provider's direct debits from the bank account that are this merchant's (AuditSession.bankDebitsOf). */
  providerDebits: readonly PosRecord[] = [],
): MerchantCounts {
  // Records around --from/--to come too (recordInScope), so that a transaction the window cuts meets its other
  // half; only what lies inside is counted and reported.
  const inDates = inDateScope(ctx.options);
  const scoped = ctx.options.from !== undefined || ctx.options.to !== undefined;
  const countInScope = (records: readonly PosRecord[]) => {
    if (!scoped) return records.length;
    let n = 0;
    for (const r of records) if (inDates(scopeDateOf(r))) n += 1;
    return n;
  };
  const draftsBefore = ctx.drafts.length;
  const rateChangesBefore = ctx.rateChanges.length;
  const counts: MerchantCounts = {
    terminalRecords: countInScope(terminalRecords),
    settlementRecords: countInScope(settlementRecords),
    bankRecords: 0,
    matched: 0,
    pending: 0,
    withinToleranceFen: 0,
    returnedFen: 0,
    returnedByKind: noneReturned(),
    skippedChecks: new Set(),
  };
  // Journal checks run per merchant: an agent may hold one merchant's journal and not another's.
  const hasJournal = terminalRecords.length > 0;
  if (!hasJournal) for (const k of JOURNAL_CHECKS) counts.skippedChecks.add(k);
  if (!ctx.hasBank) for (const k of BANK_CHECKS) counts.skippedChecks.add(k);
  if (plan === undefined) for (const k of PLAN_CHECKS) counts.skippedChecks.add(k);
  const tolerance = plan?.toleranceFen ?? 1;
  // Without a plan (or with one silent on its cycle) the cycle is the one the statements' own settlement dates
  // show, else T1 (settle-cycle.ts); lateness is judged on a plan's cycle or one inferred from enough lines.
  const settleCycle = merchantSettlementCycle(plan, settlementRecords, merchantId);
  for (const note of settleCycle.notes) ctx.merchantWarnings.add(note);
  if (settleCycle.judgesLateness) counts.skippedChecks.delete('late_settlement');
  const cycle = settleCycle.plan;
  const dueDates = new Map<string, string>();
  const dueDate = (tradeDate: string): string => {
    let due = dueDates.get(tradeDate);
    if (due === undefined) {
      const result = expectedSettleDate(cycle, tradeDate);
      for (const w of result.warnings) ctx.merchantWarnings.add(`${w.zh} / ${w.en}`);
      due = result.date;
      dueDates.set(tradeDate, due);
    }
    return due;
  };
  const basis: 'plan' | 'inferred' = plan === undefined ? 'inferred' : 'plan';
  const drafts = ctx.drafts;
  const window = ctx.options.duplicateWindowMs ?? 60_000;

  // A sale the journal marks 已撤销/已冲正 went through and was cancelled: it is one of the journal's sales, and a
  // cancelled one.
  const journalCopies = new ExportCopies();
  const journalLines = withoutExportCopies(
    terminalRecords
      .filter((r) => r.status === 'success' || r.status === 'voided' || r.status === 'reversed')
      .map(prepare)
      .sort(compareTimeThenSource),
    journalCopies,
    (p) => {
      if (!scoped || inDates(scopeDateOf(p.record))) counts.terminalRecords -= 1;
    },
  );
  warnExportCopies(ctx, journalCopies, '终端流水', 'journal');
  const journalUndone = undoneLines(journalLines, ctx, merchantId, '终端流水', 'journal');
  const T = journalUndone.size === 0 ? journalLines : journalLines.filter((p) => !journalUndone.has(p));
  // A statement without a fee column (or with its cells empty) still shows what was withheld: amount − settled.
  let feesDerived = 0;
  // A Leshua order's 进账 line and its 冻结 line in two daily files: one sale, its money held (as within one file).
  const leshuaHolds = holdsAcrossFiles(settlementRecords);
  if (leshuaHolds.holds.length > 0)
    ctx.merchantWarnings.add(holdsAcrossFilesWarning(merchantId, leshuaHolds.holds));
  const allS = leshuaHolds.records
    .filter((r) => r.status === 'success')
    .map((r) => {
      if (
        r.feeFen !== undefined ||
        r.settledFen === undefined ||
        r.type === 'deduction' ||
        r.type === 'rebate' ||
        r.type === 'payout'
      )
        return prepare(r);
      feesDerived += 1;
      return prepare({ ...r, feeFen: r.amountFen - r.settledFen });
    })
    .sort(compareTimeThenSource);
  if (feesDerived > 0)
    ctx.merchantWarnings.add(
      `商户 ${merchantId} 有 ${feesDerived} 条结算记录没有手续费，按“交易金额 − 结算金额”计算 / ` +
        `merchant ${merchantId}: ${feesDerived} settlement line(s) have no fee; taken as amount − settled`,
    );
  // Statement lines with neither a fee nor a settled amount (a journal given as the statement, a bill without
  // those columns) leave every fee unjudged: “未发现多扣手续费” alone would read as a clean bill.
  if (
    allS.some((p) => p.cls !== undefined) &&
    !allS.some((p) => p.cls !== undefined && p.record.feeFen !== undefined)
  ) {
    counts.skippedChecks.add('fee_overcharge');
    const whoZh = merchantId === '' ? '没有商户号的' : `商户 ${merchantId} 的`;
    const whoEn =
      merchantId === ''
        ? 'the settlement lines without a merchant number'
        : `merchant ${merchantId}'s settlement lines`;
    ctx.merchantWarnings.add(
      `${whoZh}结算记录都没有手续费或结算金额，无法核对手续费：请用带手续费或结算金额列的对账单核对 / ` +
        `none of ${whoEn} has a fee or a settled amount, so fees could not be checked — audit a statement with a fee or settled-amount column`,
    );
  }
  const S: Prepared[] = [];
  const deductionLines: Prepared[] = [];
  const rebateLines: Prepared[] = [];
  // One transaction settled more than once: a sale or refund line with the same first exact key and amount
  // again. One Map per key level and class (a refund may carry its sale's order number), keyed by the raw key, so
  // the common 参考号 case builds no new strings.
  const firstSeen = EXACT_KEYS.map(() => new Map<string, Prepared>());
  const firstSeenRefund = EXACT_KEYS.map(() => new Map<string, Prepared>());
  const statementCopies = new ExportCopies();
  // Another export's copy of a line is that line again: it is neither settled nor paid out a second time.
  const exportCopyLines = new Set<Prepared>();
  // The day's payout net still takes every one of them from allS, as the statement gives it.
  const statementUndone = undoneLines(allS, ctx, merchantId, '对账单', 'statement');
  for (const p of allS) {
    if (statementUndone.has(p)) continue;
    if (p.record.type === 'deduction') {
      deductionLines.push(p);
      continue;
    }
    if (p.record.type === 'rebate') {
      rebateLines.push(p);
      continue;
    }
    if (p.cls === undefined) continue;
    if (p.cls === 'sale' || p.cls === 'refund') {
      const first = firstLineOf(p.cls === 'sale' ? firstSeen : firstSeenRefund, p);
      if (first !== undefined && statementCopies.take(first.record, p.record)) {
        if (!scoped || inDates(scopeDateOf(p.record))) counts.settlementRecords -= 1;
        exportCopyLines.add(p);
        continue;
      }
      if (first !== undefined) {
        if (first.record.source.file === p.record.source.file) statementCopies.noteRepeat(first.record);
        const d = describeTransaction(p.record);
        // A sale settled twice pays the merchant twice; a refund settled twice takes the money back twice.
        const r = p.record;
        const debited =
          p.cls === 'refund' ? Math.max(0, -(r.settledFen ?? r.amountFen - (r.feeFen ?? 0))) : 0;
        drafts.push({
          kind: 'duplicate_settlement',
          merchantId,
          keys: keysOf(p.record),
          ...transactionFields(p.record),
          chargedFeeFen: p.record.feeFen,
          overchargeFen: 0,
          lossFen: debited,
          basis,
          message: `${d.zh} 被重复结算：同一笔交易在对账单中出现不止一次（首次见于 ${first.record.source.file} 第 ${first.record.source.row} 行）`,
          messageEn: `${d.en} settled more than once: the same transaction appears again (first at ${first.record.source.file} row ${first.record.source.row})`,
          source: sourceOf(first.record, p.record),
        });
        continue;
      }
    }
    S.push(p);
  }
  warnExportCopies(ctx, statementCopies, '对账单', 'statement');
  const rebates = rebatesOf(
    rebateLines.map((p) => p.record),
    merchantId,
    inDates,
  );
  counts.returnedFen = rebates.returnedFen;
  counts.returnedByKind = rebates.byKind;
  if (rebates.warning !== undefined) ctx.merchantWarnings.add(rebates.warning);

  const match = matchRecords(T, S);
  const refundWindowDays = plan?.refundWindowDays ?? REFUND_WINDOW_DAYS;
  const tLinks = findOriginals(T, { refundWindowDays });
  const sLinks = findOriginals(S, { refundWindowDays });
  const tParent = tLinks.parent;
  const sParent = sLinks.parent;
  /**
   * The sale of a statement void, reversal or refund, and whether only amount, time, terminal and payer tell it
   * (findOriginals): a sale its own keys name, else one its journal line's keys name, else either side's inferred
   * one — a key the journal gives outranks a guess from the statement alone, and a guess the journal line's
   * original keys rule out (it names a 原参考号 the sale does not carry) is none.
   */
  const statementSaleOf = (i: number): { sale: number; inferred: boolean } => {
    const own = sParent[i] ?? -1;
    if (own >= 0 && sLinks.inferred[i] === 0) return { sale: own, inferred: false };
    const t = match.terminalOf[i] ?? -1;
    const tSale = t >= 0 ? (tParent[t] ?? -1) : -1;
    const viaJournal = tSale >= 0 ? (match.settlementOf[tSale] ?? -1) : -1;
    if (viaJournal >= 0 && tLinks.inferred[t] === 0) return { sale: viaJournal, inferred: false };
    const journalLine = T[t]?.record;
    const ownSale = S[own]?.record;
    if (ownSale !== undefined && (journalLine === undefined || !namesAnotherSale(journalLine, ownSale)))
      return { sale: own, inferred: true };
    return { sale: viaJournal, inferred: viaJournal >= 0 };
  };
  // A pair counts when both its lines do (countInScope): a sale the journal has at 23:59:50 and the statement
  // at 00:00:05 is one of the first day's journal lines and of the next day's statement lines, so a window of
  // either day alone must not count it as paired — there would be more pairs than statement (or journal) lines.
  for (let t = 0; t < T.length; t += 1) {
    const tp = T[t];
    const sp = S[match.settlementOf[t] ?? -1];
    if (tp === undefined || sp === undefined) continue;
    if (!scoped || (inDates(scopeDateOf(tp.record)) && inDates(scopeDateOf(sp.record)))) counts.matched += 1;
  }
  for (const group of match.ambiguousGroups) {
    const records = [
      ...group.terminal.map((i) => T[i]?.record),
      ...group.settlement.map((i) => S[i]?.record),
    ];
    if (scoped && !records.some((r) => r !== undefined && inDates(localDateOf(r.time)))) continue;
    const keyName =
      ['参考号', '终端+批次+凭证号+日期', '商户订单号', '渠道订单号', '终端+凭证号+金额'][group.level] ??
      '关键字';
    const keyNameEn =
      [
        'reference number',
        'terminal+batch+voucher+date',
        'order number',
        'provider order number',
        'terminal+voucher+amount',
      ][group.level] ?? 'key';
    ctx.ambiguous.push({
      reason: `${group.terminal.length} 笔终端流水与 ${group.settlement.length} 笔对账单记录的${keyName}相同，金额无法一一对应`,
      reasonEn: `${group.terminal.length} journal records and ${group.settlement.length} statement lines share a ${keyNameEn} and cannot be paired by amount`,
      source: sourceOf(...records),
    });
  }

  // Cancelled sales: voids and reversals on the terminal, and whether the statement nets each.
  const tCancelled = new Uint8Array(T.length);
  const tCancelNetted = new Uint8Array(T.length);
  const tCancelRecord = new Int32Array(T.length).fill(-1);
  for (let i = 0; i < T.length; i += 1) {
    const p = T[i];
    if (p === undefined || (p.cls !== 'void' && p.cls !== 'reversal')) continue;
    const parent = tParent[i] ?? -1;
    if (parent < 0) continue;
    tCancelled[parent] = 1;
    tCancelRecord[parent] = i;
    if ((match.settlementOf[i] ?? -1) >= 0) tCancelNetted[parent] = 1;
  }
  for (let i = 0; i < T.length; i += 1) {
    const status = T[i]?.record.status;
    if (status === 'voided' || status === 'reversed') tCancelled[i] = 1;
  }
  // A statement sale and the void or reversal line that nets it: linked in the statement itself, or through the
  // journal when the statement's void names nothing of its sale and the journal's does.
  const sCancelled = new Uint8Array(S.length);
  const sCancelLine = new Int32Array(S.length).fill(-1);
  for (let i = 0; i < S.length; i += 1) {
    const p = S[i];
    if (p === undefined || (p.cls !== 'void' && p.cls !== 'reversal')) continue;
    const parent = statementSaleOf(i).sale;
    if (parent < 0 || S[parent]?.cls !== 'sale') continue;
    sCancelled[parent] = 1;
    if (sCancelLine[parent] === -1) sCancelLine[parent] = i;
  }
  // Voids, reversals and refunds that several sales could be the original of (findOriginals): left unlinked,
  // and listed for a person to decide. A statement line and its journal line are one cancel, listed once; one
  // that finds its sale through the other side is not in doubt.
  const journalInDoubt = new Set<number>();
  const statementInDoubt = new Set<number>();
  for (const a of sLinks.ambiguous) {
    if (statementSaleOf(a.cancel).sale >= 0) continue;
    statementInDoubt.add(a.cancel);
    const t = match.terminalOf[a.cancel] ?? -1;
    if (t >= 0) journalInDoubt.add(t);
    pushAmbiguousOriginal(ctx, S, a, scoped, inDates, refundWindowDays);
  }
  for (const a of tLinks.ambiguous) {
    const s = match.settlementOf[a.cancel] ?? -1;
    if (s >= 0) statementInDoubt.add(s);
    if (journalInDoubt.has(a.cancel) || (s >= 0 && statementSaleOf(s).sale >= 0)) continue;
    pushAmbiguousOriginal(ctx, T, a, scoped, inDates, refundWindowDays);
  }

  // Formula inference over the statement's settled sales, per channel, card and amount band.
  const groups = new Map<string, FormulaGroup>();
  const groupOfLine: (FormulaGroup | undefined)[] = new Array<FormulaGroup | undefined>(S.length);
  const bandOf = planBands(plan);
  const dateOf = localDateMemo();
  const groupFor = (channel: Channel, card: CardType, band: string): FormulaGroup => {
    const key = `${channel}|${card}|${band}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { channel, card, band, lines: [], segments: [] };
      groups.set(key, g);
    }
    return g;
  };
  for (let i = 0; i < S.length; i += 1) {
    const p = S[i];
    const r = p?.record;
    if (r === undefined || p?.cls !== 'sale' || r.feeFen === undefined || r.amountFen <= 0 || r.feeFen < 0)
      continue;
    const date = dateOf(tradeTimeOf(r));
    const g = groupFor(r.channel, r.card, bandOf(r.channel, r.card, r.amountFen));
    g.lines.push({ amountFen: r.amountFen, feeFen: r.feeFen, date });
    groupOfLine[i] = g;
    if (inDates(date)) addEffective(ctx, date, r.channel, r.card, r.amountFen, r.feeFen);
  }
  inferFormulas(groups.values());
  const sortedGroups = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, g] of sortedGroups) ctx.rateChanges.push(...rateChangesOf(merchantId, g, plan));

  /** The fee the contract (or, without one, the provider's own earlier formula) allows on a sale. */
  const expectedFee = (
    amountFen: number,
    channel: Channel,
    card: CardType,
    date: string,
    statementGroup: FormulaGroup | undefined,
  ): ExpectedFee => {
    if (plan !== undefined) {
      const quote = quoteFee(plan, { amountFen, channel, card, date });
      return quote.ok ? new PlanFee(quote) : NO_FEE;
    }
    return inferredFee(amountFen, channel, card, statementGroup);
  };
  /** The fee by the formula the provider charged such lines before any change, when its lines show one. */
  const inferredFee = (
    amountFen: number,
    channel: Channel,
    card: CardType,
    statementGroup: FormulaGroup | undefined,
  ): ExpectedFee => {
    const g = groups.get(`${channel}|${card}|${defaultBand(channel, amountFen)}`) ?? statementGroup;
    const formula = g !== undefined ? baselineFormula(g) : undefined;
    return formula === undefined ? NO_FEE : new InferredFee(formula, formula.fee(amountFen));
  };

  // Settled sales: fee, amount, short settlement, lateness, unexpected lines.
  const terminalRange = new Map<string, [number, number]>();
  const widenRange = (tid: string | undefined, ms: number) => {
    if (tid === undefined) return;
    const range = terminalRange.get(tid);
    if (range === undefined) terminalRange.set(tid, [ms, ms]);
    else {
      if (ms < range[0]) range[0] = ms;
      if (ms > range[1]) range[1] = ms;
    }
  };
  for (const p of T) widenRange(p.record.terminalId, p.ms);
  // A declined or pending attempt still shows the journal was recording at that time.
  for (const r of terminalRecords) if (r.status !== 'success') widenRange(r.terminalId, epochMsOf(r.time));
  const shortLines: { p: Prepared; deduction: DeductionLine }[] = [];
  // Per sale line: the fee the plan allows and its overcharge finding, which a refund returning more than the
  // plan asks may partly or wholly give back.
  const allowedFeeOf = new Map<number, number>();
  const overchargeOf = new Map<number, FindingDraft>();
  const returnedOvercharges = new Set<FindingDraft>();
  const voidSettled = new Uint8Array(S.length);
  for (let t = 0; t < T.length; t += 1) {
    const s = match.settlementOf[t] ?? -1;
    if (s >= 0 && tCancelled[t] === 1 && tCancelNetted[t] === 0 && sCancelled[s] === 0) voidSettled[s] = 1;
  }
  /**
   * The settled amount of a transaction differs from the journal's: what the journal shows and was not paid. A
   * statement's merchant-funded discount (商家优惠, a 免充值 coupon) explains its part of the gap: the journal
   * is compared with the order total, amount + discount.
   */
  const amountMismatch = (s: PosRecord, t: PosRecord, view: LineView, words: AmountWords): FindingDraft => {
    const [journalZh, settledZh, journalEn, settledEn] = words;
    const gap = t.amountFen - orderTotalFen(s);
    const diff = formatFen(gap);
    const discount = s.discountFen ?? 0;
    const discountZh = discount === 0 ? '' : `（另有商家优惠 ${formatFen(discount)}）`;
    const discountEn = discount === 0 ? '' : ` (plus the merchant's own discount ${formatFen(discount)})`;
    // The lead names the journal's amount, the finding's amountFen and its 交易金额 column: led by the settled
    // amount, “¥118.90：终端流水金额 ¥108.90” read as if the sale were ¥118.90.
    const { fields } = view;
    const d = describeTransaction({
      ...s,
      amountFen: t.amountFen,
      channel: fields.channel ?? s.channel,
      card: fields.card ?? s.card,
      time: fields.time ?? s.time,
      ...(fields.refNo !== undefined ? { refNo: fields.refNo } : {}),
    });
    return {
      kind: 'amount_mismatch',
      merchantId,
      keys: keysOf(s, t),
      ...view.fields,
      amountFen: t.amountFen,
      overchargeFen: 0,
      lossFen: Math.max(0, gap),
      basis,
      message: `${d.zh}：${journalZh} ${formatFen(t.amountFen)}，${settledZh} ${formatFen(s.amountFen)}${discountZh}，相差 ${diff}`,
      messageEn: `${d.en}: ${journalEn} ${formatFen(t.amountFen)}, ${settledEn} ${formatFen(s.amountFen)}${discountEn}, difference ${diff}`,
      source: sourceOf(t, s),
    };
  };
  // A refund line that takes back more than the journal's refund (the amounts are negative).
  for (let i = 0; i < S.length; i += 1) {
    const sp = S[i];
    if (sp === undefined || sp.cls !== 'refund') continue;
    const tIndex = match.terminalOf[i] ?? -1;
    const t = tIndex >= 0 ? T[tIndex]?.record : undefined;
    const s = sp.record;
    if (t === undefined || journalAmountAgrees(t.amountFen, s)) continue;
    const view = lineView(
      s,
      t,
      t.channel !== 'unknown' ? t.channel : s.channel,
      t.card !== 'unknown' ? t.card : s.card,
    );
    drafts.push(amountMismatch(s, t, view, REFUND_AMOUNT_WORDS));
  }
  for (let i = 0; i < S.length; i += 1) {
    const sp = S[i];
    if (sp === undefined || sp.cls !== 'sale') continue;
    const s = sp.record;
    const tIndex = match.terminalOf[i] ?? -1;
    const t = tIndex >= 0 ? T[tIndex]?.record : undefined;
    const tradeDate = dateOf(tradeTimeOf(t ?? s));
    const channel: Channel = t !== undefined && t.channel !== 'unknown' ? t.channel : s.channel;
    const card: CardType = t !== undefined && t.card !== 'unknown' ? t.card : s.card;
    // Words and fields are built only for lines that turn out to be findings.
    let view: LineView | undefined;

    if (t !== undefined && !journalAmountAgrees(t.amountFen, s)) {
      view ??= lineView(s, t, channel, card);
      drafts.push(amountMismatch(s, t, view, SALE_AMOUNT_WORDS));
    }

    if (voidSettled[i] === 1 && tIndex >= 0) {
      const cancel = T[tCancelRecord[tIndex] ?? -1]?.record;
      const fee = s.feeFen ?? 0;
      const reversed = cancel !== undefined ? cancel.type === 'reversal' : t?.status === 'reversed';
      const whatZh = reversed ? '冲正' : '撤销';
      const whatEn = reversed ? 'reversed' : 'voided';
      const lineEn = reversed ? 'reversal' : 'void';
      view ??= lineView(s, t, channel, card);
      drafts.push({
        kind: 'void_settled',
        merchantId,
        keys: keysOf(s, t),
        ...view.fields,
        chargedFeeFen: s.feeFen,
        overchargeFen: 0,
        lossFen: fee,
        basis,
        message: `${view.d.zh} 已在终端${whatZh}，但仍被结算且对账单中没有对应的${whatZh}冲抵；收取手续费 ${formatFen(fee)}`,
        messageEn: `${view.d.en} was ${whatEn} on the terminal but still settled, with no matching ${lineEn} line in the statement; fee charged ${formatFen(fee)}`,
        source: sourceOf(t, cancel, s),
      });
    }

    if (t === undefined && hasJournal && match.ambiguousSettlement[i] === 0 && s.terminalId !== undefined) {
      const range = terminalRange.get(s.terminalId);
      if (range !== undefined && sp.ms >= range[0] && sp.ms <= range[1]) {
        view ??= lineView(s, t, channel, card);
        drafts.push({
          kind: 'unexpected_settlement',
          merchantId,
          keys: keysOf(s),
          ...view.fields,
          chargedFeeFen: s.feeFen,
          overchargeFen: 0,
          lossFen: 0,
          basis,
          message: `${view.d.zh} 出现在对账单中，但该终端同期流水中没有这笔交易`,
          messageEn: `${view.d.en} is in the statement, but the terminal's journal for that period does not have it`,
          source: sourceOf(s),
        });
      }
    }

    // Fee: a sale a settled void or reversal nets costs the merchant nothing (撤销 is free, 冲正 nets to zero),
    // so what the two lines keep of the fee together is lost, whatever the plan says the sale would have cost;
    // any other sale is charged against the plan (or the provider's earlier formula).
    const cancelIndex = sCancelLine[i] ?? -1;
    const cancel = cancelIndex >= 0 ? S[cancelIndex]?.record : undefined;
    if (cancel !== undefined) {
      // A line without a fee leaves nothing to judge.
      const kept =
        s.feeFen === undefined || cancel.feeFen === undefined ? undefined : s.feeFen + cancel.feeFen;
      if (kept !== undefined && Math.abs(kept) <= tolerance) {
        if (kept > 0 && inDates(tradeDate)) counts.withinToleranceFen += kept;
      } else if (kept !== undefined) {
        view ??= lineView(s, t, channel, card);
        const journalCancel = tIndex >= 0 ? T[tCancelRecord[tIndex] ?? -1]?.record : undefined;
        drafts.push(cancelledFeeDraft(merchantId, basis, s, t, cancel, journalCancel, view, kept));
      }
    } else if (s.feeFen !== undefined && voidSettled[i] === 0) {
      const expected = expectedFee(
        s.amountFen,
        channel,
        card,
        tradeDate,
        plan === undefined ? groupOfLine[i] : undefined,
      );
      if (!expected.ok) {
        if (plan !== undefined) {
          view ??= lineView(s, t, channel, card);
          const range =
            card === 'unknown' ? feeRangeOverCards(plan, s.amountFen, channel, tradeDate) : undefined;
          const beyond = range === undefined ? 0 : s.feeFen - range.highest.feeFen;
          if (range !== undefined && beyond > tolerance) {
            // Whichever account paid, no rate of the plan comes to this fee: what is above the dearest is lost.
            const paid = paidWords(t ?? s, tradeDate);
            const draft = feeDraft(
              { merchantId, basis, s, t, view },
              range.highest.feeFen,
              range.highest.rule(),
              {
                zh: `${view.d.zh}：卡种未知，${range.words.zh}，最多应收 ${formatFen(range.highest.feeFen)}，实收 ${formatFen(s.feeFen)}，至少多扣 ${formatFen(beyond)}${paid.zh}`,
                en: `${view.d.en}: card type unknown; ${range.words.en}, at most ${formatFen(range.highest.feeFen)} was due, charged ${formatFen(s.feeFen)}, overcharged at least ${formatFen(beyond)}${paid.en}`,
              },
            );
            drafts.push(draft);
            overchargeOf.set(i, draft);
          } else {
            const within =
              range === undefined
                ? { zh: '', en: '' }
                : { zh: `；卡种未知，${range.words.zh}`, en: `; card type unknown: ${range.words.en}` };
            drafts.push({
              kind: 'no_rule',
              merchantId,
              keys: keysOf(s, t),
              ...view.fields,
              chargedFeeFen: s.feeFen,
              overchargeFen: 0,
              lossFen: 0,
              basis,
              message: `${view.d.zh}：费率方案在 ${tradeDate} 没有适用于${CHANNEL_NAMES_ZH[channel]}${CARD_NAMES_ZH[card]}的费率（实收 ${formatFen(s.feeFen)}${within.zh}）`,
              messageEn: `${view.d.en}: the plan has no rate for ${channel}/${card} on ${tradeDate} (charged ${formatFen(s.feeFen)}${within.en})`,
              source: sourceOf(t, s),
            });
          }
        }
      } else {
        allowedFeeOf.set(i, expected.feeFen);
        const diff = s.feeFen - expected.feeFen;
        if (Math.abs(diff) <= tolerance) {
          if (diff > 0 && inDates(tradeDate)) counts.withinToleranceFen += diff;
        } else {
          const over = diff > 0;
          view ??= lineView(s, t, channel, card);
          const paid = paidWords(t ?? s, tradeDate);
          // A raise told too late to bind yet: the finding says why the earlier rate is the one due.
          const late = expected instanceof PlanFee ? expected.deferral(s.feeFen, tolerance) : undefined;
          const draft = feeDraft({ merchantId, basis, s, t, view }, expected.feeFen, expected.rule?.(), {
            zh: `${view.d.zh}：应收 ${formatFen(expected.feeFen)}（${expected.words().zh}），实收 ${formatFen(s.feeFen)}，${over ? '多扣' : '少扣'} ${formatFen(Math.abs(diff))}${paid.zh}${late === undefined ? '' : `；${late.zh}`}`,
            en: `${view.d.en}: expected ${formatFen(expected.feeFen)} (${expected.words().en}), charged ${formatFen(s.feeFen)}, ${over ? 'overcharged' : 'undercharged'} ${formatFen(Math.abs(diff))}${paid.en}${late === undefined ? '' : `; ${late.en}`}`,
          });
          drafts.push(draft);
          if (over) overchargeOf.set(i, draft);
        }
      }
    }

    // Settled below amount − fee: something was netted out of this line.
    const short = shortSettled(sp, tradeDate);
    if (short !== undefined) shortLines.push(short);

    if (settleCycle.judgesLateness && s.settleDate !== undefined) {
      const due = dueDate(tradeDate);
      if (s.settleDate > due) {
        const late = dayNumber(s.settleDate) - dayNumber(due);
        const inferred = settleCycle.source === 'inferred';
        const cycleZh = `${cycleText(cycle.settlement)}${inferred ? '（由对账单推断）' : ' '}`;
        const cycleEn = `${cycleText(cycle.settlement)}${inferred ? ' (inferred from the statements)' : ''}`;
        view ??= lineView(s, t, channel, card);
        drafts.push({
          kind: 'late_settlement',
          merchantId,
          keys: keysOf(s, t),
          ...view.fields,
          overchargeFen: 0,
          lossFen: 0,
          basis: inferred ? 'inferred' : basis,
          message: `${view.d.zh}：按 ${cycleZh}最迟应于 ${due} 结算，实际 ${s.settleDate} 结算，晚 ${late} 天`,
          messageEn: `${view.d.en}: under ${cycleEn} it was due by ${due} at the latest, settled on ${s.settleDate}, ${late} ${late === 1 ? 'day' : 'days'} late`,
          source: sourceOf(t, s),
        });
      }
    }
  }

  // Journal sales with no settlement line: missing when the statements cover their settlement date. Not the
  // journal lines without a merchant number that no statement line could take (unnamed-journal.ts): no statement
  // is theirs, so none can miss them — the warning counts them as not reconciled.
  const unplacedJournal = merchantId === '' && settlementRecords.length === 0;
  if (hasJournal && !unplacedJournal) {
    const covers = merchantCoverage(ctx.coverage, merchantId);
    for (let t = 0; t < T.length; t += 1) {
      const tp = T[t];
      if (tp === undefined || tp.cls !== 'sale' || tCancelled[t] === 1) continue;
      if ((match.settlementOf[t] ?? -1) >= 0 || match.ambiguousTerminal[t] === 1) continue;
      const r = tp.record;
      const tradeDate = dateOf(tradeTimeOf(r));
      const due = dueDate(tradeDate);
      // A wallet's bill covers only that wallet's sales: a card sale is not missing from a WeChat bill.
      const state = coverageState(covers, tradeDate, due, ctx.options.today, r.channel);
      if (state === 'pending') {
        if (inDates(tradeDate)) counts.pending += 1;
        continue;
      }
      if (state === 'outside') {
        if (inDates(tradeDate)) {
          ctx.outsideCoverage.count += 1;
          noteOutside(ctx.unchecked, due);
        }
        continue;
      }
      // Due on the last day of a statement cut off mid-row: it may be among the rows after the cut. Not missing;
      // it cannot be checked until that file is downloaded again.
      if (state === 'cut-short') {
        const file = cutShortFileOf(covers, tradeDate, due, r.channel);
        if (file !== undefined && inDates(tradeDate)) noteCutShort(ctx.unchecked, file, due);
        continue;
      }
      // A sale the plan prices nothing for still costs what the provider charges such sales on its other lines:
      // the loss is what should have arrived, not the whole amount, whenever those lines say.
      const priced = expectedFee(r.amountFen, r.channel, r.card, tradeDate, undefined);
      const byPlan = priced.ok || plan === undefined;
      const expected = byPlan ? priced : inferredFee(r.amountFen, r.channel, r.card, undefined);
      const fee = expected.ok ? expected.feeFen : 0;
      const d = describeTransaction(r);
      const inferredZh = byPlan ? '' : '（方案未列此类交易的费率，按收单机构对同类交易的实收推断）';
      const inferredEn = byPlan
        ? ''
        : ' (the plan prices no such sale; the fee is the one the provider charges alike sales)';
      drafts.push({
        kind: 'missing_settlement',
        merchantId,
        keys: keysOf(r),
        ...transactionFields(r),
        expectedFeeFen: expected.ok ? expected.feeFen : undefined,
        overchargeFen: 0,
        lossFen: r.amountFen - fee,
        basis: byPlan ? basis : 'inferred',
        message: `${d.zh} 最迟应于 ${due} 结算，但对账单（已覆盖该日）中没有这笔交易；${expected.ok ? `应结 ${formatFen(r.amountFen)} − 手续费 ${formatFen(fee)} = ${formatFen(r.amountFen - fee)}${inferredZh}` : `手续费无法确定（没有适用的费率），按全额 ${formatFen(r.amountFen)} 计`}`,
        messageEn: `${d.en} was due to settle by ${due} at the latest, but the statements (which cover that day) do not have it; ${expected.ok ? `due ${formatFen(r.amountFen)} − fee ${formatFen(fee)} = ${formatFen(r.amountFen - fee)}${inferredEn}` : `the fee cannot be worked out (no rate applies), so the whole ${formatFen(r.amountFen)} is counted`}`,
        source: sourceOf(r),
      });
    }
  }

  // Refunds: the fee given back against the plan's refundFee, all refunds of a sale together.
  if (plan !== undefined) {
    const refundsOf = new Map<number, number[]>();
    // Refunds whose sale only amount, time, terminal and payer tell (the message says so).
    const inferredRefunds = new Set<number>();
    // Refunds whose sale is not found and whose fee due back needs it: named in one warning.
    const unchecked: PosRecord[] = [];
    const policyZh = { none: '不退手续费', proportional: '按比例退还手续费', full: '全额退还手续费' }[
      plan.refundFee
    ];
    for (let i = 0; i < S.length; i += 1) {
      const sp = S[i];
      if (sp === undefined || sp.cls !== 'refund' || sp.record.feeFen === undefined) continue;
      const link = statementSaleOf(i);
      const parent = link.sale;
      if (parent < 0) {
        const refund = sp.record;
        const charged = refund.feeFen ?? 0;
        if (!inDates(localDateOf(refund.time))) continue;
        // Without its sale, a refund is still priced where its own line tells what was due back (ownLineDue):
        // none under refundFee none, its own amount at the plan's rate under proportional.
        const own = ownLineDue(plan, refund);
        if (own !== undefined && (plan.refundFee !== 'none' || charged <= 0)) {
          const diff = own.due + charged;
          if (Math.abs(diff) <= tolerance) {
            if (diff > 0) counts.withinToleranceFen += diff;
            continue;
          }
          const d = describeTransaction(refund);
          const words = refundFeeWords(own.due, charged, diff);
          const why = statementInDoubt.has(i)
            ? {
                zh: '所给文件中有几笔消费都可能是它，无法确定是哪一笔',
                en: 'several sales in the files given could be it',
              }
            : { zh: '所给文件中没有', en: 'it is not in the files given' };
          drafts.push({
            kind: 'refund_fee_mismatch',
            merchantId,
            keys: keysOf(refund),
            ...transactionFields(refund),
            expectedFeeFen: own.due === 0 ? 0 : -own.due,
            chargedFeeFen: refund.feeFen,
            overchargeFen: Math.max(0, diff),
            lossFen: Math.max(0, diff),
            basis,
            rule: own.rule,
            message: `${d.zh} 退货：原交易未找到（${why.zh}），按退货本身计：方案约定${policyZh}${own.zh}，${words.zh}`,
            messageEn: `${d.en} refund: its original sale was not found (${why.en}), so it was priced from the refund's own line: the plan says refundFee ${plan.refundFee}${own.en}; ${words.en}`,
            source: sourceOf(refund),
          });
          continue;
        }
        // Without its sale the fee due back is unknown, but no refund policy charges a fee on a refund: at least
        // what was charged is lost.
        if (own === undefined && charged <= tolerance) unchecked.push(refund);
        if (charged > tolerance) {
          const d = describeTransaction(refund);
          drafts.push({
            kind: 'refund_fee_mismatch',
            merchantId,
            keys: keysOf(refund),
            ...transactionFields(refund),
            chargedFeeFen: charged,
            overchargeFen: charged,
            lossFen: charged,
            basis,
            message: `${d.zh} 退货时另收手续费 ${formatFen(charged)}：原交易不在所给对账单中，应退多少无法计算，但任何退货方式都不应再收手续费，至少多收 ${formatFen(charged)}`,
            messageEn: `${d.en} refund: a fee of ${formatFen(charged)} was charged on the refund; its sale is not in the statements given, so the fee due back cannot be worked out, but no refund policy charges a fee on a refund: at least ${formatFen(charged)} taken`,
            source: sourceOf(refund),
          });
        }
        continue;
      }
      if (link.inferred) inferredRefunds.add(i);
      const list = refundsOf.get(parent);
      if (list === undefined) refundsOf.set(parent, [i]);
      else list.push(i);
    }
    for (const [parent, refundIndices] of refundsOf) {
      const original = S[parent]?.record;
      if (original === undefined) continue;
      // The fee due back follows from the fee the plan allows on the sale, not the one charged: an overcharge is
      // reported on the sale, and counting it again as a refund short would count it twice.
      let originalFee = allowedFeeOf.get(parent) ?? original.feeFen;
      if (originalFee === undefined) {
        const q = quoteFee(plan, {
          amountFen: original.amountFen,
          channel: original.channel,
          card: original.card,
          date: localDateOf(tradeTimeOf(original)),
        });
        originalFee = q.ok ? q.feeFen : 0;
      }
      const refunds = refundIndices.map((i) => S[i]?.record).filter((r) => r !== undefined);
      // Dues are computed from what was due before, so a short refund is reported once, not again at the last.
      const dues = refundFeesDue(
        plan.refundFee,
        plan.rounding,
        { amountFen: original.amountFen, feeFen: originalFee },
        refunds.map((r) => r.amountFen),
      );
      // A fee returned short at one refund and made up at another is not lost: the excess first pays back the
      // shortfalls, then the sale's own overcharge, so the sale's loss is what it is short in the end.
      const diffs = refunds.map((refund, k) => (dues[k] ?? 0) + (refund.feeFen ?? 0));
      let madeUp = 0;
      for (const diff of diffs) if (diff < -tolerance) madeUp -= diff;
      const offsets = diffs.map((diff) => {
        const offset = diff > tolerance ? Math.min(diff, madeUp) : 0;
        madeUp -= offset;
        return offset;
      });
      const overcharge = overchargeOf.get(parent);
      let givenBack = overcharge === undefined ? 0 : Math.min(madeUp, overcharge.overchargeFen);
      if (overcharge !== undefined && givenBack > 0) {
        overcharge.overchargeFen -= givenBack;
        overcharge.lossFen -= givenBack;
        if (overcharge.overchargeFen <= 0) returnedOvercharges.add(overcharge);
        else {
          overcharge.message += `（其中 ${formatFen(givenBack)} 已随退货退回）`;
          overcharge.messageEn += ` (${formatFen(givenBack)} of it given back with a refund)`;
        }
      }
      refunds.forEach((refund, k) => {
        const inferred = inferredRefunds.has(refundIndices[k] ?? -1);
        const due = dues[k] ?? 0;
        let diff = diffs[k] ?? 0;
        const offset = offsets[k] ?? 0;
        // What this refund returned beyond its due and gave back of the sale's overcharge was owed anyway.
        const repaid = diff < -tolerance ? Math.min(-diff, givenBack) : 0;
        givenBack -= repaid;
        diff += repaid;
        if (Math.abs(diff) <= tolerance) {
          if (diff > 0 && inDates(localDateOf(refund.time))) counts.withinToleranceFen += diff;
          return;
        }
        const d = describeTransaction(refund);
        const fee = originalFee ?? 0;
        const where = `${original.source.file} 第 ${original.source.row} 行`;
        const inferredZh = inferred
          ? `（退货未标明原交易，按同商户、终端、付款卡号、金额与时间推定为 ${where}）`
          : '';
        const inferredEn = inferred
          ? ` (the refund does not name its sale; taken to be ${original.source.file} row ${original.source.row} by merchant, terminal, card, amount and time)`
          : '';
        const repaidZh = repaid > 0 ? `（另有 ${formatFen(repaid)} 退回了原交易多扣的手续费）` : '';
        const repaidEn = repaid > 0 ? ` (and ${formatFen(repaid)} gave back the sale's overcharge)` : '';
        const words = refundFeeWords(due, refund.feeFen ?? 0, diff);
        drafts.push({
          kind: 'refund_fee_mismatch',
          merchantId,
          keys: keysOf(refund),
          ...transactionFields(refund),
          expectedFeeFen: due === 0 ? 0 : -due,
          chargedFeeFen: refund.feeFen,
          overchargeFen: Math.max(0, diff - offset),
          lossFen: Math.max(0, diff - offset),
          basis,
          message: `${d.zh} 退货：方案约定${policyZh}，原交易 ${formatFen(original.amountFen)}${inferredZh} 应收手续费 ${formatFen(fee)}，${words.zh}${repaidZh}${offset > 0 ? `（其中 ${formatFen(offset)} 已在其他退款中补回）` : ''}`,
          messageEn: `${d.en} refund: the plan says refundFee ${plan.refundFee}; original ${formatFen(original.amountFen)}${inferredEn} with fee due ${formatFen(fee)}; ${words.en}${repaidEn}${offset > 0 ? ` (${formatFen(offset)} of it made up by another refund)` : ''}`,
          source: sourceOf(original, refund),
        });
      });
    }
    if (unchecked.length > 0) {
      const shown = unchecked.slice(0, 5);
      const more = unchecked.length > shown.length ? ' …' : '';
      const whoZh = merchantId === '' ? '' : `商户 ${merchantId} 的`;
      const whoEn = merchantId === '' ? '' : `merchant ${merchantId}: `;
      const why =
        plan.refundFee === 'full'
          ? { zh: '应退的是原交易的全部手续费', en: 'what is due back is the sale’s whole fee' }
          : {
              zh: '适用的费率有封顶、固定部分、最低收费或金额分档（或方案没有适用的费率），应退多少取决于原交易',
              en: 'the rate that applies has a cap, a fixed part, a minimum or amount bands (or the plan has none), so what is due back depends on the sale',
            };
      ctx.merchantWarnings.add(
        `${whoZh}对账单中有 ${unchecked.length} 笔退货找不到原交易（不在所给文件中，或有几笔消费都可能是它），方案约定${policyZh}，${why.zh}，未核对其退还的手续费：${shown.map((r) => `${r.source.file} 第 ${r.source.row} 行`).join('、')}${more} / ` +
          `${whoEn}${unchecked.length} refund line(s) whose sale was not found (not in the files given, or several sales could be it): under refundFee ${plan.refundFee} ${why.en}, so the fee they returned was not checked: ${shown.map((r) => `${r.source.file} row ${r.source.row}`).join(', ')}${more}`,
      );
    }
  }

  // Suspected duplicate charges: the journal's sales, or the statement's when there is no journal.
  {
    // A later void does not clear a sale here: the rule is about successful sales, as the issue states it. But a
    // sale reversed or voided (a failed one is not among them at all) is no previous sale: after a timeout the
    // terminal reverses the sale itself and the cashier swipes again (DOMAIN.md §4.2), one charge in all.
    const side = hasJournal ? T : S;
    const previousSaleOf = previousSameSale(side, hasJournal ? tCancelled : sCancelled, window);
    for (let i = 0; i < side.length; i += 1) {
      const p = side[i];
      if (p === undefined || p.cls !== 'sale') continue;
      const previous = previousSaleOf(i);
      if (previous === undefined || p.ms - previous.ms > window) continue;
      const d = describeTransaction(p.record);
      const seconds = Math.round((p.ms - previous.ms) / 1000);
      drafts.push({
        kind: 'suspected_duplicate_charge',
        merchantId,
        keys: keysOf(p.record),
        ...transactionFields(p.record, hasJournal ? S[match.settlementOf[i] ?? -1]?.record : undefined),
        overchargeFen: 0,
        lossFen: 0,
        basis,
        message: `${d.zh}：同一终端、同一付款人、同一金额，距上一笔仅 ${seconds} 秒，疑似重复扣款`,
        messageEn: `${d.en}: same terminal, payer and amount only ${seconds} s after the previous sale — possibly charged twice`,
        source: sourceOf(previous.record, p.record),
      });
    }
  }

  // Deductions netted from payouts, and short-settled lines, against the plan's charges.
  {
    const items: { p: Prepared; deduction: DeductionLine; kindZh: string }[] = [];
    for (const p of deductionLines) {
      const r = p.record;
      items.push({
        p,
        deduction: {
          date: r.settleDate ?? localDateOf(r.time),
          amountFen: Math.abs(r.settledFen ?? r.amountFen),
          label: r.label ?? '',
          ...(r.terminalId !== undefined ? { terminalId: r.terminalId } : {}),
        },
        kindZh: '扣款',
      });
    }
    // The provider's direct bank debits share the plan's charges with the statement's deductions (one agreed
    // 流量费 a year, however it is collected); one the statement lists already is counted there only.
    const listed = debitsListedOnStatement(
      providerDebits,
      items.map((x) => ({ record: x.p.record, date: x.deduction.date })),
      plan?.charges ?? [],
    );
    for (const debit of providerDebits)
      if (!listed.has(debit))
        items.push({ p: prepare(debit), deduction: deductionLineOf(debit), kindZh: '银行扣款' });
    // A refund line settled below amount − fee (−100.00 refunded, fee 0.00, −103.00 taken) has money netted out
    // of it like a short sale line.
    for (const p of S) {
      const short = p.cls === 'refund' ? shortSettled(p, localDateOf(p.record.time)) : undefined;
      if (short !== undefined) shortLines.push(short);
    }
    for (const s of shortLines) items.push({ ...s, kindZh: '结算少付' });
    items.sort((a, b) =>
      a.deduction.date !== b.deduction.date
        ? a.deduction.date < b.deduction.date
          ? -1
          : 1
        : compareTimeThenSource(a.p, b.p),
    );
    const coverage = coverDeductions(
      plan?.charges ?? [],
      items.map((x) => x.deduction),
    );
    items.forEach((item, k) => {
      const c = coverage[k];
      if (c === undefined || c.unplannedFen <= 0) return;
      const r = item.p.record;
      if (!inDates(item.kindZh === '结算少付' ? localDateOf(r.time) : item.deduction.date)) return;
      const label = r.label ?? '扣款';
      // A sale settled short whose memo names the charge (含押金299元) is that charge: its return makes it good.
      const ownLabel = item.kindZh === '结算少付' ? chargeNamedIn(r.label) : r.label;
      const coveredZh =
        c.coveredFen > 0 && c.charge !== undefined
          ? `，其中 ${formatFen(c.coveredFen)} 属约定的“${c.charge.name}”`
          : '';
      const coveredEn =
        c.coveredFen > 0 && c.charge !== undefined
          ? `, of which ${formatFen(c.coveredFen)} is the agreed "${c.charge.name}"`
          : '';
      const debit = item.kindZh === '银行扣款' ? describeProviderDebit(r) : undefined;
      const whatZh =
        debit !== undefined
          ? debit.zh
          : item.kindZh === '扣款'
            ? `${item.deduction.date} 从结算款中扣除“${label}” ${formatFen(item.deduction.amountFen)}`
            : `${describeTransaction(r).zh} 结算 ${formatFen(r.settledFen ?? 0)}，低于 金额 − 手续费 = ${formatFen(r.amountFen - (r.feeFen ?? 0))}，少付 ${formatFen(item.deduction.amountFen)}`;
      const whatEn =
        debit !== undefined
          ? debit.en
          : item.kindZh === '扣款'
            ? `${item.deduction.date}: "${label}" ${formatFen(item.deduction.amountFen)} deducted from the payout`
            : `${describeTransaction(r).en} settled ${formatFen(r.settledFen ?? 0)}, below amount − fee = ${formatFen(r.amountFen - (r.feeFen ?? 0))}, short by ${formatFen(item.deduction.amountFen)}`;
      drafts.push({
        kind: 'unplanned_deduction',
        merchantId,
        // A bank line has no 参考号: its counterparty and memo tell two debits of one day and amount apart.
        keys: [...keysOf(r), ...(debit !== undefined ? [r.counterparty, r.label] : []), item.kindZh],
        ...transactionFields(r),
        amountFen: item.kindZh === '结算少付' ? r.amountFen : -item.deduction.amountFen,
        ...(r.settleDate !== undefined ? { settleDate: r.settleDate } : {}),
        overchargeFen: 0,
        lossFen: c.unplannedFen,
        basis,
        ...(ownLabel !== undefined ? { label: ownLabel } : {}),
        message: `${whatZh}${coveredZh}；${unplannedWords(c, basis === 'plan').zh}`,
        messageEn: `${whatEn}${coveredEn}; ${unplannedWords(c, basis === 'plan').en}`,
        source: sourceOf(r),
      });
    });
  }

  // Payouts: each settlement day's net, checked against the run's bank credits once every merchant's are known.
  // A day a cut-off statement file leaves incomplete is marked, not compared (PayoutDay.cutShortFile).
  const payoutCovers = merchantCoverage(ctx.coverage, merchantId);
  const markCutShortPayoutDays = (days: readonly PayoutDay[]): void => {
    if (payoutCovers.cutShort === undefined) return;
    for (const day of days) {
      const file = cutShortPayoutFile(payoutCovers, day, dueDate);
      if (file !== undefined) day.cutShortFile = file;
    }
  };
  const paidLines = exportCopyLines.size === 0 ? allS : allS.filter((p) => !exportCopyLines.has(p));
  if (ctx.hasBank) {
    // Each day's net from all its lines, whatever their trade dates; only days inside --from/--to are checked.
    // A statement without settlement dates (a WeChat bill, a Leshua trade file) still has its payouts checked:
    // each line on the day the settlement cycle pays its trade date, which the credit's window of two working
    // days absorbs when the provider is a day off.
    let estimated = 0;
    const days = payoutDaysOf(paidLines, (r) => {
      estimated += 1;
      return dueDate(localDateOf(r.time));
    }).filter((day) => inDates(day.date));
    markCutShortPayoutDays(days);
    if (estimated > 0) {
      const used = cycleText(cycle.settlement);
      ctx.merchantWarnings.add(
        `商户 ${merchantId || '（未注明）'} 有 ${estimated} 条结算记录没有结算日期，核对到账时按结算周期 ${used} 由交易日推算结算日 / ` +
          `merchant ${merchantId || '(none)'}: ${estimated} settlement line(s) have no settlement date; for the payout check each is put on the day the ${used} cycle pays its trade date`,
      );
    }
    if (days.length > 0)
      ctx.payouts.push({
        merchantId,
        basis,
        ...(plan?.calendar === undefined ? {} : { calendar: plan.calendar }),
        days,
      });
  } else {
    // No bank files: a statement that lists its own payouts still shows a day paid short.
    const own = checkStatementPayouts(paidLines, merchantId, basis, inDates, markCutShortPayoutDays);
    for (const day of own.cutShortDays)
      notePayoutCutShort(ctx.unchecked, day.cutShortFile as string, day.date);
    if (own.comparedDays > 0) counts.skippedChecks.delete('payout_mismatch');
    for (const d of own.drafts) drafts.push(d);
  }
  // Drop the overcharges a refund gave back in full, and what lies outside --from/--to (deductions were judged
  // by their settlement day where they were drafted).
  if (returnedOvercharges.size > 0 || scoped) {
    const kept = ctx.drafts
      .slice(draftsBefore)
      .filter(
        (d) =>
          !returnedOvercharges.has(d) &&
          (d.kind === 'unplanned_deduction' || d.time === undefined || inDates(localDateOf(d.time))),
      );
    ctx.drafts.length = draftsBefore;
    for (const d of kept) ctx.drafts.push(d);
  }
  if (scoped) {
    const changes = ctx.rateChanges.slice(rateChangesBefore).filter((c) => inDates(c.date));
    ctx.rateChanges.length = rateChangesBefore;
    for (const c of changes) ctx.rateChanges.push(c);
  }
  return counts;
}

export type EffectiveRate = RunContext['effective'] extends Map<string, infer E> ? E : never;

/**
 * Adds a settled sale to its day's effective rate. The entries also sit in nested Maps by day, channel and card,
 * so a line finds its entry without building a key string.
 */
export function addEffective(
  ctx: RunContext,
  date: string,
  channel: Channel,
  card: CardType,
  amountFen: number,
  feeFen: number,
): void {
  let byChannel = ctx.effectiveIndex.get(date);
  if (byChannel === undefined) {
    byChannel = new Map();
    ctx.effectiveIndex.set(date, byChannel);
  }
  let byCard = byChannel.get(channel);
  if (byCard === undefined) {
    byCard = new Map();
    byChannel.set(channel, byCard);
  }
  let e = byCard.get(card);
  if (e === undefined) {
    const key = `${date}|${channel}|${card}`;
    e = ctx.effective.get(key);
    if (e === undefined) {
      ctx.effective.set(key, { date, channel, card, amountFen, feeFen });
      byCard.set(card, ctx.effective.get(key) as EffectiveRate);
      return;
    }
    byCard.set(card, e);
  }
  e.amountFen += amountFen;
  e.feeFen += feeFen;
}

type ExpectedFee = PlanFee | InferredFee | { readonly ok: false };
const NO_FEE = { ok: false } as const;

/** A fee from the plan; its words are built only when a finding needs them. */
class PlanFee {
  readonly ok = true;
  readonly feeFen: number;
  constructor(private readonly quote: Extract<FeeQuote, { ok: true }>) {
    this.feeFen = quote.feeFen;
  }
  words(): { zh: string; en: string } {
    const r = this.quote.rule;
    return describeFormula(r.ratePpm, r.fixedFen, r.capFen, r.minFen);
  }
  rule(): { text: string; line: number } {
    return describeRule(this.quote.rule, this.quote.period, this.quote.deferred);
  }
  /**
   * Why the earlier terms priced the sale, when a raise was not yet binding (see quoteFee), in words for the
   * finding; `chargedFen` within `toleranceFen` of the new rate's fee says the provider applied it early.
   */
  deferral(chargedFen: number, toleranceFen: number): { zh: string; en: string } | undefined {
    const d = this.quote.deferred;
    return d === undefined ? undefined : describeDeferral(d, Math.abs(chargedFen - d.feeFen) <= toleranceFen);
  }
}

/** The card types a sale of unknown card may have been paid with, in the order they are named. */
const CARDS_OF_UNKNOWN = ['debit', 'credit', 'prepaid'] as const satisfies readonly CardType[];

/**
 * What the plan charges a sale whose card type nobody stated, over the card types it has rates for: the dearest,
 * and the fee by each in words. Undefined unless the plan prices both debit and credit on that channel: a plan
 * without one of them cannot say the fee is too high for whichever card it was.
 */
function feeRangeOverCards(
  plan: FeePlan,
  amountFen: number,
  channel: Channel,
  date: string,
): { highest: PlanFee; words: { zh: string; en: string } } | undefined {
  const fees: { card: CardType; fee: PlanFee }[] = [];
  for (const card of CARDS_OF_UNKNOWN) {
    const quote = quoteFee(plan, { amountFen, channel, card, date });
    if (quote.ok) fees.push({ card, fee: new PlanFee(quote) });
    else if (card !== 'prepaid') return undefined;
  }
  const highest = fees.reduce((a, b) => (b.fee.feeFen > a.fee.feeFen ? b : a));
  return {
    highest: highest.fee,
    words: {
      zh: fees.map(({ card, fee }) => `按${CARD_NAMES_ZH[card]}应收 ${formatFen(fee.feeFen)}`).join('、'),
      en: fees.map(({ card, fee }) => `${formatFen(fee.feeFen)} due as a ${CARD_NAMES_EN[card]}`).join(', '),
    },
  };
}

/** A fee by the provider's own earlier formula (no plan). */
class InferredFee {
  readonly ok = true;
  readonly rule = undefined;
  constructor(
    private readonly formula: Formula,
    readonly feeFen: number,
  ) {}
  words(): { zh: string; en: string } {
    const w = formulaWords(this.formula);
    return { zh: `${w.zh}，按此前实收推断`, en: `${w.en}, inferred from earlier charges` };
  }
}

interface LineView {
  readonly d: { zh: string; en: string };
  readonly fields: ReturnType<typeof transactionFields>;
}

/** A settled sale as findings show it: the journal's time, reference, channel and card where it has them. */
function lineView(s: PosRecord, t: PosRecord | undefined, channel: Channel, card: CardType): LineView {
  const time = t?.time ?? s.time;
  const refNo = t?.refNo ?? s.refNo;
  return {
    d: describeTransaction({ ...s, channel, card, time, ...(refNo !== undefined ? { refNo } : {}) }),
    fields: { ...transactionFields(s, t), time, refNo, channel, card },
  };
}

/** Keys a finding's id is derived from: the record's identifying fields (and its partner's). */
function keysOf(primary: PosRecord, other?: PosRecord): (string | number | undefined)[] {
  const r = primary;
  return [
    r.refNo ?? other?.refNo,
    r.orderNo ?? other?.orderNo,
    r.providerOrderNo ?? other?.providerOrderNo,
    r.terminalId ?? other?.terminalId,
    r.batchNo,
    r.voucherNo,
    r.time,
    r.amountFen,
    r.settleDate ?? other?.settleDate,
    r.type,
  ];
}

/** Sales a look-back may pass over before a keyed index is cheaper (a wide --duplicate-window on a busy till). */
const MAX_LOOK_BACK = 64;

/**
 * For the time-ordered records `side`, a function giving a sale's latest earlier sale with the same terminal,
 * payer and amount when that one is within `window` ms (else possibly undefined); a sale `cancelled` marks (1)
 * is never the earlier one. Sales within a minute are few, so it looks back through the window rather than
 * keying every sale by a composite string: a Map the size of the journal, and a new string per sale, cost more
 * than the whole check.
 */
function previousSameSale(
  side: readonly Prepared[],
  cancelled: Uint8Array,
  window: number,
): (i: number) => Prepared | undefined {
  const payerKeyed = (p: Prepared | undefined) =>
    p !== undefined && p.cls === 'sale' && payerOf(p.record) !== undefined;
  let widest = 0;
  for (let lo = 0, hi = 0; hi < side.length; hi += 1) {
    const now = side[hi]?.ms ?? 0;
    while ((side[lo]?.ms ?? now) < now - window) lo += 1;
    widest = Math.max(widest, hi - lo);
  }
  if (widest > MAX_LOOK_BACK) {
    const latest = new Map<string, Prepared>();
    const previousOf: (Prepared | undefined)[] = new Array(side.length);
    for (let i = 0; i < side.length; i += 1) {
      const p = side[i];
      if (p === undefined || !payerKeyed(p)) continue;
      const key = `${p.record.terminalId ?? ''}|${payerOf(p.record)}|${p.record.amountFen}`;
      previousOf[i] = latest.get(key);
      if (cancelled[i] !== 1) latest.set(key, p);
    }
    return (i) => previousOf[i];
  }
  return (i) => {
    const p = side[i];
    if (p === undefined || !payerKeyed(p)) return undefined;
    const r = p.record;
    const payer = payerOf(r);
    for (let j = i - 1; j >= 0; j -= 1) {
      const q = side[j];
      if (q === undefined) continue;
      if (p.ms - q.ms > window) return undefined;
      if (
        q.cls === 'sale' &&
        cancelled[j] !== 1 &&
        q.record.amountFen === r.amountFen &&
        q.record.terminalId === r.terminalId &&
        payerOf(q.record) === payer
      )
        return q;
    }
    return undefined;
  };
}

/**
 * The earlier line this sale line repeats — same first exact key, amount, terminal and trade date — or undefined,
 * in which case the line is remembered under that key. Two sales that share a 参考号 on different terminals or
 * days are two sales: reference numbers are unique only per terminal centre and period.
 */
function firstLineOf(seen: Map<string, Prepared>[], p: Prepared): Prepared | undefined {
  for (let level = 0; level < EXACT_KEYS.length; level += 1) {
    const key = EXACT_KEYS[level]?.(p.record);
    if (key === undefined) continue;
    const map = seen[level];
    const first = map?.get(key);
    if (first === undefined) {
      map?.set(key, p);
      return undefined;
    }
    const a = first.record;
    const b = p.record;
    const sameTransaction =
      a.amountFen === b.amountFen &&
      (a.terminalId === undefined || b.terminalId === undefined || a.terminalId === b.terminalId) &&
      localDateOf(a.time) === localDateOf(b.time);
    return sameTransaction ? first : undefined;
  }
  return undefined;
}

/** What one merchant's audit adds to a run, when it runs apart (a worker thread) and is merged in merchant order. */
export interface MerchantAuditResult {
  counts: MerchantCounts;
  drafts: FindingDraft[];
  ambiguous: AmbiguousMatch[];
  rateChanges: RateChange[];
  effective: EffectiveRate[];
  merchantWarnings: string[];
  outsideCoverage: number;
  /** The days of its unchecked sales (unchecked-days.ts); absent from a result made before it was added. */
  unchecked?: UncheckedDaysEntries;
  /** Its payout days, when the run has bank records. */
  payouts: MerchantPayouts[];
}

/**
 * Audits one merchant on its own (a worker thread, a group of files): merchants share nothing but the bank
 * credits, which the session claims for every merchant's payout days at the end (payouts.ts).
 */
export function auditMerchantApart(
  merchantId: string,
  terminal: readonly PosRecord[],
  settlement: readonly PosRecord[],
  plan: FeePlan | undefined,
  options: AuditOptions,
  coverage: Coverage,
  hasBank = false,
  providerDebits: readonly PosRecord[] = [],
): MerchantAuditResult {
  const ctx: RunContext = {
    options,
    coverage,
    hasBank,
    payouts: [],
    drafts: [],
    ambiguous: [],
    rateChanges: [],
    effective: new Map(),
    effectiveIndex: new Map(),
    warnings: [],
    merchantWarnings: new Set(),
    outsideCoverage: { count: 0 },
    unchecked: newUncheckedDays(),
  };
  const counts = auditMerchant(ctx, merchantId, terminal, settlement, plan, providerDebits);
  return {
    counts,
    drafts: ctx.drafts,
    ambiguous: ctx.ambiguous,
    rateChanges: ctx.rateChanges,
    effective: [...ctx.effective.values()],
    merchantWarnings: [...ctx.merchantWarnings],
    outsideCoverage: ctx.outsideCoverage.count,
    unchecked: uncheckedEntries(ctx.unchecked),
    payouts: ctx.payouts,
  };
}

/**
 * The fee due back on a refund whose sale is not found, from the refund's own line, where the plan tells it
 * without the sale: nothing under refundFee none; under proportional, the refund's amount at the plan's rate for
 * its channel, card and date — fee × refund ÷ sale is that rate on the refund when the rate is a plain
 * percentage every larger sale of that channel and card would pay too (no cap, fixed part or minimum, no amount
 * band above the refund's), within a fen of rounding. Under full, or such a rate, it needs the sale: undefined.
 */
function ownLineDue(
  plan: FeePlan,
  refund: PosRecord,
): { due: number; zh: string; en: string; rule: FindingDraft['rule'] } | undefined {
  if (plan.refundFee === 'none') return { due: 0, zh: '', en: '', rule: undefined };
  if (plan.refundFee !== 'proportional') return undefined;
  const amountFen = Math.abs(refund.amountFen);
  const query = {
    amountFen,
    channel: refund.channel,
    card: refund.card,
    date: localDateOf(tradeTimeOf(refund)),
  };
  const quote = quoteFee(plan, query);
  if (!quote.ok) return undefined;
  const rule = quote.rule;
  if (
    rule.fixedFen !== 0 ||
    rule.capFen !== undefined ||
    rule.minFen !== undefined ||
    rule.maxAmountFen !== undefined
  )
    return undefined;
  // An earlier rule of the period for amounts above the refund's would price a larger sale instead.
  for (const other of quote.period.rates) {
    if (other === rule) break;
    const largest = other.maxAmountFen ?? Number.MAX_SAFE_INTEGER;
    if (largest > amountFen && ruleMatches(other, { ...query, amountFen: largest })) return undefined;
  }
  const formula = describeFormula(rule.ratePpm, 0, undefined);
  return {
    due: quote.feeFen,
    zh: `，退货金额 ${formatFen(amountFen)} × ${formula.zh}（${query.date} 适用的费率）= ${formatFen(quote.feeFen)}`,
    en: `; the refund's ${formatFen(amountFen)} × ${formula.en} (the rate on ${query.date}) = ${formatFen(quote.feeFen)}`,
    rule: describeRule(rule, quote.period, quote.deferred),
  };
}

/**
 * Lists a void, reversal or refund that several sales could be the original of (findOriginals), with them, in
 * the report's `ambiguous` — when the cancel is in the run's dates.
 */
function pushAmbiguousOriginal(
  ctx: RunContext,
  lines: readonly Prepared[],
  a: AmbiguousOriginal,
  scoped: boolean,
  inDates: (date: string) => boolean,
  refundWindowDays: number,
): void {
  const p = lines[a.cancel];
  if (p === undefined || (scoped && !inDates(localDateOf(p.record.time)))) return;
  const d = describeTransaction(p.record);
  const refund = p.cls === 'refund';
  const whatZh = refund ? '退货' : p.cls === 'void' ? '撤销' : '冲正';
  const whatEn = refund ? 'refund' : p.cls === 'void' ? 'void' : 'reversal';
  const n = a.sales.length;
  const countZh = a.more ? `${n} 笔以上` : `${n} 笔`;
  const countEn = a.more ? `more than ${n}` : `${n}`;
  const rulesZh = refund
    ? `同商户，终端与付款卡号两边都有时相同，未退金额不小于退货金额，且在退货前 ${refundWindowDays} 天内`
    : '同商户、同一天、同金额，终端与付款卡号两边都有时相同';
  const rulesEn = refund
    ? `same merchant, and terminal and card where both show them, enough not yet refunded, within ${refundWindowDays} days before`
    : 'same merchant, day and amount, and terminal and card where both show them';
  ctx.ambiguous.push({
    reason: `${whatZh} ${d.zh} 未标明原交易（或标明的不在所给文件中），可能是其原交易的消费有 ${countZh}（${rulesZh}），无法确定是哪一笔`,
    reasonEn: `${whatEn} ${d.en} names no sale found here, and ${countEn} sales could be its original (${rulesEn}); none was guessed`,
    source: sourceOf(p.record, ...a.sales.map((i) => lines[i]?.record)),
  });
}

/**
 * What a refund did with the fee against what was due back, in words. A refund's feeFen is merchant-view
 * (RecordSchema): negative is a fee returned, positive a fee charged on the refund itself, which is not a fee
 * returned short but money taken on top: the whole due is lost and the fee charged with it (diff = due + feeFen).
 */
function refundFeeWords(due: number, feeFen: number, diff: number): { zh: string; en: string } {
  if (feeFen > 0) {
    const charged = formatFen(feeFen);
    if (due === 0) {
      return {
        zh: `应退 ¥0.00，退货时却收取手续费 ${charged}，多收 ${charged}`,
        en: `due back ¥0.00; a fee of ${charged} was charged on the refund`,
      };
    }
    return {
      zh: `应退 ${formatFen(due)}，实际未退，反而在退货时收取手续费 ${charged}：少退 ${formatFen(due)}，另收 ${charged}，共 ${formatFen(diff)}`,
      en: `due back ${formatFen(due)}; none was returned and a fee of ${charged} was charged on the refund instead: ${formatFen(due)} short plus ${charged} charged, ${formatFen(diff)} in all`,
    };
  }
  const returned = formatFen(-feeFen);
  return {
    zh: `应退 ${formatFen(due)}，实退 ${returned}，${diff > 0 ? '少退' : '多退'} ${formatFen(Math.abs(diff))}`,
    en: `due back ${formatFen(due)}, returned ${returned}, ${diff > 0 ? 'short by' : 'over by'} ${formatFen(Math.abs(diff))}`,
  };
}
