// A merchant's own cashier or POS journal seldom carries the provider's merchant number, while the provider's
// statement does: audited by number, the two would never meet and every check that needs both would be skipped.
// Journal lines without a number belong to the statements' merchant when the statements name exactly one (a
// merchant auditing its own files). With several (an agent's file), a line goes to the merchant whose statement
// lines its terminal appears on, when that is one merchant; the others cannot be placed and stay as they are.
import type { PosRecord } from '../records/record.js';

/** Journal lines without a merchant number, and where they went. */
export interface UnnamedJournal {
  /** How many journal lines had no merchant number. */
  count: number;
  /** The statements' only merchant, which they were audited with; undefined when the statements name several. */
  merchantId?: string;
  /** With several merchants: how many lines went to a merchant by their terminal (absent when none did). */
  byTerminal?: number;
}

/** Each terminal's merchant on the statements: the one merchant all its lines name, or null when they name several. */
export type TerminalMerchants = Map<string, string | null>;

/**
 * Records that statement lines of `terminalId` name `merchantId`: a second merchant, or a terminal another file
 * already found shared (null), makes the terminal null.
 */
export function noteTerminalMerchant(
  map: TerminalMerchants,
  terminalId: string,
  merchantId: string | null,
): void {
  const known = map.get(terminalId);
  if (known === undefined) map.set(terminalId, merchantId);
  else if (known !== null && known !== merchantId) map.set(terminalId, null);
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

/** Where journal lines without a merchant number go: with the statements' only merchant, or each by its terminal. */
export type JournalPlacement = { merchantId: string } | { terminals: TerminalMerchants };

/**
 * Where journal lines without a merchant number go, given each statement line's merchant number ('' for none) and
 * the statements' terminals (asked for only when the statements name several merchants). Undefined when there are
 * no statements or some line has no number: the journal then meets those lines as it is.
 */
export function journalPlacement(
  statementMerchants: Iterable<string>,
  terminals: () => TerminalMerchants,
): JournalPlacement | undefined {
  const named = [...statementMerchants];
  if (named.length === 0 || named.includes('')) return undefined;
  const merchantId = soleStatementMerchant(named);
  return merchantId !== undefined ? { merchantId } : { terminals: terminals() };
}

/** The merchant a journal line without a number goes to, if the placement gives one. */
export function placedMerchantOf(placement: JournalPlacement, r: PosRecord): string | undefined {
  if ('merchantId' in placement) return placement.merchantId;
  return (r.terminalId === undefined ? undefined : placement.terminals.get(r.terminalId)) ?? undefined;
}

/** What became of `count` journal lines without a number, `placed` of which the placement gave a merchant. */
export function unnamedJournalOf(placement: JournalPlacement, count: number, placed: number): UnnamedJournal {
  if ('merchantId' in placement) return { count, merchantId: placement.merchantId };
  return placed === 0 ? { count } : { count, byTerminal: placed };
}

/**
 * The journal with its lines that have no merchant number given the statements' only merchant, or with several
 * their terminal's (copies; the input is not changed), and what was done, when there were such lines.
 */
export function attributeUnnamedJournal(
  terminal: readonly PosRecord[],
  settlement: readonly PosRecord[],
): { terminal: readonly PosRecord[]; unnamed?: UnnamedJournal } {
  let count = 0;
  for (const r of terminal) if (isUnnamedJournalLine(r)) count += 1;
  if (count === 0) return { terminal };
  const placement = journalPlacement(
    settlement.map((r) => r.merchantId ?? ''),
    () => {
      const terminals: TerminalMerchants = new Map();
      for (const r of settlement)
        if (r.terminalId !== undefined) noteTerminalMerchant(terminals, r.terminalId, r.merchantId ?? '');
      return terminals;
    },
  );
  if (placement === undefined) return { terminal };
  let placed = 0;
  const withMerchants = terminal.map((r) => {
    const merchantId = isUnnamedJournalLine(r) ? placedMerchantOf(placement, r) : undefined;
    if (merchantId === undefined) return r;
    placed += 1;
    return { ...r, merchantId };
  });
  return {
    terminal: placed === 0 ? terminal : withMerchants,
    unnamed: unnamedJournalOf(placement, count, placed),
  };
}

/** The warning that says what became of journal lines without a merchant number. */
export function unnamedJournalWarning(unnamed: UnnamedJournal): string {
  const { count, merchantId, byTerminal } = unnamed;
  if (merchantId === undefined && byTerminal !== undefined) {
    const rest = count - byTerminal;
    return (
      `${count} 笔终端流水没有商户号：${byTerminal} 笔按终端号对应到对账单中的商户核对${rest > 0 ? `；其余 ${rest} 笔的终端不在对账单中或属于多个商户，未与对账单核对` : ''} / ` +
      `${count} journal lines have no merchant number: ${byTerminal} were audited with the merchant whose statement lines their terminal appears on${rest > 0 ? `; the other ${rest} have a terminal no statement line names, or one several merchants share, and were not reconciled with the statements` : ''}`
    );
  }
  return merchantId !== undefined
    ? `${count} 笔终端流水没有商户号，已按对账单中唯一的商户 ${merchantId} 核对 / ` +
        `${count} journal lines have no merchant number and were audited with the statements' only merchant, ${merchantId}`
    : `${count} 笔终端流水没有商户号，而对账单有多个商户，无法对应到商户，未与对账单核对；请按商户分别核对，或导出含商户号的流水 / ` +
        `${count} journal lines have no merchant number while the statements have several merchants: they could not be placed and were not reconciled with the statements; audit each merchant apart, or export the journal with its merchant number`;
}
