import { DEFAULT_REFUND_WINDOW_DAYS } from '../plans/plan-types.js';
import { orderTotalFen, type PosRecord } from '../records/record.js';
import { isoToEpochMs, localDateOf } from '../time/shanghai.js';
import { refineByTime, type TimePairing } from './nearest-pairing.js';

/** Which records can pair with which: a sale only with a sale, a refund only with a refund, and so on. */
export type MatchClass = 'sale' | 'void' | 'reversal' | 'refund';

export function matchClassOf(record: PosRecord): MatchClass | undefined {
  switch (record.type) {
    case 'sale':
    case 'preauth-complete':
      return 'sale';
    case 'void':
      return 'void';
    case 'reversal':
      return 'reversal';
    case 'refund':
      return 'refund';
    default:
      return undefined;
  }
}

/** Record with its epoch time and match class, computed once. */
export interface Prepared {
  readonly record: PosRecord;
  readonly ms: number;
  readonly cls: MatchClass | undefined;
}

export function prepare(record: PosRecord): Prepared {
  return { record, ms: epochMsOf(record.time), cls: matchClassOf(record) };
}

/** Epoch ms of an ISO time; the importers' `YYYY-MM-DDTHH:mm:ss+08:00` is read digit by digit, others by Date.parse. */
export function epochMsOf(iso: string): number {
  if (iso.length !== 25 || !iso.endsWith('+08:00') || iso.charCodeAt(10) !== 84 /* T */)
    return isoToEpochMs(iso);
  return (
    Date.UTC(
      digits(iso, 0, 4),
      digits(iso, 5, 7) - 1,
      digits(iso, 8, 10),
      digits(iso, 11, 13),
      digits(iso, 14, 16),
      digits(iso, 17, 19),
    ) -
    8 * 3_600_000
  );
}

/**
 * When a sale was made: the earlier of its time and its completion time. Leshua stamps a T0 order's 交易时间 with
 * the time it settled, after its 支付时间 (DOMAIN.md §2.1), so a sale paid at 23:59 shows the next day; elsewhere
 * the completion time is the later one. The plan's period, and every rule that goes by the trade date, follow
 * this time; matching keeps the record's own.
 */
export function tradeTimeOf(record: PosRecord): string {
  const completed = record.completedAt;
  return completed !== undefined && epochMsOf(completed) < epochMsOf(record.time) ? completed : record.time;
}

function digits(text: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i += 1) v = v * 10 + text.charCodeAt(i) - 48;
  return v;
}

/**
 * Orders by time, then settlement date (of two lines of one sale, the one settled later is the repeat), then by
 * source file and row, so results do not depend on input order.
 */
export function compareTimeThenSource(a: Prepared, b: Prepared): number {
  if (a.ms !== b.ms) return a.ms - b.ms;
  const da = a.record.settleDate ?? '';
  const db = b.record.settleDate ?? '';
  if (da !== db) return da < db ? -1 : 1;
  const fa = a.record.source.file;
  const fb = b.record.source.file;
  if (fa !== fb) return fa < fb ? -1 : 1;
  return a.record.source.row - b.record.source.row;
}

/** The exact keys in priority order: 参考号; terminal + batch + 凭证号 + date; order number; provider order number. */
export const EXACT_KEYS: readonly ((r: PosRecord) => string | undefined)[] = [
  (r) => refKeyOf(r.refNo),
  (r) =>
    r.terminalId !== undefined && r.batchNo !== undefined && r.voucherNo !== undefined
      ? `${r.terminalId}|${numberKeyOf(r.batchNo)}|${numberKeyOf(r.voucherNo)}|${localDateOf(r.time)}`
      : undefined,
  (r) => r.orderNo,
  (r) => r.providerOrderNo,
];

/**
 * The last exact key, tried after all of EXACT_KEYS: terminal + 凭证号 + amount (the order total: a journal shows
 * what the customer was charged before the merchant's own discount), for files that carry no 批次号 (a
 * cashier's export gives the POS 流水号 — the 凭证号, DOMAIN.md §2.8 — and neither 参考号 nor batch). 凭证号 cycle
 * through 1–999999 and restart with each batch, so the key holds no date and `conflicts` demands the same trade
 * date instead, or times minutes apart across midnight; a batch, or a card's last four digits, on both sides
 * must still agree.
 */
export const VOUCHER_LEVEL = EXACT_KEYS.length;

/** The level of the order-number key (商户订单号) and of the provider / channel order-number key (渠道订单号). */
const ORDER_LEVEL = 2;
const PROVIDER_ORDER_LEVEL = 3;

/** The level of the last key, terminal + amount (+ payer) within five minutes, after every exact key. */
const FUZZY_LEVEL = VOUCHER_LEVEL + 1;

function voucherKeyOf(r: PosRecord): string | undefined {
  return r.terminalId !== undefined && r.voucherNo !== undefined
    ? `${r.terminalId}|${numberKeyOf(r.voucherNo)}|${Math.abs(orderTotalFen(r))}`
    : undefined;
}

type KeyOf = (r: PosRecord) => string | undefined;

/** One hash join of matchRecords: the key of a journal line, the key of a statement line, the level it reports. */
interface KeyPass {
  readonly level: number;
  readonly terminalKey: KeyOf;
  readonly settlementKey: KeyOf;
}

/**
 * The joins matchRecords makes, in order: EXACT_KEYS like for like, then an order number of one side that is the
 * other side's number of the other field, then the voucher key. One file's 订单号 is another's 第三方订单号: a
 * cashier's journal gives the WeChat / Alipay transaction id as its 订单号 (orderNo) where Leshua gives its own LS…
 * number as 订单号 and the WeChat id as 第三方订单号 (providerOrderNo); an aggregator's 交易单号 may be a journal's
 * 第三方订单号. Such a pair shares the channel's transaction id, so it is reported at the provider order-number level.
 */
const MATCH_PASSES: readonly KeyPass[] = [
  ...EXACT_KEYS.map((key, level) => ({ level, terminalKey: key, settlementKey: key })),
  { level: PROVIDER_ORDER_LEVEL, terminalKey: (r) => r.orderNo, settlementKey: (r) => r.providerOrderNo },
  { level: PROVIDER_ORDER_LEVEL, terminalKey: (r) => r.providerOrderNo, settlementKey: (r) => r.orderNo },
  { level: VOUCHER_LEVEL, terminalKey: voucherKeyOf, settlementKey: voucherKeyOf },
];

export const FUZZY_WINDOW_MS = 5 * 60_000;

/** How many statement lines within the window a line matched without a payer looks at, past those too early. */
const MAX_FUZZY_LOOKAHEAD = 16;

/**
 * How far apart the journal's and the statement's times of one transaction can be: a statement that gives only
 * the trade date (00:00) or stamps by the host's clock stays well inside two days.
 */
const SAME_TRANSACTION_MS = 48 * 3_600_000;

export function payerOf(r: PosRecord): string | undefined {
  return r.cardNo ?? r.payerId;
}

/**
 * A 参考号 as a join key: without leading zeros, which a spreadsheet drops when it takes `012345678901` for a
 * number, so that the journal's and the re-saved statement's forms still meet.
 */
export function refKeyOf(refNo: string | undefined): string | undefined {
  return refNo === undefined ? undefined : numberKeyOf(refNo);
}

/** A number-like key (参考号, 批次号, 凭证号) without the leading zeros a spreadsheet strips. */
export function numberKeyOf(value: string): string {
  if (value.charCodeAt(0) !== 48 /* 0 */) return value;
  const stripped = value.replace(/^0+/, '');
  return stripped === '' ? value : stripped;
}

