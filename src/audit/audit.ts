import { formatFen } from '../money/fen.js';
import { maskCardNumbersIn } from '../records/card-number.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { PosRecord } from '../records/record.js';
import { localDateOf } from '../time/shanghai.js';
import { type Coverage, coverageOf } from './coverage.js';
import { finalizeFindings } from './finding-builder.js';
import { compareTimeThenSource, type Prepared, prepare } from './match-records.js';
import type { FileImportSummary } from '../statements/import-types.js';
import {
  cancelReversals,
  claimPayouts,
  type LateArrival,
  lateArrivalWarning,
  notArrivedWarning,
  reissuesOf,
  reversalWarnings,
} from './payouts.js';
import { merchantFilterOf, recordInScope } from './scope.js';
import { offsetOfRebates } from './rebates.js';
import { attributeUnnamedJournal, unnamedJournalWarning } from './unnamed-journal.js';
import {
  cutShortWarnings,
  mergeUncheckedDays,
  newUncheckedDays,
  notePayoutCutShort,
  outsideCoverageWarning,
} from './unchecked-days.js';
import {
  type AuditReport,
  type AuditSummary,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
} from './report-types.js';
import {
  addEffective,
  auditMerchant,
  type MerchantAuditResult,
  type MerchantCounts,
  type RunContext,
} from './merchant-audit.js';

/** Knobs of one audit run. Dates are Asia/Shanghai local dates `YYYY-MM-DD`. */
export interface AuditOptions {
  /** Two sales closer than this (same terminal, payer and amount) are a suspected duplicate charge; default 60 s. */
  duplicateWindowMs?: number;
  from?: string;
  to?: string;
  merchants?: string[];
  /** Words in a bank credit's counterparty or memo that mark it as a payout from the provider. */
  providerNames?: string[];
  /** Sales expected to settle after this date are pending. */
  today?: string;
}

/** Everything one audit needs: already-imported records and the plans. */
export interface AuditInput {
  terminal: PosRecord[];
  settlement: PosRecord[];
  bank: PosRecord[];
  /** None, one governing every merchant, or one per merchantId (see planChooser). */
  plans: FeePlan[];
  /** `plans` is the one plan given for every merchant of the run (--plan), whatever merchantId it names. */
  sharedPlan?: boolean;
  files?: AuditReport['files'];
  rejected?: AuditReport['rejected'];
  warnings?: string[];
  /** The days the bank files' skipped debit lines span (skippedDebitDatesOf). */
  bankDebitDates?: readonly DateSpan[];
  options?: AuditOptions;
}

/** The first and last of some dates, `YYYY-MM-DD`. */
export interface DateSpan {
  first: string;
  last: string;
}

/**
 * The days each bank file's skipped debit lines span (FileImportSummary.skippedDebitDates), an archive's per table:
 * a bank file covers the days of all its lines, credits or not (AuditSessionInit.bankDebitDates).
 */
export function skippedDebitDatesOf(files: readonly FileImportSummary[]): DateSpan[] {
  const spans: DateSpan[] = [];
  const add = (f: FileImportSummary) => {
    if (f.parts !== undefined && f.parts.length > 0) for (const p of f.parts) add(p);
    else if (f.kind === 'bank' && f.skippedDebitDates !== undefined) spans.push(f.skippedDebitDates);
  };
  for (const f of files) add(f);
  return spans;
}

/** Provider names that appear in bank memos of card-acquiring payouts. */
/** How many ignored bank credits the warning names. */
const IGNORED_CREDITS_SHOWN = 3;

export const DEFAULT_PROVIDER_NAMES = [
  '乐刷',
  '拉卡拉',
  '盛付通',
  '通联',
  '银联商务',
  '收钱吧',
  '汇付',
  '随行付',
  '海科融通',
  '联动优势',
  '易宝',
  '快钱',
  '合利宝',
  '中付',
  '财付通',
  '支付宝',
  '银联',
  '嘉联',
  '杉德',
  '富友',
  '付临门',
  '瑞银信',
  '星驿付',
  '开店宝',
  '商户结算',
  '结算款',
  '清算款',
  'leshua',
  'lakala',
  'shengpay',
  'allinpay',
  'chinaums',
  'tenpay',
  'alipay',
  'unionpay',
];

