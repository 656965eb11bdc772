import { createHash } from 'node:crypto';
import { planChooser } from '../audit/audit.js';
import { FROM_BANK_ACCOUNT_ZH } from '../audit/provider-debits.js';
import { isHeldMoney, owedOf } from '../audit/rebates.js';
import type { AuditSummary, Finding, FindingKind, AuditReport, RateChange } from '../audit/report-types.js';
import { changeDaysText, channelCardName, kindName } from '../audit/render-table.js';
import { formatFen } from '../money/fen.js';
import { parseRate, percentageFee } from '../money/rate.js';
import { matchingRule, quoteFee } from '../plans/expected-fee.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { PosRecord } from '../records/index.js';
import { channelCardWords } from '../records/vocabulary.js';
import { addDays, dayNumber, localDateOf } from '../time/shanghai.js';
import type { Cause, Confidence, Diagnosis, Remedy } from './diagnosis-types.js';
import type { DevicesFile } from './parse-devices.js';
import { remedySteps } from './remedies.js';
import { bandContains, changeInForce } from './change-shares.js';

export interface DiagnoseOptions {
  /** Terminal software histories (devices.yaml), for the software-update rule. */
  devices?: readonly DevicesFile[];
  /** The plans the audit used: promo periods, caps and the settlement cycle. */
  plans?: readonly FeePlan[];
  /** `plans` is the one plan given for every merchant (--plan), as the audit was told (AuditInput.sharedPlan). */
  sharedPlan?: boolean;
  /** The terminal journal: its terminals, and declined sales (bank limit change). */
  terminal?: readonly PosRecord[];
  /** Instead of `terminal`: what diagnosis needs of each merchant's journal (see digestJournal), by merchantId. */
  journal?: ReadonlyMap<string, JournalDigest>;
}

/** What diagnosis reads of one merchant's journal, so a caller auditing merchant by merchant need not keep it. */
export interface JournalDigest {
  terminalIds: Set<string>;
  /**
   * Each terminal's successful sales, their amounts by `channel|card|day` (Shanghai): whether another terminal
   * still charged the contract can only be told from sales of the same channel and card that it made in the same
   * days. Amounts only, so a digest kept for every merchant of a run stays small.
   */
  sales: Map<string, Map<string, number[]>>;
  /** Whether any sale was declined. */
  declined: boolean;
  /** The sales on cards declined twice or more, in journal order: all a bank limit change can show in. */
  limitCandidates: PosRecord[];
}

/** Digests one merchant's journal records. */
export function digestJournal(records: readonly PosRecord[]): JournalDigest {
  const terminalIds = new Set<string>();
  const sales = new Map<string, Map<string, number[]>>();
  let declined = false;
  // Only cards with two or more declines can show a limit change: count those first, so a journal of a
  // million sales is not grouped by card just to find a handful of declines.
  const declines = new Map<string, number>();
  for (const r of records) {
    if (r.terminalId !== undefined) terminalIds.add(r.terminalId);
    if (r.terminalId !== undefined && r.status === 'success' && r.type === 'sale') {
      const own = sales.get(r.terminalId) ?? new Map<string, number[]>();
      sales.set(r.terminalId, own);
      const key = saleKey(r.channel, r.card, localDateOf(r.time));
      const amounts = own.get(key);
      if (amounts === undefined) own.set(key, [r.amountFen]);
      else amounts.push(r.amountFen);
    }
    if (r.status !== 'failed' || r.type !== 'sale') continue;
    declined = true;
    if (r.cardNo !== undefined) declines.set(r.cardNo, (declines.get(r.cardNo) ?? 0) + 1);
  }
  const limitCandidates: PosRecord[] = [];
  if (declines.size > 0)
    for (const r of records)
      if (r.type === 'sale' && r.cardNo !== undefined && (declines.get(r.cardNo) ?? 0) >= 2)
        limitCandidates.push(r);
  return { terminalIds, sales, declined, limitCandidates };
}

const saleKey = (channel: string, card: string, date: string) => `${channel}|${card}|${date}`;

function digestByMerchant(terminal: readonly PosRecord[]): Map<string, JournalDigest> {
  const byMerchant = new Map<string, PosRecord[]>();
  for (const r of terminal) {
    const m = r.merchantId ?? '';
    const rs = byMerchant.get(m);
    if (rs === undefined) byMerchant.set(m, [r]);
    else rs.push(r);
  }
  return new Map([...byMerchant].map(([m, rs]) => [m, digestJournal(rs)]));
}

/** Diagnoses the report's findings and stores them in `report.diagnoses` (kept out when there are none). */
export function attachDiagnoses(report: AuditReport, options: DiagnoseOptions = {}): AuditReport {
  const diagnoses = diagnose(report, options);
  if (diagnoses.length > 0) report.diagnoses = diagnoses;
  else delete report.diagnoses;
  return report;
}

const dateOf = (f: Finding): string => (f.time !== undefined ? localDateOf(f.time) : (f.settleDate ?? ''));

const uniq = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];
const sorted = (xs: Iterable<string>): string[] => uniq(xs).sort();
const sum = (fs: readonly Finding[], key: 'lossFen' | 'overchargeFen' | 'chargedFeeFen') =>
  fs.reduce((a, f) => a + (f[key] ?? 0), 0);

/** A group's transactions named in evidence, zh and en (see namerFor); '' when none can be named. */
type Names = { zh: string; en: string };
type Namer = (fs: readonly Finding[], n?: number) => Names;

/**
 * Names the first `n` transactions of a group as the merchant can find them: by 参考号; else by 凭证号/流水号
 * (the finding's voucherNo); else by 订单号; else by the file and row the finding cites. A
 * cashier's export often has no 参考号, and an empty “参考号” names nothing.
 */
const nameTransactions: Namer = (fs, n = 5) => {
  const refNos: string[] = [];
  const voucherNos: string[] = [];
  const orderNos: string[] = [];
  const rowsOf = new Map<string, number[]>();
  for (const f of fs.slice(0, n)) {
    const at = f.source[0];
    if (f.refNo !== undefined) refNos.push(f.refNo);
    else if (f.voucherNo !== undefined) voucherNos.push(f.voucherNo);
    else if (f.orderNo !== undefined) orderNos.push(f.orderNo);
    else if (at !== undefined) rowsOf.set(at.file, [...(rowsOf.get(at.file) ?? []), at.row]);
  }
  const zh: string[] = [];
  const en: string[] = [];
  const add = (xs: string[], labelZh: string, labelEn: string) => {
    if (xs.length === 0) return;
    zh.push(`${labelZh} ${list(uniq(xs), 'zh')}`);
    en.push(`${labelEn} ${list(uniq(xs), 'en')}`);
  };
  add(refNos, '参考号', refNos.length > 1 ? 'ref nos' : 'ref no');
  add(voucherNos, '凭证号/流水号', voucherNos.length > 1 ? 'voucher nos' : 'voucher no');
  add(orderNos, '订单号', orderNos.length > 1 ? 'order nos' : 'order no');
  for (const [file, rows] of rowsOf) {
    const unique = uniq(rows).sort((a, b) => a - b);
    zh.push(`${file} 第 ${list(unique.map(String), 'zh')} 行`);
    en.push(`${file} ${unique.length > 1 ? 'rows' : 'row'} ${list(unique.map(String), 'en')}`);
  }
  if (zh.length === 0) return { zh: '', en: '' };
  const more = fs.length > n;
  return {
    zh: `${zh.join('；')}${more ? ` 等 ${fs.length} 笔` : ''}`,
    en: `${en.join('; ')}${more ? ` (${fs.length} in all)` : ''}`,
  };
};

/** “，参考号 …” after a clause, or nothing when the transactions have no name. */
const named = (names: Names, lang: 'zh' | 'en') => {
  const text = lang === 'en' ? names.en : names.zh;
  return text === '' ? '' : `${lang === 'en' ? ', ' : '，'}${text}`;
};
const terminalsOf = (fs: readonly Finding[]) =>
  sorted(fs.map((f) => f.terminalId).filter((t): t is string => t !== undefined));
const range = (fs: readonly Finding[]) => {
  const ds = sorted(fs.map(dateOf).filter((d) => d !== ''));
  return { first: ds[0] ?? '', last: ds.at(-1) ?? '' };
};
/** `自 A 至 B` / `from A to B`, or the one day `A 当天` / `on A`. */
const span = (fs: readonly Finding[], lang: 'zh' | 'en') => {
  const { first, last } = range(fs);
  if (first === last) return lang === 'en' ? `on ${first}` : `${first} 当天`;
  return lang === 'en' ? `from ${first} to ${last}` : `自 ${first} 至 ${last}`;
};
const list = (xs: readonly string[], lang: 'zh' | 'en') => xs.join(lang === 'en' ? ', ' : '、');
/** `1 transaction`, `3 transactions`: a count and its noun in English. */
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** A title starting with a channel or card name: `Credit card promotional rate ended`. */
const capitalise = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
/** The verb that goes with a count: `was`/`were`, `has`/`have`. */
const verb = (n: number, one: string, many: string) => (n === 1 ? one : many);

const ppm = (rate: string): number | undefined => {
  const p = parseRate(rate);
  return p.ok ? p.value : undefined;
};

/**
 * What is known of a deduction when no plan was given: not that the merchant never agreed to it or was never told
 * (nothing here shows either), only that the fees charged before do not account for it; the provider is to show
 * what it rests on. No word of a contract or a plan: the letter then cites neither.
 */
const NO_PLAN_CHARGES = {
  zh: '这些扣款不是按此前实收的手续费率收取的手续费，本次核对没有收费约定可以对照，无从判断商户是否同意过、是否事先收到过收费通知；应请收单机构出示商户同意这些收费的协议或事先的收费通知，出示不了的应当退还',
  en: 'These deductions are no fee at the rates charged before; with no fee agreement to check them against, whether the merchant agreed to them or was told of them beforehand is not known here; the provider should show the agreement or the prior fee notice they rest on, and refund what it cannot show',
};

const SETTLEMENT_MODE_LABEL = /秒到|D\s*\+?\s*0|T\s*\+?\s*0|提现|即时到账|实时到账|快速到账|垫资|加急/i;
/** Typical promotional ceiling: 0.38 % is the common QR/NFC 优惠费率. */
const PROMO_MAX_PPM = 3800;
const PROMO_JUMP_PPM = 2000;
const PROMO_DAYS = [30, 60, 90, 180, 365];

interface Draft {
  cause: Cause;
  /** Diagnosis.tag: what the group is when the cause's name would misname it. */
  tag?: { zh: string; en: string };
  merchantId: string;
  key: string;
  title: string;
  titleEn: string;
  evidence: string[];
  evidenceEn: string[];
  findings: Finding[];
  confidence: Confidence;
  since?: string;
  terminalIds?: string[];
  /** Steps worded for this group (its lines, its amount) instead of the cause's general wording. */
  steps?: Partial<Record<Remedy, { zh: string; en: string }>>;
}

