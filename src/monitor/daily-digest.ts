import { formatFen } from '../money/index.js';
import { ALERT_KIND_ZH, ALERT_KINDS, type AlertKind } from './alert-kinds.js';
import { ALERT_KIND_EN, type AlertText, MESSAGE_HEAD, type Wording } from './alert-text.js';
import { overchargeKeyOf } from './fee-overcharge.js';

/** An alert as the digest counts it. */
export interface DigestAlert {
  kind: AlertKind;
  amountFen: number | null;
  /** The alert's details (a rate change's `group` and `days` are read). */
  details: Record<string, unknown>;
}

/** What the digest says of one kind. */
export interface DigestCount {
  n: number;
  /** Money lost that this kind's alerts carry and the digest's loss counts. */
  fen: number;
  /** A rate change's overcharge of days that a fee_overcharge alert carries already (counted there). */
  foldedFen?: number;
  /** Money at risk, not lost: a missing statement's sales waiting for settlement. */
  atRiskFen?: number;
}

/** The digest's figures and its lines, in zh-CN (`lines`) and English (`linesEn`): the same figures, line for line. */
export interface DigestSummary {
  /** Per kind, the alerts that stand: a withdrawn alert is not one of them. */
  counts: Partial<Record<AlertKind, DigestCount>>;
  /** fee_overcharge + rate_change (the days no fee_overcharge alert carries) + unplanned_deduction. */
  lossFen: number;
  /** missing_statement: sales waiting for settlement, never part of the loss. */
  atRiskFen: number;
  /** The alerts withdrawn since they were raised, and the money they had claimed (none of it lost). */
  withdrawn: { n: number; fen: number };
  /**
   * Rate changes that cost the merchant nothing — no day over the plan (or, brought to ¥0.00, none left), none a
   * fee_overcharge alert carries, or without a plan no more taken than the old formula took: not fee jumps, so
   * not counted under rate_change; one line says how many.
   */
  costlessRateChanges: number;
  /** The statement's rebate lines of the day (手续费返还, 流量费返还…) and what they gave back: never part of the loss. */
  returned: { n: number; fen: number };
  lines: string[];
  linesEn: string[];
}

/**
 * Whether an alert was withdrawn: brought to ¥0.00 because the plan as corrected, its charges, or the bill do
 * not bear the money it claimed (`details.withdrawnFen`, the money it had). One whose key is overcharged again
 * carries money again and stands.
 */
export function isWithdrawn(alert: Pick<DigestAlert, 'amountFen' | 'details'>): boolean {
  return (alert.amountFen ?? 0) === 0 && typeof alert.details['withdrawnFen'] === 'number';
}

/** A statement's rebate line as the digest tells it: the statement's words for it and the fen it gave back. */
export interface DigestRebate {
  label: string | null;
  fen: number;
}

/** How many labels the rebate line names before it says 等 / …. */
const REBATE_LABELS_NAMED = 3;

/**
 * The line telling the merchant what the provider gave back: how many lines, their total, and per label (in the
 * order the lines came, the same label summed) what it gave, the first REBATE_LABELS_NAMED of them.
 */
function returnedLine(rebates: readonly DigestRebate[], fen: number): AlertText {
  const byLabel = new Map<string, number>();
  for (const r of rebates) {
    const label = r.label?.trim() ?? '';
    byLabel.set(label, (byLabel.get(label) ?? 0) + r.fen);
  }
  const named = [...byLabel].slice(0, REBATE_LABELS_NAMED);
  const more = byLabel.size > REBATE_LABELS_NAMED;
  const listZh = named.map(([label, f]) => `${label || '返还'} ${formatFen(f)}`).join('、');
  const listEn = named.map(([label, f]) => `${label || 'rebate'} ${formatFen(f)}`).join(', ');
  const n = rebates.length;
  return {
    zh: `服务商返还 ${n} 笔 ${formatFen(fen)}（${listZh}${more ? ' 等' : ''}）`,
    en: `Given back by the provider: ${n} ${n === 1 ? 'line' : 'lines'}, ${formatFen(fen)} (${listEn}${more ? ', …' : ''})`,
  };
}

/** The kinds whose amount is money lost, and what the digest calls that money. */
const LOSS_WORDS: Partial<Record<AlertKind, AlertText>> = {
  fee_overcharge: { zh: '多扣', en: 'overcharged' },
  rate_change: { zh: '多扣', en: 'overcharged' },
  unplanned_deduction: { zh: '未约定扣款', en: 'deducted outside the plan' },
};

