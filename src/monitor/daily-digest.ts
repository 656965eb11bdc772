import { formatFen } from '../money/index.js';
import { ALERT_KIND_ZH, ALERT_KINDS, type AlertKind } from './alert-kinds.js';
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

/** The digest's figures and its lines (zh-CN, as the channels are sent). */
export interface DigestSummary {
  counts: Partial<Record<AlertKind, DigestCount>>;
  /** fee_overcharge + rate_change (the days no fee_overcharge alert carries) + unplanned_deduction. */
  lossFen: number;
  /** missing_statement: sales waiting for settlement, never part of the loss. */
  atRiskFen: number;
  lines: string[];
}

/** The kinds whose amount is money lost, and what the digest calls that money. */
const LOSS_WORDS: Partial<Record<AlertKind, string>> = {
  fee_overcharge: '多扣',
  rate_change: '多扣',
  unplanned_deduction: '未约定扣款',
};

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
 * Sums a day's alerts for the digest: per kind the count, the money lost (fee_overcharge, rate_change,
 * unplanned_deduction; a rate change without the days a fee_overcharge alert already carries —
 * `overchargeKeys` are the dedup keys of every fee_overcharge alert the merchant has), and, apart, the sales a
 * missing statement leaves waiting (money at risk, not lost). Lines follow ALERT_KINDS order, then the total.
 */
export function summariseAlerts(
  alerts: readonly DigestAlert[],
  overchargeKeys: ReadonlySet<string>,
): DigestSummary {
  const counts: Partial<Record<AlertKind, DigestCount>> = {};
  let lossFen = 0;
  let atRiskFen = 0;
  for (const a of alerts) {
    const c = counts[a.kind] ?? { n: 0, fen: 0 };
    counts[a.kind] = c;
    c.n += 1;
    let loss = 0;
    if (a.kind === 'rate_change') {
      const money = rateChangeMoney(a, overchargeKeys);
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
  const parts: string[] = [];
  for (const kind of ALERT_KINDS) {
    const c = counts[kind];
    if (c === undefined) continue;
    let line = `${ALERT_KIND_ZH[kind]} ${c.n} 条`;
    const words = LOSS_WORDS[kind];
    if (words !== undefined && c.fen > 0) {
      line += `，${words} ${formatFen(c.fen)}`;
      parts.push(`${ALERT_KIND_ZH[kind]} ${formatFen(c.fen)}`);
    }
    if (c.foldedFen !== undefined)
      line += `${c.fen > 0 ? '（另有' : '（其'} ${formatFen(c.foldedFen)} 已计入手续费多扣）`;
    if (c.atRiskFen !== undefined && c.atRiskFen > 0)
      line += `，待结算交易 ${formatFen(c.atRiskFen)}（尚未到账的风险金额，不计入损失）`;
    lines.push(line);
  }
  if (lossFen > 0)
    lines.push(`合计损失 ${formatFen(lossFen)}${parts.length > 1 ? `（${parts.join(' + ')}）` : ''}`);
  return { counts, lossFen, atRiskFen, lines };
}
