import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { rec } from './test-records.js';
import { attributeUnnamedJournal, unnamedJournalWarning } from './unnamed-journal.js';

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

describe('attributeUnnamedJournal by payment channel', () => {
  // A shop's cashier journal: no merchant number, but 支付方式 on every line. WeChat and Alipay are paid at POS01,
  // cards at the acquirer's terminal 10000001; each channel settles under its own merchant number.
  const paid = (channel: PosRecord['channel'], terminalId: string, row: number) => ({
    ...sale(undefined, row),
    channel,
    card: 'unknown' as const,
    terminalId,
  });
  const journal = [
    paid('wechat', 'POS01', 2),
    paid('alipay', 'POS01', 3),
    paid('card', '10000001', 4),
    paid('unionpay-qr', '10000001', 5),
    paid('alipay', 'POS01', 6),
  ];
  const statement = (merchantId: string, channel: PosRecord['channel'], terminalId: string, row: number) => ({
    ...line(merchantId, row),
    channel,
    terminalId,
  });
  const wechatBill = [statement('1900000001', 'wechat', 'POS01', 2)];
  const alipayBill = [statement('2088123412341234', 'alipay', 'POS01', 3)];
  const cardStatement = [statement('822000000000001', 'card', '10000001', 4)];

  it("does not give a WeChat bill's merchant the Alipay and card sales", () => {
    const { terminal, unnamed } = attributeUnnamedJournal(journal, wechatBill);
    expect(terminal.map((r) => r.merchantId)).toEqual([
      '1900000001',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(unnamed).toEqual({
      count: 5,
      merchantId: '1900000001',
      uncarried: { count: 4, channels: ['card', 'unionpay-qr', 'alipay'] },
    });
    expect(unnamedJournalWarning(unnamed ?? { count: 0 })).toBe(
      '5 笔终端流水没有商户号：1 笔已按对账单中唯一的商户 1900000001 核对；其余 4 笔的支付方式（刷卡、银联二维码、支付宝）不在对账单中，未与对账单核对 / ' +
        "5 journal lines have no merchant number: 1 were audited with the statements' only merchant, 1900000001; the other 4 were paid by channels the statements do not carry (card, unionpay-qr, alipay) and were not reconciled with the statements",
    );
    // A line that does not say how it was paid still goes to the only merchant, as before.
    const unknown = { ...paid('unknown', 'POS09', 7) };
    expect(attributeUnnamedJournal([unknown], wechatBill).unnamed).toEqual({
      count: 1,
      merchantId: '1900000001',
    });
    // Nothing the bill carries: no line placed, the warning says why.
    const none = attributeUnnamedJournal([paid('alipay', 'POS01', 3)], wechatBill);
    expect(none.terminal.map((r) => r.merchantId)).toEqual([undefined]);
    expect(unnamedJournalWarning(none.unnamed ?? { count: 0 })).toBe(
      '1 笔终端流水没有商户号，其支付方式（支付宝）不在对账单中，未与对账单核对 / ' +
        '1 journal lines have no merchant number and were paid by channels the statements do not carry (alipay): they were not reconciled with the statements',
    );
  });

  it('places each line with the merchant whose statements carry its channel, though POS01 is on two merchants’ bills', () => {
    const { terminal, unnamed } = attributeUnnamedJournal(journal, [
      ...wechatBill,
      ...alipayBill,
      ...cardStatement,
    ]);
    expect(terminal.map((r) => r.merchantId)).toEqual([
      '1900000001',
      '2088123412341234',
      '822000000000001',
      '822000000000001',
      '2088123412341234',
    ]);
    expect(unnamed).toEqual({ count: 5, byChannel: 5 });
    expect(unnamedJournalWarning({ count: 5, byChannel: 5 })).toBe(
      '5 笔终端流水没有商户号：5 笔按支付方式对应到对账单中收该支付方式的商户核对 / ' +
        '5 journal lines have no merchant number: 5 were audited with the merchant whose statements carry their payment channel',
    );
  });

  it('lets the terminal decide between merchants that carry the channel, and leaves the rest unplaced', () => {
    // Two WeChat merchants (an agent's bill), one card merchant; no Alipay statement at all.
    const statements = [
      statement('W1', 'wechat', 'POS01', 2),
      statement('W2', 'wechat', 'POS02', 3),
      statement('C1', 'card', 'T9', 4),
    ];
    const lines = [
      paid('wechat', 'POS02', 2),
      paid('wechat', 'POS03', 3),
      paid('alipay', 'POS01', 4),
      paid('nfc', 'T7', 5),
      paid('unknown', 'T9', 6),
    ];
    const { terminal, unnamed } = attributeUnnamedJournal(lines, statements);
    expect(terminal.map((r) => r.merchantId)).toEqual(['W2', undefined, undefined, 'C1', 'C1']);
    expect(unnamed).toEqual({
      count: 5,
      byTerminal: 2,
      byChannel: 1,
      uncarried: { count: 1, channels: ['alipay'] },
    });
    expect(unnamedJournalWarning(unnamed ?? { count: 0 })).toBe(
      '5 笔终端流水没有商户号：1 笔按支付方式对应到对账单中收该支付方式的商户核对，2 笔按终端号对应到对账单中的商户核对；其余 2 笔中 1 笔的支付方式（支付宝）不在对账单中、1 笔的终端不在对账单中或属于多个商户，未与对账单核对 / ' +
        '5 journal lines have no merchant number: 1 were audited with the merchant whose statements carry their payment channel, 2 were audited with the merchant whose statement lines their terminal appears on; of the other 2, 1 were paid by channels no statement carries (alipay) and 1 have a terminal no statement line names, or one several merchants share: they were not reconciled with the statements',
    );
  });

  it('counts a statement line that does not say its channel as one that may carry any', () => {
    // The card acquirer's file has no 支付方式 column and no card type: its lines may be WeChat sales too.
    const statements = [statement('W1', 'wechat', 'POS01', 2), statement('C1', 'unknown', 'T9', 3)];
    const { terminal } = attributeUnnamedJournal(
      [paid('wechat', 'T9', 2), paid('wechat', 'POS05', 3), paid('alipay', 'POS05', 4)],
      statements,
    );
    // On C1's terminal it is C1's; elsewhere the merchant whose lines do carry WeChat; Alipay only C1 may carry.
    expect(terminal.map((r) => r.merchantId)).toEqual(['C1', 'W1', 'C1']);
  });
});
