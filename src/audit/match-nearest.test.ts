import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { type AuditInput, auditRecords } from './audit.js';
import { compareTimeThenSource, matchRecords, type Prepared, payerKeyOf, prepare } from './match-records.js';
import type { AuditReport } from './report-types.js';
import { plan, rec, rule } from './test-records.js';

// The last key (terminal + amount within five minutes) paired in time order only: of two identical ¥50 sales
// 20 s apart and the statement's one ¥50 line at the second sale's very time, the first sale took it, and the
// report named the 10:00:20 sale missing — the right money, the wrong transaction in the evidence.

// WeChat 0.38%, T1.
const contract = plan([rule({ ratePpm: 3800 })]);
const audit = (input: Partial<AuditInput>): AuditReport =>
  auditRecords({ terminal: [], settlement: [], bank: [], plans: [contract], ...input });

const wechat = { channel: 'wechat', card: 'unknown', terminalId: '10000001', batchNo: '000001' } as const;

const journal = (time: string, row: number, payerId?: string, amountFen = 5000): PosRecord =>
  rec('terminal', { ...wechat, amountFen, time, ...(payerId === undefined ? {} : { payerId }) }, row);

/** A ¥50 statement line settled T1 on Tuesday 2026-11-03: fee 5000 × 0.38% = 19 fen. */
const statement = (time: string, row: number, payerId?: string): PosRecord =>
  rec(
    'settlement',
    {
      ...wechat,
      amountFen: 5000,
      feeFen: 19,
      settledFen: 4981,
      settleDate: '2026-11-03',
      time,
      ...(payerId === undefined ? {} : { payerId }),
    },
    row,
  );

const sorted = (records: PosRecord[]) => records.map(prepare).sort(compareTimeThenSource);
const at = (hms: string) => `2026-11-02T${hms}+08:00`;

/** For each journal line in time order, the time of its statement line, or null. */
function pairs(terminal: PosRecord[], settlement: PosRecord[]): (string | null)[] {
  const T = sorted(terminal);
  const S = sorted(settlement);
  const m = matchRecords(T, S);
  return T.map((_, t) => {
    const s = m.settlementOf[t] ?? -1;
    return s < 0 ? null : (S[s]?.record.time ?? null);
  });
}

describe('the last key tells lines apart by time', () => {
  it('gives the statement line to the sale at its very time; the 10:00:00 sale is the one missing', () => {
    const terminal = [journal('2026-11-02 10:00:00', 2), journal('2026-11-02 10:00:20', 3)];
    const settlement = [statement('2026-11-02 10:00:20', 2)];
    expect(pairs(terminal, settlement)).toEqual([null, at('10:00:20')]);
    const report = audit({ terminal, settlement });
    // Not settled: 5000 − 19 = 4,981 fen, the 10:00:00 sale.
    expect(report.findings.map((f) => [f.kind, f.time, f.lossFen])).toEqual([
      ['missing_settlement', at('10:00:00'), 4981],
    ]);
    expect(report.summary).toMatchObject({ matched: 1, lossFen: 4981 });
  });

  it('does the same where both sides show the one payer (the payer variant runs the same routine)', () => {
    expect(
      pairs(
        [journal('2026-11-02 10:00:00', 2, 'oPAYER1'), journal('2026-11-02 10:00:20', 3, 'oPAYER1')],
        [statement('2026-11-02 10:00:20', 2, 'oPAYER1')],
      ),
    ).toEqual([null, at('10:00:20')]);
  });

  it('prefers the statement line at the exact time over an earlier one, leaving the earlier one unexpected', () => {
    // A ¥80 sale at 09:00:00, settled (8000 × 0.38% = 30.4 → 30 fen), puts 10:00:00 within the terminal's journal.
    const opening = journal('2026-11-02 09:00:00', 2, undefined, 8000);
    const openingLine = {
      ...statement('2026-11-02 09:00:00', 4),
      amountFen: 8000,
      feeFen: 30,
      settledFen: 7970,
    };
    const terminal = [opening, journal('2026-11-02 10:00:20', 3)];
    const settlement = [
      openingLine,
      statement('2026-11-02 10:00:00', 2),
      statement('2026-11-02 10:00:20', 3),
    ];
    expect(pairs(terminal, settlement)).toEqual([at('09:00:00'), at('10:00:20')]);
    const report = audit({ terminal, settlement });
    expect(report.findings.map((f) => [f.kind, f.time, f.lossFen])).toEqual([
      ['unexpected_settlement', at('10:00:00'), 0],
    ]);
  });

  it('moves a chain of pairs to the lines at their times', () => {
    // Time order alone: 10:00:00↔10:01:00 and 10:01:00↔10:02:00, leaving the 10:02:00 sale missing.
    expect(
      pairs(
        [
          journal('2026-11-02 10:00:00', 2),
          journal('2026-11-02 10:01:00', 3),
          journal('2026-11-02 10:02:00', 4),
        ],
        [statement('2026-11-02 10:01:00', 2), statement('2026-11-02 10:02:00', 3)],
      ),
    ).toEqual([null, at('10:01:00'), at('10:02:00')]);
  });

  it('does not lose a pair that time order keeps for the sake of a nearer one', () => {
    // Nearest first would pair 10:04:10↔10:04:00 (10 s) and leave 10:00:00 and 10:08:30 8½ minutes apart.
    expect(
      pairs(
        [journal('2026-11-02 10:00:00', 2), journal('2026-11-02 10:04:10', 3)],
        [statement('2026-11-02 10:04:00', 2), statement('2026-11-02 10:08:30', 3)],
      ),
    ).toEqual([at('10:04:00'), at('10:08:30')]);
  });

  it('keeps identical lines at equal distances in time order', () => {
    expect(
      pairs(
        [journal('2026-11-02 10:00:00', 2), journal('2026-11-02 10:00:00', 3)],
        [statement('2026-11-02 10:00:00', 2)],
      ),
    ).toEqual([at('10:00:00'), null]);
  });

  it('pairs both where the earliest statement line is the only one a journal line with a payer may take', () => {
    // 10:00:00 (no payer) took the payerless 10:00:30 line first, leaving oPAYER1's sale with nothing: oPAYER2's
    // line may not pair with oPAYER1, but it may with the sale that shows no payer.
    const terminal = [journal('2026-11-02 10:00:00', 2), journal('2026-11-02 10:01:00', 3, 'oPAYER1')];
    const settlement = [statement('2026-11-02 10:00:30', 2), statement('2026-11-02 10:02:00', 3, 'oPAYER2')];
    expect(pairs(terminal, settlement)).toEqual([at('10:02:00'), at('10:00:30')]);
    expect(audit({ terminal, settlement }).findings).toEqual([]);
  });
});