function finish(d: Draft): Diagnosis {
  const id = `dx-${createHash('sha256').update(`${d.cause}|${d.merchantId}|${d.key}`).digest('hex').slice(0, 12)}`;
  const { first } = range(d.findings);
  const since = d.since ?? first;
  return {
    id,
    cause: d.cause,
    ...(d.tag === undefined ? {} : { tag: d.tag }),
    ...(d.merchantId === '' ? {} : { merchantId: d.merchantId }),
    title: d.title,
    titleEn: d.titleEn,
    evidence: d.evidence,
    evidenceEn: d.evidenceEn,
    findingIds: d.findings.map((f) => f.id),
    ...(since === '' ? {} : { since }),
    terminalIds: d.terminalIds ?? terminalsOf(d.findings),
    overchargeFen: sum(d.findings, 'overchargeFen'),
    lossFen: sum(d.findings, 'lossFen'),
    confidence: d.confidence,
    ...remedySteps(d.cause, d.steps),
  };
}

/**
 * Whether a line of a diagnosis's evidence is the one on suspected duplicate charges (`4 笔疑似重复扣款：…` /
 * `4 suspected duplicate charges: …`): sales that may have charged a cardholder twice, no money of the merchant's.
 */
export function isDuplicateChargeEvidence(line: string): boolean {
  return /^\d+ 笔疑似重复扣款：|^\d+ suspected duplicate charges?:/.test(line);
}

/** Groups the report's findings and attributes each group to its likely cause (rules in the README). */
export function diagnose(report: AuditReport, options: DiagnoseOptions = {}): Diagnosis[] {
  const byMerchant = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const m = f.merchantId ?? '';
    const fs = byMerchant.get(m);
    if (fs === undefined) byMerchant.set(m, [f]);
    else fs.push(f);
  }
  const journal = options.journal ?? digestByMerchant(options.terminal ?? []);
  const declined = [...journal].filter(([, d]) => d.declined).map(([m]) => m);
  const merchants = uniq([...byMerchant.keys(), ...declined]);
  // The plan each merchant was audited against, picked as the audit picks it.
  const planOf = planChooser(options.plans ?? [], options.sharedPlan === true);
  // Each merchant's totals, for what its rebate lines made good (a 解冻 pays back money frozen); a report of one
  // merchant may list it under no id.
  const summaryOf = (m: string): AuditSummary | undefined =>
    report.merchants.find((x) => x.merchantId === m)?.summary ??
    (report.merchants.length <= 1 ? report.summary : undefined);
  const out: Diagnosis[] = [];
  for (const m of merchants) {
    const drafts = diagnoseMerchant(
      m,
      byMerchant.get(m) ?? [],
      report.rateChanges,
      planOf(m),
      options,
      journal.get(m),
      summaryOf(m),
    );
    out.push(...drafts.map(finish));
  }
  return out.sort(
    (a, b) =>
      b.lossFen - a.lossFen || (a.since ?? '').localeCompare(b.since ?? '') || a.id.localeCompare(b.id),
  );
}

