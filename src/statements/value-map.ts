import { stripCellDecoration, toHalfWidth } from '../money/index.js';
import {
  CARD_TYPES,
  CHANNELS,
  type CardType,
  type Channel,
  RECORD_TYPES,
  type RecordStatus,
  type RecordType,
} from '../records/index.js';
import type { ValueField } from './preset.js';

/** What a `direction` (资金流向, 借贷标志) value means: money in, money out, or a line that is not a record. */
export type Direction = 'in' | 'out' | 'skip';

/** Normalises a raw value for vocabulary lookup: width, case, spaces and decorations ignored. */
export function normaliseValue(text: string): string {
  return stripCellDecoration(toHalfWidth(text)).replace(/\s+/g, '').toLowerCase();
}

const TYPE: Record<string, RecordType | 'skip'> = {
  消费: 'sale',
  交易: 'sale',
  支付: 'sale',
  收款: 'sale',
  付款: 'sale',
  sale: 'sale',
  pay: 'sale',
  payment: 'sale',
  消费成功: 'sale',
  撤销: 'void',
  消费撤销: 'void',
  void: 'void',
  冲正: 'reversal',
  消费冲正: 'reversal',
  充正: 'reversal',
  消费充正: 'reversal',
  // A cancellation cancelled (a void reversed, a refund cancelled or reversed) gives back what its cancellation
  // took: money in, as the file signs it, so a sale; the audit links it to the cancellation it undoes.
  撤销冲正: 'sale',
  消费撤销冲正: 'sale',
  撤销交易冲正: 'sale',
  退货撤销: 'sale',
  撤销退货: 'sale',
  退货冲正: 'sale',
  退款撤销: 'sale',
  撤销退款: 'sale',
  退款冲正: 'sale',
  reversal: 'reversal',
  退货: 'refund',
  退款: 'refund',
  退货成功: 'refund',
  退款成功: 'refund',
  退货中: 'refund',
  退货失败: 'refund',
  refund: 'refund',
  // A pre-authorisation only holds money on the card and never settles; its completion (预授权完成) is the sale.
  // The hold and its release are skipped, not read as sales (nor 预授权撤销 as a void of one).
  预授权: 'skip',
  预授权撤销: 'skip',
  预授权撤消: 'skip',
  预授权冲正: 'skip',
  追加预授权: 'skip',
  preauth: 'skip',
  预授权完成: 'preauth-complete',
  预授权完成请求: 'preauth-complete',
  预授权完成撤销: 'void',
  预授权完成冲正: 'reversal',
  扣费: 'deduction',
  扣款: 'deduction',
  其他扣款: 'deduction',
  代扣: 'deduction',
  代扣费: 'deduction',
  扣除: 'deduction',
  // A cardholder's bank words a card sale this way; on a merchant's statement it is still the sale.
  消费扣款: 'sale',
  流量费: 'deduction',
  服务费: 'deduction',
  押金: 'deduction',
  年费: 'deduction',
  deduction: 'deduction',
  手续费返还: 'rebate',
  返还: 'rebate',
  rebate: 'rebate',
  结算: 'payout',
  划款: 'payout',
  代付: 'payout',
  入账: 'payout',
  payout: 'payout',
};
const DEDUCTION_HINT = /扣费|扣款|代扣|流量|服务费|押金|年费|会员费|保险|管理费|通讯费|sim|激活|租金/;
/**
 * Words in which 费 is not a charge to the merchant: 消费 is the sale itself, 缴费/交费/付费 a customer paying a bill
 * through the terminal (便民缴费), 费率 a rate, 免费 the absence of a charge. They are cut out before looking for 费.
 */
const NOT_A_CHARGE = /消费|缴费|交费|付费|费率|免费/g;
/** A customer's top-up or bill payment taken on the terminal: money in, however its name mentions a fee. */
const CUSTOMER_PAYMENT = /充值|缴费|交费/;
/**
 * A charge given back, waived or taken back (手续费返还, 退手续费, 费用退回, 押金返还, 激活返现, 手续费减免, 秒到费冲正):
 * a credit to the merchant, never a deduction.
 */
const GIVEN_BACK =
  /返还|返回|退还|退回|返现|返利|返费|退费|退手续费|费退|费用退|押金退|保证金退|减免|优惠|补贴|奖励|冲正|充正|冲回|冲销|撤销|撤消/;