/** The earliest-first pairing the last key gave before: payers agreeing first, then one side without a payer. */
function earliestFirst(T: readonly Prepared[], S: readonly Prepared[]): { pairs: number; apart: number } {
  const taken = new Uint8Array(S.length);
  let pairs = 0;
  let apart = 0;
  const walk = (fits: (t: Prepared, s: Prepared) => boolean, done: Uint8Array) => {
    T.forEach((t, i) => {
      if (done[i] === 1) return;
      const s = S.findIndex((c, j) => taken[j] === 0 && Math.abs(c.ms - t.ms) <= 300_000 && fits(t, c));
      const sp = S[s];
      if (sp === undefined) return;
      taken[s] = 1;
      done[i] = 1;
      pairs += 1;
      apart += Math.abs(sp.ms - t.ms);
    });
  };
  const done = new Uint8Array(T.length);
  const payer = (p: Prepared) => payerKeyOf(p.record);
  walk((t, s) => payer(t) !== undefined && payer(t) === payer(s), done);
  walk((t, s) => payer(t) === undefined || payer(s) === undefined, done);
  return { pairs, apart };
}

describe('nearest-time pairing against time order', () => {
  const line = fc.record({
    second: fc.integer({ min: 0, max: 90 }).map((n) => n * 10),
    payer: fc.constantFrom(undefined, undefined, 'oA', 'oB'),
  });
  const time = (second: number) => {
    const m = String(Math.floor(second / 60)).padStart(2, '0');
    const s = String(second % 60).padStart(2, '0');
    return `2026-11-02 10:${m}:${s}`;
  };

  it('never pairs fewer lines than time order, nor, as many, further apart in total', () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 9 }),
        fc.array(line, { maxLength: 9 }),
        (journalLines, statementLines) => {
          const T = sorted(journalLines.map((l, i) => journal(time(l.second), i + 2, l.payer)));
          const S = sorted(statementLines.map((l, i) => statement(time(l.second), i + 2, l.payer)));
          const m = matchRecords(T, S);
          let pairs = 0;
          let apart = 0;
          T.forEach((t, i) => {
            const s = S[m.settlementOf[i] ?? -1];
            if (s === undefined) return;
            pairs += 1;
            apart += Math.abs(s.ms - t.ms);
            expect(Math.abs(s.ms - t.ms)).toBeLessThanOrEqual(300_000);
            const a = payerKeyOf(t.record);
            const b = payerKeyOf(s.record);
            if (a !== undefined && b !== undefined) expect(a).toBe(b);
            expect(m.terminalOf[m.settlementOf[i] ?? -1]).toBe(i);
          });
          const greedy = earliestFirst(T, S);
          expect(pairs).toBeGreaterThanOrEqual(greedy.pairs);
          if (pairs === greedy.pairs) expect(apart).toBeLessThanOrEqual(greedy.apart);
        },
      ),
      { numRuns: 500 },
    );
  });
});
