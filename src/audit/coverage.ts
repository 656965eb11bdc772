import type { PosRecord } from '../records/record.js';
import type { Channel } from '../records/vocabulary.js';
import { addDays, localDateMemo } from '../time/shanghai.js';

/**
 * The payment channels statement lines carry, as bits: a WeChat bill has only WeChat trades (DOMAIN.md §2.6), an
 * Alipay 业务明细 only Alipay ones (§2.7), while a card acquirer settles 刷卡, 闪付 and 银联二维码 alike — one family.
 * A line whose channel is unknown (or other, or e-CNY) may be any of them: CARRIES_ANY.
 */
export const CARRIES_CARD = 1;
export const CARRIES_WECHAT = 2;
export const CARRIES_ALIPAY = 4;
export const CARRIES_ANY = 8;

/** Which channel families one merchant's (or one file's) statement lines carry: an OR of the CARRIES_ bits. */
export type ChannelMask = number;

/** The CARRIES_ bit of a channel's family; CARRIES_ANY for a channel that names none. */
export function channelBit(channel: Channel): number {
  if (channel === 'card' || channel === 'nfc' || channel === 'unionpay-qr') return CARRIES_CARD;
  if (channel === 'wechat') return CARRIES_WECHAT;
  if (channel === 'alipay') return CARRIES_ALIPAY;
  return CARRIES_ANY;
}

/** The wallet a statement file is a bill of, when every line of it is that wallet's: WeChat or Alipay. */
export type WalletBill = 'wechat' | 'alipay';

function walletOf(mask: ChannelMask): WalletBill | undefined {
  return mask === CARRIES_WECHAT ? 'wechat' : mask === CARRIES_ALIPAY ? 'alipay' : undefined;
}

/**
 * The days the statements cover: ranges of settlement dates, and of trade dates for files without them. A range
 * from a file that names a single merchant covers that merchant only (its third element): one merchant's
 * statement says nothing about another's sales. A file naming several merchants, or none, covers them all. A
 * wallet's bill (every line WeChat, or every line Alipay) covers that wallet's sales only (its fourth element): a
 * WeChat bill says nothing about the card or Alipay sales of the same days.
 */
export type CoverageRange = [from: string, to: string, merchantId?: string | undefined, wallet?: WalletBill];

export function rangeOf(
  from: string,
  to: string,
  merchantId: string | undefined,
  wallet?: WalletBill,
): CoverageRange {
  if (wallet !== undefined) return [from, to, merchantId, wallet];
  return merchantId === undefined ? [from, to] : [from, to, merchantId];
}

export interface Coverage {
  readonly settle: CoverageRange[];
  readonly trade: CoverageRange[];
  /** The last day of each statement file cut off mid-row (FileImportSummary.truncated): neither covered nor pending. */
  readonly cutShort?: CutShortDay[];
}

/**
 * The last settlement (or, without settlement dates, trade) date a truncated statement file shows: the rows after
 * the cut may well be of that day, so a sale due then that the file lacks is not known to be missing — it cannot be
 * checked until the file is downloaded again. Its merchant and wallet apply as a range's do.
 */
export interface CutShortDay {
  readonly file: string;
  readonly day: string;
  readonly basis: 'settle' | 'trade';
  readonly merchantId?: string;
  readonly wallet?: WalletBill;
}

/**
 * Each statement file covers the days from its first to its last settlement date, or, without settlement
 * dates, the days of its transactions; coverage is the union over files.
 */
export function coverageOf(
  settlement: readonly PosRecord[],
  /** Statement files cut off mid-row (FileImportSummary.truncated), as their records name them. */
  truncatedFiles: Iterable<string> = [],
): Coverage {
  const collector = new CoverageCollector();
  for (const r of settlement) collector.add(r);
  for (const file of truncatedFiles) collector.markTruncated(file);
  return collector.coverage();
}

/** The first and last settlement and trade dates of one statement file. */
export interface FileDates {
  settleMin?: string;
  settleMax?: string;
  tradeMin?: string;
  tradeMax?: string;
  /** The merchant its records name, while they all name the same one ('' for none). */
  merchant?: string;
  /** Its records name more than one merchant (or some name none). */
  manyMerchants?: boolean;
  /** Per merchant its records name ('' for none), the channel families they carry (see channelBit). */
  channels?: Map<string, ChannelMask>;
  /** The file was cut off mid-row (markTruncated): its last date is not covered. */
  truncated?: boolean;
}

/** Coverage gathered one statement record at a time, in scope or not (see coverageOf). */
export class CoverageCollector {
  private readonly files = new Map<string, FileDates>();
  private readonly dateOf = localDateMemo();