/**
 * The payer as a join key between two files: a masked card by its last four digits only, since providers mask
 * the same card differently (`622848******0228`, `622848*********0228`, `6228****0228`); a wallet's user id as
 * it is.
 */
export function payerKeyOf(r: PosRecord): string | undefined {
  const card = r.cardNo;
  if (card === undefined) return r.payerId;
  const last4 = /(\d{4})$/.exec(card);
  return last4 === null ? card : `*${last4[1]}`;
}

function showsPayer(p: Prepared | undefined): boolean {
  return p !== undefined && payerKeyOf(p.record) !== undefined;
}

export interface MatchResult {
  /** For each terminal record, the index of its settlement record, or -1. */
  readonly settlementOf: Int32Array;
  /** For each settlement record, the index of its terminal record, or -1. */
  readonly terminalOf: Int32Array;
  /** Records that could pair with several others and were left to a person. */
  readonly ambiguousTerminal: Uint8Array;
  readonly ambiguousSettlement: Uint8Array;
  /** Each ambiguous group: terminal and settlement indices. */
  readonly ambiguousGroups: { terminal: number[]; settlement: number[]; level: number }[];
}

const CLASS_SLOT: Record<MatchClass, number> = { sale: 0, void: 1, reversal: 2, refund: 3 };

/**
 * A key index: per match class, one Map from key to the latest record, earlier ones chained through `next`. Raw
 * keys per class (no composite strings) and one Map per side keep memory and hashing down on millions of rows;
 * `list` gives the records back in insertion order.
 */
class KeyIndex {
  readonly heads: Map<string, number>[] = [new Map(), new Map(), new Map(), new Map()];
  readonly next: Int32Array;

  constructor(size: number) {
    this.next = new Int32Array(size).fill(-1);
  }

  get size(): number {
    let n = 0;
    for (const h of this.heads) n += h.size;
    return n;
  }

  has(cls: MatchClass, key: string): boolean {
    return this.heads[CLASS_SLOT[cls]]?.has(key) ?? false;
  }

  add(cls: MatchClass, key: string, index: number): void {
    const head = this.heads[CLASS_SLOT[cls]];
    if (head === undefined) return;
    const previous = head.get(key);
    if (previous !== undefined) this.next[index] = previous;
    head.set(key, index);
  }

  first(slot: number, key: string): number {
    return this.heads[slot]?.get(key) ?? -1;
  }

  list(slot: number, key: string): number[] {
    const out: number[] = [];
    for (let i = this.first(slot, key); i !== -1; i = this.next[i] ?? -1) out.push(i);
    return out.reverse();
  }
}

/** The terminal + batch + 凭证号 key without its date: the journal and the statement may stamp one sale either side of midnight. */
function terminalBatchVoucherOf(r: PosRecord): string | undefined {
  return r.terminalId !== undefined && r.batchNo !== undefined && r.voucherNo !== undefined
    ? `${r.terminalId}|${numberKeyOf(r.batchNo)}|${numberKeyOf(r.voucherNo)}`
    : undefined;
}

/**
 * Two records are different transactions: they were made on different terminals, or days apart (a 参考号 or an
 * order number comes round again), or they carry a higher-priority key each and the keys differ — for order
 * numbers, only two of the same kind (see {@link orderNumbersConflict}).
 */
function conflicts(t: PosRecord, s: PosRecord, level: number, tMs: number, sMs: number): boolean {
  if (
    t.terminalId !== undefined &&
    s.terminalId !== undefined &&
    t.terminalId !== s.terminalId &&
    numberKeyOf(t.terminalId).toUpperCase() !== numberKeyOf(s.terminalId).toUpperCase()
  )
    return true;
  if (Math.abs(tMs - sMs) > SAME_TRANSACTION_MS) return true;
  // A 凭证号 comes round again with the next batch: without a batch, only the trade date (or a few minutes'
  // difference across midnight) and the card tell one sale from another.
  if (
    level === VOUCHER_LEVEL &&
    ((Math.abs(tMs - sMs) > FUZZY_WINDOW_MS && localDateOf(t.time) !== localDateOf(s.time)) ||
      cardsDiffer(t, s))
  )
    return true;
  if (level > 0 && differ(refKeyOf(t.refNo), refKeyOf(s.refNo))) return true;
  if (level > 1 && differ(terminalBatchVoucherOf(t), terminalBatchVoucherOf(s))) return true;
  return level > ORDER_LEVEL && orderNumbersConflict(t, s);
}

