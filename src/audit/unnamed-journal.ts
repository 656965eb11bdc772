// A merchant's own cashier or POS journal seldom carries the provider's merchant number, while the provider's
// statement does: audited by number, the two would never meet and every check that needs both would be skipped.
// Journal lines without a number belong to the statements' merchant when the statements name exactly one (a
// merchant auditing its own files). With several (an agent's file, or a shop's WeChat bill, Alipay 业务明细 and card
// statement, each under its own merchant number), a line goes to the one merchant whose statements carry its
// payment channel, else to the one its terminal appears on; the others cannot be placed and stay as they are.
// Either way a line paid by a channel no statement carries (an Alipay sale beside only a WeChat bill) is never
// placed: the WeChat merchant was never going to settle it, and calling it unsettled would be a false finding.
import type { PosRecord } from '../records/record.js';
import { CHANNEL_NAMES_ZH, CHANNELS, type Channel } from '../records/vocabulary.js';
import {
  CARRIES_ALIPAY,
  CARRIES_ANY,
  CARRIES_CARD,
  CARRIES_WECHAT,
  type ChannelMask,
  channelBit,
  noteChannels,
} from './coverage.js';

/** Journal lines without a merchant number, and where they went. */
export interface UnnamedJournal {
  /** How many journal lines had no merchant number. */
  count: number;
  /**
   * The statements' only merchant, which they were audited with (all but `uncarried`); undefined when the
   * statements name several.
   */
  merchantId?: string;
  /** With several merchants: how many lines went to a merchant by their terminal (absent when none did). */
  byTerminal?: number;
  /**
   * With several merchants: how many lines went to the one merchant whose statements carry their payment channel
   * (absent when none did).
   */
  byChannel?: number;
  /** Lines paid by channels no statement carries, and those channels: not placed (absent when there were none). */
  uncarried?: { count: number; channels: Channel[] };
}

/** Each terminal's merchant on the statements: the one merchant all its lines name, or null when they name several. */
export type TerminalMerchants = Map<string, string | null>;

/**
 * Records that statement lines of `terminalId` name `merchantId`: a second merchant, or a terminal another file
 * already found shared (null), makes the terminal null.
 */
export function noteTerminalMerchant(
  map: TerminalMerchants,
  terminalId: string,
  merchantId: string | null,
): void {
  const known = map.get(terminalId);
  if (known === undefined) map.set(terminalId, merchantId);
  else if (known !== null && known !== merchantId) map.set(terminalId, null);
}

/** Whether a record is a journal line without a merchant number. */
export function isUnnamedJournalLine(r: PosRecord): boolean {
  return r.kind === 'terminal' && (r.merchantId === undefined || r.merchantId === '');
}

/** Per merchant the statement lines name ('' for none), the channel families those lines carry. */
export type MerchantChannels = ReadonlyMap<string, ChannelMask>;

/** What the statements say about where each channel family can go, worked out once for all journal lines. */
interface FamilyCarriers {
  /** How many merchants may carry it (their lines carry it, or lines of unknown channel), up to 2. */
  may: number;
  /** The merchant, when `may` is 1. */
  onlyMay: string | undefined;
  /** How many merchants' lines do carry it, up to 2; and the merchant, when one does. */
  sure: number;
  onlySure: string | undefined;
}

/**
 * Where journal lines without a merchant number go: with the statements' only merchant (`carries`: the channel
 * families its lines carry), or each by its payment channel and terminal.
 */
export type JournalPlacement =
  | { merchantId: string; carries: ChannelMask }
  | { terminals: TerminalMerchants; carried: MerchantChannels; families: Map<number, FamilyCarriers> };

/**
 * Where journal lines without a merchant number go, given each statement line's merchant number ('' for none)
 * with the channel families it carries (every statement line's, in scope or not) and the statements' terminals
 * (asked for only when the statements name several merchants). Undefined when there are no statements or some
 * line has no number: the journal then meets those lines as it is.
 */
export function journalPlacement(
  carried: MerchantChannels,
  terminals: () => TerminalMerchants,
): JournalPlacement | undefined {
  if (carried.size === 0 || carried.has('')) return undefined;
  const [first] = carried;
  if (carried.size === 1 && first !== undefined) return { merchantId: first[0], carries: first[1] };
  const families = new Map<number, FamilyCarriers>();
  for (const bit of [CARRIES_CARD, CARRIES_WECHAT, CARRIES_ALIPAY]) {
    const f: FamilyCarriers = { may: 0, onlyMay: undefined, sure: 0, onlySure: undefined };
    for (const [merchantId, mask] of carried) {
      if ((mask & (bit | CARRIES_ANY)) === 0) continue;
      if (f.may++ === 0) f.onlyMay = merchantId;
      if ((mask & bit) !== 0 && f.sure++ === 0) f.onlySure = merchantId;
      if (f.may > 1 && f.sure > 1) break;
    }
    families.set(bit, f);
  }
  return { terminals: terminals(), carried, families };
}