function diagnoseMerchant(
  merchantId: string,
  findings: readonly Finding[],
  allChanges: readonly RateChange[],
  plan: FeePlan | undefined,
  options: DiagnoseOptions,
  journal: JournalDigest | undefined,
  summary: AuditSummary | undefined,
): Draft[] {
  const devices = (options.devices ?? []).filter(
    (d) => d.merchantId === undefined || d.merchantId === merchantId || merchantId === '',
  );
  const known = new Set<string>();
  for (const f of findings) if (f.terminalId !== undefined) known.add(f.terminalId);
  for (const d of devices) for (const t of d.terminals) known.add(t.terminalId);
  for (const t of journal?.terminalIds ?? []) known.add(t);
  const compare = terminalComparer(known, journal, findings);

  const claimed = new Set<string>();
  const open = (kinds: readonly FindingKind[]) =>
    findings.filter((f) => !claimed.has(f.id) && kinds.includes(f.kind));
  const claim = (fs: readonly Finding[]) => {
    for (const f of fs) claimed.add(f.id);
  };
  const drafts: Draft[] = [];
  const push = (d: Draft) => {
    if (d.findings.length === 0) return;
    claim(d.findings);
    drafts.push(d);
  };
  const names = nameTransactions;

  // 0. A fee kept on a sale voided or reversed: no fee is due on it whatever the rate, so it is no rate change (nor
  // a terminal's setting); claimed first, before step 1 could date it to one.
  push(cancelledFeeDraft(merchantId, open(['fee_overcharge']).filter(keptOnCancelledSale), names));

  // 1. Fee overcharges explained by a detected change of the formula charged.
  const changes = allChanges.filter((c) => (c.merchantId ?? '') === merchantId);
  const byChange = new Map<RateChange, Finding[]>();
  for (const f of open(['fee_overcharge'])) {
    const d = dateOf(f);
    // A sale the contract caps, charged the uncapped percentage, is the cap's (step 3) unless the change is the
    // cap's: a change that left the cap as it was (none before, none after) did not stop the cap from applying.
    const capped = capIgnored(f, plan);
    let best: RateChange | undefined;
    for (const c of changes) {
      if (c.channel !== f.channel || c.card !== f.card || !changeInForce(c, d)) continue;
      if (capped && c.beforeCapFen === c.afterCapFen) continue;
      if (f.amountFen !== undefined && !bandContains(c.band, f.amountFen)) continue;
      if (best === undefined || c.date > best.date) best = c;
    }
    if (best === undefined) continue;
    const fs = byChange.get(best);
    if (fs === undefined) byChange.set(best, [f]);
    else fs.push(f);
  }
  for (const [change, fs] of byChange)
    push(
      rateChangeDraft(
        merchantId,
        change,
        fs,
        plan,
        known,
        compare(terminalsOf(fs), [change], change.date, nextChangeDate(change, changes)),
        uncounted(change, fs, changes, findings, plan),
      ),
    );

  // 2. Software updates recorded in devices.yaml, before the per-terminal rules claim the same findings.
  for (const file of devices)
    for (const device of file.terminals)
      for (let i = 1; i < device.versions.length; i += 1) {
        const before = device.versions[i - 1];
        const after = device.versions[i];
        if (before === undefined || after === undefined) continue;
        const onTerminal = open(['amount_mismatch', 'fee_overcharge']).filter(
          (f) => f.terminalId === device.terminalId,
        );
        const since = onTerminal.filter((f) => dateOf(f) >= after.from);
        const earlier = onTerminal.filter((f) => dateOf(f) < after.from);
        if (since.length === 0 || earlier.length > 0) continue;
        const others = findings.filter(
          (f) =>
            f.terminalId !== device.terminalId &&
            since.some((s) => s.kind === f.kind) &&
            dateOf(f) >= after.from,
        ).length;
        const v = (x: { firmware?: string; app?: string }) =>
          [x.firmware === undefined ? '' : `固件 ${x.firmware}`, x.app === undefined ? '' : `应用 ${x.app}`]
            .filter(Boolean)
            .join(' / ');
        const vEn = (x: { firmware?: string; app?: string }) =>
          [
            x.firmware === undefined ? '' : `firmware ${x.firmware}`,
            x.app === undefined ? '' : `app ${x.app}`,
          ]
            .filter(Boolean)
            .join(' / ');
        const what = [device.vendor, device.model, device.sn === undefined ? undefined : `SN ${device.sn}`]
          .filter(Boolean)
          .join(' ');
        const loss = sum(since, 'lossFen') + sum(since, 'overchargeFen');
        push({
          cause: 'software_update',
          merchantId,
          key: `${device.terminalId}|${after.from}`,
          title: `终端 ${device.terminalId} 软件升级后出现差错`,
          titleEn: `Errors on terminal ${device.terminalId} since its software update`,
          evidence: [
            `终端 ${device.terminalId}${what === '' ? '' : `（${what}）`}于 ${after.from} 由 ${v(before)} 升级为 ${v(after)}（设备记录）`,
            `此后该终端出现 ${since.length} 笔差错（${kindsZh(since)}），升级前 0 笔；同期其他终端同类差错 ${others} 笔`,
            `涉及金额 ${formatFen(loss)}，首笔 ${range(since).first}${named(names(since), 'zh')}`,
          ],
          evidenceEn: [
            `Terminal ${device.terminalId}${what === '' ? '' : ` (${what})`} was updated on ${after.from} from ${vEn(before)} to ${vEn(after)} (devices file)`,
            `Since then it has ${count(since.length, 'error')} (${since
              .map((f) => kindName(f.kind, 'en'))
              .filter((k, j, a) => a.indexOf(k) === j)
              .join(', ')}), none before; other terminals have ${others} of the same kind in the same period`,
            `${formatFen(loss)} at stake, first on ${range(since).first}${named(names(since), 'en')}`,
          ],
          findings: since,
          confidence: others === 0 ? 'high' : 'medium',
          since: after.from,
          terminalIds: [device.terminalId],
        });
      }

  // 3. Caps not applied: a fee configuration error at the terminal or merchant account.
  const capped = open(['fee_overcharge']).filter((f) => capNotApplied(f, plan));
  if (capped.length > 0) {
    const ts = terminalsOf(capped);
    const capFen = capOf(capped[0], plan);
    const capText = capFen === undefined ? '' : ` ${formatFen(capFen)}`;
    const scopeZh =
      ts.length === 1 && known.size > 1
        ? `只出现在终端 ${ts[0]}`
        : `涉及 ${ts.length} 台终端（${list(ts, 'zh')}）`;
    const scopeEn =
      ts.length === 1 && known.size > 1
        ? `only on terminal ${ts[0]}`
        : `on ${count(ts.length, 'terminal')} (${list(ts, 'en')})`;
    push({
      cause: 'terminal_setting_error',
      merchantId,
      key: 'cap',
      title: '封顶未执行：终端/商户费率设置错误',
      titleEn: 'Fee cap not applied: a terminal or merchant fee setting is wrong',
      evidence: [
        `${capped.length} 笔交易的手续费超过合同封顶${capText}，多扣 ${formatFen(sum(capped, 'overchargeFen'))}，${span(capped, 'zh')}`,
        `封顶交易全部超收，且未检测到费率变化日期：费率参数从一开始就没有设置封顶；${scopeZh}`,
      ],
      evidenceEn: [
        `${count(capped.length, 'transaction')} ${verb(capped.length, 'was', 'were')} charged above the contract cap${capText}, ${formatFen(sum(capped, 'overchargeFen'))} overcharged, ${span(capped, 'en')}`,
        `Every capped transaction is overcharged and no change date is detected: the cap was never set in the fee parameters; ${scopeEn}`,
      ],
      findings: capped,
      confidence: 'high',
    });
  }

  // 4. Other overcharges: one terminal → its setting; several → the provider's pricing.
  const fees = open(['fee_overcharge']);
  if (fees.length > 0) {
    const ts = terminalsOf(fees);
    const { first, last } = range(fees);
    const groups = uniq(fees.map((f) => `${f.channel ?? ''}|${f.card ?? ''}`)).flatMap((g) => {
      const f = fees.find((x) => `${x.channel ?? ''}|${x.card ?? ''}` === g);
      return f?.channel === undefined || f.card === undefined ? [] : [{ channel: f.channel, card: f.card }];
    });
    const seen = ts.length === 1 ? compare(ts, groups, first, addDays(last, 1)) : undefined;
    // One terminal is only “the one wrong” when another shows the contract on the same kind of sales then.
    const oneTerminal = seen !== undefined && seen.onContract.length > 0;
    const base = baseline(fees);
    push({
      cause: oneTerminal ? 'terminal_setting_error' : 'provider_rate_change',
      merchantId,
      key: 'fees',
      title: oneTerminal ? `终端 ${ts[0]} 的费率设置错误` : `手续费高于${base.zh}（未检测到单一变价日期）`,
      titleEn: oneTerminal
        ? `Terminal ${ts[0]} has a wrong fee setting`
        : base.inferred
          ? 'Fees above what the provider charged before (no single date of change found)'
          : 'Fees above the contract (no single change date detected)',
      evidence: [
        `${fees.length} 笔交易手续费高于${base.zh}，多扣 ${formatFen(sum(fees, 'overchargeFen'))}，${first} 至 ${last}`,
        oneTerminal
          ? `只有终端 ${ts[0]} 受影响，终端 ${list(seen.onContract, 'zh')} 同期的这类交易${base.inferred ? '仍按此前费率' : '按合同'}收费：是这台终端的费率参数设置错误${silentZh(seen)}`
          : seen !== undefined && seen.silent.length > 0
            ? `只有终端 ${ts[0]} 有多扣；${noEvidenceZh(seen)}`
            : `涉及 ${ts.length} 台终端（${list(ts, 'zh')}）`,
      ],
      evidenceEn: [
        `${count(fees.length, 'transaction')} ${verb(fees.length, 'was', 'were')} charged above ${base.en}, ${formatFen(sum(fees, 'overchargeFen'))} overcharged, ${first} to ${last}`,
        oneTerminal
          ? `Only terminal ${ts[0]} is affected; ${seen.onContract.length === 1 ? 'terminal' : 'terminals'} ${list(seen.onContract, 'en')} charged such sales ${base.inferred ? 'the earlier' : 'the contract'} fee in the same days: that terminal's fee parameters are wrong${silentEn(seen)}`
          : seen !== undefined && seen.silent.length > 0
            ? `Only terminal ${ts[0]} was overcharged; ${noEvidenceEn(seen)}`
            : `On ${count(ts.length, 'terminal')} (${list(ts, 'en')})`,
      ],
      findings: fees,
      confidence: oneTerminal ? 'medium' : 'low',
    });
  }

  // 5. Money frozen (资金冻结): the provider holds the merchant's own settled money and pays it once released — no
  // charge at all, so claimed before the per-payout and never-agreed rules below could call it one.
  push(
    heldDraft(
      merchantId,
      open(['unplanned_deduction']).filter((f) => isHeldMoney(f.label)),
      names,
      summary,
    ),
  );

  // 5b. Deductions: per-payout fees mean the settlement mode changed; the rest are charges never agreed.
  const deductions = open(['unplanned_deduction']);
  const labelOf = (f: Finding) =>
    f.amountFen !== undefined && f.amountFen < 0 ? /“([^”]*)”/.exec(f.message)?.[1] : undefined;
  const byLabel = new Map<string, Finding[]>();
  // A charge debited from the bank account is no fee on a payout: it never says the settlement mode changed.
  const fromBank = (f: Finding) => f.message.includes(FROM_BANK_ACCOUNT_ZH);
  for (const f of deductions) {
    const label = labelOf(f);
    if (label === undefined || fromBank(f)) continue;
    const fs = byLabel.get(label);
    if (fs === undefined) byLabel.set(label, [f]);
    else fs.push(f);
  }
  const perPayout: Finding[] = [];
  const perPayoutLabels: string[] = [];
  for (const [label, fs] of byLabel) {
    const days = uniq(fs.map((f) => f.settleDate ?? dateOf(f))).length;
    const amounts = uniq(fs.map((f) => f.lossFen));
    if (SETTLEMENT_MODE_LABEL.test(label) || (days >= 3 && amounts.length === 1)) {
      perPayout.push(...fs);
      perPayoutLabels.push(label);
    }
  }
  if (perPayout.length > 0) {
    const { first, last } = range(perPayout);
    const days = uniq(perPayout.map((f) => f.settleDate ?? dateOf(f))).length;
    const each = uniq(perPayout.map((f) => f.lossFen));
    const cycle = plan === undefined ? undefined : `${plan.settlement.basis}${plan.settlement.days}`;
    push({
      cause: 'settlement_mode_change',
      merchantId,
      key: 'per-payout',
      title: '结算方式被改为 D0/秒到，按笔收取提现费',
      titleEn: 'Settlement switched to D0/instant payout with a per-payout fee',
      evidence: [
        `自 ${first} 起至 ${last}，${days} 个结算日的结算款中扣除“${list(perPayoutLabels, 'zh')}”，每次 ${list(each.map(formatFen), 'zh')}，合计 ${formatFen(sum(perPayout, 'lossFen'))}`,
        `每次结算都扣一笔固定费用，这是 D0/秒到（提现）的按笔手续费${
          cycle === undefined
            ? `；${NO_PLAN_CHARGES.zh}`
            : `，而合同约定的结算周期是 ${cycle}，合同中没有约定此项费用`
        }`,
      ],
      evidenceEn: [
        `From ${first} to ${last}, "${list(perPayoutLabels, 'en')}" was deducted from the payout on ${count(days, 'settlement day')}, ${list(each.map(formatFen), 'en')} each, ${formatFen(sum(perPayout, 'lossFen'))} in all`,
        `A fixed fee on every payout is the per-payout fee of D0/instant settlement${
          cycle === undefined
            ? `; ${NO_PLAN_CHARGES.en.charAt(0).toLowerCase()}${NO_PLAN_CHARGES.en.slice(1)}`
            : `, while the contract's cycle is ${cycle}; the contract agrees no such charge`
        }`,
      ],
      findings: perPayout,
      confidence: SETTLEMENT_MODE_LABEL.test(perPayoutLabels.join(' ')) ? 'high' : 'medium',
    });
  }
  const other = open(['unplanned_deduction']);
  if (other.length > 0) {
    const items = other.slice(0, 6).map((f) => {
      const label = labelOf(f);
      const d = f.settleDate ?? dateOf(f);
      if (label !== undefined && fromBank(f))
        return {
          zh: `${d} 从银行账户扣除“${label}” ${formatFen(f.lossFen)}`,
          en: `${d}: "${label}" ${formatFen(f.lossFen)} debited from the bank account`,
        };
      return label !== undefined
        ? {
            zh: `${d} 扣除“${label}” ${formatFen(f.lossFen)}`,
            en: `${d}: "${label}" ${formatFen(f.lossFen)} deducted`,
          }
        : {
            zh: `${d} ${names([f]).zh || '一笔交易'} 的结算款少付 ${formatFen(f.lossFen)}（押金/服务费直接从交易款中扣）`,
            en: `${d}: ${names([f]).en || 'a sale'} settled ${formatFen(f.lossFen)} short (a deposit or fee taken out of the sale)`,
          };
    });
    push({
      cause: 'unagreed_charge',
      // Without a plan no agreement was read: none is seen, which is not to say none was made.
      ...(plan === undefined ? { tag: { zh: '未见约定的收费', en: 'charge with no agreement shown' } } : {}),
      merchantId,
      key: 'deductions',
      title: `${plan === undefined ? '未见约定' : '未约定'}的扣费（流量费、押金、服务费等）`,
      titleEn: `${plan === undefined ? 'Charges with no agreement shown' : 'Charges never agreed'} (SIM fee, deposit, service fee …)`,
      evidence: [
        `${other.length} 笔${plan === undefined ? '未见约定' : '未约定'}的扣款，合计 ${formatFen(sum(other, 'lossFen'))}：${list(
          items.map((x) => x.zh),
          'zh',
        )}${other.length > items.length ? ' 等' : ''}`,
        // Without a plan there is no agreement to read: whether the merchant agreed or was told is not known here,
        // only that the rates charged do not account for these deductions.
        plan === undefined
          ? NO_PLAN_CHARGES.zh
          : '合同约定的收费项目中没有这些扣款；未经商户同意的扣费应当退还',
      ],
      evidenceEn: [
        `${count(other.length, 'deduction')} ${plan === undefined ? 'with no agreement shown' : 'not agreed'}, ${formatFen(sum(other, 'lossFen'))} in all: ${list(
          items.map((x) => x.en),
          'en',
        )}${other.length > items.length ? ' …' : ''}`,
        plan === undefined
          ? NO_PLAN_CHARGES.en
          : 'The contract agrees none of these charges; a charge the merchant never agreed to is to be refunded',
      ],
      findings: other,
      confidence: 'high',
    });
  }
  const refunds = open(['refund_fee_mismatch']);
  if (refunds.length > 0) {
    // A refund's charged fee is merchant-view: positive is a fee taken on the refund itself, not one returned short.
    const charged = refunds.filter((f) => (f.chargedFeeFen ?? 0) > 0);
    const short = refunds.filter((f) => (f.chargedFeeFen ?? 0) <= 0);
    const lines = (zh: boolean): string[] => {
      const out: string[] = [];
      if (short.length > 0)
        out.push(
          zh
            ? `${short.length} 笔退货少退手续费 ${formatFen(sum(short, 'lossFen'))}，${range(short).first} 至 ${range(short).last}${named(names(short), 'zh')}`
            : `${count(short.length, 'refund')} returned ${formatFen(sum(short, 'lossFen'))} too little fee, ${range(short).first} to ${range(short).last}${named(names(short), 'en')}`,
        );
      if (charged.length > 0)
        out.push(
          zh
            ? `${charged.length} 笔退货没有退还手续费，反而另收手续费 ${formatFen(sum(charged, 'chargedFeeFen'))}，共损失 ${formatFen(sum(charged, 'lossFen'))}，${range(charged).first} 至 ${range(charged).last}${named(names(charged), 'zh')}`
            : `${count(charged.length, 'refund')} returned no fee and ${charged.length === 1 ? 'was' : 'were'} charged ${formatFen(sum(charged, 'chargedFeeFen'))} in fees instead, ${formatFen(sum(charged, 'lossFen'))} lost, ${range(charged).first} to ${range(charged).last}${named(names(charged), 'en')}`,
        );
      return out;
    };
    const noContract = plan === undefined && baseline(refunds).inferred;
    const basisLines = refundBasisLines(plan, noContract, short.length > 0, charged.length > 0);
    push({
      // Claimed like a charge never agreed (money the contract does not let the provider keep), but tagged as what
      // it is: the fee of refunds not returned as the contract says.
      cause: 'unagreed_charge',
      tag:
        plan === undefined
          ? { zh: '退货未退还手续费', en: 'fee not returned on refunds' }
          : { zh: '退货未按合同退还手续费', en: 'fee not returned on refunds as the contract says' },
      merchantId,
      key: 'refund-fee',
      title: noContract
        ? charged.length > 0
          ? '退货少退或另收手续费'
          : '退货少退手续费'
        : charged.length > 0
          ? '退货未按合同处理手续费：少退或另收'
          : '退货未按合同退还手续费',
      titleEn:
        charged.length > 0
          ? 'Refunds were charged a fee or returned too little'
          : noContract
            ? 'Refunds returned too little fee'
            : 'Refunds did not return the agreed fee',
      evidence: [...lines(true), ...basisLines.map((l) => l.zh)],
      evidenceEn: [...lines(false), ...basisLines.map((l) => l.en)],
      findings: refunds,
      confidence: 'high',
    });
  }

  // 6. Network: the same sale twice within seconds, reversals (sent on timeouts) not honoured.
  const dups = open(['suspected_duplicate_charge']);
  const reversals = open(['void_settled']).filter((f) => f.messageEn.includes(' was reversed '));
  if (dups.length + reversals.length > 0) {
    const gaps = dups
      .map((f) => Number(/only (\d+) s/.exec(f.messageEn)?.[1] ?? Number.NaN))
      .filter((n) => !Number.isNaN(n));
    const gap =
      gaps.length === 0
        ? ''
        : Math.min(...gaps) === Math.max(...gaps)
          ? `${gaps[0]}`
          : `${Math.min(...gaps)}–${Math.max(...gaps)}`;
    const gapZh = gap === '' ? '' : `，间隔 ${gap} 秒`;
    const gapEn = gap === '' ? '' : `, ${gap} s apart`;
    const both = [...dups, ...reversals];
    const evidence: string[] = [];
    const evidenceEn: string[] = [];
    if (dups.length > 0) {
      const amount = dups.reduce((a, f) => a + (f.amountFen ?? 0), 0);
      // Worded as isDuplicateChargeEvidence reads it.
      evidence.push(
        `${dups.length} 笔疑似重复扣款：同一终端、同一付款人、同一金额${gapZh}，共 ${formatFen(amount)}${named(names(dups), 'zh')}`,
      );
      evidenceEn.push(
        `${count(dups.length, 'suspected duplicate charge')}: same terminal, payer and amount${gapEn}, ${formatFen(amount)} in all${named(names(dups), 'en')}`,
      );
    }
    if (reversals.length > 0) {
      evidence.push(
        `${reversals.length} 笔交易终端已冲正（超时自动冲正），但仍被结算，损失手续费 ${formatFen(sum(reversals, 'lossFen'))}${named(names(reversals), 'zh')}`,
      );
      evidenceEn.push(
        `${count(reversals.length, 'sale')} reversed on the terminal (timeout reversal) ${verb(reversals.length, 'was', 'were')} still settled, ${formatFen(sum(reversals, 'lossFen'))} fee lost${named(names(reversals), 'en')}`,
      );
    }
    evidence.push(`秒级重发和冲正未生效都是网络超时的典型表现；涉及终端 ${list(terminalsOf(both), 'zh')}`);
    evidenceEn.push(
      `Resubmission within seconds and reversals not honoured are the marks of network timeouts; terminals ${list(terminalsOf(both), 'en')}`,
    );
    push({
      cause: 'network_resubmission',
      merchantId,
      key: 'network',
      // A sale twice is suspected, not proven, and costs the cardholder, not the merchant: never “重复扣款” as a loss.
      title: `网络超时重发：${[dups.length > 0 ? '疑似重复刷卡' : '', reversals.length > 0 ? '冲正未生效' : ''].filter(Boolean).join('、')}`,
      titleEn: `Network resubmission: ${[dups.length > 0 ? 'suspected duplicate charges' : '', reversals.length > 0 ? 'reversals not honoured' : ''].filter(Boolean).join(', ')}`,
      evidence,
      evidenceEn,
      findings: both,
      confidence: gaps.length > 0 && Math.max(...gaps) <= 30 ? 'high' : 'medium',
    });
  }

  // 7. Amount mismatches clustered on one terminal: the device.
  const mismatches = open(['amount_mismatch']);
  // “占全部金额不符” counts every amount mismatch of the merchant, those a software update already explains
  // included: the report counts them all, and a share of what is left over would read 42/42 beside its 87.
  const allMismatches = findings.filter((f) => f.kind === 'amount_mismatch').length;
  const byTerminal = new Map<string, Finding[]>();
  for (const f of mismatches) {
    const t = f.terminalId ?? '';
    const fs = byTerminal.get(t);
    if (fs === undefined) byTerminal.set(t, [f]);
    else fs.push(f);
  }
  const scattered: Finding[] = [];
  for (const [t, fs] of [...byTerminal].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (t === '' || (fs.length < 2 && byTerminal.size > 1)) {
      scattered.push(...fs);
      continue;
    }
    const share = `${fs.length}/${allMismatches}`;
    const { first, last } = range(fs);
    push({
      cause: 'device_fault',
      merchantId,
      key: `mismatch|${t}`,
      title: `终端 ${t} 金额不符：疑似设备故障`,
      titleEn: `Amount mismatches on terminal ${t}: a likely device fault`,
      evidence: [
        `终端 ${t} 有 ${fs.length} 笔交易的结算金额与终端金额不符（占全部金额不符 ${share}），${first} 至 ${last}，少结 ${formatFen(sum(fs, 'lossFen'))}${named(names(fs), 'zh')}`,
        `差错集中在一台终端，其他终端正常：键盘、屏幕或读卡器故障的典型表现${devices.length > 0 ? '；设备记录中该终端期间没有软件变更' : ''}`,
      ],
      evidenceEn: [
        `Terminal ${t} has ${count(fs.length, 'transaction')} settled for an amount other than the journal's (${share} of all mismatches), ${first} to ${last}, ${formatFen(sum(fs, 'lossFen'))} short${named(names(fs), 'en')}`,
        `The errors cluster on one terminal while the others are right: the mark of a keypad, screen or reader fault${devices.length > 0 ? '; the devices file records no software change in that time' : ''}`,
      ],
      findings: fs,
      confidence:
        fs.length === mismatches.length || fs.length * 5 >= mismatches.length * 4 ? 'high' : 'medium',
      terminalIds: [t],
    });
  }

  // 8. Settlement and payout errors: the provider's back end. A bank credit above the statement's net first: no
  // money is short (the payout finding loses nothing), so it is no back-end error and never a 短少.
  push(
    payoutOverDraft(
      merchantId,
      open(['payout_mismatch']).filter((f) => f.lossFen === 0),
    ),
  );
  const voids = open(['void_settled']);
  if (voids.length > 0) push(backendDraft(merchantId, 'void_settled', voids, names));
  if (scattered.length > 0) push(backendDraft(merchantId, 'amount_mismatch', scattered, names));
  for (const kind of [
    'missing_settlement',
    'duplicate_settlement',
    'late_settlement',
    'payout_mismatch',
    'unexpected_settlement',
  ] as const) {
    const fs = open([kind]);
    if (fs.length > 0) push(backendDraft(merchantId, kind, fs, names, plan));
  }

  // 9. Declined sales above a limit, from the journal's failed records.
  drafts.push(...limitDrafts(merchantId, journal?.limitCandidates ?? []));

  // 10. Whatever is left (no rule): said so, not guessed.
  const rest = open(['no_rule']);
  if (rest.length > 0)
    push({
      cause: 'unexplained',
      merchantId,
      key: 'rest',
      title: '费率方案未覆盖的交易',
      titleEn: 'Transactions the plan does not cover',
      evidence: [`${rest.length} 笔交易在费率方案中找不到适用的规则，请补充方案后重新核对`],
      evidenceEn: [
        `${count(rest.length, 'transaction')} ${verb(rest.length, 'matches', 'match')} no rule of the plan; complete the plan and audit again`,
      ],
      findings: rest,
      confidence: 'low',
    });
  return drafts;
}