function differ(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

/**
 * Two order numbers that differ and are known to be the same kind of number: two different sales. An order number
 * that is not known to be of the other's kind proves nothing — a journal's 订单号 that is the WeChat transaction id
 * beside Leshua's own LS… 订单号 names the same sale. Known to be the same kind:
 * - two numbers shaped as the same channel's transaction id (WeChat `4…`, 28 digits; Alipay `yyyyMMdd…`, 28–32
 *   digits), whichever columns they came from;
 * - two provider / channel order numbers (第三方订单号, 微信订单号, 支付宝交易号, 渠道订单号: the field says what they
 *   are), unless one is shaped as a channel's transaction id and the other is not;
 * - two order numbers (商户订单号, 订单号, 交易单号: a merchant's, a cashier's or a provider's own) of the same shape
 *   (digits, letters and the rest in the same places: `LS20261103000025` and `LS20261103000026`).
 * A record's order number equal to the other's provider order number is that provider's number (and the other
 * way round), so it is not compared with the other's own order number.
 */
export function orderNumbersConflict(t: PosRecord, s: PosRecord): boolean {
  const tOrderIsChannel = t.orderNo !== undefined && t.orderNo === s.providerOrderNo;
  const sOrderIsChannel = s.orderNo !== undefined && s.orderNo === t.providerOrderNo;
  const tOrder = t.orderNo;
  const sOrder = s.orderNo;
  const tChannel = t.providerOrderNo;
  const sChannel = s.providerOrderNo;
  return (
    sameKindDiffer(tOrder, tOrderIsChannel, sOrder, sOrderIsChannel) ||
    sameKindDiffer(tChannel, true, sChannel, true) ||
    sameKindDiffer(tOrder, tOrderIsChannel, sChannel, true) ||
    sameKindDiffer(tChannel, true, sOrder, sOrderIsChannel)
  );
}

/** Two order numbers differ and are known to be the same kind; `aChannel`: `a` is a channel's number. */
function sameKindDiffer(
  a: string | undefined,
  aChannel: boolean,
  b: string | undefined,
  bChannel: boolean,
): boolean {
  if (a === undefined || b === undefined || a === b) return false;
  const aShape = channelIdShapeOf(a);
  const bShape = channelIdShapeOf(b);
  if (aShape !== undefined || bShape !== undefined) return aShape === bShape;
  if (aChannel !== bChannel) return false;
  return aChannel || shapeOf(a) === shapeOf(b);
}

/** Which channel's transaction id a number is shaped as: WeChat's, Alipay's, or neither. */
export function channelIdShapeOf(value: string): 'wechat' | 'alipay' | undefined {
  if (value.length === 28 && value.charCodeAt(0) === 52 /* 4 */ && /^\d+$/.test(value)) return 'wechat';
  if (/^20\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{20,24}$/.test(value)) return 'alipay';
  return undefined;
}

/** A number's shape: each digit 9, each letter A, the rest as it is. */
function shapeOf(value: string): string {
  return value.replace(/\d/g, '9').replace(/[A-Za-z]/g, 'A');
}

/**
 * Both records show a 凭证号, or both a 批次号, and they differ: on one terminal minutes apart, two sales. Without
 * a payer to agree on, these are what tells them apart (a cashier's export gives the 凭证号 and no batch, so the
 * terminal + batch + 凭证号 key never compared them).
 */
function posNumbersDiffer(t: PosRecord, s: PosRecord): boolean {
  if (
    t.voucherNo !== undefined &&
    s.voucherNo !== undefined &&
    numberKeyOf(t.voucherNo) !== numberKeyOf(s.voucherNo)
  )
    return true;
  return (
    t.batchNo !== undefined && s.batchNo !== undefined && numberKeyOf(t.batchNo) !== numberKeyOf(s.batchNo)
  );
}

/** Both records show a card's last four digits and they differ (providers mask the rest differently). */
function cardsDiffer(t: PosRecord, s: PosRecord): boolean {
  const a = t.cardNo === undefined ? undefined : /(\d{4})$/.exec(t.cardNo)?.[1];
  const b = s.cardNo === undefined ? undefined : /(\d{4})$/.exec(s.cardNo)?.[1];
  return a !== undefined && b !== undefined && a !== b;
}

/**
 * Pairs terminal records with settlement records by hash joins on each key level in turn (EXACT_KEYS, then an
 * order number against the other side's other order-number field, then the voucher key, then terminal + amount + payer, or terminal + amount where either side shows no payer); both
 * arrays must be sorted with {@link compareTimeThenSource}.
 * Indistinguishable candidates pair in time order, equal amounts first; a group that still leaves several on
 * both sides is ambiguous.
 */
export function matchRecords(terminal: readonly Prepared[], settlement: readonly Prepared[]): MatchResult {
  const settlementOf = new Int32Array(terminal.length).fill(-1);
  const terminalOf = new Int32Array(settlement.length).fill(-1);
  const ambiguousTerminal = new Uint8Array(terminal.length);
  const ambiguousSettlement = new Uint8Array(settlement.length);
  const ambiguousGroups: MatchResult['ambiguousGroups'] = [];
  const pair = (t: number, s: number) => {
    settlementOf[t] = s;
    terminalOf[s] = t;
  };
  const openT = (t: number) => settlementOf[t] === -1 && ambiguousTerminal[t] === 0;
  const openS = (s: number) => terminalOf[s] === -1 && ambiguousSettlement[s] === 0;

  for (const { level, terminalKey, settlementKey } of MATCH_PASSES) {
    const sIndex = new KeyIndex(settlement.length);
    for (let s = 0; s < settlement.length; s += 1) {
      const p = settlement[s];
      if (p === undefined || p.cls === undefined || !openS(s)) continue;
      const key = settlementKey(p.record);
      if (key !== undefined) sIndex.add(p.cls, key, s);
    }
    if (sIndex.size === 0) continue;
    const tIndex = new KeyIndex(terminal.length);
    for (let t = 0; t < terminal.length; t += 1) {
      const p = terminal[t];
      if (p === undefined || p.cls === undefined || !openT(t)) continue;
      const key = terminalKey(p.record);
      if (key !== undefined && sIndex.has(p.cls, key)) tIndex.add(p.cls, key, t);
    }
    for (let slot = 0; slot < tIndex.heads.length; slot += 1) {
      for (const [key, tHead] of tIndex.heads[slot] ?? []) {
        const sHead = sIndex.first(slot, key);
        // The common case, one record on each side, without building lists.
        if (tIndex.next[tHead] === -1 && sHead >= 0 && sIndex.next[sHead] === -1) {
          if (openT(tHead) && openS(sHead)) resolveGroup([tHead], [sHead], level);
          continue;
        }
        const ts = tIndex.list(slot, key).filter(openT);
        const ss = sIndex.list(slot, key).filter(openS);
        if (ts.length === 0 || ss.length === 0) continue;
        resolveGroup(ts, ss, level);
      }
    }
  }

  // Last resort: terminal + amount + payer, within five minutes, in time order. A statement line's amount there
  // is its order total, the amount plus the merchant's own discount, which is what the journal shows.
  const fuzzyKey = (p: Prepared, amountFen: number) => {
    const payer = payerKeyOf(p.record);
    if (p.cls === undefined || p.record.terminalId === undefined || payer === undefined) return undefined;
    return `${p.record.terminalId}\u0001${amountFen}\u0001${payer}`;
  };
  // Lines still open here: the nearest-time pass below may move a pair of the last key, never an earlier one.
  const lastKeyT = new Uint8Array(terminal.length);
  const lastKeyS = new Uint8Array(settlement.length);
  for (let t = 0; t < terminal.length; t += 1) if (openT(t)) lastKeyT[t] = 1;
  for (let s = 0; s < settlement.length; s += 1) if (openS(s)) lastKeyS[s] = 1;
  const sFuzzy = new KeyIndex(settlement.length);
  for (let s = 0; s < settlement.length; s += 1) {
    const p = settlement[s];
    if (p === undefined || p.cls === undefined || !openS(s)) continue;
    const key = fuzzyKey(p, orderTotalFen(p.record));
    if (key !== undefined) sFuzzy.add(p.cls, key, s);
  }
  if (sFuzzy.size > 0) {
    const tFuzzy = new KeyIndex(terminal.length);
    for (let t = 0; t < terminal.length; t += 1) {
      const p = terminal[t];
      if (p === undefined || p.cls === undefined || !openT(t)) continue;
      const key = fuzzyKey(p, p.record.amountFen);
      if (key !== undefined && sFuzzy.has(p.cls, key)) tFuzzy.add(p.cls, key, t);
    }
    for (let slot = 0; slot < tFuzzy.heads.length; slot += 1) {
      for (const key of tFuzzy.heads[slot]?.keys() ?? []) {
        const ss = sFuzzy.list(slot, key).filter(openS);
        walkEarliest(tFuzzy.list(slot, key), [ss], () => 0);
      }
    }
  }
  pairWithoutPayer();
  pairNearest();
  return { settlementOf, terminalOf, ambiguousTerminal, ambiguousSettlement, ambiguousGroups };

  /** The last key's bucket: terminal + amount (a statement line's order total); payers are compared by `fits`. */
  function lastKeyBucketOf(p: Prepared, amountFen: number): string | undefined {
    return p.cls === undefined || p.record.terminalId === undefined
      ? undefined
      : `${p.record.terminalId}\u0001${amountFen}`;
  }

  /**
   * Whether two lines of one bucket of the last key can be one sale: within five minutes and not told apart by
   * `conflicts`; with a payer on both sides, the same payer; with no payer on one side, no differing 凭证号 or
   * 批次号. Two lines that show different payers never pair.
   */
  function fits(t: number, s: number): boolean {
    const tp = terminal[t];
    const sp = settlement[s];
    if (tp === undefined || sp === undefined || Math.abs(tp.ms - sp.ms) > FUZZY_WINDOW_MS) return false;
    if (conflicts(tp.record, sp.record, FUZZY_LEVEL, tp.ms, sp.ms)) return false;
    const a = payerKeyOf(tp.record);
    const b = payerKeyOf(sp.record);
    if (a !== undefined && b !== undefined) return a === b;
    return !posNumbersDiffer(tp.record, sp.record);
  }

  /**
   * The last key where one side, or both, shows no payer (a generic statement layout has no 用户标识 column, a
   * cashier's export no card): terminal + amount within five minutes, in time order. Two lines that both show a
   * payer are never paired here: the pass above pairs them when the payers agree, and no other way.
   */
  function pairWithoutPayer(): void {
    const sIndex = new KeyIndex(settlement.length);
    let payerless = false;
    for (let s = 0; s < settlement.length; s += 1) {
      const p = settlement[s];
      if (p === undefined || p.cls === undefined || !openS(s)) continue;
      const key = lastKeyBucketOf(p, orderTotalFen(p.record));
      if (key === undefined) continue;
      sIndex.add(p.cls, key, s);
      if (payerKeyOf(p.record) === undefined) payerless = true;
    }
    if (sIndex.size === 0) return;
    const tIndex = new KeyIndex(terminal.length);
    for (let t = 0; t < terminal.length; t += 1) {
      const p = terminal[t];
      if (p === undefined || p.cls === undefined || !openT(t)) continue;
      // Both sides with a payer only where some statement line has none.
      if (!payerless && payerKeyOf(p.record) !== undefined) continue;
      const key = lastKeyBucketOf(p, p.record.amountFen);
      if (key !== undefined && sIndex.has(p.cls, key)) tIndex.add(p.cls, key, t);
    }
    for (let slot = 0; slot < tIndex.heads.length; slot += 1) {
      for (const key of tIndex.heads[slot]?.keys() ?? []) {
        const ss = sIndex.list(slot, key).filter(openS);
        const payerlessS = ss.filter((s) => {
          const r = settlement[s]?.record;
          return r !== undefined && payerKeyOf(r) === undefined;
        });
        // A journal line with a payer looks only at statement lines without one.
        walkEarliest(tIndex.list(slot, key), [ss, payerlessS], (t) => (showsPayer(terminal[t]) ? 1 : 0));
      }
    }
  }

  /**
   * The earliest-first walk of both variants of the last key: each journal line, in time order, takes the earliest
   * statement line left within five minutes either side that `fits`, from the list `listOf` picks. Pointers only
   * move forward past lines too early for every later journal line; past the pointer at most MAX_FUZZY_LOOKAHEAD
   * lines (taken ones, or ones that do not fit) are looked at, so a bucket is walked in linear time. This
   * pairing is as large as time order allows; {@link pairNearest} then tells apart by time what it could not.
   */
  function walkEarliest(
    ts: readonly number[],
    lists: readonly number[][],
    listOf: (t: number) => number,
  ): void {
    const heads = lists.map(() => 0);
    for (const t of ts) {
      const tp = terminal[t];
      if (tp === undefined || !openT(t)) continue;
      const which = listOf(t);
      const list = lists[which] ?? [];
      let head = heads[which] ?? 0;
      while (head < list.length) {
        const s = list[head] ?? 0;
        if (openS(s) && (settlement[s]?.ms ?? 0) >= tp.ms - FUZZY_WINDOW_MS) break;
        head += 1;
      }
      heads[which] = head;
      for (let k = head; k < list.length && k < head + MAX_FUZZY_LOOKAHEAD; k += 1) {
        const s = list[k] ?? 0;
        const sp = settlement[s];
        if (sp === undefined || sp.ms > tp.ms + FUZZY_WINDOW_MS) break;
        if (openS(s) && fits(t, s)) {
          pair(t, s);
          break;
        }
      }
    }
  }

  /**
   * After both earliest-first walks, per bucket of the last key (terminal + amount + class): a line left
   * unpaired is told apart by its time. Time order alone would give ¥50 at 10:00:00 the statement's only ¥50 at
   * 10:00:20 and report the journal's 10:00:20 sale missing; here the 10:00:20 sale takes the line it matches
   * exactly, and the 10:00:00 sale is the one reported. Lines at equal distance stay in time order.
   */
  function pairNearest(): void {
    const sIndex = new KeyIndex(settlement.length);
    for (let s = 0; s < settlement.length; s += 1) {
      const p = settlement[s];
      if (p === undefined || lastKeyS[s] === 0) continue;
      const t = terminalOf[s] ?? -1;
      if (t >= 0 && lastKeyT[t] === 0) continue;
      const key = lastKeyBucketOf(p, orderTotalFen(p.record));
      if (p.cls !== undefined && key !== undefined) sIndex.add(p.cls, key, s);
    }
    if (sIndex.size === 0) return;
    const tIndex = new KeyIndex(terminal.length);
    for (let t = 0; t < terminal.length; t += 1) {
      const p = terminal[t];
      if (p === undefined || p.cls === undefined || lastKeyT[t] === 0) continue;
      const key = lastKeyBucketOf(p, p.record.amountFen);
      if (key !== undefined && sIndex.has(p.cls, key)) tIndex.add(p.cls, key, t);
    }
    const pairing: TimePairing = {
      ms: (side, i) => (side === 0 ? terminal[i]?.ms : settlement[i]?.ms) ?? 0,
      partnerOf: (side, i) => (side === 0 ? settlementOf[i] : terminalOf[i]) ?? -1,
      fits,
      kindOf: (t, s) => (showsPayer(terminal[t]) && showsPayer(settlement[s]) ? 0 : 1),
      pair,
      release: (side, i) => {
        if (side === 0) settlementOf[i] = -1;
        else terminalOf[i] = -1;
      },
    };
    for (let slot = 0; slot < tIndex.heads.length; slot += 1) {
      for (const key of tIndex.heads[slot]?.keys() ?? []) {
        refineByTime(pairing, tIndex.list(slot, key), sIndex.list(slot, key));
      }
    }
  }

  function resolveGroup(ts: number[], ss: number[], level: number): void {
    if (ts.length === 1 && ss.length === 1) {
      const t = ts[0] ?? 0;
      const s = ss[0] ?? 0;
      const tp = terminal[t];
      const sp = settlement[s];
      if (tp !== undefined && sp !== undefined && !conflicts(tp.record, sp.record, level, tp.ms, sp.ms))
        pair(t, s);
      return;
    }
    // Equal amounts first, in time order (lists are already in time order).
    const unmatchedT: number[] = [];
    const usedS = new Set<number>();
    for (const t of ts) {
      const tp = terminal[t];
      if (tp === undefined) continue;
      let found = -1;
      for (const s of ss) {
        const sp = settlement[s];
        if (usedS.has(s) || sp === undefined) continue;
        if (
          orderTotalFen(sp.record) === tp.record.amountFen &&
          !conflicts(tp.record, sp.record, level, tp.ms, sp.ms)
        ) {
          found = s;
          break;
        }
      }
      if (found === -1) unmatchedT.push(t);
      else {
        usedS.add(found);
        pair(t, found);
      }
    }
    const unpairedS = ss.filter((s) => !usedS.has(s));
    // Only records that could be the same transaction are in doubt: a sale on another terminal or days away that
    // shares the key is simply another sale.
    const couldPair = (t: number, s: number) => {
      const tp = terminal[t];
      const sp = settlement[s];
      return tp !== undefined && sp !== undefined && !conflicts(tp.record, sp.record, level, tp.ms, sp.ms);
    };
    const leftT = unmatchedT.filter((t) => unpairedS.some((s) => couldPair(t, s)));
    const leftS = unpairedS.filter((s) => leftT.some((t) => couldPair(t, s)));
    if (leftT.length === 0 || leftS.length === 0) return;
    if (leftT.length === 1 && leftS.length === 1) {
      const t = leftT[0] ?? 0;
      const s = leftS[0] ?? 0;
      const tp = terminal[t];
      const sp = settlement[s];
      if (tp !== undefined && sp !== undefined && !conflicts(tp.record, sp.record, level, tp.ms, sp.ms))
        pair(t, s);
      return;
    }
    for (const t of leftT) ambiguousTerminal[t] = 1;
    for (const s of leftS) ambiguousSettlement[s] = 1;
    ambiguousGroups.push({ terminal: leftT, settlement: leftS, level });
  }
}

/**
 * For each void, reversal or refund, the index of the sale it cancels or returns (-1 when none is found):
 * through its original* keys, then its own keys, then the latest earlier sale on the same terminal with the same
 * payer and amount. A void or reversal that names neither its original nor a payer (a Leshua 交易对账单 gives
 * a 消费撤销 its own 参考号 and 凭证号 and no original's) takes the latest earlier sale of its amount on its
 * terminal that day: a void is made on the sale's own terminal, the same day, for the full amount. A 参考号 or
 * 凭证号 names the latest earlier sale that carries it (凭证号 cycle through 1–999999 and restart with each
 * batch; a void is in its sale's batch), one a void or reversal has not already taken. Records must be sorted
 * with {@link compareTimeThenSource}.
 */
export function linkOriginals(records: readonly Prepared[]): Int32Array {
  return findOriginals(records).parent;
}

/** What {@link findOriginals} found: each cancel's sale, how it was found, and the cancels left in doubt. */
export interface OriginalLinks {
  /** For each void, reversal or refund, the index of its sale, or -1. */
  readonly parent: Int32Array;
  /** 1 where no key named the sale and only merchant, terminal, payer, amount and time tell it (inferOriginals). */
  readonly inferred: Uint8Array;
  /** Cancels that several sales could be the original of, left unlinked rather than guessed. */
  readonly ambiguous: AmbiguousOriginal[];
}

export interface AmbiguousOriginal {
  /** The void, reversal or refund. */
  readonly cancel: number;
  /** The sales that could be its original, latest first: at most MAX_LISTED_CANDIDATES of them. */
  readonly sales: number[];
  /** More sales could be it than are listed. */
  readonly more: boolean;
}

/**
 * How long after its sale a refund is looked for by amount, time, terminal and payer alone, when the plan does
 * not say (its `refundWindowDays`): acquirers accept refunds of card sales for about half a year.
 */
export const REFUND_WINDOW_DAYS = DEFAULT_REFUND_WINDOW_DAYS;
const MAX_LISTED_CANDIDATES = 5;

/**
 * {@link linkOriginals}, then, for a cancel still without a sale — it names no original, or the one it names is
 * not here — the one earlier sale that can be it (inferOriginals), with the cancels that several could be.
 */
export function findOriginals(
  records: readonly Prepared[],
  options: { readonly refundWindowDays?: number | undefined } = {},
): OriginalLinks {
  const { parent, taken } = linkByKeys(records);
  const inferred = new Uint8Array(records.length);
  const ambiguous: AmbiguousOriginal[] = [];
  const windowMs = (options.refundWindowDays ?? REFUND_WINDOW_DAYS) * 86_400_000;
  inferOriginals(records, parent, taken, windowMs, inferred, ambiguous);
  return { parent, inferred, ambiguous };
}

function linkByKeys(records: readonly Prepared[]): { parent: Int32Array; taken: Uint8Array } {
  const parent = new Int32Array(records.length).fill(-1);
  const taken = new Uint8Array(records.length);
  // Voids, reversals and refunds are a few per cent of a journal: index only the sales' keys they ask for,
  // rather than every key of every sale.
  const refs = new Set<string>();
  const orders = new Set<string>();
  const providerOrders = new Set<string>();
  const vouchers = new Set<string>();
  const payerAmounts = new Set<number>();
  // Amounts of voids and reversals that only their terminal, amount and day can link.
  const blindAmounts = new Set<number>();
  let cancels = 0;
  for (const p of records) {
    if (p.cls === undefined || p.cls === 'sale') continue;
    cancels += 1;
    const r = p.record;
    const originalRef = refKeyOf(r.originalRefNo);
    const ref = refKeyOf(r.refNo);
    if (originalRef !== undefined) refs.add(originalRef);
    if (ref !== undefined) refs.add(ref);
    if (r.originalOrderNo !== undefined) orders.add(r.originalOrderNo);
    if (r.orderNo !== undefined) orders.add(r.orderNo);
    if (r.providerOrderNo !== undefined) providerOrders.add(r.providerOrderNo);
    if (r.originalVoucherNo !== undefined) vouchers.add(numberKeyOf(r.originalVoucherNo));
    if (r.voucherNo !== undefined) vouchers.add(numberKeyOf(r.voucherNo));
    if (p.cls !== 'refund') payerAmounts.add(Math.abs(r.amountFen));
    if (p.cls !== 'refund' && linksBlind(r)) blindAmounts.add(Math.abs(r.amountFen));
  }
  if (cancels === 0) return { parent, taken };
  const byRef = new Map<string, number[]>();
  const byVoucher = new Map<string, number[]>();
  const byOrder = new Map<string, number>();
  const byProviderOrder = new Map<string, number>();
  const byPayer = new Map<string, number[]>();
  const byTerminalDay = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [i]);
    else list.push(i);
  };
  for (let i = 0; i < records.length; i += 1) {
    const p = records[i];
    if (p?.cls !== 'sale') continue;
    const r = p.record;
    const ref = refKeyOf(r.refNo);
    if (ref !== undefined && refs.has(ref)) push(byRef, ref, i);
    const voucher = r.voucherNo === undefined ? undefined : numberKeyOf(r.voucherNo);
    if (r.terminalId !== undefined && voucher !== undefined && vouchers.has(voucher))
      push(byVoucher, `${r.terminalId}|${voucher}`, i);
    if (r.orderNo !== undefined && orders.has(r.orderNo) && !byOrder.has(r.orderNo))
      byOrder.set(r.orderNo, i);
    if (
      r.providerOrderNo !== undefined &&
      providerOrders.has(r.providerOrderNo) &&
      !byProviderOrder.has(r.providerOrderNo)
    )
      byProviderOrder.set(r.providerOrderNo, i);
    if (r.terminalId !== undefined && blindAmounts.has(Math.abs(r.amountFen)))
      push(byTerminalDay, blindKeyOf(r, r.terminalId), i);
    if (!payerAmounts.has(Math.abs(r.amountFen))) continue;
    const payer = payerKeyOf(r);
    if (r.terminalId === undefined || payer === undefined) continue;
    push(byPayer, `${r.terminalId}|${payer}|${Math.abs(r.amountFen)}`, i);
  }
  for (let i = 0; i < records.length; i += 1) {
    const p = records[i];
    if (p === undefined || p.cls === undefined || p.cls === 'sale') continue;
    const r = p.record;
    const tid = r.terminalId;
    const cancelsWhole = p.cls !== 'refund';
    // The latest earlier sale of a list, of the cancel's batch when both carry one, not yet cancelled.
    const latest = (list: number[] | undefined, sameBatch: boolean): number | undefined => {
      if (list === undefined) return undefined;
      let fallback: number | undefined;
      let later: number | undefined;
      for (let k = list.length - 1; k >= 0; k -= 1) {
        const candidate = list[k] ?? -1;
        const cp = records[candidate];
        if (cp === undefined || (cancelsWhole && taken[candidate] === 1)) continue;
        // A clock set wrong can put the cancel before its sale: such a sale is taken only if no other is left.
        if (cp.ms > p.ms) {
          later = candidate;
          continue;
        }
        if (!sameBatch || r.batchNo === undefined || cp.record.batchNo === undefined) return candidate;
        if (cp.record.batchNo === r.batchNo) return candidate;
        fallback ??= candidate;
      }
      return fallback ?? later;
    };
    const originalRef = refKeyOf(r.originalRefNo);
    const ref = refKeyOf(r.refNo);
    const namesOriginal =
      originalRef !== undefined || r.originalVoucherNo !== undefined || r.originalOrderNo !== undefined;
    let found: number | undefined =
      (originalRef !== undefined ? latest(byRef.get(originalRef), false) : undefined) ??
      (r.originalVoucherNo !== undefined && tid !== undefined
        ? latest(byVoucher.get(`${tid}|${numberKeyOf(r.originalVoucherNo)}`), cancelsWhole)
        : undefined) ??
      (r.originalOrderNo !== undefined ? byOrder.get(r.originalOrderNo) : undefined);
    // A record that names its original and does not find it has no original here: its own keys would only find
    // an unrelated sale. A refund's own 凭证号 is always new (it is made in a later batch), never the sale's.
    if (found === undefined && !namesOriginal)
      found =
        (ref !== undefined ? latest(byRef.get(ref), false) : undefined) ??
        (r.orderNo !== undefined ? byOrder.get(r.orderNo) : undefined) ??
        (r.providerOrderNo !== undefined ? byProviderOrder.get(r.providerOrderNo) : undefined) ??
        (r.voucherNo !== undefined && tid !== undefined && cancelsWhole
          ? latest(byVoucher.get(`${tid}|${numberKeyOf(r.voucherNo)}`), cancelsWhole)
          : undefined);
    if (found === undefined && cancelsWhole) {
      const payer = payerKeyOf(r);
      found =
        tid !== undefined && payer !== undefined
          ? latest(byPayer.get(`${tid}|${payer}|${Math.abs(r.amountFen)}`), false)
          : undefined;
      if (found === undefined && tid !== undefined && linksBlind(r))
        found = latest(byTerminalDay.get(blindKeyOf(r, tid)), true);
    }
    if (found !== undefined) {
      parent[i] = found;
      if (cancelsWhole) taken[found] = 1;
    }
  }
  return { parent, taken };
}

