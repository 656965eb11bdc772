import { describe, expect, it } from 'vitest';
import { rec } from './test-records.js';
import { attributeUnnamedJournal, soleStatementMerchant, unnamedJournalWarning } from './unnamed-journal.js';

const line = (merchantId: string | undefined, row: number) =>
  rec(
    'settlement',
    {
      time: '2026-08-03 10:00:00',
      refNo: `R${row}`,
      amountFen: 10000,
      feeFen: 60,
      ...(merchantId === undefined ? {} : { merchantId }),
    },
    row,
  );
const sale = (merchantId: string | undefined, row: number) =>
  rec(
    'terminal',
    {
      time: '2026-08-03 10:00:00',
      refNo: `R${row}`,
      amountFen: 10000,
      ...(merchantId === undefined ? {} : { merchantId }),
    },
    row,
  );

describe('soleStatementMerchant', () => {
  it('is the one number all lines carry, else nothing', () => {
    expect(soleStatementMerchant(['M1', 'M1'])).toBe('M1');
    expect(soleStatementMerchant(['M1', 'M2'])).toBeUndefined();
    // A line without a number: a journal without numbers meets it as it is.
    expect(soleStatementMerchant(['M1', ''])).toBeUndefined();
    expect(soleStatementMerchant([])).toBeUndefined();
  });
});

describe('attributeUnnamedJournal', () => {
  it("gives journal lines without a number the statements' merchant, on copies", () => {
    const journal = [sale(undefined, 2), sale('M9', 3), sale('', 4)];
    const { terminal, unnamed } = attributeUnnamedJournal(journal, [line('M1', 2), line('M1', 3)]);
    expect(terminal.map((r) => r.merchantId)).toEqual(['M1', 'M9', 'M1']);
    expect(unnamed).toEqual({ count: 2, merchantId: 'M1' });
    // The input is the caller's: unchanged.
    expect(journal.map((r) => r.merchantId)).toEqual([undefined, 'M9', '']);
    expect(terminal[1]).toBe(journal[1]);
  });

  it('leaves them when the statements name several merchants, or none', () => {
    const journal = [sale(undefined, 2)];
    const several = attributeUnnamedJournal(journal, [line('M1', 2), line('M2', 3)]);
    expect(several.terminal).toBe(journal);
    expect(several.unnamed).toEqual({ count: 1 });
    expect(unnamedJournalWarning({ count: 1 })).toContain('1 笔终端流水没有商户号，而对账单有多个商户');
    // Statements without numbers either, or some of them: the journal meets those as merchant '', nothing to say.
    expect(attributeUnnamedJournal(journal, [line(undefined, 2)])).toEqual({ terminal: journal });
    expect(attributeUnnamedJournal(journal, [line('M1', 2), line(undefined, 3)])).toEqual({
      terminal: journal,
    });
    expect(attributeUnnamedJournal([sale('M1', 2)], [line('M1', 2)]).unnamed).toBeUndefined();
  });

  it("with several merchants, gives each line its terminal's merchant when the statements name one", () => {
    const on = (r: ReturnType<typeof sale>, terminalId: string) => ({ ...r, terminalId });
    const statements = [
      on(line('M1', 2), 'T1'),
      on(line('M2', 3), 'T2'),
      on(line('M1', 4), 'T3'),
      on(line('M2', 5), 'T3'),
    ];
    const journal = [
      on(sale(undefined, 2), 'T1'),
      on(sale(undefined, 3), 'T2'),
      on(sale(undefined, 4), 'T3'),
      sale(undefined, 5),
    ];
    const { terminal, unnamed } = attributeUnnamedJournal(journal, statements);
    // T3 is on both merchants' lines, and the last line has no terminal: those two stay unplaced.
    expect(terminal.map((r) => r.merchantId)).toEqual(['M1', 'M2', undefined, undefined]);
    expect(unnamed).toEqual({ count: 4, byTerminal: 2 });
    expect(unnamedJournalWarning({ count: 4, byTerminal: 2 })).toBe(
      '4 笔终端流水没有商户号：2 笔按终端号对应到对账单中的商户核对；其余 2 笔的终端不在对账单中或属于多个商户，未与对账单核对 / ' +
        '4 journal lines have no merchant number: 2 were audited with the merchant whose statement lines their terminal appears on; the other 2 have a terminal no statement line names, or one several merchants share, and were not reconciled with the statements',
    );
  });
});
