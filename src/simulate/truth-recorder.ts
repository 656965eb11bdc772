import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { FINDING_KINDS } from '../audit/report-types.js';
import type { CardType, Channel } from '../records/vocabulary.js';
import { producibleFees, sameFormula, simRateText, type SimFormula } from './sim-fee.js';
import type { TruthFinding, TruthRateChange } from './sim-types.js';

interface KeyState {
  channel: Channel;
  card: CardType;
  band: string;
  /** The formula the audit can have inferred so far. */
  confirmed: SimFormula;
  pending?: { formula: SimFormula; date: string; distinguishing: number; transactions: number };
  /** The last confirmed change, still counting its transactions. */
  open?: TruthRateChange;
}

/** The audit needs at least this many lines the old formula cannot produce before it reports a change. */
const CHANGE_EVIDENCE = 3;

/**
 * Records the truth as the simulation runs: findings stream to a scratch file (millions may arise), totals and
 * rate changes stay in memory, and `write` assembles truth.json in the audit JSON's shapes.
 */
export class TruthRecorder {
  private readonly scratchPath: string;
  private readonly scratch: number;
  private buffer = '';
  private first = true;
  readonly byKind: Record<string, number> = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0]));
  overchargeFen = 0;
  lossFen = 0;
  withinToleranceFen = 0;
  /** Successful sales whose settlement date falls after the statements end (the audit counts, not reports, them). */
  pending = 0;
  findings = 0;
  private readonly keys = new Map<string, KeyState>();
  readonly rateChanges: TruthRateChange[] = [];

  constructor(
    private readonly path: string,
    private readonly merchantId: string,
  ) {
    this.scratchPath = `${path}.findings.tmp`;
    this.scratch = openSync(this.scratchPath, 'w');
  }

  /**
   * Adds one finding, in the shape the audit reports it: a payout_mismatch is a settlement day's, with no time
   * (payouts.ts), so the one the simulator gives it is dropped.
   */
  add(finding: TruthFinding): void {
    this.byKind[finding.kind] = (this.byKind[finding.kind] ?? 0) + 1;
    this.overchargeFen += finding.overchargeFen;
    this.lossFen += finding.lossFen;
    this.findings += 1;
    this.buffer += `${this.first ? '' : ',\n'}    ${JSON.stringify(finding.kind === 'payout_mismatch' ? withoutTime(finding) : finding)}`;
    this.first = false;
    if (this.buffer.length > 1 << 16) this.flush();
  }

  /**
   * Feeds one settled sale line (in trade-time order) to the rate-change tracker: a change starts at the first
   * line the previous formula cannot produce under any rounding mode, once three such lines exist.
   */
  observeFee(
    channel: Channel,
    card: CardType,
    band: string,
    date: string,
    amountFen: number,
    formula: SimFormula,
    feeFen: number,
  ): void {
    const id = `${channel}|${card}|${band}`;
    let state = this.keys.get(id);
    if (!state) {
      state = { channel, card, band, confirmed: formula };
      this.keys.set(id, state);
    }
    if (sameFormula(formula, state.confirmed)) {
      if (state.open) state.open.transactions += 1;
      return;
    }
    const distinguishing = !producibleFees(amountFen, state.confirmed).has(feeFen);
    if (!state.pending || !sameFormula(state.pending.formula, formula)) {
      state.pending = { formula, date, distinguishing: 0, transactions: 0 };
    }
    const pending = state.pending;
    if (distinguishing) {
      if (pending.distinguishing === 0) pending.date = date;
      pending.distinguishing += 1;
    }
    if (pending.distinguishing > 0) pending.transactions += 1;
    if (pending.distinguishing === CHANGE_EVIDENCE) {
      const before = state.confirmed;
      const change: TruthRateChange = {
        merchantId: this.merchantId,
        channel,
        card,
        band,
        date: pending.date,
        beforeRate: simRateText(before.ratePpm),
        afterRate: simRateText(formula.ratePpm),
        beforeFixedFen: before.fixedFen,
        afterFixedFen: formula.fixedFen,
        transactions: pending.transactions,
      };
      if (before.capFen !== undefined) change.beforeCapFen = before.capFen;
      if (formula.capFen !== undefined) change.afterCapFen = formula.capFen;
      this.rateChanges.push(change);
      state.confirmed = formula;
      state.open = change;
      delete state.pending;
    }
  }

  private flush(): void {
    if (this.buffer) writeSync(this.scratch, this.buffer);
    this.buffer = '';
  }

  /** Writes truth.json and removes the scratch file. */
  write(header: Record<string, unknown>): void {
    this.flush();
    closeSync(this.scratch);
    const out = openSync(this.path, 'w');
    const summary = {
      overchargeFen: this.overchargeFen,
      lossFen: this.lossFen,
      withinToleranceFen: this.withinToleranceFen,
      pending: this.pending,
      findings: this.findings,
      findingsByKind: this.byKind,
    };
    const head = { schemaVersion: 1, ...header, summary };
    const headText = JSON.stringify(head, null, 2);
    writeSync(out, `${headText.slice(0, -2)},\n  "findings": [\n`);
    const input = openSync(this.scratchPath, 'r');
    const chunk = Buffer.alloc(1 << 16);
    for (;;) {
      const read = readSync(input, chunk, 0, chunk.length, null);
      if (read === 0) break;
      writeSync(out, chunk.subarray(0, read));
    }
    closeSync(input);
    rmSync(this.scratchPath);
    const changes = this.rateChanges.map((c) => `    ${JSON.stringify(c)}`).join(',\n');
    writeSync(
      out,
      `${this.findings ? '\n' : ''}  ],\n  "rateChanges": [${changes ? `\n${changes}\n  ` : ''}]\n}\n`,
    );
    closeSync(out);
  }
}

/** A finding without its time: the fields of one the audit reports untimed. */
function withoutTime(finding: TruthFinding): Omit<TruthFinding, 'time'> {
  const { time: _time, ...rest } = finding;
  return rest;
}