/**
 * What the refund-fee diagnosis measured against: the given plan's refund terms; else the terms of the plan the
 * audit used (not given here, so not spelled out); else, priced without any plan (`noContract`), no contract but
 * what was measured: the sale's own charged fee in proportion to the amount refunded, and that a refund costs no fee.
 */
function refundBasisLines(
  plan: FeePlan | undefined,
  noContract: boolean,
  short: boolean,
  charged: boolean,
): { zh: string; en: string }[] {
  if (plan !== undefined) {
    const zh = plan.refundFee === 'none' ? '不退' : plan.refundFee === 'full' ? '全额退还' : '按比例退还';
    return [{ zh: `合同约定退货手续费：${zh}`, en: `The contract's refund fee policy: ${plan.refundFee}` }];
  }
  if (!noContract)
    return [
      {
        zh: '应退的手续费按核对所用费率方案的退货约定计算（见各笔明细）',
        en: 'The fee due back follows the refund terms of the plan the audit used (see each transaction)',
      },
    ];
  const out: { zh: string; en: string }[] = [];
  if (short)
    out.push({
      zh: '未提供费率方案：应退的手续费按原交易实收的手续费、依退货金额所占比例计算，实退少于此数',
      en: "No plan was given: the fee due back is the sale's charged fee in proportion to the amount refunded, and less than that came back",
    });
  if (charged)
    out.push({
      zh: '未提供费率方案：退货本身不应再收手续费',
      en: 'No plan was given: a refund itself costs no fee',
    });
  return out;
}

/**
 * What a group's fees are measured against: the contract, or — when every finding was priced without a plan
 * (basis 'inferred') — what the provider charged before; such a group must not cite a contract nobody gave.
 */
function baseline(fs: readonly Finding[]): { inferred: boolean; zh: string; en: string } {
  const inferred = fs.length > 0 && fs.every((f) => f.basis === 'inferred');
  return inferred
    ? { inferred, zh: '此前实收', en: 'what the provider charged before' }
    : { inferred, zh: '合同', en: 'the contract' };
}

const KIND_ZH: Partial<Record<FindingKind, string>> = {
  fee_overcharge: '多收手续费',
  amount_mismatch: '金额不符',
  missing_settlement: '未结算',
  duplicate_settlement: '重复结算',
  late_settlement: '延迟结算',
  payout_mismatch: '到账不符',
  unexpected_settlement: '流水中没有的结算',
  void_settled: '已撤销仍结算',
};
const kindsZh = (fs: readonly Finding[]) => list(uniq(fs.map((f) => KIND_ZH[f.kind] ?? f.kind)), 'zh');

/**
 * Why the rate change table counts more sales than the change's findings: of the group's sales since the change
 * (RateChange.transactions, up to its next change), those another diagnosis claims or that were charged too little;
 * the rest were overcharged within the tolerance, or not at all, and no finding was made of them. Undefined when
 * the counts agree.
 */