  add(r: PosRecord): void {
    let f = this.files.get(r.source.file);
    if (f === undefined) {
      f = {};
      this.files.set(r.source.file, f);
    }
    if (r.settleDate !== undefined) {
      if (f.settleMin === undefined || r.settleDate < f.settleMin) f.settleMin = r.settleDate;
      if (f.settleMax === undefined || r.settleDate > f.settleMax) f.settleMax = r.settleDate;
    }
    const date = this.dateOf(r.time);
    if (f.tradeMin === undefined || date < f.tradeMin) f.tradeMin = date;
    if (f.tradeMax === undefined || date > f.tradeMax) f.tradeMax = date;
    const merchant = r.merchantId ?? '';
    noteMerchant(f, merchant, false);
    f.channels ??= new Map();
    noteChannels(f.channels, merchant, channelBit(r.channel));
  }

  /**
   * Marks a statement file as cut off mid-row (FileImportSummary.truncated): it covers its days up to, not
   * including, the last one it shows — the missing rows after the cut may be of that day.
   */
  markTruncated(file: string): void {
    const f = this.files.get(file);
    if (f === undefined) this.files.set(file, { truncated: true });
    else f.truncated = true;
  }

  /** Per statement file, its date ranges so far: what another collector (a worker's) hands over to merge. */
  entries(): [string, FileDates][] {
    return [...this.files];
  }

  merge(entries: readonly [string, FileDates][]): void {
    for (const [file, d] of entries) {
      const f = this.files.get(file);
      if (f === undefined) {
        // Its own map: merging another file's entries into it later must not change the one handed over.
        const { channels, ...dates } = d;
        this.files.set(file, channels === undefined ? dates : { ...dates, channels: new Map(channels) });
        continue;
      }
      if (d.settleMin !== undefined && (f.settleMin === undefined || d.settleMin < f.settleMin))
        f.settleMin = d.settleMin;
      if (d.settleMax !== undefined && (f.settleMax === undefined || d.settleMax > f.settleMax))
        f.settleMax = d.settleMax;
      if (d.tradeMin !== undefined && (f.tradeMin === undefined || d.tradeMin < f.tradeMin))
        f.tradeMin = d.tradeMin;
      if (d.tradeMax !== undefined && (f.tradeMax === undefined || d.tradeMax > f.tradeMax))
        f.tradeMax = d.tradeMax;
      if (d.truncated === true) f.truncated = true;
      if (d.merchant !== undefined || d.manyMerchants === true)
        noteMerchant(f, d.merchant ?? '', d.manyMerchants === true);
      if (d.channels !== undefined) {
        f.channels ??= new Map();
        for (const [merchant, mask] of d.channels) noteChannels(f.channels, merchant, mask);
      }
    }
  }

  /**
   * Per merchant the statement lines name ('' for lines naming none), the channel families they carry, over
   * every file: where a journal line without a merchant number may go (unnamed-journal.ts).
   */
  channelsByMerchant(): Map<string, ChannelMask> {
    const out = new Map<string, ChannelMask>();
    for (const f of this.files.values())
      for (const [merchant, mask] of f.channels ?? []) noteChannels(out, merchant, mask);
    return out;
  }

  coverage(): Coverage {
    const settle: CoverageRange[] = [];
    const trade: CoverageRange[] = [];
    const cutShort: CutShortDay[] = [];
    for (const [file, f] of this.files) {
      const only = f.manyMerchants === true || f.merchant === '' ? undefined : f.merchant;
      let carried: ChannelMask = 0;
      for (const mask of f.channels?.values() ?? []) carried |= mask;
      const wallet = walletOf(carried);
      const basis =
        f.settleMin !== undefined && f.settleMax !== undefined
          ? 'settle'
          : f.tradeMin !== undefined && f.tradeMax !== undefined
            ? 'trade'
            : undefined;
      if (basis === undefined) continue;
      const ranges = basis === 'settle' ? settle : trade;
      const min = (basis === 'settle' ? f.settleMin : f.tradeMin) as string;
      const max = (basis === 'settle' ? f.settleMax : f.tradeMax) as string;
      if (f.truncated !== true) {
        ranges.push(rangeOf(min, max, only, wallet));
        continue;
      }
      // Cut off mid-row: the days before its last are whole (rows come in date order), the last one is not.
      if (min < max) ranges.push(rangeOf(min, addDays(max, -1), only, wallet));
      cutShort.push({
        file,
        day: max,
        basis,
        ...(only === undefined ? {} : { merchantId: only }),
        ...(wallet === undefined ? {} : { wallet }),
      });
    }
    return cutShort.length === 0 ? { settle, trade } : { settle, trade, cutShort };
  }
}

/** Adds channel families to what a merchant's lines carry. */
export function noteChannels(map: Map<string, ChannelMask>, merchant: string, mask: ChannelMask): void {
  const known = map.get(merchant);
  if (known === undefined) map.set(merchant, mask);
  else if ((known | mask) !== known) map.set(merchant, known | mask);
}

function noteMerchant(f: FileDates, merchant: string, many: boolean): void {
  if (f.manyMerchants === true) return;
  if (many || (f.merchant !== undefined && f.merchant !== merchant)) {
    f.manyMerchants = true;
    delete f.merchant;
  } else f.merchant = merchant;
}

