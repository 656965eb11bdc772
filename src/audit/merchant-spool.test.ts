import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type PosRecord, RecordSchema } from '../records/record.js';
import { CARD_TYPES, CHANNELS, RECORD_STATUSES, RECORD_TYPES } from '../records/vocabulary.js';
import { CARRIES_ALIPAY, CARRIES_CARD, CARRIES_WECHAT } from './coverage.js';
import { MerchantSpool, type SpooledKind } from './merchant-spool.js';

const roots: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'posguard-spool-test-'));
  roots.push(d);
  return d;
};
afterEach(() => {
  for (const d of roots.splice(0)) rmSync(d, { recursive: true, force: true });
});

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const text = fc.string({ minLength: 1, maxLength: 12 });
// Every field a record can have, each present or absent, with the characters real exports carry.
const recordArb: fc.Arbitrary<PosRecord> = fc
  .record({
    kind: fc.constantFrom<SpooledKind>('terminal', 'settlement'),
    type: fc.constantFrom(...RECORD_TYPES),
    status: fc.constantFrom(...RECORD_STATUSES),
    time: fc.constantFrom('2026-11-02T10:00:00+08:00', '2026-11-03T23:59:59.5+08:00', '2026-11-04T01:02'),
    completedAt: opt(fc.constant('2026-11-02T10:00:05+08:00')),
    settleDate: opt(fc.constantFrom('2026-11-03', '2026-11-05')),
    merchantId: opt(fc.constantFrom('898440153991234', '898440153995678', '商户"甲"')),
    terminalId: opt(text),
    refNo: opt(text),
    voucherNo: opt(text),
    batchNo: opt(text),
    orderNo: opt(text),
    providerOrderNo: opt(text),
    originalRefNo: opt(text),
    originalVoucherNo: opt(text),
    originalOrderNo: opt(text),
    channel: fc.constantFrom(...CHANNELS),
    card: fc.constantFrom(...CARD_TYPES),
    cardNo: opt(fc.constantFrom('622848******1234', '6228****')),
    payerId: opt(text),
    amountFen: fc.integer({ min: -10_000_000, max: 10_000_000 }),
    feeFen: opt(fc.integer({ min: -100_000, max: 100_000 })),
    settledFen: opt(fc.integer({ min: -10_000_000, max: 10_000_000 })),
    rate: opt(fc.integer({ min: 0, max: 1_000_000 })),
    label: opt(fc.string({ maxLength: 30 })),
    counterparty: opt(fc.string({ maxLength: 30 })),
    source: fc.record({
      file: fc.constantFrom('a.csv', '结算单 10月.csv', 'x.zip/in.csv'),
      row: fc.nat(99_999),
    }),
  })
  .map((r) => {
    // Absent fields are absent keys, as the importers make them.
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (v !== undefined) out[k] = v;
    return RecordSchema.parse(out);
  });

/** A card sale of one merchant; `extra` sets or overrides fields. */
const sale = (merchantId: string, row: number, extra: Partial<PosRecord> = {}): PosRecord => ({
  kind: 'terminal',
  type: 'sale',
  status: 'success',
  time: '2026-11-02T10:00:00+08:00',
  merchantId,
  channel: 'card',
  card: 'credit',
  amountFen: row,
  source: { file: 't.csv', row },
  ...extra,
});

/** Statements of these merchants, all of card sales: what placeUnnamedJournal hears of them. */
const cardStatements = (...merchantIds: string[]) => new Map(merchantIds.map((m) => [m, CARRIES_CARD]));

/** What a merchant's records look like independent of key order. */
const canonical = (r: PosRecord) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));