/** A charge made again or later (优惠到期补扣手续费, 追收服务费, 返现扣回): taken, whatever else the words give back. */
const TAKEN_AGAIN = /补扣|补收|追扣|追收|扣回|收回|补缴/;
/** A promotion paid to the merchant (交易返现, 活动奖励, 补贴): money in that is neither a sale nor a payout. */
const BONUS = /返现|返利|奖励|补贴|红包/;
/** Payout wording (结算出款, T1结算, D0提现, 划款): the provider paying the merchant, when no 费 names a charge. */
const PAYOUT_HINT = /出款|划款|打款|提现|代付|结算款|结算$/;

const CHANNEL: Record<string, Channel> = {
  刷卡: 'card',
  插卡: 'card',
  银行卡: 'card',
  磁条卡: 'card',
  ic卡: 'card',
  pos: 'card',
  card: 'card',
  闪付: 'nfc',
  挥卡: 'nfc',
  云闪付nfc: 'nfc',
  nfc: 'nfc',
  非接: 'nfc',
  银联二维码: 'unionpay-qr',
  云闪付: 'unionpay-qr',
  银联扫码: 'unionpay-qr',
  unionpay: 'unionpay-qr',
  微信: 'wechat',
  微信支付: 'wechat',
  wechat: 'wechat',
  wx: 'wechat',
  支付宝: 'alipay',
  alipay: 'alipay',
  数字人民币: 'ecny',
  ecny: 'ecny',
  dcep: 'ecny',
  未知: 'unknown',
};

const CARD: Record<string, CardType> = {
  借记卡: 'debit',
  借记: 'debit',
  储蓄卡: 'debit',
  debit: 'debit',
  dc: 'debit',
  贷记卡: 'credit',
  贷记: 'credit',
  信用卡: 'credit',
  准贷记卡: 'credit',
  credit: 'credit',
  cc: 'credit',
  预付卡: 'prepaid',
  预付费卡: 'prepaid',
  prepaid: 'prepaid',
  未知: 'unknown',
  unknown: 'unknown',
};

const STATUS: Record<string, RecordStatus> = {
  成功: 'success',
  success: 'success',
  支付成功: 'success',
  交易成功: 'success',
  已支付: 'success',
  已完成: 'success',
  完成: 'success',
  入账成功: 'success',
  退款成功: 'success',
  失败: 'failed',
  fail: 'failed',
  failed: 'failed',
  交易失败: 'failed',
  支付失败: 'failed',
  已关闭: 'failed',
  关闭: 'failed',
  closed: 'failed',
  // A cashier's order closed, cancelled or timed out before the customer paid: it never settles. 待支付/未支付
  // below is an order still open, pending rather than failed. 已取消 (取消, cancelled) is read so only by default:
  // see isCancelledStatus for the line that shows it was paid, and so was voided.
  交易关闭: 'failed',
  订单关闭: 'failed',
  交易已关闭: 'failed',
  订单已关闭: 'failed',
  超时关闭: 'failed',
  已取消: 'failed',
  取消: 'failed',
  订单取消: 'failed',
  交易取消: 'failed',
  已超时: 'failed',
  支付超时: 'failed',
  cancelled: 'failed',
  canceled: 'failed',
  已撤销: 'voided',
  已撤消: 'voided',
  撤销成功: 'voided',
  已冲正: 'reversed',
  冲正成功: 'reversed',
  // A payout (打款/划款) that bounced back from the bank did not arrive; a frozen one has not arrived yet.
  退票: 'failed',
  已退票: 'failed',
  退汇: 'failed',
  已退汇: 'failed',
  冻结: 'pending',
  已冻结: 'pending',
  冻结出款: 'pending',
  处理中: 'pending',
  pending: 'pending',
  待支付: 'pending',
  未支付: 'pending',
  未付款: 'pending',
  进行中: 'pending',
  processing: 'pending',
};

const DIRECTION: Record<string, Direction> = {
  进账: 'in',
  收: 'in',
  支: 'out',
  收入: 'in',
  入账: 'in',
  贷: 'in',
  贷方: 'in',
  c: 'in',
  credit: 'in',
  出账: 'out',
  支出: 'out',
  借: 'out',
  借方: 'out',
  d: 'out',
  debit: 'out',
  退款: 'out',
  冻结: 'skip',
  解冻: 'skip',
};

