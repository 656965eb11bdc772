import { createHash } from 'node:crypto';
import { formatFen } from '../money/fen.js';
import { maskCardNumbersIn } from '../records/card-number.js';
import type { PosRecord } from '../records/record.js';
import { type CardType, type Channel, channelCardWords } from '../records/vocabulary.js';
import { isHeldMoney } from './rebates.js';
import type { Finding, FindingKind, SourceRef } from './report-types.js';

/** A finding before its id is fixed; optional fields may be undefined and are dropped. */
export interface FindingDraft {
  kind: FindingKind;
  merchantId: string;
  /** Key fields the id is derived from, besides kind and merchant. */
  keys: readonly (string | number | undefined)[];
  refNo?: string | undefined;
  /** The POS 凭证号/流水号: how a cashier's export, with no 参考号, names the sale. */
  voucherNo?: string | undefined;
  orderNo?: string | undefined;
  terminalId?: string | undefined;
  time?: string | undefined;
  settleDate?: string | undefined;
  channel?: Channel | undefined;
  card?: CardType | undefined;
  amountFen?: number | undefined;
  expectedFeeFen?: number | undefined;
  chargedFeeFen?: number | undefined;
  overchargeFen: number;
  lossFen: number;
  basis?: 'plan' | 'inferred' | undefined;
  rule?: { text: string; textEn?: string; line: number } | undefined;
  /** For a fee kept on a sale a settled void or reversal netted: which of the two cancelled it. */
  cancelledBy?: 'void' | 'reversal' | undefined;
  /** An unplanned deduction line's own name on the statement: which rebate can make it good (rebates.ts). */
  label?: string | undefined;
  message: string;
  messageEn: string;
  source: SourceRef[];
}

/** The transaction fields of a finding taken from its records: the journal's keys first, then the statement's. */
export function transactionFields(
  primary: PosRecord,
  other?: PosRecord,
): Pick<
  FindingDraft,
  'refNo' | 'voucherNo' | 'orderNo' | 'terminalId' | 'time' | 'settleDate' | 'channel' | 'card' | 'amountFen'
> {
  return {
    refNo: primary.refNo ?? other?.refNo,
    voucherNo: primary.voucherNo ?? other?.voucherNo,
    orderNo: primary.orderNo ?? other?.orderNo,
    terminalId: primary.terminalId ?? other?.terminalId,
    time: primary.time,
    settleDate: primary.settleDate ?? other?.settleDate,
    channel: primary.channel,
    card: primary.card,
    amountFen: primary.amountFen,
  };
}

/** Who the transaction is, in words: “2026-08-03 09:12:00 参考号 123456789012 刷卡贷记卡 ¥1,234.56”. */
export function describeTransaction(r: PosRecord): { zh: string; en: string } {
  const when = r.time.slice(0, 19).replace('T', ' ');
  const keyZh =
    r.refNo !== undefined ? ` 参考号 ${r.refNo}` : r.orderNo !== undefined ? ` 订单号 ${r.orderNo}` : '';
  const keyEn =
    r.refNo !== undefined ? ` ref ${r.refNo}` : r.orderNo !== undefined ? ` order ${r.orderNo}` : '';
  const terminalZh = r.terminalId !== undefined ? ` 终端 ${r.terminalId}` : '';
  const terminalEn = r.terminalId !== undefined ? ` terminal ${r.terminalId}` : '';
  const paid = channelCardWords(r.channel, r.card);
  return {
    zh: `${when}${keyZh}${terminalZh} ${paid.zh} ${formatFen(r.amountFen)}`,
    en: `${when}${keyEn}${terminalEn} ${paid.en} ${formatFen(r.amountFen)}`,
  };
}

export function sourceOf(...records: (PosRecord | undefined)[]): SourceRef[] {
  const out: SourceRef[] = [];
  for (const r of records) if (r !== undefined) out.push({ file: r.source.file, row: r.source.row });
  return out;
}