describe('MerchantSpool', () => {
  it('gives back every record, field for field, per merchant in arrival order, whether or not it spilled', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { maxLength: 60 }),
        fc.integer({ min: 1, max: 70 }),
        (records, limit) => {
          const spool = new MerchantSpool({ maxInMemory: limit, tmpDir: tmp() });
          try {
            for (const [i, r] of records.entries()) spool.add(r.kind as SpooledKind, r, i);
            const expected = new Map<string, { terminal: string[]; settlement: string[] }>();
            for (const [i, r] of records.entries()) {
              const m = r.merchantId ?? '';
              if (!expected.has(m)) expected.set(m, { terminal: [], settlement: [] });
              expected.get(m)?.[r.kind as SpooledKind].push(`${i}:${canonical(r)}`);
            }
            const got = [...spool.merchants()];
            expect(got.map((m) => m.merchantId)).toEqual([...expected.keys()].sort());
            for (const m of got) {
              const e = expected.get(m.merchantId);
              expect(m.terminal.map((r, i) => `${m.terminalSeq[i]}:${canonical(r)}`)).toEqual(e?.terminal);
              expect(m.settlement.map((r, i) => `${m.settlementSeq[i]}:${canonical(r)}`)).toEqual(
                e?.settlement,
              );
              for (const r of [...m.terminal, ...m.settlement])
                expect(RecordSchema.safeParse(r).success).toBe(true);
            }
            if (records.length >= limit) expect(spool.spillCount).toBeGreaterThan(0);
            else expect(spool.spillCount).toBe(0);
          } finally {
            spool.dispose();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it.each([3, 1000])(
    "places journal lines without a merchant number with the statements' only merchant (%i held)",
    (held) => {
      const spool = new MerchantSpool({ maxInMemory: held, tmpDir: tmp() });
      const line = (row: number): PosRecord => ({ ...sale('M1', row), kind: 'settlement', feeFen: 1 });
      const unnamed = (row: number): PosRecord => {
        const { merchantId: _none, ...r } = sale('', row);
        return r;
      };
      // Arrival order: M1's statement lines, then the journal without numbers, with M1's own journal line between.
      spool.add('settlement', line(2), 0);
      spool.add('settlement', line(3), 1);
      spool.add('terminal', unnamed(4), 2);
      spool.add('terminal', sale('M1', 5), 3);
      spool.add('terminal', unnamed(6), 4);
      expect(spool.spillCount > 0).toBe(held < 5);
      expect(spool.placeUnnamedJournal(cardStatements('M1'), [], undefined)).toEqual({
        count: 2,
        merchantId: 'M1',
      });
      const got = [...spool.merchants()];
      expect(got.map((m) => m.merchantId)).toEqual(['M1']);
      expect(got[0]?.terminal.map((r) => r.source.row)).toEqual([4, 5, 6]);
      expect(got[0]?.terminalSeq).toEqual([2, 3, 4]);
      spool.dispose();
    },
  );

  it('leaves journal lines without a number when the statements name several merchants, or some none', () => {
    const fill = () => {
      const spool = new MerchantSpool({ tmpDir: tmp() });
      const { merchantId: _none, ...r } = sale('', 2);
      spool.add('terminal', r, 0);
      return spool;
    };
    const several = fill();
    expect(several.placeUnnamedJournal(cardStatements('M1', 'M2'), [], undefined)).toEqual({ count: 1 });
    expect([...several.merchants()].map((m) => m.merchantId)).toEqual(['']);
    // Statement lines without a number are where the journal meets its statement: nothing to say.
    expect(fill().placeUnnamedJournal(cardStatements('M1', ''), [], undefined)).toBeUndefined();
    // Outside --merchant, the lines are let go like any other merchant's.
    const filtered = fill();
    expect(filtered.placeUnnamedJournal(cardStatements('M1', 'M2'), [], new Set(['M1']))).toEqual({
      count: 1,
    });
    expect([...filtered.merchants()]).toEqual([]);
    for (const s of [several, filtered]) s.dispose();
  });

  it.each([2, 1000])(
    "with several merchants, places each journal line by its terminal's merchant (%i held)",
    (held) => {
      const spool = new MerchantSpool({ maxInMemory: held, tmpDir: tmp() });
      const unnamed = (row: number, terminalId?: string): PosRecord => {
        const { merchantId: _none, ...r } = sale('', row);
        return terminalId === undefined ? r : { ...r, terminalId };
      };
      spool.add('terminal', sale('M2', 2, { terminalId: 'T2' }), 0);
      for (const [i, t] of (['T1', 'T2', 'T3', undefined] as const).entries())
        spool.add('terminal', unnamed(3 + i, t), 1 + i);
      // Per statement file: T1 is M1's, T2 M2's; T3 one file found shared (null), another names M1.
      const terminals: [string, string | null][] = [
        ['T1', 'M1'],
        ['T2', 'M2'],
        ['T3', null],
        ['T3', 'M1'],
      ];
      expect(spool.placeUnnamedJournal(cardStatements('M1', 'M2'), terminals, undefined)).toEqual({
        count: 4,
        byTerminal: 2,
      });
      const got = new Map(
        [...spool.merchants()].map((m) => [
          m.merchantId,
          m.terminal.map((r) => [r.source.row, r.merchantId]),
        ]),
      );
      expect(got).toEqual(
        new Map([
          [
            '',
            [
              [5, undefined],
              [6, undefined],
            ],
          ],
          ['M1', [[3, 'M1']]],
          [
            'M2',
            [
              [2, 'M2'],
              [4, 'M2'],
            ],
          ],
        ]),
      );
      spool.dispose();
    },
  );

  it.each([2, 1000])(
    'places journal lines by their payment channel: a WeChat bill takes no Alipay or card sale (%i held)',
    (held) => {
      // A cashier journal without merchant numbers but with 支付方式 on every line, one terminal for the QR codes.
      const journal: [number, PosRecord['channel'], string][] = [
        [2, 'wechat', 'POS01'],
        [3, 'alipay', 'POS01'],
        [4, 'card', '10000001'],
        [5, 'nfc', '10000001'],
        [6, 'unknown', 'POS01'],
      ];
      const fill = () => {
        const spool = new MerchantSpool({ maxInMemory: held, tmpDir: tmp() });
        for (const [i, [row, channel, terminalId]] of journal.entries()) {
          const { merchantId: _none, ...r } = sale('', row, { channel, terminalId });
          spool.add('terminal', r, i);
        }
        return spool;
      };
      const rowsOf = (spool: MerchantSpool) =>
        new Map([...spool.merchants()].map((m) => [m.merchantId, m.terminal.map((r) => r.source.row)]));

      // Only the WeChat bill: the WeChat merchant takes the WeChat line and the one that does not say.
      const wechatOnly = fill();
      expect(
        wechatOnly.placeUnnamedJournal(new Map([['1900000001', CARRIES_WECHAT]]), [], undefined),
      ).toEqual({
        count: 5,
        merchantId: '1900000001',
        uncarried: { count: 3, channels: ['card', 'nfc', 'alipay'] },
      });
      expect(rowsOf(wechatOnly)).toEqual(
        new Map([
          ['', [3, 4, 5]],
          ['1900000001', [2, 6]],
        ]),
      );

      // WeChat, Alipay and card statements, POS01 on both wallets' bills: each line by its channel.
      const three = fill();
      const carried = new Map([
        ['1900000001', CARRIES_WECHAT],
        ['2088123412341234', CARRIES_ALIPAY],
        ['822000000000001', CARRIES_CARD],
      ]);
      const terminals: [string, string | null][] = [
        ['POS01', null],
        ['10000001', '822000000000001'],
      ];
      expect(three.placeUnnamedJournal(carried, terminals, undefined)).toEqual({ count: 5, byChannel: 4 });
      expect(rowsOf(three)).toEqual(
        new Map([
          ['', [6]],
          ['1900000001', [2]],
          ['2088123412341234', [3]],
          ['822000000000001', [4, 5]],
        ]),
      );
      // --merchant keeps its own merchant's lines only.
      const filtered = fill();
      expect(filtered.placeUnnamedJournal(carried, terminals, new Set(['2088123412341234']))).toEqual({
        count: 5,
        byChannel: 4,
      });
      expect(rowsOf(filtered)).toEqual(new Map([['2088123412341234', [3]]]));
      for (const s of [wechatOnly, three, filtered]) s.dispose();
    },
  );

  it('spills a bucket larger than one line of the file and reads every record back in order', () => {
    const spool = new MerchantSpool({ maxInMemory: 9_000, tmpDir: tmp() });
    for (let i = 0; i < 10_000; i++)
      spool.add(
        'terminal',
        sale('M', i + 2, { refNo: String(100_000_000_000 + i), card: 'debit', amountFen: i }),
        i,
      );
    expect(spool.spillCount).toBe(1);
    const [m] = spool.merchants();
    expect(m?.terminal).toHaveLength(10_000);
    expect(m?.terminal.every((r, i) => r.amountFen === i && r.source.row === i + 2)).toBe(true);
    expect(m?.terminalSeq.every((seq, i) => seq === i)).toBe(true);
    spool.dispose();
  });

  it('takes over the files of spools that share its directory and reads everything back in arrival order', () => {
    const main = new MerchantSpool({ maxInMemory: 1_000, tmpDir: tmp() });
    const rec = (merchantId: string, row: number) =>
      sale(merchantId, row, { source: { file: `input-${Math.floor(row / 100)}.csv`, row } });
    // Inputs 0 and 2 read here, input 1 by a "worker" writing into the same directory under its own prefix.
    const worker = new MerchantSpool({ maxInMemory: 3, dir: main.directory(), prefix: 'w1-' });
    for (const row of [100, 101, 102, 103, 104]) worker.add('terminal', rec(row % 2 ? 'A' : 'B', row), row);
    for (const row of [0, 1, 2, 200, 201]) main.add('terminal', rec(row % 2 ? 'A' : 'B', row), row);
    const chunks = worker.flush();
    expect(chunks.length).toBeGreaterThan(1);
    expect(worker.merchantCount).toBe(0);
    main.adopt(chunks);
    worker.dispose();
    const got = [...main.merchants()].map((m) => [
      m.merchantId,
      m.terminalSeq,
      m.terminal.map((r) => r.source.file),
    ]);
    expect(got).toEqual([
      ['A', [1, 101, 103, 201], ['input-0.csv', 'input-1.csv', 'input-1.csv', 'input-2.csv']],
      [
        'B',
        [0, 2, 100, 102, 104, 200],
        ['input-0.csv', 'input-0.csv', 'input-1.csv', 'input-1.csv', 'input-1.csv', 'input-2.csv'],
      ],
    ]);
    main.dispose();
  });

  it('writes to its own temporary directory and removes it on dispose', () => {
    const root = tmp();
    const spool = new MerchantSpool({ maxInMemory: 2, tmpDir: root });
    const r = (merchantId: string, row: number) =>
      sale(merchantId, row, {
        kind: 'settlement',
        amountFen: 100_000,
        feeFen: 600,
        source: { file: 's.csv', row },
      });
    for (let i = 0; i < 5; i++) spool.add('settlement', r(i % 2 === 0 ? 'B' : 'A', i + 2), i);
    expect(spool.spillCount).toBe(2);
    expect(readdirSync(root)).toHaveLength(1);
    const [a] = spool.merchants();
    expect(a?.merchantId).toBe('A');
    expect(a?.settlement.map((x) => x.source.row)).toEqual([3, 5]);
    spool.dispose();
    expect(readdirSync(root)).toEqual([]);
    spool.dispose();
    expect(existsSync(root)).toBe(true);
  });
});