/** A void or reversal that names no original and no payer: only its terminal, amount and day can link it. */
function linksBlind(r: PosRecord): boolean {
  return (
    r.terminalId !== undefined &&
    r.originalRefNo === undefined &&
    r.originalVoucherNo === undefined &&
    r.originalOrderNo === undefined &&
    payerKeyOf(r) === undefined
  );
}

function blindKeyOf(r: PosRecord, terminalId: string): string {
  return `${terminalId}|${Math.abs(r.amountFen)}|${localDateOf(r.time)}`;
}

/**
 * The second pass of {@link findOriginals}: each void, reversal or refund still without a sale (it names no
 * original, or names one that is not here) takes the one earlier sale that can be it — of its merchant; of its
 * terminal and its payer (a card's first six and last four digits, a wallet's user id) where both lines show
 * them; lacking every original key the cancel names, since a sale that carries that key under another value is
 * another sale; for a refund, within `windowMs` before it and with enough of its amount not yet refunded (all its
 * refunds together never exceed it); for a void or reversal, the same day and the whole amount (a void cancels
 * its sale entire, on the day). Several such sales: none is guessed, and the cancel is listed in `ambiguous`.
 * Hash joins only: a refund asks a bucket of sales (merchant, key presence, terminal, payer) for its latest
 * sales with enough left, through a max-tree over what each still has (SaleBucket), so a refund larger than
 * most sales does not walk them all; a void asks the sales of its merchant, day and amount.
 */
