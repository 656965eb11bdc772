import type { PosRecord } from '../records/index.js';
import type { NewRecordRow, RecordRow } from './schema.js';

// Optional PosRecord fields and the column each lives in; the rest are mapped by hand below.
const OPTIONAL_COLUMNS = [
  ['completedAt', 'completed_at'],
  ['settleDate', 'settle_date'],
  ['merchantId', 'merchant_code'],
  ['terminalId', 'terminal_id'],
  ['refNo', 'ref_no'],
  ['voucherNo', 'voucher_no'],
  ['batchNo', 'batch_no'],
  ['orderNo', 'order_no'],
  ['providerOrderNo', 'provider_order_no'],
  ['originalRefNo', 'original_ref_no'],
  ['originalVoucherNo', 'original_voucher_no'],
  ['originalOrderNo', 'original_order_no'],
  ['cardNo', 'card_no'],
  ['payerId', 'payer_id'],
  ['discountFen', 'discount_fen'],
  ['feeFen', 'fee_fen'],
  ['settledFen', 'settled_fen'],
  ['rate', 'rate'],
  ['label', 'label'],
  ['counterparty', 'counterparty'],
] as const satisfies readonly (readonly [keyof PosRecord, keyof RecordRow])[];

/** A record as a row of the `records` table. */
export function recordToRow(record: PosRecord, merchantId: number, importId: number | null): NewRecordRow {
  const row: Record<string, unknown> = {
    merchant_id: merchantId,
    import_id: importId,
    kind: record.kind,
    type: record.type,
    status: record.status,
    time: record.time,
    channel: record.channel,
    card: record.card,
    amount_fen: record.amountFen,
    source_file: record.source.file,
    source_row: record.source.row,
  };
  for (const [field, column] of OPTIONAL_COLUMNS) row[column] = record[field] ?? null;
  return row as unknown as NewRecordRow;
}

/** A stored row back as the record it was, with absent fields left out (not null). */
export function rowToRecord(row: RecordRow): PosRecord {
  const record: Record<string, unknown> = {
    kind: row.kind,
    type: row.type,
    status: row.status,
    time: row.time,
  };
  // Key order follows RecordSchema so a stored record serialises like a freshly imported one.
  const ordered: [keyof PosRecord, unknown][] = [
    ['completedAt', row.completed_at],
    ['settleDate', row.settle_date],
    ['merchantId', row.merchant_code],
    ['terminalId', row.terminal_id],
    ['refNo', row.ref_no],
    ['voucherNo', row.voucher_no],
    ['batchNo', row.batch_no],
    ['orderNo', row.order_no],
    ['providerOrderNo', row.provider_order_no],
    ['originalRefNo', row.original_ref_no],
    ['originalVoucherNo', row.original_voucher_no],
    ['originalOrderNo', row.original_order_no],
    ['channel', row.channel],
    ['card', row.card],
    ['cardNo', row.card_no],
    ['payerId', row.payer_id],
    ['amountFen', row.amount_fen],
    ['discountFen', row.discount_fen],
    ['feeFen', row.fee_fen],
    ['settledFen', row.settled_fen],
    ['rate', row.rate],
    ['label', row.label],
    ['counterparty', row.counterparty],
  ];
  for (const [field, value] of ordered) if (value !== null && value !== undefined) record[field] = value;
  record['source'] = { file: row.source_file, row: row.source_row };
  return record as PosRecord;
}