const DEFAULTS: Record<ValueField, Record<string, string>> = {
  type: TYPE,
  channel: CHANNEL,
  card: CARD,
  status: STATUS,
  direction: DIRECTION,
};

const ALLOWED: Record<ValueField, ReadonlySet<string>> = {
  type: new Set<string>([...RECORD_TYPES, 'skip']),
  channel: new Set<string>(CHANNELS),
  card: new Set<string>(CARD_TYPES),
  // voided / reversed: a provider whose 已取消 (or another word) means a paid sale cancelled says so in its preset.
  status: new Set(['success', 'failed', 'pending', 'voided', 'reversed', 'skip']),
  direction: new Set(['in', 'out', 'skip']),
};

/** A lookup for one mapped field: the built-in vocabulary merged with the preset's `values`. */
export class ValueMap {
  private readonly table = new Map<string, string>();
  /** Raw text → value; null for a text known to be unknown, so one get answers both (has + get cost two). */
  private readonly cache = new Map<string, string | null>();
  constructor(
    readonly field: ValueField,
    overrides: Record<string, string> | undefined,
  ) {
    for (const [k, v] of Object.entries(DEFAULTS[field])) this.table.set(normaliseValue(k), v);
    for (const [k, v] of Object.entries(overrides ?? {})) this.table.set(normaliseValue(k), v);
  }

  /** Checks that every preset-supplied value is in the vocabulary; returns the offending ones. */
  static invalidValues(field: ValueField, overrides: Record<string, string> | undefined): string[] {
    return Object.values(overrides ?? {}).filter((v) => !ALLOWED[field].has(v));
  }

  private readonly hints = new Map<string, RecordStatus | null>();

  /** The status a type value implies (退货中 = pending), cached like lookups. */
  statusHint(raw: string): RecordStatus | undefined {
    const known = this.hints.get(raw);
    if (known !== undefined) return known ?? undefined;
    const hint = statusHintFromType(raw);
    if (this.hints.size < 10_000) this.hints.set(raw, hint ?? null);
    return hint;
  }

  private readonly channelHints = new Map<string, Channel | null>();

  /** The channel a type value names (闪付消费 = nfc), cached like lookups. */
  channelHint(raw: string): Channel | undefined {
    const known = this.channelHints.get(raw);
    if (known !== undefined) return known ?? undefined;
    const hint = channelFromType(raw);
    if (this.channelHints.size < 10_000) this.channelHints.set(raw, hint ?? null);
    return hint;
  }

  /** The vocabulary value for a raw cell, or undefined when unknown. */
  lookup(raw: string): string | undefined {
    const known = this.cache.get(raw);
    if (known !== undefined) return known ?? undefined;
    const key = normaliseValue(raw);
    let value = this.table.get(key);
    if (value === undefined && this.field === 'type') {
      // Before the 撤销/冲正 fallbacks: a hold's release (预授权撤销…) would otherwise read as a void.
      if (key.includes('预授权') && !key.includes('完成')) value = 'skip';
      else if (INQUIRY.test(key)) value = 'skip';
      else value = typeFromWords(key);
    }
    if (value === undefined && this.field === 'status') {
      // Before 成功: an order 取消成功 or 关闭成功 was not paid.
      if (/关闭|取消|超时|cancel|closed/.test(key)) value = 'failed';
      else if (/成功|success/.test(key)) value = 'success';
      else if (/失败|fail/.test(key)) value = 'failed';
      else if (/中$|待/.test(key)) value = 'pending';
    }
    if (value === undefined && this.field === 'channel') value = channelFromWords(key);
    if (value === undefined && this.field === 'card') value = cardFromWords(key);
    if (this.cache.size < 10_000) this.cache.set(raw, value ?? null);
    return value;
  }
}

