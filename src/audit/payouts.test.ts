import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepare } from './match-records.js';
import {
  type BankBook,
  cancelReversals,
  claimPayouts,
  fewestSumming,
  type LateArrival,
  lateArrivalWarning,
  type MerchantPayouts,
  payoutDaysOf,
  reversalWarnings,
  settlementDatesIn,
} from './payouts.js';
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

describe('claimPayouts: credits whose memo names the days they pay', () => {
  /** A bank credit from the provider with its memo, in bank.csv at `row`. */
  const memoBook = (...credits: [amountFen: number, time: string, memo: string, merchantId?: string][]) => {
    const prepared = credits.map(([amountFen, time, label, merchantId], i) =>
      prepare(
        rec(
          'bank',
          {
            type: 'payout',
            amountFen,
            time,
            counterparty: '汇通支付有限公司',
            label,
            ...(merchantId ? { merchantId } : {}),
          },
          i + 2,
          'bank.csv',
        ),
      ),
    );
    const late: LateArrival[] = [];
    const claims: BankBook = {
      credits: prepared,
      used: new Uint8Array(prepared.length),
      late,
      first: '2026-08-01',
      last: '2026-08-31',
    };
    return { claims, late };
  };
  const merchantDays = (merchantId: string, ...days: [string, number][]): MerchantPayouts => ({
    merchantId,
    basis: 'plan',
    days: payoutDaysOf(days.map(([date, net], i) => line(date, net, 0, `${merchantId}.csv`, i + 2))),
  });

  it('sets one credit for two days that came short against the two days together, one finding', () => {
    // 08-04 nets ¥1,713.69 and 08-05 ¥1,949.66: ¥3,663.35 due, ¥3,660.35 credited on 08-06 for both.
    const { claims } = memoBook([366035, '2026-08-06 08:22:24', '汇通支付T1结算款2026-08-04至2026-08-05']);
    const drafts = claimPayouts(claims, [merchantDays('M1', ['2026-08-04', 171369], ['2026-08-05', 194966])]);
    expect(drafts.map((d) => [d.settleDate, d.amountFen, d.lossFen])).toEqual([['2026-08-04', 366335, 300]]);
    expect(drafts[0]?.keys).toEqual(['2026-08-04', '2026-08-05']);
    expect(drafts[0]?.message).toBe(
      '2026-08-04、2026-08-05 共 2 个结算日结算净额合计 ¥3,663.35（2 笔），银行 2026-08-06 实际入账 ¥3,660.35，少 ¥3.00',
    );
    expect(drafts[0]?.messageEn).toBe(
      '2026-08-04, 2026-08-05: net payout of the 2 days together ¥3,663.35 (2 lines), bank credited ¥3,660.35 on 2026-08-06, ¥3.00 short',
    );
    expect(drafts[0]?.source).toEqual([
      { file: 'M1.csv', row: 2 },
      { file: 'M1.csv', row: 3 },
      { file: 'bank.csv', row: 2 },
    ]);
  });

  it('counts a payout that came after its window for the day its memo names, and says it came late', () => {
    // 08-04 (Tuesday) is due by 08-06; its ¥1,713.69 arrives on Monday 08-10, naming 2026-08-04.
    const { claims, late } = memoBook(
      [194966, '2026-08-06 08:00:00', '汇通支付T1结算款2026-08-05'],
      [171369, '2026-08-10 07:19:23', '汇通支付T1结算款2026-08-04'],
    );
    const drafts = claimPayouts(claims, [merchantDays('M1', ['2026-08-04', 171369], ['2026-08-05', 194966])]);
    expect(drafts).toEqual([]);
    expect(late.map((l) => [l.merchantId, l.dates, l.dueBy, l.arrived, l.credit.amountFen])).toEqual([
      ['M1', ['2026-08-04'], '2026-08-06', '2026-08-10', 171369],
    ]);
    const warning = lateArrivalWarning(late);
    expect(warning).toContain(
      '商户 M1 2026-08-04 的结算款 ¥1,713.69 于 2026-08-10 到账（bank.csv 第 3 行），最迟应于 2026-08-06 到账',
    );
    expect(warning).toContain(
      'merchant M1: the payout of 2026-08-04 (¥1,713.69) arrived on 2026-08-10 (bank.csv row 3), due by 2026-08-06 at the latest',
    );
  });

  it("gives a named day's credit to the merchant whose days come closest to it, and never another's credit", () => {
    // M1 and M2 both have a day on 08-04; the late credit is 3.00 short of M2's and far from M1's.
    const { claims } = memoBook([49700, '2026-08-10 08:00:00', '结算款 2026年8月4日']);
    const drafts = claimPayouts(claims, [
      merchantDays('M1', ['2026-08-04', 99400]),
      merchantDays('M2', ['2026-08-04', 50000]),
    ]);
    expect(drafts.map((d) => [d.merchantId, d.settleDate, d.lossFen])).toEqual([
      ['M1', '2026-08-04', 99400],
      ['M2', '2026-08-04', 300],
    ]);
    // A credit naming merchant M2 pays none of M1's days, whatever its memo says (M2's own day is 08-11).
    const named = memoBook([99400, '2026-08-10 08:00:00', '结算款20260804', 'M2']);
    const left = claimPayouts(named.claims, [
      merchantDays('M1', ['2026-08-04', 99400]),
      merchantDays('M2', ['2026-08-11', 5000]),
    ]);
    expect(left.map((d) => [d.merchantId, d.settleDate, d.lossFen])).toEqual([
      ['M1', '2026-08-04', 99400],
      ['M2', '2026-08-11', 5000],
    ]);
  });

  it('pays each day of a run with the same net the credit its memo names, not the one landing on its date', () => {
    // Tuesday to Thursday each net ¥1,988.00, each paid the next day naming its own date: the credit on a day's
    // own date is the previous day's, equal to the fen. 08-04's window closes on 08-06, so were the credits
    // taken by date and amount, 08-04 would be called unpaid (¥1,988.00) and 08-06's credit of 08-07 left over.
    const { claims } = memoBook(
      [198800, '2026-08-05 09:00:00', '汇通支付T1结算款2026-08-04'],
      [198800, '2026-08-06 09:00:00', '汇通支付T1结算款2026-08-05'],
      [198800, '2026-08-07 09:00:00', '汇通支付T1结算款2026-08-06'],
    );
    claims.claimedBy = new Int32Array(3);
    const drafts = claimPayouts(claims, [
      merchantDays('M1', ['2026-08-04', 198800], ['2026-08-05', 198800], ['2026-08-06', 198800]),
    ]);
    expect(drafts).toEqual([]);
    expect([...claims.used]).toEqual([1, 1, 1]);
    expect([...claims.claimedBy]).toEqual([0, 0, 0]);
  });

  it('still pairs by amount a credit whose memo names no date', () => {
    // The same run with memos that name nothing: each day takes the credit on its own date or the next, exact.
    const { claims } = memoBook(
      [198800, '2026-08-05 09:00:00', '汇通支付T1结算款'],
      [198800, '2026-08-06 09:00:00', '汇通支付T1结算款'],
    );
    const drafts = claimPayouts(claims, [
      merchantDays('M1', ['2026-08-04', 198800], ['2026-08-05', 198800], ['2026-08-06', 198800]),
    ]);
    // 08-05 and 08-06 take the credit on their own dates; 08-04, whose window (to 08-06) is covered, has none left.
    expect(drafts.map((d) => [d.settleDate, d.amountFen, d.lossFen])).toEqual([
      ['2026-08-04', 198800, 198800],
    ]);
  });

  it('leaves a credit above the named days to the pairing by amount', () => {
    const { claims } = memoBook([200000, '2026-08-05 08:00:00', '汇通支付T1结算款2026-08-04']);
    const [over] = claimPayouts(claims, [merchantDays('M1', ['2026-08-04', 171369])]);
    expect([over?.lossFen, over?.message]).toEqual([
      0,
      '2026-08-04 结算净额 ¥1,713.69（1 笔），银行 2026-08-05 实际入账 ¥2,000.00，多 ¥286.31（可能含其他日期或其他商户的款项）',
    ]);
  });
});

