// A charge the provider took straight from the merchant's bank account (流量费代扣, 服务费, 年费 from the provider's
// counterparty) is a deduction the statements never show. The merchant's audit sets it against the plan's charges
// with the statement's own deductions (coverDeductions, one budget for both), so that what the plan does not cover
// is an unplanned_deduction like any other. This module pairs such a debit with the statement line that already
// lists it, and words its finding.
import { formatFen } from '../money/fen.js';
import { chargeNamedBy, chargeNames, type DeductionLine } from '../plans/charges.js';
import type { PlanCharge } from '../plans/plan-types.js';
import type { PosRecord } from '../records/record.js';
import { dayNumber, localDateOf } from '../time/shanghai.js';
import { chargeKindOf } from './rebates.js';

/**
 * How many days apart a statement's deduction and a bank debit of the same amount and charge may be and still be
 * one charge: a provider that lists the charge on the payout day debits it that day or within the next few (the
 * bank books a debit on its own working day); farther apart they are taken as two charges.
 */
export const SAME_CHARGE_DAYS = 3;

/** The debit as coverDeductions reads a statement's deduction line: on its bank date, its memo as the label. */
export function deductionLineOf(debit: PosRecord): DeductionLine {
  return { date: localDateOf(debit.time), amountFen: Math.abs(debit.amountFen), label: debit.label ?? '' };
}

/**
 * Whether two labels name the same charge: the same plan charge (chargeNamedBy), or, when the plan names neither,
 * the same kind of charge (流量费, 年费, 服务费… or a fee: rebates.ts chargeKindOf). A label that names nothing
 * (扣款) pairs with none: the amount and day alone are too weak to call two lines one charge.
 */
function sameCharge(a: string, b: string, names: ReadonlyMap<string, PlanCharge>): boolean {
  const ca = chargeNamedBy(a, names);
  const cb = chargeNamedBy(b, names);
  if (ca !== undefined || cb !== undefined) return ca === cb;
  const ka = chargeKindOf(a);
  const kb = chargeKindOf(b);
  if (ka.kind === 'fee' && kb.kind === 'fee') return true;
  return ka.kind === 'charge' && kb.kind === 'charge' && ka.group === kb.group;
}

/**
 * The debits a statement's deduction line already lists (same amount, same charge, at most SAME_CHARGE_DAYS
 * apart), each paired with at most one line, the nearest in days first: the statement line stays the finding
 * and the debit is not counted a second time. We take such a pair as one charge the statement reports and the
 * bank shows being collected — not as the charge taken twice — since a provider collecting by direct debit
 * commonly lists it on the statement too; a second charge of the same name weeks apart still counts.
 */
export function debitsListedOnStatement(
  debits: readonly PosRecord[],
  statementDeductions: readonly { record: PosRecord; date: string }[],
  charges: readonly PlanCharge[],
): Set<PosRecord> {
  const names = chargeNames(charges);
  const taken = new Set<number>();
  const listed = new Set<PosRecord>();
  for (const debit of debits) {
    const day = dayNumber(localDateOf(debit.time));
    const amount = Math.abs(debit.amountFen);
    let best: number | undefined;
    let bestGap = Number.POSITIVE_INFINITY;
    statementDeductions.forEach((line, i) => {
      if (taken.has(i)) return;
      const r = line.record;
      if (Math.abs(r.settledFen ?? r.amountFen) !== amount) return;
      const gap = Math.abs(dayNumber(line.date) - day);
      if (gap > SAME_CHARGE_DAYS || gap >= bestGap) return;
      if (!sameCharge(r.label ?? '', debit.label ?? '', names)) return;
      best = i;
      bestGap = gap;
    });
    if (best === undefined) continue;
    taken.add(best);
    listed.add(debit);
  }
  return listed;
}

/**
 * What every such finding's message says (explain/attach-diagnoses.ts tells a bank debit from a statement's
 * deduction by it): the money left the bank account, not the payout.
 */
export const FROM_BANK_ACCOUNT_ZH = '直接从银行账户扣款';

/**
 * The debit in words for its finding: date, memo in “” (as a statement deduction's label, which the explain layer
 * reads), amount and counterparty, taken from the bank account.
 */
export function describeProviderDebit(debit: PosRecord): { zh: string; en: string } {
  const date = localDateOf(debit.time);
  const amount = formatFen(Math.abs(debit.amountFen));
  const memo = debit.label !== undefined && debit.label !== '' ? debit.label : '扣款';
  const who = debit.counterparty !== undefined && debit.counterparty !== '' ? debit.counterparty : undefined;
  return {
    zh: `${date} 收单机构${FROM_BANK_ACCOUNT_ZH}“${memo}” ${amount}${who === undefined ? '' : `（对方户名 ${who}）`}，不在结算单中`,
    en: `${date}: "${memo}" ${amount} debited by the provider straight from the bank account${who === undefined ? '' : ` (counterparty ${who})`}, not on the statements`,
  };
}