/** One kind's line of the digest in both languages. */
function kindLine(kind: AlertKind, c: DigestCount): AlertText {
  const zh = ALERT_KIND_ZH[kind];
  const en = ALERT_KIND_EN[kind];
  const line = { zh: `${zh} ${c.n} 条`, en: `${en}: ${c.n} ${c.n === 1 ? 'alert' : 'alerts'}` };
  const words = LOSS_WORDS[kind];
  if (words !== undefined && c.fen > 0) {
    line.zh += `，${words.zh} ${formatFen(c.fen)}`;
    line.en += `, ${words.en} ${formatFen(c.fen)}`;
  }
  if (c.foldedFen !== undefined) {
    const folded = formatFen(c.foldedFen);
    line.zh += `${c.fen > 0 ? '（另有' : '（其'} ${folded} 已计入手续费多扣）`;
    line.en += ` (${c.fen > 0 ? 'another' : 'its'} ${folded} already counted under ${ALERT_KIND_EN.fee_overcharge})`;
  }
  if (c.atRiskFen !== undefined && c.atRiskFen > 0) {
    const atRisk = formatFen(c.atRiskFen);
    line.zh += `，待结算交易 ${atRisk}（尚未到账的风险金额，不计入损失）`;
    line.en += `, ${atRisk} of sales awaiting settlement (money at risk, not yet paid out; not counted as lost)`;
  }
  return line;
}

/**
 * A rate change's money split into what the digest counts as its loss and what a fee_overcharge alert of the
 * same day and group carries already (one raised before the change was confirmed, or by a plan re-check): the
 * change folds those days' overcharges (`details.days`, each the day total of its fee_overcharge key), so a
 * day is counted once. Without `days` (no plan: what the new formula took beyond the old) its amount is all
 * its own.
 */
function rateChangeMoney(
  alert: DigestAlert,
  overchargeKeys: ReadonlySet<string>,
): { lossFen: number; foldedFen: number } {
  const days = alert.details['days'];
  const group = alert.details['group'];
  if (
    typeof days !== 'object' ||
    days === null ||
    typeof group !== 'string' ||
    Object.keys(days).length === 0
  )
    return { lossFen: alert.amountFen ?? 0, foldedFen: 0 };
  let lossFen = 0;
  let foldedFen = 0;
  for (const [date, fen] of Object.entries(days as Record<string, unknown>)) {
    if (typeof fen !== 'number') continue;
    if (overchargeKeys.has(overchargeKeyOf(date, group))) foldedFen += fen;
    else lossFen += fen;
  }
  return { lossFen, foldedFen };
}

/**
 * Whether a rate change is known to cost the merchant nothing: no money of its own and none a fee_overcharge
 * alert carries — under a plan, no day over it (`days` empty, or absent with no `extraFen`: a change under a plan
 * carries days only when over it); without one, no more taken than by the old formula (`extraFen` ≤ 0). A change
 * from a formula not known (`before` null) with neither says nothing of its cost and stays a change.
 */
function costsNothing(alert: DigestAlert, money: { lossFen: number; foldedFen: number }): boolean {
  if (money.lossFen > 0 || money.foldedFen > 0) return false;
  const d = alert.details;
  if (typeof d['days'] === 'object' && d['days'] !== null) return true;
  if (typeof d['extraFen'] === 'number') return d['extraFen'] <= 0;
  return d['before'] !== null && d['before'] !== undefined;
}

/**
 * Sums a day's alerts for the digest: per kind the count, the money lost (fee_overcharge, rate_change,
 * unplanned_deduction; a rate change without the days a fee_overcharge alert already carries —
 * `overchargeKeys` are the dedup keys of every fee_overcharge alert the merchant has), and, apart, the sales a
 * missing statement leaves waiting (money at risk, not lost). A withdrawn alert (isWithdrawn) is neither
 * counted nor listed under its kind: one line after the total says how many were withdrawn and what they had
 * claimed. A rate change that costs nothing (costlessRateChanges) is no fee jump: not counted under its kind, one
 * line says how many. The day's rebate lines (`rebates`) are told apart too: money the provider gave back, never
 * set against the digest's loss (whether it makes any of it good is the audit's to judge). Lines follow
 * ALERT_KINDS order, then the total, then the costless rate changes, then the withdrawn, then the rebates.
 */