function inferOriginals(
  records: readonly Prepared[],
  parent: Int32Array,
  taken: Uint8Array,
  windowMs: number,
  inferred: Uint8Array,
  ambiguous: AmbiguousOriginal[],
): void {
  const pending: number[] = [];
  for (let i = 0; i < records.length; i += 1) {
    const cls = records[i]?.cls;
    if (cls !== undefined && cls !== 'sale' && parent[i] === -1 && records[i]?.record.amountFen !== 0)
      pending.push(i);
  }
  if (pending.length === 0) return;
  // What each sale can still have refunded: its amount less the refunds its keys already link, none once voided.
  const remaining = new Float64Array(records.length);
  for (let i = 0; i < records.length; i += 1) {
    const p = records[i];
    if (p?.cls === 'sale' && p.record.status === 'success' && taken[i] === 0)
      remaining[i] = Math.abs(p.record.amountFen);
  }
  for (let i = 0; i < records.length; i += 1) {
    const p = records[i];
    const s = parent[i] ?? -1;
    if (p === undefined || s < 0) continue;
    remaining[s] = p.cls === 'refund' ? Math.max(0, (remaining[s] ?? 0) - Math.abs(p.record.amountFen)) : 0;
  }
  // The bucket kinds the pending refunds ask for (by which of terminal and payer they show), and the sales
  // (merchant, day, amount) the pending voids ask for.
  const kindsNeeded = new Set<number>();
  const voidKeys = new Set<string>();
  for (const i of pending) {
    const p = records[i];
    if (p === undefined) continue;
    if (p.cls === 'refund') kindsNeeded.add(bucketKindOf(p.record));
    else voidKeys.add(voidKeyOf(p.record, Math.abs(p.record.amountFen)));
  }
  const buckets = new Map<string, SaleBucket>();
  // Per kind, each sale's bucket and position in it, to update what it has left.
  const homes = new Map<number, { bucket: (SaleBucket | undefined)[]; pos: Int32Array }>();
  for (const kind of kindsNeeded)
    homes.set(kind, {
      bucket: new Array<SaleBucket | undefined>(records.length),
      pos: new Int32Array(records.length),
    });
  const voidSales = new Map<string, number[]>();
  const signatures = new Set<number>();
  for (let i = 0; i < records.length; i += 1) {
    const p = records[i];
    if (p?.cls !== 'sale' || remaining[i] === 0) continue;
    const r = p.record;
    const lacks = lacksOf(r);
    signatures.add(lacks);
    for (const [kind, home] of homes) {
      const key = bucketKeyOf(r, lacks, kind, terminalLinkKey(r) ?? '-', payerLinkKey(r) ?? '-');
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = new SaleBucket();
        buckets.set(key, bucket);
      }
      home.bucket[i] = bucket;
      home.pos[i] = bucket.sales.length;
      bucket.sales.push(i);
      bucket.ms.push(p.ms);
    }
    if (voidKeys.size > 0) {
      const key = voidKeyOf(r, Math.abs(r.amountFen));
      if (voidKeys.has(key)) {
        const list = voidSales.get(key);
        if (list === undefined) voidSales.set(key, [i]);
        else list.push(i);
      }
    }
  }
  for (const bucket of buckets.values()) bucket.seal(remaining);
  const setRemaining = (sale: number, value: number) => {
    remaining[sale] = value;
    for (const home of homes.values()) home.bucket[sale]?.set(home.pos[sale] ?? 0, value);
  };

  for (const i of pending) {
    const p = records[i];
    if (p === undefined) continue;
    const r = p.record;
    const need = Math.abs(r.amountFen);
    const names = namesOf(r);
    const tid = terminalLinkKey(r);
    const payer = payerLinkKey(r);
    const found: number[] = [];
    if (p.cls === 'refund') {
      const kind = bucketKindOf(r);
      const from = p.ms - windowMs;
      for (const lacks of signatures) {
        if ((lacks & names) !== names) continue;
        for (const t of tid === undefined ? [''] : [tid, '-'])
          for (const payerKey of payer === undefined ? [''] : [payer, '-']) {
            const bucket = buckets.get(bucketKeyOf(r, lacks, kind, t, payerKey));
            if (bucket === undefined) continue;
            let hi = bucket.endAt(p.ms);
            for (let n = 0; n <= MAX_LISTED_CANDIDATES; n += 1) {
              const pos = bucket.lastAtLeast(hi, need);
              if (pos < 0 || (bucket.ms[pos] ?? 0) < from) break;
              found.push(bucket.sales[pos] ?? -1);
              hi = pos - 1;
            }
          }
      }
    } else {
      const list = voidSales.get(voidKeyOf(r, need)) ?? [];
      for (let k = list.length - 1; k >= 0 && found.length <= MAX_LISTED_CANDIDATES; k -= 1) {
        const s = list[k] ?? -1;
        const sp = records[s];
        if (sp === undefined || sp.ms > p.ms || remaining[s] !== need) continue;
        const sr = sp.record;
        if ((lacksOf(sr) & names) !== names) continue;
        const st = terminalLinkKey(sr);
        const sPayer = payerLinkKey(sr);
        if (tid !== undefined && st !== undefined && tid !== st) continue;
        if (payer !== undefined && sPayer !== undefined && payer !== sPayer) continue;
        found.push(s);
      }
    }
    if (found.length === 1) {
      const s = found[0] ?? -1;
      parent[i] = s;
      inferred[i] = 1;
      if (p.cls === 'refund') setRemaining(s, Math.max(0, (remaining[s] ?? 0) - need));
      else {
        taken[s] = 1;
        setRemaining(s, 0);
      }
    } else if (found.length > 1) {
      // Latest first, as a person would look back from the cancel.
      found.sort((a, b) => (records[b]?.ms ?? 0) - (records[a]?.ms ?? 0) || b - a);
      ambiguous.push({
        cancel: i,
        sales: found.slice(0, MAX_LISTED_CANDIDATES),
        more: found.length > MAX_LISTED_CANDIDATES,
      });
    }
  }
}

