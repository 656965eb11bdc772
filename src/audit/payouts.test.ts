import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepare } from './match-records.js';
import { type BankBook, claimPayouts, fewestSumming, type MerchantPayouts, payoutDaysOf } from './payouts.js';
import { rec } from './test-records.js';

const line = (settleDate: string, amountFen: number, feeFen: number, file: string, row: number) =>
  prepare(rec('settlement', { time: '2026-08-03 10:00:00', amountFen, feeFen, settleDate }, row, file));

const book = (...credits: [amountFen: number, time: string, merchantId?: string][]): BankBook => {
  const prepared = credits.map(([amountFen, time, merchantId], i) =>
    prepare(
      rec(
        'bank',
        { type: 'payout', amountFen, time, counterparty: '乐刷', ...(merchantId ? { merchantId } : {}) },
        i + 2,
        'bank.csv',
      ),
    ),
  );
  return {
    credits: prepared,
    used: new Uint8Array(prepared.length),
    first: '2026-08-01',
    last: '2026-08-31',
  };
};

describe('payoutDaysOf', () => {
  it('nets each settlement day, keeps every line of it in order across files, and drops days that net nothing', () => {
    const days = payoutDaysOf([
      line('2026-08-04', 100000, 600, 'a.csv', 7),
      line('2026-08-05', 20000, 120, 'a.csv', 8),
      line('2026-08-04', 50000, 300, 'b.csv', 3),
      line('2026-08-04', 1000, 6, 'a.csv', 9),
      prepare(
        rec('settlement', {
          time: '2026-08-04 10:00:00',
          amountFen: -30000,
          feeFen: -180,
          settleDate: '2026-08-06',
        }),
      ),
    ]);
    // 08-04: 994.00 + 497.00 + 9.94 = 1,500.94; 08-05: 198.80; 08-06 nets below zero (a refund alone).
    expect(days.map((d) => [d.date, d.net])).toEqual([
      ['2026-08-04', 150094],
      ['2026-08-05', 19880],
    ]);
    const first = days[0];
    expect(first?.files).toEqual(['a.csv', 'b.csv']);
    expect([...(first?.fileOfLine ?? [])]).toEqual([0, 1, 0]);
    expect([...(first?.rowOfLine ?? [])]).toEqual([7, 3, 9]);
  });
});

describe('payoutDaysOf without settlement dates', () => {
  it('puts a line without a settlement date on the day the estimate gives, and leaves it out without one', () => {
    const undated = (time: string, amountFen: number, feeFen: number, row: number) =>
      prepare(rec('settlement', { time, amountFen, feeFen }, row, 'wechat.csv'));
    const lines = [
      undated('2026-08-03 10:00:00', 100000, 600, 2),
      undated('2026-08-03 23:59:00', 20000, 120, 3),
      undated('2026-08-04 08:00:00', 50000, 300, 4),
      line('2026-08-04', 1000, 6, 'generic.csv', 2),
    ];
    const nextDay = (r: { time: string }) => (r.time.startsWith('2026-08-03') ? '2026-08-04' : '2026-08-05');
    // 08-04: 994.00 + 198.80 (traded 08-03) + 9.94 (its own settlement date) = 1,202.74; 08-05: 497.00.
    expect(payoutDaysOf(lines, nextDay).map((d) => [d.date, d.net])).toEqual([
      ['2026-08-04', 120274],
      ['2026-08-05', 49700],
    ]);
    expect(payoutDaysOf(lines).map((d) => [d.date, d.net])).toEqual([['2026-08-04', 994]]);
  });
});