function uncounted(
  c: RateChange,
  fs: readonly Finding[],
  changes: readonly RateChange[],
  findings: readonly Finding[],
  plan: FeePlan | undefined,
): { zh: string; en: string } | undefined {
  const next = nextChangeDate(c, changes);
  const own = new Set(fs.map((f) => f.id));
  const inGroup = (f: Finding) => {
    const d = dateOf(f);
    return (
      !own.has(f.id) &&
      f.channel === c.channel &&
      f.card === c.card &&
      d >= c.date &&
      (next === undefined || d < next) &&
      f.amountFen !== undefined &&
      f.amountFen > 0 &&
      bandContains(c.band, f.amountFen)
    );
  };
  const elsewhere = findings.filter((f) => f.kind === 'fee_overcharge' && inGroup(f)).length;
  const under = findings.filter((f) => f.kind === 'fee_undercharge' && inGroup(f)).length;
  const rest = c.transactions - fs.length - elsewhere - under;
  if (rest <= 0 && elsewhere === 0 && under === 0) return undefined;
  const tolerance = formatFen(plan?.toleranceFen ?? 1);
  const zh = [
    elsewhere > 0 ? `${elsewhere} 笔的多扣另有原因，列在其他条目` : '',
    under > 0 ? `${under} 笔少收` : '',
    rest > 0 ? `其余 ${rest} 笔多收不超过容差 ${tolerance}（或未多收），不计为多扣` : '',
  ].filter(Boolean);
  const en = [
    elsewhere > 0
      ? `${elsewhere} ${verb(elsewhere, 'was', 'were')} overcharged for another cause, told apart`
      : '',
    under > 0 ? `${under} ${verb(under, 'was', 'were')} undercharged` : '',
    rest > 0
      ? `the other ${rest} ${verb(rest, 'was', 'were')} overcharged no more than the ${tolerance} tolerance (or not at all), so ${verb(rest, 'is', 'are')} not counted`
      : '',
  ].filter(Boolean);
  return {
    zh: `费率变化表中的 ${c.transactions} 笔是此后这类交易的全部笔数：${zh.join('，')}`,
    en: `The rate change table's ${c.transactions} transactions are all such transactions since: ${en.join('; ')}`,
  };
}

/**
 * The merchant's other terminals, as evidence on whether a group's sales in some days were charged the contract:
 * `onContract` made such a sale that no finding names (priced by the contract, or there would be one); `silent`
 * made none, so they show nothing either way and must not be counted as still on the contract.
 */
interface TerminalComparison {
  onContract: string[];
  silent: string[];
}

/** A sale group compared across terminals: a channel and card, within a change's amount band when it has one. */
type SaleGroup = Pick<RateChange, 'channel' | 'card'> & { band?: string };

/**
 * Compares the terminals other than `ts` over [from, until) (until undefined: open-ended) for sales of `groups`.
 * A sale some finding names (any kind: overcharged, never settled…) was not priced by the contract, or its price is
 * unknown: a terminal shows the contract only with more such sales on a day than findings of that day and group.
 */
function terminalComparer(
  known: ReadonlySet<string>,
  journal: JournalDigest | undefined,
  findings: readonly Finding[],
): (ts: readonly string[], groups: readonly SaleGroup[], from: string, until?: string) => TerminalComparison {
  const inBand = (g: SaleGroup, amountFen: number) => g.band === undefined || bandContains(g.band, amountFen);
  // The findings' sales by terminal and `channel|card|day`, their amounts (none known: counted in every band).
  const findingSales = new Map<string, (number | undefined)[]>();
  for (const f of findings) {
    if (f.terminalId === undefined || f.channel === undefined || f.card === undefined || f.time === undefined)
      continue;
    const key = `${f.terminalId}|${saleKey(f.channel, f.card, localDateOf(f.time))}`;
    const amounts = findingSales.get(key);
    if (amounts === undefined) findingSales.set(key, [f.amountFen]);
    else amounts.push(f.amountFen);
  }
  return (ts, groups, from, until) => {
    const others = sorted([...known].filter((t) => !ts.includes(t)));
    const shows = (t: string) => {
      for (const [key, amounts] of journal?.sales.get(t) ?? []) {
        const [channel, card, date = ''] = key.split('|');
        if (date < from || (until !== undefined && date >= until)) continue;
        for (const g of groups) {
          if (g.channel !== channel || g.card !== card) continue;
          const sales = amounts.filter((a) => inBand(g, a)).length;
          const withFinding = (findingSales.get(`${t}|${key}`) ?? []).filter(
            (a) => a === undefined || inBand(g, a),
          ).length;
          if (sales > withFinding) return true;
        }
      }
      return false;
    };
    const onContract = others.filter(shows);
    return { onContract, silent: others.filter((t) => !onContract.includes(t)) };
  };
}

/** The day a group's next change starts (the end of this one's days), as `uncounted` bounds them. */
function nextChangeDate(c: RateChange, changes: readonly RateChange[]): string | undefined {
  // An episode's days end after its last one (`until`); an episode on top of a lasting change does not end it.
  if (c.until !== undefined) return addDays(c.until, 1);
  return changes
    .filter(
      (x) =>
        x.channel === c.channel &&
        x.card === c.card &&
        x.band === c.band &&
        x.date > c.date &&
        x.until === undefined,
    )
    .map((x) => x.date)
    .sort()[0];
}

/** The terminals without such sales then, after a conclusion drawn from the others. */
const silentZh = (seen: TerminalComparison) =>
  seen.silent.length === 0 ? '' : `（终端 ${list(seen.silent, 'zh')} 同期没有这类交易，无从比较）`;
const silentEn = (seen: TerminalComparison) =>
  seen.silent.length === 0
    ? ''
    : ` (${seen.silent.length === 1 ? 'terminal' : 'terminals'} ${list(seen.silent, 'en')} made no such sales then, so ${verb(seen.silent.length, 'shows', 'show')} nothing)`;
/** No other terminal made such sales then: no comparison, so no conclusion on a terminal's setting. */
const noEvidenceZh = (seen: TerminalComparison) =>
  `其余终端（${list(seen.silent, 'zh')}）同期没有这类交易按合同收费，无从比较，不能据此判断是这台终端的设置被改`;
const noEvidenceEn = (seen: TerminalComparison) =>
  `the other ${seen.silent.length === 1 ? 'terminal' : 'terminals'} (${list(seen.silent, 'en')}) made no such sales charged the contract then, so there is nothing to compare and no sign that this terminal's setting alone was changed`;