/**
 * A cancel names an original that is not this sale: a 原参考号, 原凭证号 (on one terminal) or 原订单号 that the
 * sale carries under another value (an order number only against one of its kind, see {@link orderNumbersConflict}).
 * A statement refund's sale inferred without keys is checked against what its journal line names (the journal may
 * give the 原参考号 the statement leaves out).
 */
export function namesAnotherSale(cancel: PosRecord, sale: PosRecord): boolean {
  const originalRef = refKeyOf(cancel.originalRefNo);
  const ref = refKeyOf(sale.refNo);
  if (originalRef !== undefined && ref !== undefined && originalRef !== ref) return true;
  if (
    cancel.originalVoucherNo !== undefined &&
    sale.voucherNo !== undefined &&
    numberKeyOf(cancel.originalVoucherNo) !== numberKeyOf(sale.voucherNo)
  )
    return true;
  // The journal's 原订单号 may be the WeChat transaction id where the statement's sale carries the provider's own
  // LS… 订单号 (and the WeChat id as 第三方订单号): only a number of the same kind that differs names another sale.
  const original = cancel.originalOrderNo;
  if (original === undefined || original === sale.orderNo || original === sale.providerOrderNo) return false;
  return (
    sameKindDiffer(original, false, sale.orderNo, false) ||
    sameKindDiffer(original, false, sale.providerOrderNo, true)
  );
}

