import { z } from 'zod';
import {
  findCardNumbers,
  maskCardNumber,
  maskCardNumbersIn,
  maskCardField,
  showsTooManyDigits,
} from './card-number.js';
import { CARD_TYPES, CHANNELS, RECORD_KINDS, RECORD_STATUSES, RECORD_TYPES } from './vocabulary.js';

const fenInteger = z.number().int().refine(Number.isSafeInteger, 'expected an integer amount of fen');
const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/, 'expected an ISO time');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const key = z.string().min(1).max(128);

/**
 * A card number as a record keeps it: the first six and last four digits at most, however it was written
 * (`6225 8812 3456 7898`, `6225-8812-…`, full-width digits), as the importer stores it; a card number inside
 * other text is masked where it stands. What still shows more digits than that is refused.
 */
const cardNumber = z
  .string()
  .max(32)
  .transform(maskCardField)
  .refine((v) => !showsTooManyDigits(v), 'a card number must be masked (first 6 / last 4 at most)');

/** A free text (memo, counterparty) with any full card number in it masked 6 + 4 where it stands. */
const freeText = (max: number) => z.string().max(max).transform(maskCardNumbersIn);

/**
 * A payer id that is a card number (however spelled) masked as a card-number column is (`622588******7898`, so
 * the same card groups one payer whether it came spaced or not); a card number inside a longer id masked where it
 * stands; wallet ids (Alipay's 2088…, WeChat's openid) as they are.
 */
const payerId = z
  .string()
  .max(128)
  .transform((v) => {
    const spans = findCardNumbers(v);
    const whole = spans.length === 1 && v.slice(spans[0]?.start, spans[0]?.end) === v.trim();
    return whole ? maskCardNumber(v) : maskCardNumbersIn(v);
  });

/**
 * The one shape every transaction, settlement line and bank credit takes, whether imported from a file or pushed
 * through the API. Signs are the merchant's view: a refund's amount is negative, a returned fee negative.
 * Times are ISO 8601; without an offset they mean Asia/Shanghai wall time. `rate` is in parts per million.
 * `amountFen` is what the provider settles and prices (the fee base); `discountFen`, when a statement shows one,
 * is the merchant's own discount on top of it (商家优惠, a 免充值 coupon: ≥ 0 on a sale, ≤ 0 on a refund), so the
 * order total a cashier journal shows is amountFen + discountFen (see {@link orderTotalFen}).
 * Parsing never lets a full card number through: `cardNo` comes out masked 6 + 4 (or is refused), and a card
 * number in `payerId`, `label` or `counterparty` is masked where it stands (use the parsed data, not the input).
 */
export const RecordSchema = z
  .object({
    kind: z.enum(RECORD_KINDS),
    type: z.enum(RECORD_TYPES),
    status: z.enum(RECORD_STATUSES),
    time: isoTime,
    completedAt: isoTime.optional(),
    settleDate: localDate.optional(),
    merchantId: key.optional(),
    terminalId: key.optional(),
    refNo: key.optional(),
    voucherNo: key.optional(),
    batchNo: key.optional(),
    orderNo: key.optional(),
    providerOrderNo: key.optional(),
    originalRefNo: key.optional(),
    originalVoucherNo: key.optional(),
    originalOrderNo: key.optional(),
    channel: z.enum(CHANNELS),
    card: z.enum(CARD_TYPES),
    cardNo: cardNumber.optional(),
    payerId: payerId.optional(),
    amountFen: fenInteger,
    discountFen: fenInteger.optional(),
    feeFen: fenInteger.optional(),
    settledFen: fenInteger.optional(),
    rate: z.number().int().min(0).max(1_000_000).optional(),
    label: freeText(200).optional(),
    counterparty: freeText(200).optional(),
    source: z.object({ file: z.string(), row: z.number().int().min(0) }),
  })
  .strict();

export type PosRecord = z.infer<typeof RecordSchema>;
export type RecordSource = PosRecord['source'];

/**
 * Every PosRecord field but source, in schema order: the columns of `posguard import --format csv` and of the
 * audit's spool files.
 */
export const RECORD_FIELDS = [
  'kind',
  'type',
  'status',
  'time',
  'completedAt',
  'settleDate',
  'merchantId',
  'terminalId',
  'refNo',
  'voucherNo',
  'batchNo',
  'orderNo',
  'providerOrderNo',
  'originalRefNo',
  'originalVoucherNo',
  'originalOrderNo',
  'channel',
  'card',
  'cardNo',
  'payerId',
  'amountFen',
  'discountFen',
  'feeFen',
  'settledFen',
  'rate',
  'label',
  'counterparty',
] as const satisfies readonly Exclude<keyof PosRecord, 'source'>[];

export type RecordField = (typeof RECORD_FIELDS)[number];
// A list that misses a PosRecord key would silently lose it in a CSV export or on the way through a spool file.
type UnlistedField = Exclude<keyof PosRecord, 'source' | RecordField>;
const everyFieldListed: [UnlistedField] extends [never] ? true : never = true;
void everyFieldListed;

/**
 * The order total of a record: its amount plus the merchant's own discount. A QR statement settles and prices
 * what the merchant received (Alipay 商家实收, WeChat 应结订单金额), while the cashier journal shows the order before
 * the discount the merchant funded; for a record without a discount it is the amount.
 */
export function orderTotalFen(record: Pick<PosRecord, 'amountFen' | 'discountFen'>): number {
  return record.amountFen + (record.discountFen ?? 0);
}

/**
 * Whether a journal amount is a statement line's: its amount, or its order total (amount + the merchant's own
 * discount, which the journal shows and the provider never settles).
 */
export function journalAmountAgrees(
  journalFen: number,
  statement: Pick<PosRecord, 'amountFen' | 'discountFen'>,
): boolean {
  return journalFen === statement.amountFen || journalFen === orderTotalFen(statement);
}

/**
 * The record with `discountFen` set (or dropped when zero or undefined), the key placed in schema order right
 * after amountFen, so a statement's record serialises like any other.
 */
export function withDiscount(record: PosRecord, discountFen: number | undefined): PosRecord {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'discountFen') continue;
    out[key] = value;
    if (key === 'amountFen' && discountFen !== undefined && discountFen !== 0)
      out['discountFen'] = discountFen;
  }
  return out as PosRecord;
}