function hashId(parts: readonly (string | number | undefined)[]): string {
  return createHash('sha1')
    .update(parts.map((p) => (p === undefined ? '' : String(p))).join('\u0001'))
    .digest('hex')
    .slice(0, 16);
}

function compareSource(a: FindingDraft, b: FindingDraft): number {
  const sa = a.source[0];
  const sb = b.source[0];
  const fa = sa?.file ?? '';
  const fb = sb?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (sa?.row ?? 0) - (sb?.row ?? 0);
}

/**
 * Fixes ids (sha1 of kind, merchant and key fields; drafts that share all of them are told apart by their
 * sources' order, which does not depend on input order), drops undefined fields and sorts the findings by
 * merchant, time, kind and id.
 */
export function finalizeFindings(drafts: FindingDraft[]): Finding[] {
  const byBase = new Map<string, FindingDraft[]>();
  for (const d of drafts) {
    const base = hashId([d.kind, d.merchantId, ...d.keys]);
    const list = byBase.get(base);
    if (list === undefined) byBase.set(base, [d]);
    else list.push(d);
  }
  const out: Finding[] = [];
  for (const [base, list] of byBase) {
    list.sort(compareSource);
    list.forEach((d, i) => {
      out.push(toFinding(d, i === 0 ? base : hashId([base, i])));
    });
  }
  out.sort((a, b) => {
    const ma = a.merchantId ?? '';
    const mb = b.merchantId ?? '';
    if (ma !== mb) return ma < mb ? -1 : 1;
    const ta = a.time ?? a.settleDate ?? '';
    const tb = b.time ?? b.settleDate ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return out;
}

/**
 * What a deduction of money the provider froze (资金冻结, rebates.ts HELD_GROUP) adds to its message: the money is
 * not lost yet but held, paid once released (解冻), and the merchant should ask why. The audit words every short
 * settlement alike; only the label tells a freeze apart.
 */
function heldMoneyNote(d: FindingDraft): { zh: string; en: string } {
  if (d.kind !== 'unplanned_deduction' || !isHeldMoney(d.label)) return { zh: '', en: '' };
  return {
    zh: '。这笔结算款被服务商冻结（资金冻结），解冻后才会打款到账；请联系服务商客服询问冻结原因及何时解冻',
    en: '. The provider has frozen this settled money (资金冻结) and pays it only once it is released (解冻): ask the provider’s customer service why it was frozen and when it will be released',
  };
}

function toFinding(d: FindingDraft, id: string): Finding {
  const held = heldMoneyNote(d);
  const f: Finding = {
    id,
    kind: d.kind,
    overchargeFen: d.overchargeFen,
    lossFen: d.lossFen,
    // A label or memo quoted from a statement may hold a full card number (卡6217…); a report is shared.
    message: maskCardNumbersIn(d.message + held.zh),
    messageEn: maskCardNumbersIn(d.messageEn + held.en),
    source: d.source,
  };
  if (d.merchantId !== '') f.merchantId = d.merchantId;
  if (d.refNo !== undefined) f.refNo = d.refNo;
  if (d.voucherNo !== undefined) f.voucherNo = d.voucherNo;
  if (d.orderNo !== undefined) f.orderNo = d.orderNo;
  if (d.terminalId !== undefined) f.terminalId = d.terminalId;
  if (d.time !== undefined) f.time = d.time;
  if (d.settleDate !== undefined) f.settleDate = d.settleDate;
  if (d.channel !== undefined) f.channel = d.channel;
  if (d.card !== undefined) f.card = d.card;
  if (d.amountFen !== undefined) f.amountFen = d.amountFen;
  if (d.expectedFeeFen !== undefined) f.expectedFeeFen = d.expectedFeeFen;
  if (d.chargedFeeFen !== undefined) f.chargedFeeFen = d.chargedFeeFen;
  if (d.basis !== undefined) f.basis = d.basis;
  if (d.rule !== undefined) f.rule = d.rule;
  if (d.cancelledBy !== undefined) f.cancelledBy = d.cancelledBy;
  if (d.label !== undefined) f.label = maskCardNumbersIn(d.label);
  return f;
}