/** Key bits: the 参考号, the 凭证号, the order number. */
const REF_BIT = 1;
const VOUCHER_BIT = 2;
const ORDER_BIT = 4;

/** Which of its own keys a sale lacks. */
function lacksOf(r: PosRecord): number {
  return (
    (r.refNo === undefined ? REF_BIT : 0) |
    (r.voucherNo === undefined ? VOUCHER_BIT : 0) |
    (r.orderNo === undefined ? ORDER_BIT : 0)
  );
}

/** Which original keys a cancel names: a sale it could be must lack each (one that has it was looked up). */
function namesOf(r: PosRecord): number {
  return (
    (r.originalRefNo !== undefined ? REF_BIT : 0) |
    (r.originalVoucherNo !== undefined ? VOUCHER_BIT : 0) |
    (r.originalOrderNo !== undefined ? ORDER_BIT : 0)
  );
}

/** A terminal as the link compares it: without leading zeros, case aside. */
function terminalLinkKey(r: PosRecord): string | undefined {
  return r.terminalId === undefined ? undefined : numberKeyOf(r.terminalId).toUpperCase();
}

/**
 * The payer as the link compares it within one side: a masked card by its first six and last four digits (one
 * file masks all its cards alike), or its last four where it shows fewer in front; a wallet's user id.
 */
function payerLinkKey(r: PosRecord): string | undefined {
  const card = r.cardNo;
  if (card === undefined) return r.payerId === undefined ? undefined : `u${r.payerId}`;
  const last4 = /(\d{4})$/.exec(card)?.[1];
  if (last4 === undefined) return `c${card}`;
  const bin = /^(\d{6})/.exec(card)?.[1];
  return bin === undefined ? `*${last4}` : `${bin}*${last4}`;
}

/** A refund's bucket kind: 0 it shows terminal and payer, 1 the terminal only, 2 the payer only, 3 neither. */
function bucketKindOf(r: PosRecord): number {
  return (r.terminalId === undefined ? 2 : 0) + (payerLinkKey(r) === undefined ? 1 : 0);
}

/** A bucket's key: merchant, the keys its sales lack, then the terminal and payer the kind sorts by. */
function bucketKeyOf(r: PosRecord, lacks: number, kind: number, terminal: string, payer: string): string {
  const byTerminal = kind === 0 || kind === 1;
  const byPayer = kind === 0 || kind === 2;
  return `${r.merchantId ?? ''}\u0001${lacks}\u0001${kind}\u0001${byTerminal ? terminal : ''}\u0001${byPayer ? payer : ''}`;
}

function voidKeyOf(r: PosRecord, amountFen: number): string {
  return `${r.merchantId ?? ''}\u0001${localDateOf(r.time)}\u0001${amountFen}`;
}

/**
 * The sales of one bucket in time order, with a max-tree over what each can still have refunded: the latest
 * sale before a refund with enough left is found in O(log n), however many smaller sales lie between.
 */
class SaleBucket {
  readonly sales: number[] = [];
  readonly ms: number[] = [];
  private size = 1;
  private tree = new Float64Array(2);

  seal(remaining: Float64Array): void {
    while (this.size < this.sales.length) this.size *= 2;
    this.tree = new Float64Array(2 * this.size);
    for (let k = 0; k < this.sales.length; k += 1)
      this.tree[this.size + k] = remaining[this.sales[k] ?? 0] ?? 0;
    for (let n = this.size - 1; n >= 1; n -= 1)
      this.tree[n] = Math.max(this.tree[2 * n] ?? 0, this.tree[2 * n + 1] ?? 0);
  }

  set(pos: number, value: number): void {
    let n = this.size + pos;
    this.tree[n] = value;
    for (n >>= 1; n >= 1; n >>= 1) this.tree[n] = Math.max(this.tree[2 * n] ?? 0, this.tree[2 * n + 1] ?? 0);
  }

  /** The number of sales at or before `ms`, less one: the last position a cancel at `ms` can look at. */
  endAt(ms: number): number {
    let lo = 0;
    let hi = this.ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ms[mid] ?? 0) <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The last position at or before `hi` with at least `need` left, or -1. */
  lastAtLeast(hi: number, need: number): number {
    return hi < 0 ? -1 : this.descend(1, 0, this.size - 1, hi, need);
  }

  private descend(node: number, lo: number, top: number, hi: number, need: number): number {
    if (lo > hi || (this.tree[node] ?? 0) < need) return -1;
    if (lo === top) return lo;
    const mid = (lo + top) >> 1;
    const right = this.descend(2 * node + 1, mid + 1, top, hi, need);
    return right >= 0 ? right : this.descend(2 * node, lo, mid, hi, need);
  }
}

/**
 * What {@link undoesACancellation} reads of a line: a PosRecord, or a stored row's columns under these names
 * (null where a column is empty).
 */
export interface UndoKeys {
  readonly type: string;
  readonly terminalId?: string | null | undefined;
  readonly refNo?: string | null | undefined;
  readonly voucherNo?: string | null | undefined;
  readonly orderNo?: string | null | undefined;
  readonly originalRefNo?: string | null | undefined;
  readonly originalVoucherNo?: string | null | undefined;
  readonly originalOrderNo?: string | null | undefined;
}

