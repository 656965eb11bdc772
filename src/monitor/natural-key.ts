import type { PosRecord } from '../records/index.js';
import { localDateOf } from '../time/shanghai.js';

/** The types a record carrying no identifier is still recognised by: its day, label and amount. */
export const UNNUMBERED_TYPES = ['deduction', 'rebate', 'payout'] as const;

/**
 * The key that names the same business record wherever it comes from (a push now, a statement file later):
 * kind, type and amount plus the strongest identifier the record carries — the reference number, else the
 * terminal + batch + voucher on that date, else the order number, else the provider's order number. A
 * deduction, rebate or payout carrying none of them (a statement lists 机具押金, 流量费 or 手续费返还 with no number) is named by
 * its settle day (its trade day without one) and its label instead; two equal ones on a day share the key and
 * are told apart by count, each stored record answering one line. Undefined for any other record carrying no
 * identifier: such a record can never be recognised again, so it is never skipped.
 */
export function naturalKey(record: PosRecord): string | undefined {
  let id: string | undefined;
  if (record.refNo !== undefined) id = `ref:${record.refNo}`;
  else if (record.terminalId !== undefined && record.voucherNo !== undefined) {
    id = `tbv:${record.terminalId}/${record.batchNo ?? ''}/${record.voucherNo}/${localDateOf(record.time)}`;
  } else if (record.orderNo !== undefined) id = `order:${record.orderNo}`;
  else if (record.providerOrderNo !== undefined) id = `porder:${record.providerOrderNo}`;
  else if ((UNNUMBERED_TYPES as readonly string[]).includes(record.type)) {
    id = `day:${record.settleDate ?? localDateOf(record.time)}/${labelKey(record.label)}`;
  }
  if (id === undefined) return undefined;
  return `${record.kind}|${record.type}|${record.amountFen}|${id}`;
}

/** A label as a key: full-width and half-width forms alike and spaces dropped, as exports differ in them. */
function labelKey(label: string | undefined): string {
  return (label ?? '').normalize('NFKC').replace(/\s+/g, '');
}