function rateChangeDraft(
  merchantId: string,
  c: RateChange,
  fs: Finding[],
  plan: FeePlan | undefined,
  known: ReadonlySet<string>,
  seen: TerminalComparison,
  gap?: { zh: string; en: string },
): Draft {
  const before = ppm(c.beforeRate);
  const after = ppm(c.afterRate);
  const what = channelCardName(c.channel, c.card, 'zh');
  // English for people: `UnionPay QR (debit card)`, `WeChat`, never the codes (unionpay-qr, wechat).
  const whatEn = channelCardWords(c.channel, c.card).en;
  const band = c.band === 'all' ? '' : `（${c.band} 元）`;
  const bandEn = c.band === 'all' ? '' : ` (${c.band} yuan)`;
  const fixed = c.afterFixedFen !== c.beforeFixedFen;
  const wording = changeWording(c);
  const contractRule = fs.find((f) => f.rule !== undefined)?.rule;
  const contract = contractRule?.text;
  const contractEn = contractRule === undefined ? undefined : (contractRule.textEn ?? contractRule.text);
  const ts = terminalsOf(fs);
  const over = sum(fs, 'overchargeFen');
  const evidence = [
    `${changeDaysText(c, 'zh')}，${what}${band}${wording.zh}${contract === undefined ? '' : `，合同约定 ${contract}`}`,
    `${c.until === undefined ? '此后' : '期间'} ${fs.length} 笔交易多扣 ${formatFen(over)}，${range(fs).first} 至 ${range(fs).last}`,
  ];
  const evidenceEn = [
    `${c.until === undefined ? `From ${c.date}` : `From ${c.date} to ${c.until}`}, for ${whatEn}${bandEn} ${wording.en}${contractEn === undefined ? '' : `; the contract says ${contractEn}`}`,
    `${count(fs.length, 'transaction')} ${c.until === undefined ? 'since' : 'then'} ${verb(fs.length, 'was', 'were')} overcharged ${formatFen(over)}, ${range(fs).first} to ${range(fs).last}`,
  ];
  if (gap !== undefined) {
    evidence.push(gap.zh);
    evidenceEn.push(gap.en);
  }
  if (c.noticeHonoured === false) {
    // Told too late is not untold: a plan recording the day the merchant was told says so, and from when the
    // raise can bind; “未见通知” only when it records no notice of this change.
    const late = plan === undefined ? undefined : lateNotice(plan, c, fs);
    if (late !== undefined) {
      evidence.push(
        `合同要求调价提前 ${late.days} 天通知，该调价通知于 ${late.noticed}，不足 ${late.days} 天，最早 ${late.effective} 起生效`,
      );
      evidenceEn.push(
        `The contract requires ${late.days} days’ notice of a change; this one was noticed on ${late.noticed}, less than ${late.days} days ahead, so it can take effect from ${late.effective} at the earliest`,
      );
    } else {
      evidence.push(`合同要求调价提前${plan === undefined ? '' : ` ${plan.noticeDays} 天`}通知，未见通知`);
      evidenceEn.push(
        `The contract requires${plan === undefined ? '' : ` ${plan.noticeDays} days’`} notice of a change; none was given`,
      );
    }
  }
  // One terminal out of several, while another still charged the contract on the same sales then: that terminal's
  // parameters, not the provider's price list. Another terminal with no such sales then shows nothing either way.
  if (ts.length === 1 && seen.onContract.length > 0) {
    return {
      cause: 'terminal_setting_error',
      merchantId,
      key: `change|${c.channel}|${c.card}|${c.band}|${c.date}`,
      title: `终端 ${ts[0]} 自 ${c.date} 起费率设置错误`,
      titleEn: `Terminal ${ts[0]} has a wrong fee setting since ${c.date}`,
      evidence: [
        ...evidence,
        `只有终端 ${ts[0]} 按新费率收费，终端 ${list(seen.onContract, 'zh')} 同期的${what}交易仍按${baseline(fs).inferred ? '此前费率' : '合同'}收费：是这台终端的参数被改了${silentZh(seen)}`,
      ],
      evidenceEn: [
        ...evidenceEn,
        `Only terminal ${ts[0]} charges the new formula; ${seen.onContract.length === 1 ? 'terminal' : 'terminals'} ${list(seen.onContract, 'en')} still charged ${whatEn} sales ${baseline(fs).inferred ? 'the earlier fee' : 'the contract'} in the same days: that terminal's parameters were changed${silentEn(seen)}`,
      ],
      findings: fs,
      confidence: 'medium',
      since: c.date,
    };
  }
  // A promotional rate ending. With a plan, only a promotion the contract has counts: a period whose rate for
  // these sales rises after it ends. The change comes the day after it ends (sure), or within it a round number
  // of days after signing (the provider ending it early). A typical promo rate (≤0.38 %) jumping to a standard one
  // is the mark of an expired promotion with or without a plan. A round number of days alone, in a contract with
  // no promotion, is no more than a hint (told under the provider's change below).
  const promo = promoOf(plan, c.date, fs);
  const start = plan?.periods[0]?.from;
  const daysIn = start === undefined ? undefined : dayNumber(c.date) - dayNumber(start);
  const roundDays = daysIn !== undefined && PROMO_DAYS.includes(daysIn);
  const periodEnds = promo?.ended === true;
  const endedEarly = promo !== undefined && !promo.ended && roundDays;
  const promoJump =
    before !== undefined &&
    after !== undefined &&
    !fixed &&
    before <= PROMO_MAX_PPM &&
    after - before >= PROMO_JUMP_PPM;
  const key = `change|${c.channel}|${c.card}|${c.band}|${c.date}`;
  if (periodEnds || endedEarly || promoJump) {
    const why: string[] = [];
    const whyEn: string[] = [];
    if (promo !== undefined && periodEnds) {
      why.push(`变价日正是合同中优惠期（${promo.from} 至 ${promo.until}）结束的次日`);
      whyEn.push(
        `the change comes the day after the contract’s promotional period (${promo.from} to ${promo.until}) ends`,
      );
    }
    if (promo !== undefined && endedEarly) {
      why.push(`合同中的优惠期（${promo.from} 至 ${promo.until}）尚未结束`);
      whyEn.push(`the contract’s promotional period (${promo.from} to ${promo.until}) had not ended`);
    }
    if (roundDays && promo !== undefined) {
      why.push(`变价日是签约（${start}）后第 ${daysIn} 天`);
      whyEn.push(`the change comes ${daysIn} days after the contract started (${start})`);
    }
    if (promoJump) {
      why.push(`${c.beforeRate} 是常见的优惠费率，${c.afterRate} 是标准费率`);
      whyEn.push(`${c.beforeRate} is a typical promotional rate and ${c.afterRate} a standard one`);
    }
    // What the contract says after the promotion only a plan can tell (the audit priced these sales by it).
    const [afterZh, afterEn] =
      plan === undefined
        ? [
            '没有该商户的费率方案，请对照合同确认优惠到期后的费率',
            'no plan was given for this merchant: check the contract for the rate after the promotion',
          ]
        : periodEnds
          ? [
              '优惠到期后应按合同此后约定的费率收取，实收仍高于合同约定，多扣部分应退还',
              'after the promotion the contract’s later rate applies, and the fees charged are above it',
            ]
          : endedEarly && promo !== undefined
            ? [
                `合同约定优惠期到 ${promo.until} 才结束，此前应继续按优惠费率收取`,
                `the contract’s promotion runs until ${promo.until}: until then the promotional rate applies`,
              ]
            : [
                '合同没有约定优惠到期后的费率，应继续按合同费率收取',
                'the contract sets no higher rate after it',
              ];
    return {
      cause: 'promo_expiry',
      merchantId,
      key,
      title: `${what}优惠费率${endedEarly && !periodEnds ? '提前' : ''}到期：${wording.titleZh}`,
      titleEn: `${capitalise(whatEn)} promotional rate ended${endedEarly && !periodEnds ? ' early' : ''}: ${wording.titleEn}`,
      evidence: [...evidence, `判断依据：${list(why, 'zh')}；${afterZh}`],
      evidenceEn: [...evidenceEn, `Grounds: ${list(whyEn, 'en')}; ${afterEn}`],
      findings: fs,
      confidence: periodEnds || endedEarly ? 'high' : 'medium',
      since: c.date,
    };
  }
  // A round number of days after signing, in a contract without a promotion: a weaker hint, not the cause.
  const hint = roundDays
    ? {
        zh: `变价日恰是签约（${start}）后第 ${daysIn} 天，优惠期常为这样的天数；但合同中没有到此结束的优惠期，这只是较弱的线索，不能据此认为是优惠到期：应继续按合同费率收取`,
        en: `The change came exactly ${daysIn} days after the contract started (${start}), a common length for a promotion; but no promotional period of the contract ends then, so this is only a weak hint, not a promotion ending: the contract rate still applies`,
      }
    : undefined;
  return {
    cause: 'provider_rate_change',
    merchantId,
    key,
    title: `收单机构/代理商调价：${what}${wording.titleZh}`,
    titleEn: `Provider or agent price change: ${whatEn} ${wording.titleEn}`,
    evidence: [
      ...evidence,
      ts.length === 1 && seen.silent.length > 0
        ? `只有终端 ${ts[0]} 有按新费率收费的${what}交易；${noEvidenceZh(seen)}`
        : `${ts.length} 台终端（${list(ts, 'zh')}）同一天起一齐变化：是收单机构或代理商后台调价，不是终端设置`,
      ...(hint === undefined ? [] : [hint.zh]),
    ],
    evidenceEn: [
      ...evidenceEn,
      ts.length === 1 && seen.silent.length > 0
        ? `Only terminal ${ts[0]} has ${whatEn} sales charged the new formula; ${noEvidenceEn(seen)}`
        : `${count(ts.length, 'terminal')} (${list(ts, 'en')}) changed on the same day: a change in the provider’s or agent’s back end, not a terminal setting`,
      ...(hint === undefined ? [] : [hint.en]),
    ],
    findings: fs,
    confidence: ts.length > 1 || known.size <= 1 ? 'high' : 'medium',
    since: c.date,
  };
}

/** Days between a plan period's start and an observed change for the two to be one (as rate-changes.ts NEAR_DAYS). */
const NEAR_CHANGE_DAYS = 7;

/**
 * The notice the plan records of a change told too late: the day the merchant was told, the contract's notice
 * days and the first day the raise can bind. First as the audit priced these sales: a raise it deferred
 * (quoteFee's `deferred`: told + notice days). Else a period of the plan starting within a week of the change
 * whose rule for these sales is the new formula, told fewer than the notice days before the change: it binds
 * from its start or from told + notice days, whichever is later. Undefined: the plan records no notice of it.
 */
function lateNotice(
  plan: FeePlan,
  c: RateChange,
  fs: readonly Finding[],
): { noticed: string; effective: string; days: number } | undefined {
  const sales = fs.flatMap((f) =>
    f.amountFen === undefined || f.channel === undefined || f.card === undefined
      ? []
      : [{ amountFen: f.amountFen, channel: f.channel, card: f.card, date: dateOf(f) }],
  );
  for (const sale of sales) {
    const q = quoteFee(plan, sale);
    if (q.ok && q.deferred !== undefined)
      return { noticed: q.deferred.noticed, effective: q.deferred.effective, days: q.deferred.noticeDays };
  }
  const after = ppm(c.afterRate);
  const sale = sales[0];
  const change = dayNumber(c.date);
  for (const p of plan.periods) {
    if (p.noticed === undefined || sale === undefined || after === undefined) continue;
    if (Math.abs(change - dayNumber(p.from)) > NEAR_CHANGE_DAYS) continue;
    if (change - dayNumber(p.noticed) >= plan.noticeDays) continue;
    const rule = matchingRule(p, sale);
    if (rule?.ratePpm !== after || rule.fixedFen !== c.afterFixedFen) continue;
    // The later of the plan's date and told + notice days (YYYY-MM-DD strings sort as dates).
    const told = addDays(p.noticed, plan.noticeDays);
    const effective = [told, p.from].sort()[1] ?? told;
    return { noticed: p.noticed, effective, days: plan.noticeDays };
  }
  return undefined;
}

/** A promotional period of the contract: its `until`, and whether it ended the day before the change. */
interface PlanPromo {
  from: string;
  until: string;
  ended: boolean;
}

/**
 * The contract's promotion for these sales that ends the day before `date` or is still running on it: a period
 * with an end after which the contract's own fee for the same sale is higher. A period that merely ends (the
 * contract's rate the same or lower after it) is no promotion.
 */
function promoOf(plan: FeePlan | undefined, date: string, fs: readonly Finding[]): PlanPromo | undefined {
  const sale = fs.find((f) => f.amountFen !== undefined && f.channel !== undefined && f.card !== undefined);
  if (
    plan === undefined ||
    sale?.amountFen === undefined ||
    sale.channel === undefined ||
    sale.card === undefined
  )
    return undefined;
  const query = { amountFen: Math.abs(sale.amountFen), channel: sale.channel, card: sale.card };
  const feeOn = (d: string) => {
    const q = quoteFee(plan, { ...query, date: d });
    return q.ok ? q.feeFen : undefined;
  };
  for (const p of plan.periods) {
    if (p.until === undefined || p.from > date || addDays(p.until, 1) < date) continue;
    const during = feeOn(p.until);
    const afterwards = feeOn(addDays(p.until, 1));
    if (during !== undefined && afterwards !== undefined && afterwards > during)
      return { from: p.from, until: p.until, ended: addDays(p.until, 1) === date };
  }
  return undefined;
}

/**
 * What a rate change changed — the fixed add-on, the percentage, the cap — as a title and a sentence in zh and
 * en. A change of the cap or the add-on alone leaves the percentage as it was, so naming only the percentage
 * would read "0.55% → 0.55%".
 */
function changeWording(c: RateChange): { titleZh: string; titleEn: string; zh: string; en: string } {
  const titlesZh: string[] = [];
  const titlesEn: string[] = [];
  const zh: string[] = [];
  const en: string[] = [];
  if (c.afterFixedFen !== c.beforeFixedFen) {
    const [from, to] = [formatFen(c.beforeFixedFen), formatFen(c.afterFixedFen)];
    const added = c.afterFixedFen - c.beforeFixedFen;
    titlesZh.push(added > 0 ? `每笔加收 ${formatFen(added)}` : `每笔固定费用 ${from} → ${to}`);
    titlesEn.push(added > 0 ? `+${formatFen(added)} per sale` : `fixed fee per sale ${from} → ${to}`);
    zh.push(`每笔固定费用由 ${from} 变为 ${to}`);
    en.push(`the fixed fee per sale went from ${from} to ${to}`);
  }
  const capChanged = c.afterCapFen !== c.beforeCapFen;
  // With nothing else to tell apart, the rates are named even when they read the same.
  if (c.beforeRate !== c.afterRate || (zh.length === 0 && !capChanged)) {
    titlesZh.push(`${c.beforeRate} → ${c.afterRate}`);
    titlesEn.push(`${c.beforeRate} → ${c.afterRate}`);
    zh.push(`费率由 ${c.beforeRate} 变为 ${c.afterRate}`);
    en.push(`${en.length === 0 ? 'the rate went' : 'the rate'} from ${c.beforeRate} to ${c.afterRate}`);
  }
  if (capChanged) {
    const capZh = (fen: number | undefined) => (fen === undefined ? '无封顶' : formatFen(fen));
    const capEn = (fen: number | undefined) => (fen === undefined ? 'none' : formatFen(fen));
    titlesZh.push(`封顶 ${capZh(c.beforeCapFen)} → ${capZh(c.afterCapFen)}`);
    titlesEn.push(`cap ${capEn(c.beforeCapFen)} → ${capEn(c.afterCapFen)}`);
    const spaced = (fen: number | undefined) => (fen === undefined ? '无封顶' : ` ${formatFen(fen)} `);
    zh.push(`封顶由${spaced(c.beforeCapFen)}变为${spaced(c.afterCapFen)}`.trimEnd());
    en.push(
      `${en.length === 0 ? 'the cap went' : 'the cap'} from ${capEn(c.beforeCapFen)} to ${capEn(c.afterCapFen)}`,
    );
  }
  return { titleZh: titlesZh.join('，'), titleEn: titlesEn.join(', '), zh: zh.join('，'), en: en.join(', ') };
}