describe('settlementDatesIn', () => {
  it('reads the ways memos write a settlement date, and ranges of them', () => {
    const arrived = '2026-10-12';
    expect(settlementDatesIn('汇通支付T1结算款2026-10-09', arrived)).toEqual(['2026-10-09']);
    expect(settlementDatesIn('结算款 2026/10/9', arrived)).toEqual(['2026-10-09']);
    expect(settlementDatesIn('T1划款20261009', arrived)).toEqual(['2026-10-09']);
    expect(settlementDatesIn('2026年10月9日结算款', arrived)).toEqual(['2026-10-09']);
    expect(settlementDatesIn('10月9日结算款', arrived)).toEqual(['2026-10-09']);
    expect(settlementDatesIn('结算款2026-10-09至2026-10-10', arrived)).toEqual(['2026-10-09', '2026-10-10']);
    expect(settlementDatesIn('结算款20261009到20261011', arrived)).toEqual([
      '2026-10-09',
      '2026-10-10',
      '2026-10-11',
    ]);
    expect(settlementDatesIn('结算款2026-10-09~2026-10-10', arrived)).toEqual(['2026-10-09', '2026-10-10']);
    expect(settlementDatesIn('结算款2026-10-09－2026-10-10', arrived)).toEqual(['2026-10-09', '2026-10-10']);
    expect(settlementDatesIn('10月9日至10日结算款', arrived)).toEqual(['2026-10-09', '2026-10-10']);
    // Short forms: without the year, or with two digits of it; a plain "-" joins two dates written with "/".
    expect(settlementDatesIn('汇通支付T1结算款10/09', arrived)).toEqual(['2026-10-09']);
    expect(settlementDatesIn('T1结算款10-09', arrived)).toEqual(['2026-10-09']);
    expect(settlementDatesIn('T1结算款10.09', arrived)).toEqual(['2026-10-09']);
    expect(settlementDatesIn('T1结算款26-10-09', arrived)).toEqual(['2026-10-09']);
    expect(settlementDatesIn('汇通支付T1结算款10/09-10/10', arrived)).toEqual(['2026-10-09', '2026-10-10']);
  });

  it('does not take an amount or part of a longer number for a short date', () => {
    const arrived = '2026-10-12';
    expect(settlementDatesIn('手续费3.5元', arrived)).toEqual([]);
    expect(settlementDatesIn('金额 1,234.567', arrived)).toEqual([]);
    expect(settlementDatesIn('参考号 1.23457E+11', arrived)).toEqual([]);
  });

  it('names nothing with numbers that are no date, and puts a yearless date in the year before when it must', () => {
    // A reference number holding 20261009 inside, an impossible date, a range backwards.
    expect(settlementDatesIn('流水号 202610091234 结算款', '2026-10-12')).toEqual([]);
    expect(settlementDatesIn('结算款2026-02-30', '2026-10-12')).toEqual([]);
    expect(settlementDatesIn('结算款2026-10-10至2026-10-09', '2026-10-12')).toEqual([]);
    expect(settlementDatesIn('代发', '2026-10-12')).toEqual([]);
    // 12月31日 on a credit of 2027-01-04 is last year's.
    expect(settlementDatesIn('12月31日结算款', '2027-01-04')).toEqual(['2026-12-31']);
  });
});

