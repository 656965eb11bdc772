import type { PosRecord } from '../records/record.js';
import type { Channel } from '../records/vocabulary.js';
import { localDateMemo } from '../time/shanghai.js';

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
}

/**
 * Each statement file covers the days from its first to its last settlement date, or, without settlement
 * dates, the days of its transactions; coverage is the union over files.
 */
export function coverageOf(settlement: readonly PosRecord[]): Coverage {
  const collector = new CoverageCollector();
  for (const r of settlement) collector.add(r);
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
    for (const f of this.files.values()) {
      const only = f.manyMerchants === true || f.merchant === '' ? undefined : f.merchant;
      let carried: ChannelMask = 0;
      for (const mask of f.channels?.values() ?? []) carried |= mask;
      const wallet = walletOf(carried);
      if (f.settleMin !== undefined && f.settleMax !== undefined)
        settle.push(rangeOf(f.settleMin, f.settleMax, only, wallet));
      else if (f.tradeMin !== undefined && f.tradeMax !== undefined)
        trade.push(rangeOf(f.tradeMin, f.tradeMax, only, wallet));
    }
    return { settle, trade };
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

export type CoverageState = 'covered' | 'pending' | 'outside';

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
  return {
    settle: coverage.settle.filter(applies),
    trade: coverage.trade.filter(applies),
    anyStatement: coverage.settle.length + coverage.trade.length > 0,
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
    ranges = { settle: coverage.settle.filter(carries), trade: coverage.trade.filter(carries) };
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
  if (today !== undefined && settleDate > today) return 'pending';
  // Other merchants' statements, and none of this one's: nothing tells when its sales were due to appear.
  if (settle.length + trade.length === 0 && coverage.anyStatement) return 'outside';
  const afterSettle = settle.every(([, b]) => settleDate > b);
  const afterTrade = trade.every(([, b]) => tradeDate > b);
  return afterSettle && afterTrade ? 'pending' : 'outside';
}