describe('claimPayouts', () => {
  const days = (merchantId: string, net: number): MerchantPayouts => ({
    merchantId,
    basis: 'plan',
    days: payoutDaysOf([line('2026-08-04', net, 0, `${merchantId}.csv`, 2)]),
  });

  it("does not take a credit marked for another merchant, and lists the day's lines then the credit as sources", () => {
    const drafts = claimPayouts(book([50000, '2026-08-05 08:00:00', 'M2'], [49000, '2026-08-05 09:00:00']), [
      days('M1', 50000),
    ]);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ merchantId: 'M1', amountFen: 50000, lossFen: 1000 });
    expect(drafts[0]?.source).toEqual([
      { file: 'M1.csv', row: 2 },
      { file: 'bank.csv', row: 3 },
    ]);
  });

  it('sets each short day against the credit closest to its net, not the first credit in its window', () => {
    const twoDays: MerchantPayouts = {
      merchantId: 'M1',
      basis: 'plan',
      days: payoutDaysOf([
        line('2026-08-04', 100000, 0, 'M1.csv', 2),
        line('2026-08-05', 50000, 0, 'M1.csv', 3),
      ]),
    };
    // 08-05's ¥495.00 arrives first and is inside 08-04's window (to 08-06) too; ¥990.00 pays 08-04.
    const drafts = claimPayouts(book([49500, '2026-08-05 08:00:00'], [99000, '2026-08-06 08:00:00']), [
      twoDays,
    ]);
    expect(drafts.map((d) => [d.settleDate, d.amountFen, d.lossFen])).toEqual([
      ['2026-08-04', 100000, 1000],
      ['2026-08-05', 50000, 500],
    ]);
    expect(drafts.map((d) => d.source?.at(-1))).toEqual([
      { file: 'bank.csv', row: 3 },
      { file: 'bank.csv', row: 2 },
    ]);
  });

  it('gives a day whose nearest credits all went to other days the first credit left in its window', () => {
    // Six merchants' days of ¥500.00 and, on 08-05, four credits a few fen short and one far off: four days take
    // the near ones, the fifth the far one, the sixth nothing.
    const credits = book(
      [10000, '2026-08-05 07:00:00'],
      [49990, '2026-08-05 08:00:00'],
      [49991, '2026-08-05 08:01:00'],
      [49992, '2026-08-05 08:02:00'],
      [49993, '2026-08-05 08:03:00'],
    );
    const drafts = claimPayouts(
      credits,
      ['M1', 'M2', 'M3', 'M4', 'M5', 'M6'].map((m) => days(m, 50000)),
    );
    expect(drafts.map((d) => [d.merchantId, d.lossFen])).toEqual([
      ['M1', 7],
      ['M2', 8],
      ['M3', 9],
      ['M4', 10],
      ['M5', 40000],
      ['M6', 50000],
    ]);
    expect([...credits.used]).toEqual([1, 1, 1, 1, 1]);
  });

  const daysOf = (...nets: [settleDate: string, netFen: number][]): MerchantPayouts => ({
    merchantId: 'M1',
    basis: 'plan',
    days: payoutDaysOf(nets.map(([date, net], i) => line(date, net, 0, 'M1.csv', i + 2))),
  });

  it("takes the credit on a day's own date first, so a short day does not take the next day's exact credit", () => {
    // Three days of ¥99.40; ¥90.00 arrives on 08-04, then ¥99.40 on 08-05 and on 08-06 — each day's own.
    const drafts = claimPayouts(
      book([9000, '2026-08-04 08:00:00'], [9940, '2026-08-05 08:00:00'], [9940, '2026-08-06 08:00:00']),
      [daysOf(['2026-08-04', 9940], ['2026-08-05', 9940], ['2026-08-06', 9940])],
    );
    // 99.40 − 90.00 = 9.40 short on 08-04, nothing else.
    expect(drafts.map((d) => [d.settleDate, d.lossFen])).toEqual([['2026-08-04', 940]]);
  });

  it('accepts one day paid in two credits, and two days paid in one', () => {
    const split = claimPayouts(book([30000, '2026-08-04 08:00:00'], [19700, '2026-08-04 09:00:00']), [
      daysOf(['2026-08-04', 49700]),
    ]);
    expect(split).toEqual([]);
    // 298.20 + 308.14 = 606.34, paid on 08-06: inside 08-04's window (to 08-06) and 08-05's.
    const joined = claimPayouts(book([60634, '2026-08-06 08:00:00']), [
      daysOf(['2026-08-04', 29820], ['2026-08-05', 30814]),
    ]);
    expect(joined).toEqual([]);
  });

  it('accepts one day paid in several credits (withdrawals through the day), and flags the day they fall short of', () => {
    // 08-04 nets ¥1,234.56, withdrawn as 500.00 + 400.00 + 300.00 + 34.56 the same day; 08-05 nets ¥200.00 and gets
    // 100.00 + 50.00 + 49.00 = 199.00 only.
    const claims = book(
      [50000, '2026-08-04 10:00:00'],
      [40000, '2026-08-04 13:00:00'],
      [30000, '2026-08-04 16:00:00'],
      [3456, '2026-08-04 21:00:00'],
      [10000, '2026-08-05 10:00:00'],
      [5000, '2026-08-05 12:00:00'],
      [4900, '2026-08-05 18:00:00'],
    );
    claims.claimedBy = new Int32Array(7).fill(99);
    const drafts = claimPayouts(claims, [daysOf(['2026-08-04', 123456], ['2026-08-05', 20000])]);
    expect([...claims.claimedBy.slice(0, 4)]).toEqual([0, 0, 0, 0]);
    expect(drafts.map((d) => d.settleDate)).toEqual(['2026-08-05']);
  });

  it("sets a provider's several credits of a day, named for the merchant, against that day together", () => {
    // 08-05 nets ¥200.00; the payout file has three bills for M1 that day: 100.00 + 50.00 + 49.00 = 199.00.
    const named = book(
      [10000, '2026-08-05 10:00:00', 'M1'],
      [5000, '2026-08-05 12:00:00', 'M1'],
      [4900, '2026-08-05 18:00:00', 'M1'],
    );
    const [short, ...rest] = claimPayouts(named, [daysOf(['2026-08-05', 20000])]);
    expect(rest).toEqual([]);
    // 200.00 − 199.00 = 1.00 short, not 200.00 − 100.00 with two bills left over.
    expect([short?.settleDate, short?.amountFen, short?.lossFen]).toEqual(['2026-08-05', 20000, 100]);
    expect(short?.message).toContain('实际入账 ¥199.00（3 笔），少 ¥1.00');
    expect(short?.messageEn).toContain('bank credited ¥199.00 in 3 credits on 2026-08-05');
    expect(short?.source?.filter((s) => s.file === 'bank.csv').map((s) => s.row)).toEqual([2, 3, 4]);
    // Credits that name no merchant (a bank account's own lines) may be anyone's: the nearest one is taken.
    const anonymous = book(
      [10000, '2026-08-05 10:00:00'],
      [5000, '2026-08-05 12:00:00'],
      [4900, '2026-08-05 18:00:00'],
    );
    expect(claimPayouts(anonymous, [daysOf(['2026-08-05', 20000])]).map((d) => d.lossFen)).toEqual([10000]);
  });

  it('says which way a credit differs from the day it is set against', () => {
    const [over] = claimPayouts(book([32149, '2026-08-04 09:05:11']), [daysOf(['2026-08-04', 28178])]);
    // 321.49 credited against 281.78 due: 39.71 more, no loss.
    expect([over?.lossFen, over?.amountFen]).toEqual([0, 28178]);
    expect(over?.message).toContain('实际入账 ¥321.49，多 ¥39.71（可能含其他日期或其他商户的款项）');
    expect(over?.messageEn).toContain('bank credited ¥321.49 on 2026-08-04, ¥39.71 more');
    const [short] = claimPayouts(book([28000, '2026-08-04 09:05:11']), [daysOf(['2026-08-04', 28178])]);
    expect(short?.message).toContain('实际入账 ¥280.00，少 ¥1.78');
    expect(short?.messageEn).toContain('¥1.78 short');
  });

  it('takes a refund-only day from the next payout, and still accepts a payout that did not', () => {
    // 08-05 is a refund alone (−100.00); 08-06 nets 298.20, so 198.20 is due on 08-06.
    const merchant = daysOf(['2026-08-05', -10000], ['2026-08-06', 29820]);
    expect(merchant.days.map((d) => [d.date, d.net, d.carriedFen])).toEqual([['2026-08-06', 29820, -10000]]);
    expect(claimPayouts(book([19820, '2026-08-06 08:00:00']), [merchant])).toEqual([]);
    expect(claimPayouts(book([29820, '2026-08-06 08:00:00']), [merchant])).toEqual([]);
    const short = claimPayouts(book([15000, '2026-08-06 08:00:00']), [merchant]);
    // 198.20 due − 150.00 credited = 48.20 short.
    expect(short.map((d) => [d.settleDate, d.amountFen, d.lossFen])).toEqual([['2026-08-06', 19820, 4820]]);
    expect(short[0]?.message).toContain('已抵扣此前退款 ¥100.00');
  });

  it('says which merchant each credit went to: exact, split, joined or set against a short day', () => {
    const claims = book(
      [9940, '2026-08-04 08:00:00'], // M1 08-04, exact
      [5000, '2026-08-04 08:10:00'], // M2 08-04, first half of 99.40
      [4940, '2026-08-04 08:20:00'], // M2 08-04, second half
      [19000, '2026-08-06 08:00:00'], // M1 08-05 + 08-06 together: 95.00 + 95.00
      [12345, '2026-08-06 09:00:00'], // M2 08-06 (¥130.00 due), short: still M2's
      [777, '2026-07-01 09:00:00'], // nobody's: before every window
    );
    claims.claimedBy = new Int32Array(6).fill(99);
    const drafts = claimPayouts(claims, [
      daysOf(['2026-08-04', 9940], ['2026-08-05', 9500], ['2026-08-06', 9500]),
      { ...daysOf(['2026-08-04', 9940], ['2026-08-06', 13000]), merchantId: 'M2' },
    ]);
    // 130.00 − 123.45 = 6.55 short on M2's 08-06.
    expect(drafts.map((d) => [d.merchantId, d.settleDate, d.lossFen])).toEqual([['M2', '2026-08-06', 655]]);
    expect([...claims.claimedBy]).toEqual([0, 1, 1, 0, 1, -1]);
  });

  it('reports nothing for a day whose window the bank files do not cover whole', () => {
    const late = book([100, '2026-08-03 08:00:00']);
    const drafts = claimPayouts({ ...late, last: '2026-08-05' }, [days('M1', 50000)]);
    // 08-04 + 2 working days is 08-06, after the bank file's last day: nothing proves the credit did not come.
    expect(drafts).toEqual([]);
  });
});

