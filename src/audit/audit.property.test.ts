import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { type AuditInput, auditRecords } from './audit.js';
import { plan, rec, rule } from './test-records.js';

const contract = plan(
  [rule({ ratePpm: 5500, cards: ['debit'], capFen: 2000 }, 0), rule({ ratePpm: 6000 }, 1)],
  {
    refundFee: 'proportional',
  },
);

/** Arbitrary small mixed inputs: two merchants, a journal, statements with random fees, deductions and a bank. */
const inputs = fc
  .array(
    fc.record({
      merchant: fc.constantFrom('M1', 'M2'),
      day: fc.integer({ min: 3, max: 7 }),
      minute: fc.integer({ min: 0, max: 30 }),
      ref: fc.integer({ min: 1, max: 12 }),
      amountFen: fc.integer({ min: 100, max: 1_000_000 }),
      feeDelta: fc.integer({ min: -300, max: 300 }),
      card: fc.constantFrom<'debit' | 'credit'>('debit', 'credit'),
      type: fc.constantFrom('sale', 'sale', 'sale', 'refund', 'void', 'deduction'),
      inJournal: fc.boolean(),
      inStatement: fc.boolean(),
      payer: fc.constantFrom(undefined, 'P1', 'P2'),
    }),
    { maxLength: 25 },
  )
  .map((rows) => {
    const terminal: PosRecord[] = [];
    const settlement: PosRecord[] = [];
    rows.forEach((r, i) => {
      const time = `2026-08-0${r.day} 10:${String(r.minute).padStart(2, '0')}:00`;
      const sign = r.type === 'refund' || r.type === 'void' || r.type === 'deduction' ? -1 : 1;
      const base = {
        merchantId: r.merchant,
        refNo: `R${r.ref}`,
        terminalId: 'T1',
        card: r.card,
        type: r.type,
        amountFen: sign * r.amountFen,
        time,
        ...(r.payer !== undefined ? { payerId: r.payer } : {}),
      };
      if (r.inJournal && r.type !== 'deduction') terminal.push(rec('terminal', base, i + 2));
      if (r.inStatement) {
        const fee = Math.max(0, Math.floor((r.amountFen * 6) / 1000) + r.feeDelta) * sign;
        settlement.push(
          rec(
            'settlement',
            { ...base, feeFen: fee, settledFen: base.amountFen - fee, settleDate: `2026-08-0${r.day + 1}` },
            i + 2,
          ),
        );
      }
    });
    const bank = [
      rec('bank', { type: 'payout', amountFen: 50000, counterparty: '乐刷', time: '2026-08-05 09:00:00' }, 2),
    ];
    return { terminal, settlement, bank, plans: [contract] } satisfies AuditInput;
  });

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

describe('audit invariants', () => {
  it('keeps summary totals equal to the sums over findings, per merchant and in total', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const report = auditRecords(input);
        const sum = (key: 'overchargeFen' | 'lossFen') => report.findings.reduce((s, f) => s + f[key], 0);
        expect(report.summary.overchargeFen).toBe(sum('overchargeFen'));
        expect(report.summary.lossFen).toBe(sum('lossFen'));
        const byKind = Object.values(report.summary.findingsByKind).reduce((a, b) => a + b, 0);
        expect(byKind).toBe(report.findings.length);
        expect(report.merchants.reduce((s, m) => s + m.summary.lossFen, 0)).toBe(report.summary.lossFen);
        expect(report.merchants.reduce((s, m) => s + m.summary.overchargeFen, 0)).toBe(
          report.summary.overchargeFen,
        );
        for (const f of report.findings) {
          expect(f.overchargeFen).toBeGreaterThanOrEqual(0);
          expect(f.lossFen).toBeGreaterThanOrEqual(0);
          expect(f.source.length).toBeGreaterThan(0);
        }
        expect(new Set(report.findings.map((f) => f.id)).size).toBe(report.findings.length);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same findings with the same ids whatever the input order', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 1, max: 1_000_000 }), (input, seed) => {
        const a = auditRecords(input);
        const b = auditRecords({
          ...input,
          terminal: shuffle(input.terminal, seed),
          settlement: shuffle(input.settlement, seed + 1),
        });
        expect(b.findings).toEqual(a.findings);
        expect(b.summary).toEqual(a.summary);
        expect(b.rateChanges).toEqual(a.rateChanges);
        expect(b.ambiguous).toEqual(a.ambiguous);
      }),
      { numRuns: 200 },
    );
  });
});