/**
 * Where one journal line without a number goes: a merchant, and whether its channel decided it (with several
 * merchants); `uncarried` when no statement carries its channel; undefined when it cannot be placed otherwise (its
 * terminal is on no statement line, or on several merchants').
 */
export function placeJournalLine(
  placement: JournalPlacement,
  r: PosRecord,
): { merchantId: string; byChannel: boolean } | 'uncarried' | undefined {
  const bit = channelBit(r.channel);
  if ('merchantId' in placement) {
    const carried = bit === CARRIES_ANY || (placement.carries & (bit | CARRIES_ANY)) !== 0;
    return carried ? { merchantId: placement.merchantId, byChannel: false } : 'uncarried';
  }
  const byTerminal = r.terminalId === undefined ? undefined : placement.terminals.get(r.terminalId);
  const family = placement.families.get(bit);
  // A channel that names no family (unknown, other): its terminal alone says where it goes.
  if (family === undefined)
    return byTerminal === undefined || byTerminal === null
      ? undefined
      : { merchantId: byTerminal, byChannel: false };
  if (family.may === 0) return 'uncarried';
  if (family.may === 1 && family.onlyMay !== undefined)
    return { merchantId: family.onlyMay, byChannel: true };
  // Several merchants may take it: its terminal decides when that is one of them; else the one merchant whose
  // lines do carry the channel, over those whose lines do not say.
  if (byTerminal !== undefined && byTerminal !== null) {
    const mask = placement.carried.get(byTerminal) ?? 0;
    if ((mask & (bit | CARRIES_ANY)) !== 0) return { merchantId: byTerminal, byChannel: false };
  }
  if (family.sure === 1 && family.onlySure !== undefined)
    return { merchantId: family.onlySure, byChannel: true };
  return undefined;
}

/** Counts what became of journal lines without a number, one line at a time, into an UnnamedJournal. */
export class UnnamedJournalTally {
  private count = 0;
  private placedLines = 0;
  private byChannel = 0;
  private uncarried = 0;
  private readonly uncarriedChannels = new Set<Channel>();

  constructor(private readonly placement: JournalPlacement) {}

  /** Places one line (see placeJournalLine) and counts it: the merchant it goes to, if any. */
  place(r: PosRecord): string | undefined {
    this.count += 1;
    const placed = placeJournalLine(this.placement, r);
    if (placed === 'uncarried') {
      this.uncarried += 1;
      this.uncarriedChannels.add(r.channel);
      return undefined;
    }
    if (placed === undefined) return undefined;
    this.placedLines += 1;
    if (placed.byChannel) this.byChannel += 1;
    return placed.merchantId;
  }

  /** Counts `n` lines that all went to the statements' only merchant, without looking at them. */
  placedAll(n: number): void {
    this.count += n;
    this.placedLines += n;
  }

  /** How many lines were placed. */
  get placed(): number {
    return this.placedLines;
  }

  journal(): UnnamedJournal {
    const { count } = this;
    const uncarried =
      this.uncarried === 0
        ? {}
        : {
            uncarried: {
              count: this.uncarried,
              channels: CHANNELS.filter((c) => this.uncarriedChannels.has(c)),
            },
          };
    if ('merchantId' in this.placement) return { count, merchantId: this.placement.merchantId, ...uncarried };
    const byTerminal = this.placedLines - this.byChannel;
    return {
      count,
      ...(byTerminal === 0 ? {} : { byTerminal }),
      ...(this.byChannel === 0 ? {} : { byChannel: this.byChannel }),
      ...uncarried,
    };
  }
}

/** Per merchant the statement lines name ('' for none), the channel families they carry. */
export function channelsOfStatements(settlement: readonly PosRecord[]): Map<string, ChannelMask> {
  const carried = new Map<string, ChannelMask>();
  for (const r of settlement) noteChannels(carried, r.merchantId ?? '', channelBit(r.channel));
  return carried;
}

/**
 * The journal with its lines that have no merchant number given the statements' only merchant, or with several
 * the merchant their channel or terminal points to (copies; the input is not changed), and what was done, when
 * there were such lines.
 */
export function attributeUnnamedJournal(
  terminal: readonly PosRecord[],
  settlement: readonly PosRecord[],
): { terminal: readonly PosRecord[]; unnamed?: UnnamedJournal } {
  if (!terminal.some(isUnnamedJournalLine)) return { terminal };
  const placement = journalPlacement(channelsOfStatements(settlement), () => {
    const terminals: TerminalMerchants = new Map();
    for (const r of settlement)
      if (r.terminalId !== undefined) noteTerminalMerchant(terminals, r.terminalId, r.merchantId ?? '');
    return terminals;
  });
  if (placement === undefined) return { terminal };
  const tally = new UnnamedJournalTally(placement);
  const withMerchants = terminal.map((r) => {
    const merchantId = isUnnamedJournalLine(r) ? tally.place(r) : undefined;
    return merchantId === undefined ? r : { ...r, merchantId };
  });
  return { terminal: tally.placed === 0 ? terminal : withMerchants, unnamed: tally.journal() };
}