describe('fewestSumming', () => {
  it('finds the fewest amounts, at least as many as asked, that add up exactly; the first such in order', () => {
    expect(fewestSumming([500, 300, 200, 100], 600, 3)).toEqual([1, 2, 3]);
    expect(fewestSumming([500, 300, 200, 100], 600, 2)).toEqual([0, 3]);
    expect(fewestSumming([100, 100, 100, 100], 300, 3)).toEqual([0, 1, 2]);
    expect(fewestSumming([500, 300, 200], 601, 2)).toBeUndefined();
    expect(fewestSumming([500, 300], 800, 3)).toBeUndefined();
  });

  it('agrees with trying every subset: exact sum, no smaller subset sums so', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 2000 }), { maxLength: 9 }),
        fc.integer({ min: 1, max: 6000 }),
        (amounts, target) => {
          const found = fewestSumming(amounts, target, 2);
          let fewest: number | undefined;
          for (let mask = 0; mask < 1 << amounts.length; mask += 1) {
            const members = amounts.filter((_, i) => (mask >> i) & 1);
            const sum = members.reduce((a, b) => a + b, 0);
            if (members.length >= 2 && sum === target && (fewest === undefined || members.length < fewest))
              fewest = members.length;
          }
          if (fewest === undefined) return found === undefined;
          if (found === undefined) return false;
          const sum = found.reduce((a, i) => a + (amounts[i] as number), 0);
          return sum === target && found.length === fewest && new Set(found).size === found.length;
        },
      ),
    );
  });
});