/**
 * Reconciles terminal journals, settlement statements and bank credits against the fee plans, per merchant,
 * and proves every discrepancy to the fen (issue 4). Pure: no I/O, deterministic for a set of records whatever
 * their order.
 */
export function auditRecords(input: AuditInput): AuditReport {
  const options = input.options ?? {};
  const inScope = recordInScope(options);
  const byMerchant = new Map<string, { terminal: PosRecord[]; settlement: PosRecord[] }>();
  const bucket = (id: string) => {
    let b = byMerchant.get(id);
    if (b === undefined) {
      b = { terminal: [], settlement: [] };
      byMerchant.set(id, b);
    }
    return b;
  };
  const journal = attributeUnnamedJournal(input.terminal, input.settlement);
  for (const r of journal.terminal) if (inScope(r)) bucket(r.merchantId ?? '').terminal.push(r);
  for (const r of input.settlement) if (inScope(r)) bucket(r.merchantId ?? '').settlement.push(r);
  const session = startAudit({
    plans: input.plans,
    ...(input.sharedPlan === undefined ? {} : { sharedPlan: input.sharedPlan }),
    bank: input.bank,
    options,
    coverage: coverageOf(
      input.settlement,
      (input.files ?? []).filter((f) => f.truncated === true).map((f) => f.file),
    ),
    ...(input.bankDebitDates === undefined ? {} : { bankDebitDates: input.bankDebitDates }),
    runMerchants: [...byMerchant.keys()],
  });
  for (const merchantId of [...byMerchant.keys()].sort()) {
    const records = byMerchant.get(merchantId);
    if (records !== undefined) session.addMerchant(merchantId, records.terminal, records.settlement);
  }
  const warnings = [...(input.warnings ?? [])];
  // Lines placed with a merchant --merchant leaves out are out of the audit, as that merchant's own are.
  const filter = merchantFilterOf(options);
  const placed = journal.unnamed?.merchantId;
  if (journal.unnamed !== undefined && (placed === undefined || filter === undefined || filter.has(placed)))
    warnings.push(unnamedJournalWarning(journal.unnamed));
  return session.finish({
    ...(input.files === undefined ? {} : { files: input.files }),
    ...(input.rejected === undefined ? {} : { rejected: input.rejected }),
    warnings,
  });
}

/** What an audit needs before the first merchant: everything but the merchants' own records. */
export interface AuditSessionInit {
  plans: readonly FeePlan[];
  /** `plans` is the one plan given for every merchant of the run (--plan), whatever merchantId it names. */
  sharedPlan?: boolean;
  /** Every bank record, unfiltered (bank credits are few: one per settlement day). */
  bank: readonly PosRecord[];
  /** Of every statement file, in scope or not (see coverageOf / CoverageCollector). */
  coverage: Coverage;
  /**
   * The days the bank files' skipped debit lines span (skippedDebitDatesOf): the files cover those days too, so a
   * payout due by a day that only shows a debit (the export's last line a 支出) is known to be missing.
   */
  bankDebitDates?: readonly DateSpan[];
  /**
   * The merchants the run will audit, when known before the first: a provider's direct debit from the bank account
   * that names no merchant is the run's only merchant's (a bank file is one account); with several, whose it is
   * cannot be told and it stays a warning.
   */
  runMerchants?: readonly string[];
  options?: AuditOptions;
}

/**
 * An audit fed one merchant at a time, so that a caller holding an agent's millions of records can keep only one
 * merchant's in memory. Merchants must come in ascending merchantId order — the order auditRecords uses, which
 * decides who claims a bank credit two merchants' days could take when neither matches it to the fen — each
 * exactly once, with only in-scope records (recordInScope).
 */
