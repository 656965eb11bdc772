import { z } from 'zod';
import { CARD_TYPES, CHANNELS, RECORD_KINDS, RECORD_STATUSES, RECORD_TYPES } from './vocabulary.js';

const fenInteger = z.number().int().refine(Number.isSafeInteger, 'expected an integer amount of fen');
const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/, 'expected an ISO time');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const key = z.string().min(1).max(128);

/**
 * The one shape every transaction, settlement line and bank credit takes, whether imported from a file or pushed
 * through the API. Signs are the merchant's view: a refund's amount is negative, a returned fee negative.
 * Times are ISO 8601; without an offset they mean Asia/Shanghai wall time. `rate` is in parts per million.
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
    cardNo: z
      .string()
      .max(32)
      .refine((v) => !/\d{11,}/.test(v), 'a card number must be masked (first 6 / last 4 at most)')
      .optional(),
    payerId: z.string().max(128).optional(),
    amountFen: fenInteger,
    feeFen: fenInteger.optional(),
    settledFen: fenInteger.optional(),
    rate: z.number().int().min(0).max(1_000_000).optional(),
    label: z.string().max(200).optional(),
    counterparty: z.string().max(200).optional(),
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