export function summariseAlerts(
  alerts: readonly DigestAlert[],
  overchargeKeys: ReadonlySet<string>,
  rebates: readonly DigestRebate[] = [],
): DigestSummary {
  const counts: Partial<Record<AlertKind, DigestCount>> = {};
  let lossFen = 0;
  let atRiskFen = 0;
  const withdrawn = { n: 0, fen: 0 };
  let costlessRateChanges = 0;
  for (const a of alerts) {
    if (isWithdrawn(a)) {
      withdrawn.n += 1;
      withdrawn.fen += a.details['withdrawnFen'] as number;
      continue;
    }
    const money = a.kind === 'rate_change' ? rateChangeMoney(a, overchargeKeys) : undefined;
    if (money !== undefined && costsNothing(a, money)) {
      costlessRateChanges += 1;
      continue;
    }
    const c = counts[a.kind] ?? { n: 0, fen: 0 };
    counts[a.kind] = c;
    c.n += 1;
    let loss = 0;
    if (money !== undefined) {
      loss = money.lossFen;
      if (money.foldedFen > 0) c.foldedFen = (c.foldedFen ?? 0) + money.foldedFen;
    } else if (LOSS_WORDS[a.kind] !== undefined) {
      loss = a.amountFen ?? 0;
    } else if (a.kind === 'missing_statement') {
      c.atRiskFen = (c.atRiskFen ?? 0) + (a.amountFen ?? 0);
      atRiskFen += a.amountFen ?? 0;
    }
    c.fen += loss;
    lossFen += loss;
  }
  const lines: string[] = [];
  const linesEn: string[] = [];
  const parts: AlertText[] = [];
  for (const kind of ALERT_KINDS) {
    const c = counts[kind];
    if (c === undefined) continue;
    const line = kindLine(kind, c);
    lines.push(line.zh);
    linesEn.push(line.en);
    if (LOSS_WORDS[kind] !== undefined && c.fen > 0)
      parts.push({
        zh: `${ALERT_KIND_ZH[kind]} ${formatFen(c.fen)}`,
        en: `${ALERT_KIND_EN[kind]} ${formatFen(c.fen)}`,
      });
  }
  if (lossFen > 0) {
    const total = formatFen(lossFen);
    const split = parts.length > 1;
    lines.push(`合计损失 ${total}${split ? `（${parts.map((p) => p.zh).join(' + ')}）` : ''}`);
    linesEn.push(`Total lost ${total}${split ? ` (${parts.map((p) => p.en).join(' + ')})` : ''}`);
  }
  if (costlessRateChanges > 0) {
    const n = costlessRateChanges;
    lines.push(`费率变化未造成多扣 ${n} 条（不计为跳点）`);
    linesEn.push(
      `Rate changes that cost nothing: ${n} ${n === 1 ? 'alert' : 'alerts'} (not counted as fee jumps)`,
    );
  }
  if (withdrawn.n > 0) {
    const was = formatFen(withdrawn.fen);
    lines.push(`已撤销告警 ${withdrawn.n} 条（此前提示的 ${was} 不计入损失）`);
    linesEn.push(
      `Withdrawn: ${withdrawn.n} ${withdrawn.n === 1 ? 'alert' : 'alerts'} (the ${was} reported before is not counted as lost)`,
    );
  }
  const returned = { n: rebates.length, fen: rebates.reduce((sum, r) => sum + r.fen, 0) };
  if (returned.n > 0) {
    const line = returnedLine(rebates, returned.fen);
    lines.push(line.zh);
    linesEn.push(line.en);
  }
  return { counts, lossFen, atRiskFen, withdrawn, costlessRateChanges, returned, lines, linesEn };
}

/** The reconciliation a digest reports: the audit of the stored records from `from` to `to`. */
export interface DigestAudit {
  from: string;
  to: string;
  findings: number;
  overchargeFen: number;
  lossFen: number;
}

/**
 * The digest of `date` as channels are sent it, in zh-CN and in English with the same figures: its heading, the
 * summary's lines, the reconciliation's when there was one, and the link to the merchant's alerts.
 */
export function digestWording(
  date: string,
  summary: Pick<DigestSummary, 'lines' | 'linesEn'>,
  audit: DigestAudit | undefined,
  link: string,
): { zh: Wording; en: Wording } {
  const lines = [...summary.lines];
  const linesEn = [...summary.linesEn];
  if (audit !== undefined) {
    const { from, to, findings } = audit;
    const overcharged = formatFen(audit.overchargeFen);
    const lost = formatFen(audit.lossFen);
    lines.push(`${from} 至 ${to} 对账：发现 ${findings} 条，多扣 ${overcharged}，损失 ${lost}`);
    linesEn.push(
      `Reconciliation ${from} to ${to}: ${findings} ${findings === 1 ? 'finding' : 'findings'}, overcharged ${overcharged}, lost ${lost}`,
    );
  }
  const subject = `${MESSAGE_HEAD.zh}${date} 监控日报`;
  const subjectEn = `${MESSAGE_HEAD.en}Monitoring digest of ${date}`;
  return {
    zh: { subject, text: [subject, ...lines, `详情：${link}`].join('\n') },
    en: { subject: subjectEn, text: [subjectEn, ...linesEn, `Details: ${link}`].join('\n') },
  };
}
