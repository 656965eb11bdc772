// A merchant's own cashier or POS journal seldom carries the provider's merchant number, while the provider's
// statement does: audited by number, the two would never meet and every check that needs both would be skipped.
// Journal lines without a number belong to the statements' merchant when the statements name exactly one (a
// merchant auditing its own files). With several (an agent's file) they cannot be placed and stay as they are.
import type { PosRecord } from '../records/record.js';

/** Journal lines without a merchant number, and where they went. */
export interface UnnamedJournal {
  /** How many journal lines had no merchant number. */
  count: number;
  /** The statements' only merchant, which they were audited with; undefined when the statements name several. */
  merchantId?: string;
}

/**
 * The one merchant statements name, given each statement line's merchant number ('' for none): undefined when
 * they name several, or when some line has none (a journal without numbers then meets those lines as it is).
 * @example soleStatementMerchant(['M1', 'M1']) === 'M1'
 */
export function soleStatementMerchant(merchants: Iterable<string>): string | undefined {
  let sole: string | undefined;
  for (const m of merchants) {
    if (m === '') return undefined;
    if (sole === undefined) sole = m;
    else if (sole !== m) return undefined;
  }
  return sole;
}

/** Whether a record is a journal line without a merchant number. */
export function isUnnamedJournalLine(r: PosRecord): boolean {
  return r.kind === 'terminal' && (r.merchantId === undefined || r.merchantId === '');
}

/**
 * The journal with its lines that have no merchant number given the statements' only merchant (copies; the input
 * is not changed), and what was done, when there were such lines.
 */
export function attributeUnnamedJournal(
  terminal: readonly PosRecord[],
  settlement: readonly PosRecord[],
): { terminal: readonly PosRecord[]; unnamed?: UnnamedJournal } {
  let count = 0;
  for (const r of terminal) if (isUnnamedJournalLine(r)) count += 1;
  if (count === 0) return { terminal };
  const merchantId = soleStatementMerchant(settlement.map((r) => r.merchantId ?? ''));
  if (merchantId === undefined) {
    // Statement lines without a number are where such journal lines meet their statement: nothing to say.
    const allNamed =
      settlement.length > 0 && settlement.every((r) => r.merchantId !== undefined && r.merchantId !== '');
    return allNamed ? { terminal, unnamed: { count } } : { terminal };
  }
  return {
    terminal: terminal.map((r) => (isUnnamedJournalLine(r) ? { ...r, merchantId } : r)),
    unnamed: { count, merchantId },
  };
}

/** The warning that says what became of journal lines without a merchant number. */
export function unnamedJournalWarning(unnamed: UnnamedJournal): string {
  const { count, merchantId } = unnamed;
  return merchantId !== undefined
    ? `${count} 笔终端流水没有商户号，已按对账单中唯一的商户 ${merchantId} 核对 / ` +
        `${count} journal lines have no merchant number and were audited with the statements' only merchant, ${merchantId}`
    : `${count} 笔终端流水没有商户号，而对账单有多个商户，无法对应到商户，未与对账单核对；请按商户分别核对，或导出含商户号的流水 / ` +
        `${count} journal lines have no merchant number while the statements have several merchants: they could not be placed and were not reconciled with the statements; audit each merchant apart, or export the journal with its merchant number`;
}