describe('cancelReversals', () => {
  const bankLine = (amountFen: number, time: string, row: number, counterparty = '汇通支付有限公司') =>
    prepare(rec('bank', { type: 'payout', amountFen, time, counterparty, label: '结算款' }, row, 'bank.csv'));

  it('cancels the nearest earlier credit of the same amount, the same counterparty first', () => {
    const credits = [
      bankLine(171369, '2026-08-04 07:00:00', 2),
      bankLine(171369, '2026-08-05 07:19:23', 3, '别的支付公司'),
      bankLine(171369, '2026-08-05 07:30:00', 4),
      bankLine(99400, '2026-08-05 08:00:00', 5),
    ];
    const { kept, reversed, unmatched } = cancelReversals(credits, [
      bankLine(-171369, '2026-08-05 16:30:00', 6),
    ]);
    expect(reversed.map((r) => [r.credit.source.row, r.reversal.source.row])).toEqual([[4, 6]]);
    expect(kept.map((c) => c.record.source.row)).toEqual([2, 3, 5]);
    expect(unmatched).toEqual([]);
  });

  it('cancels nothing with a reversal that has no credit of its amount on or before its day, and says so', () => {
    const credits = [bankLine(176255, '2026-08-15 07:00:00', 2)];
    const { kept, reversed, unmatched } = cancelReversals(credits, [
      bankLine(-176255, '2026-08-14 10:11:12', 3),
    ]);
    expect(kept).toHaveLength(1);
    expect(reversed).toEqual([]);
    expect(unmatched.map((r) => r.source.row)).toEqual([3]);
    const [warning] = reversalWarnings(reversed, unmatched);
    expect(warning).toContain('已忽略，不计为到账：bank.csv 第 3 行 -¥1,762.55（2026-08-14）');
    expect(warning).toContain('were ignored, not counted as money: bank.csv row 3 -¥1,762.55 (2026-08-14)');
  });
});
