import type { PosRecord } from '../records/index.js';
import { localDateOf } from '../time/shanghai.js';

/**
 * The key that names the same business record wherever it comes from (a push now, a statement file later):
 * kind, type and amount plus the strongest identifier the record carries — the reference number, else the
 * terminal + batch + voucher on that date, else the order number, else the provider's order number. Undefined
 * when the record carries none: such a record can never be recognised again, so it is never skipped.
 */
export function naturalKey(record: PosRecord): string | undefined {
  let id: string | undefined;
  if (record.refNo !== undefined) id = `ref:${record.refNo}`;
  else if (record.terminalId !== undefined && record.voucherNo !== undefined) {
    id = `tbv:${record.terminalId}/${record.batchNo ?? ''}/${record.voucherNo}/${localDateOf(record.time)}`;
  } else if (record.orderNo !== undefined) id = `order:${record.orderNo}`;
  else if (record.providerOrderNo !== undefined) id = `porder:${record.providerOrderNo}`;
  if (id === undefined) return undefined;
  return `${record.kind}|${record.type}|${record.amountFen}|${id}`;
}