/**
 * Whether a status is a cancellation (已取消, 取消, 订单取消, 交易取消, 取消成功, cancelled) that STATUS reads as an
 * order never paid. The word says nothing of when the order was cancelled. Before payment (a cashier's order the
 * customer walked away from) nothing moved and nothing settles: failed. After payment a cancellation is a 撤销
 * (void): on a card the same day, same batch and full amount, on a scan-code payment the cancel call refunds the
 * paid order in full (DOMAIN.md §4.2); the sale went through and must be read as voided, so that a statement
 * still settling it (void_settled) or netting it is checked, not dropped as a sale that never happened. The line
 * tells them apart (table-reader.ts): a 参考号 is assigned by the card network's centre only to an authorised
 * transaction (DOMAIN.md §2.8), and a fee is charged only on money taken; a cancelled line carrying either was
 * paid. A provider whose 已取消 always means a paid sale voided maps it to voided in its preset's values.
 */
export function isCancelledStatus(raw: string): boolean {
  const key = normaliseValue(raw);
  return /取消|cancel/.test(key) && !/撤销|撤消|冲正|充正/.test(key);
}

/**
 * The card type a normalised 卡类型 outside the vocabulary names. A card that is both (借贷合一卡, 借贷记卡) says
 * nothing of which account paid, so it stays unknown for the importer to warn about rather than priced as either.
 */
function cardFromWords(key: string): CardType | undefined {
  const credit = /贷|信用|credit/.test(key);
  const debit = /借|储蓄|debit/.test(key);
  if (credit && debit) return undefined;
  if (credit) return 'credit';
  if (debit) return 'debit';
  if (/预付|储值|prepaid/.test(key)) return 'prepaid';
  return undefined;
}

/** Whether a normalised type names a charge: a 费 that is not part of 消费/缴费/费率…, or a known deduction word. */
function namesCharge(key: string): boolean {
  if (DEDUCTION_HINT.test(key)) return true;
  return !CUSTOMER_PAYMENT.test(key) && key.replace(NOT_A_CHARGE, '').includes('费');
}

/**
 * The record type a normalised 交易类型 outside the vocabulary implies, from the words in it; undefined when the
 * words do not say, so the importer warns about the value.
 *
 * A return of a charge (手续费返还, 押金退还, 秒到费冲正) is a `rebate`: a credit to the merchant, never a refund (money
 * going back to a cardholder); the importer makes it a deduction when the line takes money (撤销交易手续费 −5.00).
 */
function typeFromWords(key: string): string | undefined {
  const charge = namesCharge(key);
  if (charge && TAKEN_AGAIN.test(key)) return 'deduction';
  if (charge && GIVEN_BACK.test(key)) return 'rebate';
  if (DEDUCTION_HINT.test(key)) return 'deduction';
  // 交易返现, 活动奖励, 补贴: the provider paying the merchant outside a sale; 返现扣回 takes it back.
  if (BONUS.test(key)) return TAKEN_AGAIN.test(key) ? 'deduction' : 'rebate';
  // A refund cancelled or reversed (退货交易撤销, 退款冲正), a void reversed (消费撤销冲正): see 撤销冲正 above.
  const voids = /撤销|撤消/.test(key);
  const reverses = /冲正|充正/.test(key);
  if ((voids || reverses) && /退货|退款/.test(key)) return 'sale';
  if (voids && reverses) return 'sale';
  // 退货手续费 is the fee line of a refund: the refund words rule it.
  if (/退货|退款/.test(key)) return 'refund';
  if (/冲正|充正/.test(key)) return 'reversal';
  if (/撤销|撤消/.test(key)) return 'void';
  if (key.includes('预授权完成')) return 'preauth-complete';
  // 通道使用费, 秒到费, 提现手续费, 特约商户费, 畅享升级费, D0加急费, 手续费, 其他费用: each a charge of its own line.
  if (charge) return 'deduction';
  // 结算款退回 is a payout that bounced, not one paid.
  if (!/消费|退|冲|撤/.test(key) && PAYOUT_HINT.test(key)) return 'payout';
  // POS消费, 银行卡消费, 扫码支付, 便民缴费: money the merchant took, whatever way it was paid.
  if (/消费|支付|收款|缴费|交费|充值/.test(key)) return 'sale';
  return undefined;
}

/**
 * The channel a 交易类型 names (闪付消费, 微信消费, 银联二维码消费, 云闪付), for files without a 支付方式 column. A type
 * that names only the card (借记卡消费, 银行卡消费, POS消费) does not say whether it was tapped or scanned: undefined,
 * left to the importer's card inference and its warning.
 */