/** `cut-short`: due on the last day of a statement file cut off mid-row (CutShortDay), which no whole file covers. */
export type CoverageState = 'covered' | 'pending' | 'outside' | 'cut-short';

/**
 * The ranges that speak for one merchant's sales: its own files' and those naming no single merchant. Taken once
 * per merchant, not per sale — an agent's run may hold a statement file per merchant.
 */
export interface MerchantCoverage extends Coverage {
  /** Some statement (of any merchant) was read: without one, every sale is pending, not outside. */
  readonly anyStatement: boolean;
}

export function merchantCoverage(coverage: Coverage, merchantId: string): MerchantCoverage {
  const applies = (range: CoverageRange) => range[2] === undefined || range[2] === merchantId;
  const cutShort = coverage.cutShort?.filter(
    (d) => d.merchantId === undefined || d.merchantId === merchantId,
  );
  return {
    settle: coverage.settle.filter(applies),
    trade: coverage.trade.filter(applies),
    ...(cutShort === undefined || cutShort.length === 0 ? {} : { cutShort }),
    anyStatement: coverage.settle.length + coverage.trade.length + (coverage.cutShort?.length ?? 0) > 0,
  };
}

const byChannel = new WeakMap<MerchantCoverage, Map<number, Coverage>>();

/** The ranges that speak for sales of one channel family (CARRIES_ANY: all); worked out once per merchant and family. */
function coverageOfChannel(coverage: MerchantCoverage, bit: number): Coverage {
  if (bit === CARRIES_ANY) return coverage;
  let cached = byChannel.get(coverage);
  if (cached === undefined) {
    cached = new Map();
    byChannel.set(coverage, cached);
  }
  let ranges = cached.get(bit);
  if (ranges === undefined) {
    const carries = (range: CoverageRange) => range[3] === undefined || channelBit(range[3]) === bit;
    const cutShort = coverage.cutShort?.filter((d) => d.wallet === undefined || channelBit(d.wallet) === bit);
    ranges = {
      settle: coverage.settle.filter(carries),
      trade: coverage.trade.filter(carries),
      ...(cutShort === undefined || cutShort.length === 0 ? {} : { cutShort }),
    };
    cached.set(bit, ranges);
  }
  return ranges;
}

/**
 * Whether a sale was due to appear on the statements: `covered` when a statement covers its due date (or, for a
 * file without settlement dates, its trade date), `pending` when it is due after them, `outside` otherwise. With
 * its `channel`, a wallet's bill covers only that wallet's sales; a sale whose channel is unknown may be any.
 */
export function coverageState(
  coverage: MerchantCoverage,
  tradeDate: string,
  settleDate: string,
  today: string | undefined,
  channel?: Channel,
): CoverageState {
  const { settle, trade } =
    channel === undefined ? coverage : coverageOfChannel(coverage, channelBit(channel));
  if (settle.some(([a, b]) => settleDate >= a && settleDate <= b)) return 'covered';
  if (trade.some(([a, b]) => tradeDate >= a && tradeDate <= b)) return 'covered';
  if (cutShortFileOf(coverage, tradeDate, settleDate, channel) !== undefined) return 'cut-short';
  if (today !== undefined && settleDate > today) return 'pending';
  // Other merchants' statements, and none of this one's: nothing tells when its sales were due to appear.
  if (settle.length + trade.length === 0 && coverage.anyStatement) return 'outside';
  const afterSettle = settle.every(([, b]) => settleDate > b);
  const afterTrade = trade.every(([, b]) => tradeDate > b);
  return afterSettle && afterTrade ? 'pending' : 'outside';
}

/**
 * The statement file cut off mid-row whose last day is a sale's due date (or, for a file without settlement
 * dates, its trade date): the file to download again before the sale can be checked. Undefined when none is.
 */
export function cutShortFileOf(
  coverage: MerchantCoverage,
  tradeDate: string,
  settleDate: string,
  channel?: Channel,
): string | undefined {
  const { cutShort } = channel === undefined ? coverage : coverageOfChannel(coverage, channelBit(channel));
  return cutShort?.find((d) => d.day === (d.basis === 'settle' ? settleDate : tradeDate))?.file;
}

/**
 * The statement file cut off mid-row that leaves a payout day's net unknown: one whose last day (CutShortDay) the
 * payout day is and that gave the day some of its lines. The rows after the cut may be that day's, so the net
 * read is only part of it. A file without settlement dates has its lines put on the day `dueOf` gives their trade
 * date (payoutDaysOf's estimate), so its last trade day leaves that payout day unknown. The file's other days are
 * whole (rows come in date order) and compare as before. Undefined when no cut-off file does.
 */
export function cutShortPayoutFile(
  coverage: MerchantCoverage,
  day: { readonly date: string; readonly files: readonly string[] },
  dueOf: (tradeDate: string) => string,
): string | undefined {
  return coverage.cutShort?.find(
    (d) => day.files.includes(d.file) && (d.basis === 'settle' ? d.day : dueOf(d.day)) === day.date,
  )?.file;
}