function capOf(f: Finding | undefined, plan: FeePlan | undefined): number | undefined {
  if (
    f === undefined ||
    plan === undefined ||
    f.amountFen === undefined ||
    f.channel === undefined ||
    f.card === undefined
  )
    return undefined;
  const q = quoteFee(plan, { amountFen: f.amountFen, channel: f.channel, card: f.card, date: dateOf(f) });
  return q.ok ? q.rule.capFen : undefined;
}

function capNotApplied(f: Finding, plan: FeePlan | undefined): boolean {
  if (plan !== undefined && f.amountFen !== undefined && f.channel !== undefined && f.card !== undefined) {
    const q = quoteFee(plan, { amountFen: f.amountFen, channel: f.channel, card: f.card, date: dateOf(f) });
    return q.ok && q.capApplied;
  }
  return /封顶|\bcap\b/.test(f.rule?.text ?? '');
}

/**
 * The contract caps this sale and the fee charged is at least the uncapped percentage of the contract rule: the
 * cap was not applied at all (a fixed add-on on top of an applied cap is not this).
 */
function capIgnored(f: Finding, plan: FeePlan | undefined): boolean {
  if (
    plan === undefined ||
    f.amountFen === undefined ||
    f.channel === undefined ||
    f.card === undefined ||
    f.chargedFeeFen === undefined
  )
    return false;
  const q = quoteFee(plan, { amountFen: f.amountFen, channel: f.channel, card: f.card, date: dateOf(f) });
  if (!q.ok || !q.capApplied) return false;
  // Within a fen: the provider may round the other way.
  const uncapped = percentageFee(Math.abs(f.amountFen), q.rule.ratePpm, plan.rounding);
  return f.chargedFeeFen + 1 >= uncapped;
}

/**
 * A fee_overcharge of a sale a void or reversal netted (merchant-audit's cancelledFeeDraft): nothing is due on it, so
 * it says 应收 ¥0.00 and how much the 撤销/冲正 line returned of the fee.
 */
function keptOnCancelledSale(f: Finding): boolean {
  return f.kind === 'fee_overcharge' && f.cancelledBy !== undefined;
}

/** The fees kept on voided or reversed sales: to be refunded in full, each cited by its sale and cancel lines. */
function cancelledFeeDraft(merchantId: string, fs: Finding[], names: Namer): Draft {
  const reversal = (f: Finding) => f.cancelledBy === 'reversal';
  const whatZh = fs.every(reversal) ? '冲正' : fs.some(reversal) ? '撤销/冲正' : '撤销';
  const whatEn = fs.every(reversal) ? 'reversed' : fs.some(reversal) ? 'voided or reversed' : 'voided';
  const lineEn = fs.every(reversal) ? 'reversal' : fs.some(reversal) ? 'void or reversal' : 'void';
  const { first, last } = range(fs);
  const kept = sum(fs, 'overchargeFen');
  // Each sale by its key, with every line the finding cites: the sale and its void or reversal, statement and journal.
  const shown = fs.slice(0, 5);
  const lines = (lang: 'zh' | 'en', withFee = true) =>
    shown.map((f) => {
      const key = lang === 'en' ? names([f]).en : names([f]).zh;
      const byFile = new Map<string, number[]>();
      for (const at of f.source) byFile.set(at.file, [...(byFile.get(at.file) ?? []), at.row]);
      const where = [...byFile]
        .map(([file, rows]) =>
          lang === 'en'
            ? `${file} ${rows.length > 1 ? 'rows' : 'row'} ${list(rows.map(String), 'en')}`
            : `${file} 第 ${list(rows.map(String), 'zh')} 行`,
        )
        .join(lang === 'en' ? '; ' : '；');
      const fee = formatFen(f.overchargeFen);
      const cited =
        lang === 'en'
          ? `${key === '' ? 'a sale' : key} (${where})`
          : `${key === '' ? '一笔交易' : key}（${where}）`;
      if (!withFee) return cited;
      return lang === 'en' ? `${cited}: ${fee} kept` : `${cited}未退手续费 ${fee}`;
    });
  const moreZh = fs.length > shown.length ? ` 等 ${fs.length} 笔` : '';
  const moreEn = fs.length > shown.length ? ` (${fs.length} in all)` : '';
  const ts = terminalsOf(fs);
  return {
    cause: 'cancelled_fee_kept',
    merchantId,
    key: 'cancelled-fee',
    title: `${whatZh}后手续费未退回`,
    titleEn: `Fee kept on ${whatEn} sales`,
    evidence: [
      `${fs.length} 笔交易已${whatZh}，对账单中原交易与${whatZh}行相抵，但手续费仍收取 ${formatFen(kept)}，${first} 至 ${last}${ts.length === 0 ? '' : `，终端 ${list(ts, 'zh')}`}`,
      `${lines('zh').join('；')}${moreZh}`,
      `${whatZh}的交易不收手续费（撤销免费，冲正整笔相抵），收取的手续费应全部退回；与费率高低无关，不是调价`,
    ],
    evidenceEn: [
      `${count(fs.length, 'sale')} ${verb(fs.length, 'was', 'were')} ${whatEn}: the statement nets each sale with its ${lineEn} line, yet ${formatFen(kept)} in fees was kept, ${first} to ${last}${ts.length === 0 ? '' : `, ${ts.length === 1 ? 'terminal' : 'terminals'} ${list(ts, 'en')}`}`,
      `${lines('en').join('; ')}${moreEn}`,
      `A ${whatEn} sale costs no fee (a void is free, a reversal nets to nothing): the fee kept is to be refunded in full, whatever the rate — this is not a rate change`,
    ],
    findings: fs,
    confidence: 'high',
    steps: {
      contact_service: {
        zh: `联系收单机构，要求退还${whatZh}交易的手续费 ${formatFen(kept)}：出示原交易与${whatZh}行（${lines('zh', false).join('；')}${moreZh}），${whatZh}的交易不应收取手续费`,
        en: `Ask the provider to refund the ${formatFen(kept)} fee of the ${whatEn} ${fs.length === 1 ? 'sale' : 'sales'}, citing the sale and its ${lineEn} line (${lines('en', false).join('; ')}${moreEn}): a ${whatEn} sale costs no fee`,
      },
    },
  };
}

/**
 * Settled money the provider froze (资金冻结, rebates.ts isHeldMoney): its risk control holds the merchant's own money
 * and pays it once released (解冻), so the merchant asks why and until when, and proves the sales — it is no charge
 * to have refunded. `summary`: the merchant's totals, to tell whether the statements' rebate lines (a 解冻 line is
 * one, set only against money frozen) made it good.
 */
function heldDraft(
  merchantId: string,
  fs: Finding[],
  names: Namer,
  summary: AuditSummary | undefined,
): Draft {
  const held = formatFen(sum(fs, 'lossFen'));
  const shown = fs.slice(0, 5);
  const more = fs.length > shown.length;
  const items = shown.map((f) => {
    const n = names([f]);
    return {
      zh: `${dateOf(f)} ${n.zh || '一笔结算款'} 冻结 ${formatFen(f.lossFen)}`,
      en: `${dateOf(f)}: ${n.en || 'a settlement'}, ${formatFen(f.lossFen)} frozen`,
    };
  });
  const nm = { zh: names(fs).zh, en: names(fs).en };
  // Owed nothing: every loss, this money included, is made good (rebates.ts offsetOfRebates sets a release only
  // against money frozen). Nothing given back at all: no 解冻 line either. Else which loss a return made good is
  // not in the totals, so it is not guessed.
  const returned = summary?.returnedFen;
  const released = summary !== undefined && summary.lossFen > 0 && owedOf(summary).owedFen === 0;
  const none = !released && returned === 0;
  const status = released
    ? {
        zh: '之后对账单中的解冻（资金解冻）或返还已补足包括这笔冻结款在内的全部损失：钱已回到商户',
        en: 'Later 解冻 (release) or rebate lines on the statements make good every loss, this frozen money included: the money is back',
      }
    : none
      ? {
          zh: '所核对的对账单中没有解冻（资金解冻）记录：这笔钱仍被冻结，尚未到账',
          en: 'The statements checked have no 解冻 (release) line: the money is still frozen and has not been paid',
        }
      : {
          zh: `对账单中有返还 ${formatFen(returned ?? 0)}，其中解冻款（资金解冻）只抵扣冻结的结算款：请核对冻结款是否已全部解冻到账，未解冻的部分仍被冻结`,
          en: `The statements gave back ${formatFen(returned ?? 0)}, and a release (解冻) is set only against money frozen: check whether all the frozen money was released and paid; what was not is still held`,
        };
  return {
    cause: 'money_frozen',
    merchantId,
    key: 'held',
    title: `结算款被服务商冻结（风控冻结/资金冻结）${released ? '，已解冻' : none ? '，尚未解冻' : ''}`,
    titleEn: `Settled money frozen by the provider (risk-control hold)${released ? ', since released' : none ? ', not yet released' : ''}`,
    evidence: [
      `${fs.length} 笔结算款被服务商冻结（资金冻结），合计 ${held}：${list(
        items.map((x) => x.zh),
        'zh',
      )}${more ? ` 等 ${fs.length} 笔` : ''}`,
      '冻结不是扣费：这是服务商的风控措施，钱仍属于商户，解冻后打款到账。常见原因：风控触发（大额交易或异常交易，如深夜、短时间内集中、与平时经营不符的交易），商户资料不全或需要补充，持卡人投诉或拒付（调单）',
      status.zh,
    ],
    evidenceEn: [
      `The provider froze (资金冻结) ${held} of settled money on ${count(fs.length, 'line')}: ${list(
        items.map((x) => x.en),
        'en',
      )}${more ? ` (${fs.length} in all)` : ''}`,
      'A freeze is no charge: it is the provider’s risk control, the money is still the merchant’s and is paid once released. Common reasons: a risk-control alert (a large or unusual sale — late at night, many in a short time, unlike the usual business), incomplete merchant documents, or a cardholder complaint or chargeback (调单)',
      status.en,
    ],
    findings: fs,
    confidence: 'high',
    // The contact and reconcile steps name no posguard command: the dashboard swaps such a step naming one for its
    // general wording, which says nothing of a freeze.
    steps: {
      contact_service: {
        zh: `联系服务商客服，询问结算款 ${held} 被冻结的原因和预计解冻日期${nm.zh === '' ? '' : `（${nm.zh}）`}，并请对方书面或以工单答复`,
        en: `Contact the provider’s customer service: ask why ${held} of settled money was frozen${nm.en === '' ? '' : ` (${nm.en})`} and on what date it will be released, and ask for the answer in writing or in a ticket`,
      },
      provide_proof: {
        zh: '按客服要求证明交易真实：提供交易凭证（签购单/小票）、发货或服务证明（物流单号、订单记录）、与顾客的沟通记录；商户资料不全的，补齐营业执照、法人身份证件等资料',
        en: 'Prove the sales are real, as customer service asks: the sales slips or receipts, proof of delivery or service (tracking numbers, order records) and the messages with the customer; complete any merchant documents missing (business licence, the legal representative’s ID)',
      },
      escalate: {
        zh: '过了客服答复的解冻日期，或在合理期限内既不解冻也不说明原因的：先向收单机构书面投诉（附 posguard evidence 生成的证据包）；仍未解决的，向中国人民银行投诉（金融消费者投诉咨询电话 12363，支付结算类投诉），银联卡交易同时向中国银联投诉（客服电话 95516）',
        en: "If the money is not released by the date customer service gave, or within a reasonable time with no reason given: complain to the provider in writing (with the pack posguard evidence builds); if that does not settle it, complain to the People's Bank of China (financial consumer hotline 12363, payment and settlement) and, for UnionPay card transactions, to China UnionPay (95516)",
      },
      reconcile_regularly: released
        ? {
            zh: '核对解冻款已到账：确认银行账户收到了解冻（资金解冻）的这笔钱，之后继续每天对账',
            en: 'Check that the released money (资金解冻) reached the bank account, and keep reconciling every day',
          }
        : {
            zh: '继续对账：之后的对账单出现“解冻”行（资金解冻）、款项到账，这笔冻结款即已补回；解冻款只抵扣冻结的结算款，不抵扣其他损失',
            en: 'Keep reconciling: once a later statement has the 解冻 (release) line and the money reaches the bank, the frozen money is made good; a release is set only against money frozen, never against another loss',
          },
    },
  };
}