export function channelFromType(raw: string): Channel | undefined {
  const key = normaliseValue(raw);
  const channel = channelFromWords(key);
  if (channel === 'card' && !/刷卡|插卡|磁条|ic卡|芯片卡/.test(key)) return undefined;
  return channel;
}

/**
 * Whether a 交易类型 is only a channel's name (云闪付, 微信, 刷卡): the way it was paid, not what moved, so the sign
 * says (a payment taken, or given back) and nothing is unknown about it.
 */
export function namesOnlyChannel(raw: string): boolean {
  const key = normaliseValue(raw);
  return Object.hasOwn(CHANNEL, key) && CHANNEL[key] !== 'unknown';
}

/** A 交易类型 that only looked something up (余额查询, 查询): no money moved, so no transaction. */
const INQUIRY = /^(?:余额|账户|卡|账户余额|卡余额)?查询(?:交易)?$|^查余额$|^(?:balance)?(?:inquiry|enquiry)$/;

/** Whether a 交易类型 names an inquiry (余额查询), a line the importer skips as no transaction. */
export function isInquiryType(raw: string): boolean {
  return INQUIRY.test(normaliseValue(raw));
}

/**
 * A 交易类型 that says nothing of what moved (调账, 其他, 差错调整, 系统调账): the statement names the line in its memo.
 */
const VAGUE_TYPE =
  /^(?:系统|手工|人工|账务|资金|差错|其他|其它|特殊)?(?:调账|调帐|调整|差错|其他|其它|补账|补帐)(?:交易|业务|处理|款)?$|^(?:other|others|adjust|adjustment|misc)$/;

export function isVagueType(raw: string): boolean {
  return VAGUE_TYPE.test(normaliseValue(raw));
}

/** Whether a vague 交易类型 names an adjustment (调账, 差错调整, 补账): a correction, never a sale of its own. */
export function isAdjustmentType(raw: string): boolean {
  const key = normaliseValue(raw);
  return VAGUE_TYPE.test(key) && /调|差错|补账|补帐|adjust/.test(key);
}

/**
 * What a vague line's memo (押金退还, 手续费返还, 机具押金) makes of it, by the words typeFromWords reads a type by:
 * a rebate or a deduction, else undefined (a memo naming a sale or a refund does not turn an adjustment into one).
 */
export function typeFromMemo(memo: string): 'rebate' | 'deduction' | undefined {
  const type = typeFromWords(normaliseValue(memo));
  return type === 'rebate' || type === 'deduction' ? type : undefined;
}

/**
 * The channel a normalised 支付方式 outside the vocabulary names. A wallet's name decides first; then contactless
 * words (银联挥卡, 闪付 but not 云闪付); then UnionPay QR, which needs both UnionPay (银联, 云闪付) and QR wording
 * (二维码, 扫码, 付款码) or 云闪付 itself; then a bank card swiped or inserted (银联刷卡, 银联IC卡, 银行卡刷卡, 磁条卡).
 * A bare 银联, or 扫码 without a brand, says too little and stays unknown for the importer to warn about.
 */
function channelFromWords(key: string): Channel | undefined {
  if (key.includes('微信')) return 'wechat';
  if (key.includes('支付宝')) return 'alipay';
  if (key.includes('数字人民币')) return 'ecny';
  if (/挥卡|非接|nfc|碰一碰|(?<!云)闪付/.test(key)) return 'nfc';
  const qr = /二维码|扫码|付款码|收款码|qr/.test(key);
  if (key.includes('云闪付') || (qr && /银联|unionpay/.test(key))) return 'unionpay-qr';
  // POS扫码 is a code scanned at the terminal, of no stated brand: no card.
  if (qr) return undefined;
  if (/刷卡|插卡|磁条|ic卡|芯片卡|银行卡|借记|贷记|信用卡|储蓄卡|银联卡|pos/.test(key)) return 'card';
  return undefined;
}

/** A status hint carried by a type value (退货中 = pending, 退货失败 = failed). */
export function statusHintFromType(raw: string): RecordStatus | undefined {
  const key = normaliseValue(raw);
  if (/失败/.test(key)) return 'failed';
  if (/中$/.test(key)) return 'pending';
  return undefined;
}