export interface AuditSession {
  addMerchant(merchantId: string, terminal: readonly PosRecord[], settlement: readonly PosRecord[]): void;
  /**
   * Whether the run has bank records: a merchant audited apart (auditMerchantApart) must then keep its payout
   * days, which finish claims the credits for.
   */
  readonly hasBank: boolean;
  /** The plan that governs a merchant, for auditMerchantApart. */
  planOf(merchantId: string): FeePlan | undefined;
  /**
   * The provider's direct debits from the bank account that are a merchant's, for auditMerchantApart: its audit
   * sets them against the plan's charges. Those no merchant's audit was given are named in a warning instead.
   */
  bankDebitsOf(merchantId: string): PosRecord[];
  addMerchantResult(merchantId: string, result: MerchantAuditResult): void;
  /** The report; `warnings` (the importers') come first, as auditRecords puts them. */
  finish(rest: {
    files?: AuditReport['files'];
    rejected?: AuditReport['rejected'];
    warnings?: readonly string[];
  }): AuditReport;
}

export function startAudit(init: AuditSessionInit): AuditSession {
  const options = init.options ?? {};
  const runWarnings: string[] = [];
  const merchantFilter = merchantFilterOf(options);
  const bank = init.bank.filter(
    (r) => merchantFilter === undefined || r.merchantId === undefined || merchantFilter.has(r.merchantId),
  );

  const providerWords = providerWordsOf(options, init.plans);
  const received: Prepared[] = [];
  const reversals: Prepared[] = [];
  let ignoredCredits = 0;
  const notArrived: PosRecord[] = [];
  let bankFirst: string | undefined;
  let bankLast: string | undefined;
  const spanDate = (date: string) => {
    if (bankFirst === undefined || date < bankFirst) bankFirst = date;
    if (bankLast === undefined || date > bankLast) bankLast = date;
  };
  const ignoredShown: PosRecord[] = [];
  for (const r of bank) {
    spanDate(localDateOf(r.time));
    // A payout still in progress or frozen (打款中, 冻结出款), failed or bounced (失败, 退票) is money that has not
    // arrived: it is named in a warning, never counted as a credit.
    if (r.status === 'pending' || (r.status === 'failed' && r.amountFen > 0)) {
      notArrived.push(r);
      continue;
    }
    if (r.amountFen === 0 || r.status === 'failed' || r.status === 'voided' || r.status === 'reversed')
      continue;
    const text = `${r.counterparty ?? ''} ${r.label ?? ''}`.toLowerCase();
    // A credit carrying the provider's merchant number comes from the provider's own payout file (乐刷 打款单):
    // a bank's statement does not know that number.
    const fromProvider = r.merchantId !== undefined || providerWords.some((w) => text.includes(w));
    // A negative line (a red-ink credit, a 冲正 debit) takes back an earlier credit; another's debits are not ours.
    if (r.amountFen < 0) {
      if (fromProvider) reversals.push(prepare(r));
    } else if (fromProvider) received.push(prepare(r));
    else {
      ignoredCredits += 1;
      if (ignoredShown.length < IGNORED_CREDITS_SHOWN) ignoredShown.push(r);
    }
  }
  // The debit lines the importer skipped still show the days the files span.
  for (const span of init.bankDebitDates ?? []) {
    spanDate(span.first);
    spanDate(span.last);
  }
  received.sort(compareTimeThenSource);
  // A reversed credit and its reversal both pay nothing: the day the credit was for is then unpaid.
  const { kept: bankCredits, reversed, unmatched } = cancelReversals(received, reversals);
  // A charge the provider debited (流量费代扣) is a merchant's unplanned_deduction once its merchant is known
  // (bankDebitsOf); finish names the rest.
  const providerDebits = unmatched.filter((r) => r.type === 'deduction');
  runWarnings.push(
    ...reversalWarnings(
      reversed,
      unmatched.filter((r) => r.type !== 'deduction'),
    ),
  );
  const soleMerchant = init.runMerchants?.length === 1 ? init.runMerchants[0] : undefined;
  const debitsGiven = new Set<PosRecord>();
  const bankDebitsOf = (merchantId: string): PosRecord[] => {
    const mine = providerDebits.filter(
      (r) => r.merchantId === merchantId || (r.merchantId === undefined && merchantId === soleMerchant),
    );
    for (const r of mine) debitsGiven.add(r);
    return mine;
  };
  const reissued = reissuesOf(notArrived, bankCredits);
  if (notArrived.length > 0) runWarnings.push(notArrivedWarning(notArrived, bankCredits, reissued));
  if (ignoredCredits > 0) {
    // Which credits, so the merchant can tell a verification deposit from a payout the names missed.
    const shown = ignoredShown.map((r) =>
      [localDateOf(r.time), formatFen(r.amountFen), r.counterparty, r.label].filter((x) => x).join(' '),
    );
    const more = ignoredCredits > shown.length ? '…' : '';
    runWarnings.push(
      `${ignoredCredits} 笔银行入账的对方户名和摘要都没有提到收单机构，已忽略（${shown.join('；')}${more}）${bankCredits.length === 0 ? '，未核对到账' : ''}；若其中有结算款，请在费率方案中填写 provider（对方户名或摘要中的机构名称） / ` +
        `${ignoredCredits} bank credits name no provider in their counterparty or memo and were ignored (${shown.join('; ')}${more})${bankCredits.length === 0 ? ', so payouts were not checked' : ''}; if some are payouts, set the plan's provider to the name they show`,
    );
  }

  const ctx: RunContext = {
    options,
    coverage: init.coverage,
    // Credits none of which names the provider cannot tell a missing payout from an unrecognised one: the
    // payout check is skipped (and listed as such) rather than calling every payout day unpaid.
    hasBank: init.bank.length > 0 && !(bankCredits.length === 0 && ignoredCredits > 0),
    payouts: [],
    drafts: [],
    ambiguous: [],
    rateChanges: [],
    effective: new Map(),
    effectiveIndex: new Map(),
    warnings: runWarnings,
    merchantWarnings: new Set(),
    outsideCoverage: { count: 0 },
    unchecked: newUncheckedDays(),
  };
  const { planOf, unplannedWarning } = planSelector(init.plans, init.sharedPlan === true, runWarnings);
  const merchantIds: string[] = [];
  const counts = new Map<string, MerchantCounts>();

  const next = (merchantId: string) => {
    const last = merchantIds.at(-1);
    if (last !== undefined && !(last < merchantId))
      throw new Error(`audit: merchant ${merchantId} after ${last}: merchants must come once each, in order`);
    merchantIds.push(merchantId);
  };
  const addMerchant: AuditSession['addMerchant'] = (merchantId, terminal, settlement) => {
    next(merchantId);
    counts.set(
      merchantId,
      auditMerchant(ctx, merchantId, terminal, settlement, planOf(merchantId), bankDebitsOf(merchantId)),
    );
  };
  const addMerchantResult: AuditSession['addMerchantResult'] = (merchantId, result) => {
    next(merchantId);
    counts.set(merchantId, result.counts);
    ctx.drafts.push(...result.drafts);
    ctx.ambiguous.push(...result.ambiguous);
    ctx.rateChanges.push(...result.rateChanges);
    for (const e of result.effective) addEffective(ctx, e.date, e.channel, e.card, e.amountFen, e.feeFen);
    for (const w of result.merchantWarnings) ctx.merchantWarnings.add(w);
    ctx.outsideCoverage.count += result.outsideCoverage;
    mergeUncheckedDays(ctx.unchecked, result.unchecked);
    ctx.payouts.push(...result.payouts);
  };

  const finish: AuditSession['finish'] = (rest) => {
    runWarnings.push(
      ...reversalWarnings(
        [],
        providerDebits.filter((r) => !debitsGiven.has(r)),
      ),
    );
    const warnings = [...(rest.warnings ?? []), ...runWarnings];
    // The run's merchants: those audited, and those --merchant left out whose statement files name them.
    const runMerchants = new Set(merchantIds);
    for (const range of [...init.coverage.settle, ...init.coverage.trade])
      if (range[2] !== undefined) runMerchants.add(range[2]);
    const unplanned = unplannedWarning([...runMerchants].sort());
    if (unplanned !== undefined) warnings.push(unplanned);
    const absent = (options.merchants ?? []).filter((m) => !merchantIds.includes(m));
    if (absent.length > 0)
      warnings.push(
        `--merchant ${absent.join('、')} 不在导入的文件中，没有核对任何记录 / --merchant ${absent.join(', ')}: not in the files given; nothing of it was checked`,
      );
    const late: LateArrival[] = [];
    const cutShortPayouts: { file: string; date: string }[] = [];
    const book = {
      credits: bankCredits,
      used: new Uint8Array(bankCredits.length),
      claimedBy: new Int32Array(bankCredits.length),
      reissued,
      late,
      cutShort: cutShortPayouts,
      first: bankFirst,
      last: bankLast,
    };
    ctx.drafts.push(...claimPayouts(book, ctx.payouts));
    if (late.length > 0) warnings.push(lateArrivalWarning(late));
    for (const { file, date } of cutShortPayouts) notePayoutCutShort(ctx.unchecked, file, date);
    // A merchant's bank records: those naming it, and the other credits set against its payouts. Credits nobody
    // claimed count towards the total only.
    const bankByMerchant = new Map<string, number>();
    const countBank = (merchantId: string) =>
      bankByMerchant.set(merchantId, (bankByMerchant.get(merchantId) ?? 0) + 1);
    // Reversal lines (negative) are no 入账: they take money back.
    const credited = bank.filter((r) => r.amountFen >= 0);
    for (const r of credited) if (r.merchantId !== undefined) countBank(r.merchantId);
    book.claimedBy.forEach((mi, i) => {
      const owner = ctx.payouts[mi]?.merchantId;
      if (owner !== undefined && bankCredits[i]?.record.merchantId !== owner) countBank(owner);
    });

    warnings.push(...ctx.merchantWarnings);
    if (ctx.outsideCoverage.count > 0)
      warnings.push(outsideCoverageWarning(ctx.outsideCoverage.count, ctx.unchecked));
    warnings.push(...cutShortWarnings(ctx.unchecked));
    ctx.rateChanges.sort((a, b) => {
      const ka = `${a.merchantId ?? ''}|${a.date}|${a.channel}|${a.card}|${a.band}`;
      const kb = `${b.merchantId ?? ''}|${b.date}|${b.channel}|${b.card}|${b.band}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const findings = finalizeFindings(ctx.drafts);
    const findingsOf = new Map<string, Finding[]>();
    for (const f of findings) {
      const m = f.merchantId ?? '';
      const fs = findingsOf.get(m);
      if (fs === undefined) findingsOf.set(m, [f]);
      else fs.push(f);
    }
    // A merchant read only for the context around --from/--to has nothing inside them to report.
    const scoped = options.from !== undefined || options.to !== undefined;
    const reported = merchantIds.filter((merchantId) => {
      const c = counts.get(merchantId);
      return (
        !scoped ||
        c === undefined ||
        c.terminalRecords + c.settlementRecords > 0 ||
        (findingsOf.get(merchantId)?.length ?? 0) > 0
      );
    });
    const merchants = reported.map((merchantId) => ({
      merchantId,
      summary: summarize(
        findingsOf.get(merchantId) ?? [],
        counts.get(merchantId),
        reported.length === 1 ? credited.length : (bankByMerchant.get(merchantId) ?? 0),
      ),
    }));
    const total = summarize(findings, undefined, credited.length);
    for (const m of merchants) {
      total.terminalRecords += m.summary.terminalRecords;
      total.settlementRecords += m.summary.settlementRecords;
      total.matched += m.summary.matched;
      total.pending += m.summary.pending;
      total.withinToleranceFen += m.summary.withinToleranceFen;
      total.returnedFen += m.summary.returnedFen;
      total.offsetFen += m.summary.offsetFen;
    }
    // A check is skipped for the run only when it was skipped for every merchant: one that ran for some may have
    // findings beside it (the renderers name the merchants it was skipped for, from their own skippedChecks).
    const [firstMerchant, ...others] = merchants;
    total.skippedChecks = (firstMerchant?.summary.skippedChecks ?? [])
      .filter((check) => others.every((m) => m.summary.skippedChecks.includes(check)))
      .sort();
    if (total.withinToleranceFen > 0) {
      warnings.push(
        `容差内多收合计 ${formatFen(total.withinToleranceFen)}（每笔高出应收不超过容差，未列为问题）/ ` +
          `${formatFen(total.withinToleranceFen)} charged above the expected fees within the per-transaction tolerance (not findings)`,
      );
    }

    const effectiveRates = [...ctx.effective.values()].sort((a, b) =>
      a.date !== b.date
        ? a.date < b.date
          ? -1
          : 1
        : `${a.channel}|${a.card}` < `${b.channel}|${b.card}`
          ? -1
          : 1,
    );
    return {
      schemaVersion: 1,
      summary: total,
      merchants,
      findings,
      rateChanges: ctx.rateChanges,
      ambiguous: ctx.ambiguous,
      // A card number in a column meant for something else must not reach the report through a quoted cell.
      rejected: (rest.rejected ?? []).map((r) => ({ ...r, reason: maskCardNumbersIn(r.reason) })),
      files: rest.files ? [...rest.files] : [],
      warnings: warnings.map(maskCardNumbersIn),
      effectiveRates,
    };
  };
  return { addMerchant, hasBank: ctx.hasBank, planOf, bankDebitsOf, addMerchantResult, finish };
}

function summarize(
  findings: readonly Finding[],
  counts: MerchantCounts | undefined,
  bankRecords: number,
): AuditSummary {
  const byKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  let overchargeFen = 0;
  let lossFen = 0;
  for (const f of findings) {
    byKind[f.kind] += 1;
    overchargeFen += f.overchargeFen;
    lossFen += f.lossFen;
  }
  return {
    terminalRecords: counts?.terminalRecords ?? 0,
    settlementRecords: counts?.settlementRecords ?? 0,
    bankRecords,
    matched: counts?.matched ?? 0,
    pending: counts?.pending ?? 0,
    overchargeFen,
    lossFen,
    withinToleranceFen: counts?.withinToleranceFen ?? 0,
    returnedFen: counts?.returnedFen ?? 0,
    offsetFen: counts !== undefined ? offsetOfRebates(counts.returnedByKind, findings) : 0,
    findingsByKind: byKind,
    skippedChecks: counts !== undefined ? [...counts.skippedChecks].sort() : [],
  };
}

/**
 * Each merchant's plan, as the audit and its diagnosis (attach-diagnoses.ts) both pick it. A plan given for the
 * whole run (`shared`: --plan) governs every merchant, whatever merchantId it names: one shop's card, WeChat and
 * Alipay merchant numbers are one contract. Otherwise (--plans DIR) the plan naming the merchant, else the one plan
 * without merchantId (the last of several naming it; the first of several without). Records without a 商户号 (a
 * merchant's own app export) take the only plan given, whatever merchant it names.
 */
export function planChooser(
  plans: readonly FeePlan[],
  shared: boolean,
): (merchantId: string) => FeePlan | undefined {
  const only = plans.length === 1 ? plans[0] : undefined;
  if (shared && only !== undefined) return () => only;
  const byId = new Map<string, FeePlan>();
  const general: FeePlan[] = [];
  for (const plan of plans) {
    if (plan.merchantId === undefined) general.push(plan);
    else byId.set(plan.merchantId, plan);
  }
  const fallback = general[0] ?? only;
  return (merchantId) => byId.get(merchantId) ?? (merchantId === '' ? fallback : general[0]);
}

/**
 * Each merchant's plan (planChooser). Merchants left without a plan are audited on the inferred basis and named in
 * a warning at the end, so a mistyped merchantId cannot quietly turn a plan off; a plan given for every merchant
 * whose merchantId names none of them is applied all the same, and said so.
 */
function planSelector(
  plans: readonly FeePlan[],
  shared: boolean,
  warnings: string[],
): {
  planOf: (merchantId: string) => FeePlan | undefined;
  unplannedWarning: (merchantIds: readonly string[]) => string | undefined;
} {
  if (plans.filter((plan) => plan.merchantId === undefined).length > 1) {
    warnings.push(
      '多个费率方案未写 merchantId，只使用第一个 / several plans without merchantId: only the first is used',
    );
  }
  const choose = planChooser(plans, shared);
  const unplanned = new Set<string>();
  const planOf = (merchantId: string): FeePlan | undefined => {
    const plan = choose(merchantId);
    if (plan === undefined && plans.length > 0)
      unplanned.add(merchantId === '' ? '（无商户号）' : merchantId);
    return plan;
  };
  const unplannedWarning = (runMerchantIds: readonly string[]): string | undefined => {
    const sharedId = shared && plans.length === 1 ? plans[0]?.merchantId : undefined;
    // Lines without a merchant number say nothing about whether the plan's number is the run's.
    const merchantIds = runMerchantIds.filter((m) => m !== '');
    if (sharedId !== undefined && merchantIds.length > 0 && !merchantIds.includes(sharedId)) {
      const audited = merchantIds.slice(0, 10);
      const more = merchantIds.length > audited.length ? ` 等 ${merchantIds.length} 个` : '';
      const moreEn =
        merchantIds.length > audited.length ? ` and ${merchantIds.length - audited.length} more` : '';
      const zh = audited.join('、');
      const en = audited.join(', ');
      return (
        `费率方案的 merchantId ${sharedId} 不是本次核对的商户（${zh}${more}），已按 --plan 用于所有商户；请检查 merchantId 是否写错 / ` +
        `the plan's merchantId ${sharedId} names none of the merchants audited (${en}${moreEn}); given with --plan, it was applied to every merchant — check the plan's merchantId`
      );
    }
    if (unplanned.size === 0) return undefined;
    const shown = [...unplanned].sort().slice(0, 10);
    const more = unplanned.size > shown.length ? ` 等 ${unplanned.size} 个` : '';
    const moreEn = unplanned.size > shown.length ? ` and ${unplanned.size - shown.length} more` : '';
    const named = [
      ...new Set(plans.map((plan) => plan.merchantId).filter((m): m is string => m !== undefined)),
    ]
      .sort()
      .slice(0, 5)
      .join(', ');
    return (
      `商户 ${shown.join('、')}${more} 没有对应的费率方案（方案中的 merchantId：${named}），已按推断费率核对；请检查 merchantId 是否写错 / ` +
      `merchant(s) ${shown.join(', ')}${moreEn} match no plan (plans are for merchantId ${named}) and were checked against the inferred formula; check the plan's merchantId`
    );
  };
  return { planOf, unplannedWarning };
}

function providerWordsOf(options: AuditOptions, plans: readonly FeePlan[]): string[] {
  const words =
    options.providerNames !== undefined && options.providerNames.length > 0
      ? [...options.providerNames]
      : [...DEFAULT_PROVIDER_NAMES];
  if (options.providerNames === undefined)
    for (const plan of plans) if (plan.provider !== undefined) words.push(plan.provider);
  return words.filter((w) => w.length > 0).map((w) => w.toLowerCase());
}