/**
 * Settlement days whose bank credit is more than the statement's net (payouts.ts: lossFen 0): nothing is short. The
 * likely reasons are on the merchant's side of the paper: a statement incomplete or not downloaded, or another day's
 * money paid in the same credit.
 */
function payoutOverDraft(merchantId: string, fs: Finding[]): Draft {
  const days = sorted(fs.map((f) => f.settleDate ?? dateOf(f)));
  return {
    cause: 'unexplained',
    merchantId,
    key: 'payout_over',
    title: '到账金额多于对账单净额',
    titleEn: 'More credited at the bank than the statement’s net',
    evidence: [
      `${fs.length} 个结算日银行实际到账多于对账单结算净额（${list(days, 'zh')}），不是短少`,
      '可能是对账单不完整或漏下载，或他日款项合并到账：请补齐该日对账单后重新核对',
    ],
    evidenceEn: [
      `On ${count(fs.length, 'settlement day')} the bank credited more than the statement’s net payout (${list(days, 'en')}); nothing is short`,
      'The statement may be incomplete or not all downloaded, or money of other days may have been paid in the same credit: complete that day’s statements and audit again',
    ],
    findings: fs,
    confidence: 'low',
    // No refund to ask for: the steps say what to check instead of the cause's general wording.
    steps: {
      reconcile_regularly: {
        zh: `补齐对账单：重新下载 ${list(days, 'zh')} 及前后几天的对账单，再用 posguard audit 核对`,
        en: `Complete the statements: download those of ${list(days, 'en')} and the days around again, then run posguard audit`,
      },
      contact_service: {
        zh: '联系客服：仍对不上的，请收单机构说明这笔入账包含哪些日期的结算款',
        en: 'If it still does not add up, ask the provider’s customer service which days’ payouts the credit holds',
      },
    },
  };
}

function backendDraft(
  merchantId: string,
  kind: FindingKind,
  fs: Finding[],
  names: Namer,
  plan?: FeePlan,
): Draft {
  const { first, last } = range(fs);
  const loss = sum(fs, 'lossFen');
  const r = named(names(fs), 'zh');
  const rEn = named(names(fs), 'en');
  const T: Partial<Record<FindingKind, [string, string, string, string]>> = {
    void_settled: [
      '已撤销的交易仍被结算',
      'Voided sales still settled',
      `${fs.length} 笔交易已在终端撤销，收单机构仍结算并收取手续费 ${formatFen(loss)}，${first} 至 ${last}${r}`,
      `${count(fs.length, 'sale')} voided on the terminal ${verb(fs.length, 'was', 'were')} still settled with ${formatFen(loss)} in fees, ${first} to ${last}${rEn}`,
    ],
    amount_mismatch: [
      '结算金额与终端金额不符（分散在多台终端）',
      'Settled amounts differ from the journal (spread over terminals)',
      `${fs.length} 笔交易的结算金额与终端金额不符，分散在 ${terminalsOf(fs).length} 台终端，少结 ${formatFen(loss)}${r}`,
      `${count(fs.length, 'transaction')} settled for another amount, spread over ${count(terminalsOf(fs).length, 'terminal')}, ${formatFen(loss)} short${rEn}`,
    ],
    missing_settlement: [
      '成功交易未结算',
      'Successful sales never settled',
      `${fs.length} 笔成功交易在对账单覆盖期内没有结算，应结未结 ${formatFen(loss)}，${first} 至 ${last}${r}`,
      `${count(fs.length, 'successful sale')} ${verb(fs.length, 'was', 'were')} never settled although the statements cover their dates, ${formatFen(loss)} unpaid, ${first} to ${last}${rEn}`,
    ],
    duplicate_settlement: [
      '同一笔交易结算两次',
      'Transactions settled twice',
      `${fs.length} 笔交易在对账单中出现两次${r}；重复结算后可能被追扣，请以对账单为据核实`,
      `${count(fs.length, 'transaction')} ${verb(fs.length, 'appears', 'appear')} twice in the statements${rEn}; the provider may claw them back — check against the statements`,
    ],
    late_settlement: [
      '结算延迟',
      'Late settlement',
      `${fs.length} 笔交易晚于合同结算周期${plan === undefined ? '' : `（${plan.settlement.basis}${plan.settlement.days}）`}结算，${first} 至 ${last}${r}`,
      `${count(fs.length, 'transaction')} settled later than the contract's cycle${plan === undefined ? '' : ` (${plan.settlement.basis}${plan.settlement.days})`}, ${first} to ${last}${rEn}`,
    ],
    // Only payouts short or missing come here (payoutOverDraft takes those credited more).
    payout_mismatch: [
      '结算款未到账或短少',
      'Payouts missing or short at the bank',
      `${fs.length} 个结算日的结算款在银行流水中未到账或金额不符，短少 ${formatFen(loss)}，${list(sorted(fs.map((f) => f.settleDate ?? dateOf(f))), 'zh')}`,
      `${fs.length === 1 ? "1 settlement day's payout is" : `${fs.length} settlement days' payouts are`} missing or short in the bank statement, ${formatFen(loss)} short, ${list(sorted(fs.map((f) => f.settleDate ?? dateOf(f))), 'en')}`,
    ],
    unexpected_settlement: [
      '对账单中有流水里没有的交易',
      'Settled sales the journal does not have',
      `${fs.length} 笔结算在终端流水中找不到${r}`,
      `${count(fs.length, 'settled line')} ${verb(fs.length, 'is', 'are')} missing from the journal${rEn}`,
    ],
  };
  const [title, titleEn, ev, evEn] = T[kind] ?? [kind, kind, `${fs.length}`, `${fs.length}`];
  return {
    cause: 'provider_backend_error',
    merchantId,
    key: kind,
    title: `收单机构后台差错：${title}`,
    titleEn: `Provider back-end error: ${titleEn}`,
    evidence: [ev, '终端流水正常而结算/入账出错，问题在收单机构的清算后台'],
    evidenceEn: [
      evEn,
      'The journal is right and the settlement or payout is wrong: the error is in the provider’s clearing back end',
    ],
    findings: fs,
    confidence: kind === 'amount_mismatch' ? 'low' : 'high',
  };
}

/**
 * A card whose sales above some amount started to decline on a date, after larger sales had gone through.
 * `candidates`: the merchant's sales on cards declined twice or more (JournalDigest.limitCandidates).
 */
function limitDrafts(merchantId: string, candidates: readonly PosRecord[]): Draft[] {
  const byCard = new Map<string, PosRecord[]>();
  for (const r of candidates) {
    if (r.cardNo === undefined) continue;
    const rs = byCard.get(r.cardNo);
    if (rs === undefined) byCard.set(r.cardNo, [r]);
    else rs.push(r);
  }
  const drafts: Draft[] = [];
  for (const [card, rs] of [...byCard].sort((a, b) => a[0].localeCompare(b[0]))) {
    const declined = rs.filter((r) => r.status === 'failed').sort((a, b) => a.time.localeCompare(b.time));
    if (declined.length < 2) continue;
    const firstDecline = declined[0];
    if (firstDecline === undefined) continue;
    const min = Math.min(...declined.map((r) => r.amountFen));
    const ok = rs.filter((r) => r.status === 'success');
    const biggerBefore = ok.filter((r) => r.time < firstDecline.time && r.amountFen >= min);
    const biggerAfter = ok.filter((r) => r.time > firstDecline.time && r.amountFen >= min);
    if (biggerBefore.length === 0 || biggerAfter.length > 0) continue;
    const afterOk = ok.filter((r) => r.time > firstDecline.time);
    const maxAfter = afterOk.length === 0 ? undefined : Math.max(...afterOk.map((r) => r.amountFen));
    const since = localDateOf(firstDecline.time);
    const total = declined.reduce((a, r) => a + r.amountFen, 0);
    drafts.push({
      cause: 'bank_limit_change',
      merchantId,
      key: `limit|${card}`,
      title: `卡号 ${card} 自 ${since} 起大额交易被拒：发卡行下调限额`,
      titleEn: `Card ${card} declined above a limit since ${since}: the issuing bank lowered it`,
      evidence: [
        `自 ${since} 起，卡号 ${card} 有 ${declined.length} 笔 ${formatFen(min)} 及以上的交易被拒，合计 ${formatFen(total)}；此前 ${biggerBefore.length} 笔同等金额的交易成功${maxAfter === undefined ? '' : `，之后 ${formatFen(maxAfter)} 以下的交易仍然成功`}`,
        '只有超过某一金额的交易失败，同卡小额正常：是发卡行调整了单笔限额，不是终端或收单机构的问题；手续费和结算不受影响',
      ],
      evidenceEn: [
        `From ${since}, card ${card} had ${count(declined.length, 'sale')} of ${formatFen(min)} or more declined, ${formatFen(total)} in all; ${count(biggerBefore.length, 'sale')} that large went through before${maxAfter === undefined ? '' : `, and sales up to ${formatFen(maxAfter)} still go through`}`,
        'Only sales above an amount fail while small ones on the same card succeed: the issuing bank changed the card’s limit — not the terminal or the provider; fees and settlement are unaffected',
      ],
      findings: [],
      confidence: 'medium',
      since,
      terminalIds: sorted(declined.map((r) => r.terminalId).filter((t): t is string => t !== undefined)),
    });
  }
  return drafts;
}