/** The warning that says what became of journal lines without a merchant number. */
export function unnamedJournalWarning(unnamed: UnnamedJournal): string {
  const { count, merchantId, byTerminal = 0, byChannel = 0, uncarried } = unnamed;
  const u = uncarried?.count ?? 0;
  const channelsZh = (uncarried?.channels ?? []).map((c) => CHANNEL_NAMES_ZH[c]).join('、');
  const channelsEn = (uncarried?.channels ?? []).join(', ');
  if (merchantId !== undefined) {
    const placed = count - u;
    if (u === 0)
      return (
        `${count} 笔终端流水没有商户号，已按对账单中唯一的商户 ${merchantId} 核对 / ` +
        `${count} journal lines have no merchant number and were audited with the statements' only merchant, ${merchantId}`
      );
    if (placed === 0)
      return (
        `${count} 笔终端流水没有商户号，其支付方式（${channelsZh}）不在对账单中，未与对账单核对 / ` +
        `${count} journal lines have no merchant number and were paid by channels the statements do not carry (${channelsEn}): they were not reconciled with the statements`
      );
    return (
      `${count} 笔终端流水没有商户号：${placed} 笔已按对账单中唯一的商户 ${merchantId} 核对；其余 ${u} 笔的支付方式（${channelsZh}）不在对账单中，未与对账单核对 / ` +
      `${count} journal lines have no merchant number: ${placed} were audited with the statements' only merchant, ${merchantId}; the other ${u} were paid by channels the statements do not carry (${channelsEn}) and were not reconciled with the statements`
    );
  }
  const placed = byTerminal + byChannel;
  if (placed === 0 && u === 0)
    return (
      `${count} 笔终端流水没有商户号，而对账单有多个商户，无法对应到商户，未与对账单核对；请按商户分别核对，或导出含商户号的流水 / ` +
      `${count} journal lines have no merchant number while the statements have several merchants: they could not be placed and were not reconciled with the statements; audit each merchant apart, or export the journal with its merchant number`
    );
  const rest = count - placed;
  const other = rest - u;
  const placedZh: string[] = [];
  const placedEn: string[] = [];
  if (byChannel > 0) {
    placedZh.push(`${byChannel} 笔按支付方式对应到对账单中收该支付方式的商户核对`);
    placedEn.push(`${byChannel} were audited with the merchant whose statements carry their payment channel`);
  }
  if (byTerminal > 0) {
    placedZh.push(`${byTerminal} 笔按终端号对应到对账单中的商户核对`);
    placedEn.push(
      `${byTerminal} were audited with the merchant whose statement lines their terminal appears on`,
    );
  }
  const uncarriedZh = `的支付方式（${channelsZh}）不在对账单中`;
  const uncarriedEn = `were paid by channels no statement carries (${channelsEn})`;
  const terminalZh = '的终端不在对账单中或属于多个商户';
  const terminalEn = 'have a terminal no statement line names, or one several merchants share';
  if (placed === 0)
    return (
      `${count} 笔终端流水没有商户号：${u} 笔${uncarriedZh}${other > 0 ? `、${other} 笔${terminalZh}` : ''}，未与对账单核对 / ` +
      `${count} journal lines have no merchant number: ${u} ${uncarriedEn}${other > 0 ? ` and ${other} ${terminalEn}` : ''}; they were not reconciled with the statements`
    );
  const restZh =
    rest === 0
      ? ''
      : u === 0
        ? `；其余 ${rest} 笔${terminalZh}，未与对账单核对`
        : other === 0
          ? `；其余 ${rest} 笔${uncarriedZh}，未与对账单核对`
          : `；其余 ${rest} 笔中 ${u} 笔${uncarriedZh}、${other} 笔${terminalZh}，未与对账单核对`;
  const restEn =
    rest === 0
      ? ''
      : u === 0
        ? `; the other ${rest} ${terminalEn}, and were not reconciled with the statements`
        : other === 0
          ? `; the other ${rest} ${uncarriedEn} and were not reconciled with the statements`
          : `; of the other ${rest}, ${u} ${uncarriedEn} and ${other} ${terminalEn}: they were not reconciled with the statements`;
  return (
    `${count} 笔终端流水没有商户号：${placedZh.join('，')}${restZh} / ` +
    `${count} journal lines have no merchant number: ${placedEn.join(', ')}${restEn}`
  );
}