/** A 凭证号 as a key: it counts within its terminal only. */
function terminalVoucherKey(
  terminalId: string | null | undefined,
  voucher: string | null | undefined,
): string | undefined {
  return terminalId === undefined || terminalId === null || voucher === undefined || voucher === null
    ? undefined
    : `${terminalId}|${numberKeyOf(voucher)}`;
}

/**
 * Whether a sale-typed line undoes a cancellation rather than making a sale: its original keys (原参考号, 原凭证号
 * on its terminal, 原订单号) name a transaction other than itself — a void reversed (撤销冲正), a refund cancelled
 * or reversed (退货撤销, 退货冲正), which the importer reads as sales (value-map.ts). {@link linkUndoings} finds the
 * cancellation it undoes; found or not (an orphan), the audit prices no sale for it. Exported so that the
 * monitor and compare, which read such lines one by one or from storage, decide as the audit does.
 */
export function undoesACancellation(r: UndoKeys): boolean {
  if (r.type !== 'sale') return false;
  const originalRef = refKeyOf(r.originalRefNo ?? undefined);
  if (originalRef !== undefined && originalRef !== refKeyOf(r.refNo ?? undefined)) return true;
  const originalVoucher = terminalVoucherKey(r.terminalId, r.originalVoucherNo);
  if (originalVoucher !== undefined && originalVoucher !== terminalVoucherKey(r.terminalId, r.voucherNo))
    return true;
  const originalOrder = r.originalOrderNo ?? undefined;
  return originalOrder !== undefined && originalOrder !== (r.orderNo ?? undefined);
}

/** The lines that undo a cancellation, and those that name an original not found (see {@link linkUndoings}). */
export interface Undoings {
  /** For each record, the index of the void, reversal or refund it undoes, or -1. */
  readonly undoes: Int32Array;
  /** Lines that name an original no void, reversal or refund here is, nor cancels: their cancellation is missing. */
  readonly orphans: number[];
}

/**
 * A cancellation cancelled — a void reversed (撤销冲正), a refund cancelled or reversed (退货撤销, 退货冲正) — gives
 * back what the cancellation took, so the importer reads it as a sale (value-map.ts); this finds, for each such
 * line, the cancellation it undoes: the void, reversal or refund its original keys (原参考号, 原凭证号, 原订单号)
 * name, or one that names the same original (a reversal repeats the message it reverses, 原凭证号 and all); else,
 * for a reversal that carries the trace of what it reverses, one of the same amount with its own 参考号, or its
 * terminal and 凭证号 in the same batch (or day, without batches). Only a cancellation earlier in the order
 * {@link compareTimeThenSource} gives, and one that does not cancel the line itself: a statement that dates every
 * line 00:00 and gives a void its sale's 参考号 must not read the sale as undoing its own void. A sale-typed line
 * that names an original (other than itself) and finds none is an orphan.
 */
export function linkUndoings(records: readonly Prepared[]): Undoings {
  const undoes = new Int32Array(records.length).fill(-1);
  const orphans: number[] = [];
  const byRef = new Map<string, number[]>();
  const byVoucher = new Map<string, number[]>();
  const byOrder = new Map<string, number[]>();
  const byOriginalRef = new Map<string, number[]>();
  const byOriginalVoucher = new Map<string, number[]>();
  const byOriginalOrder = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string | undefined, i: number) => {
    if (key === undefined) return;
    const list = map.get(key);
    if (list === undefined) map.set(key, [i]);
    else list.push(i);
  };
  const voucherKey = (r: PosRecord, voucher: string | undefined) => terminalVoucherKey(r.terminalId, voucher);
  for (let i = 0; i < records.length; i += 1) {
    const p = records[i];
    if (p === undefined || p.cls === undefined || p.cls === 'sale') continue;
    const r = p.record;
    push(byRef, refKeyOf(r.refNo), i);
    push(byVoucher, voucherKey(r, r.voucherNo), i);
    push(byOrder, r.orderNo, i);
    push(byOriginalRef, refKeyOf(r.originalRefNo), i);
    push(byOriginalVoucher, voucherKey(r, r.originalVoucherNo), i);
    push(byOriginalOrder, r.originalOrderNo, i);
  }
  const taken = new Uint8Array(records.length);
  const anyCancellation = byRef.size > 0 || byVoucher.size > 0 || byOrder.size > 0;
  for (let i = 0; i < records.length; i += 1) {
    const p = records[i];
    if (p === undefined || p.record.type !== 'sale') continue;
    const r = p.record;
    // Without a cancellation only a sale naming an original matters (an orphan): no key strings for the rest.
    if (
      !anyCancellation &&
      r.originalRefNo === undefined &&
      r.originalVoucherNo === undefined &&
      r.originalOrderNo === undefined
    )
      continue;
    const ref = refKeyOf(r.refNo);
    const voucher =
      byVoucher.size > 0 || byOriginalVoucher.size > 0 || r.originalVoucherNo !== undefined
        ? voucherKey(r, r.voucherNo)
        : undefined;
    const originalRef = refKeyOf(r.originalRefNo);
    const originalVoucher = voucherKey(r, r.originalVoucherNo);
    const originalOrder = r.originalOrderNo;
    const namesOriginal = undoesACancellation(r);
    // Most sales name no original and share no key with a cancellation: two lookups.
    if (
      !namesOriginal &&
      (ref === undefined || !byRef.has(ref)) &&
      (voucher === undefined || !byVoucher.has(voucher))
    )
      continue;
    /** The latest cancellation of a list before this line, not yet undone, that `fits`. */
    const latest = (list: number[] | undefined, fits?: (c: PosRecord) => boolean): number | undefined => {
      if (list === undefined) return undefined;
      for (let k = list.length - 1; k >= 0; k -= 1) {
        const c = list[k] ?? -1;
        const cr = records[c]?.record;
        if (c >= i || cr === undefined || taken[c] === 1) continue;
        if (ref !== undefined && refKeyOf(cr.originalRefNo) === ref) continue;
        if (voucher !== undefined && voucherKey(cr, cr.originalVoucherNo) === voucher) continue;
        if (fits === undefined || fits(cr)) return c;
      }
      return undefined;
    };
    const sameAmount = (c: PosRecord) => Math.abs(c.amountFen) === Math.abs(r.amountFen);
    const sameBatch = (c: PosRecord) =>
      sameAmount(c) &&
      (c.batchNo !== undefined && r.batchNo !== undefined
        ? numberKeyOf(c.batchNo) === numberKeyOf(r.batchNo)
        : localDateOf(c.time) === localDateOf(r.time));
    let found: number | undefined;
    if (namesOriginal)
      found =
        (originalRef !== undefined ? latest(byRef.get(originalRef)) : undefined) ??
        (originalVoucher !== undefined ? latest(byVoucher.get(originalVoucher)) : undefined) ??
        (originalOrder !== undefined ? latest(byOrder.get(originalOrder)) : undefined) ??
        (originalRef !== undefined ? latest(byOriginalRef.get(originalRef)) : undefined) ??
        (originalVoucher !== undefined ? latest(byOriginalVoucher.get(originalVoucher)) : undefined) ??
        (originalOrder !== undefined ? latest(byOriginalOrder.get(originalOrder)) : undefined);
    found ??=
      (ref !== undefined ? latest(byRef.get(ref), sameAmount) : undefined) ??
      (voucher !== undefined ? latest(byVoucher.get(voucher), sameBatch) : undefined);
    if (found !== undefined) {
      undoes[i] = found;
      taken[found] = 1;
    } else if (namesOriginal) orphans.push(i);
  }
  return { undoes, orphans };
}
