import { withDiscount } from '../../records/index.js';
import type { PresetOverride } from './index.js';

const DATE_TIME = /^\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2})?/;

function looksLikeLcswRow(line: string): boolean {
  const cells = line.split(',');
  return (
    cells.length >= 28 &&
    /^\d{6,20}$/.test(cells[0] ?? '') &&
    DATE_TIME.test(cells[2] ?? '') &&
    /^-?\d+$/.test(cells[4] ?? '') &&
    /^-?\d+$/.test(cells[5] ?? '') &&
    /^\d{1,3}$/.test(cells[8] ?? '')
  );
}

/** 0-based positions of 商家优惠金额 and 商家实收金额 (columns 20 and 21 of DOMAIN.md §2.5), in fen. */
const MERCHANT_DISCOUNT = 19;
const MERCHANT_RECEIVED = 20;

/** A whole number of fen in a cell, undefined when empty or not a number. */
function fenCell(cells: readonly string[], index: number): number | undefined {
  const text = (cells[index] ?? '').trim();
  return /^[-+]?\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/**
 * 利楚/扫呗: a headerless file is recognised by its row shape (merchant number, time, amounts in fen, a numeric
 * 支付方式 code); on a refund row the amount refunded is 退款金额, while 交易金额 repeats the original order.
 *
 * 商家实收金额 is 交易金额 less the merchant's own discount (商家优惠金额; 平台优惠 is paid by the platform and
 * stays in it): it is the amount the channel settles and charges 手续费 on, so it becomes amountFen and the
 * discount discountFen (the cashier journal shows the order total). 结余金额 is already net of the fee.
 */
export const lcswOverride: PresetOverride = {
  detect(firstLines) {
    const lines = firstLines.filter((l) => l.trim() !== '').slice(0, 5);
    if (lines.length === 0) return 0;
    const hits = lines.filter(looksLikeLcswRow).length;
    return hits * 2 > lines.length ? 15 : 0;
  },
  transformRow(cells) {
    const refund = (cells[6] ?? '').trim();
    if (refund === '' || /^[-+]?0*$/.test(refund)) return cells;
    const out = [...cells];
    // The engine reads 退款金额 when 交易金额 is zero.
    out[4] = '0';
    return out;
  },
  finishRecord(record, cells) {
    if (record.type !== 'sale' && record.type !== 'refund') return record;
    const received = fenCell(cells, MERCHANT_RECEIVED);
    // Files that leave the column at 0 (refund rows often do) say nothing about the discount.
    if (received === undefined || received === 0) return record;
    const magnitude = Math.abs(record.amountFen);
    const gap = magnitude - Math.abs(received);
    if (gap <= 0 || gap > magnitude) return record;
    const stated = fenCell(cells, MERCHANT_DISCOUNT);
    // Only a row that states a 商家优惠金额 has the merchant's own discount; the gap is all the merchant funded.
    if (stated === undefined || stated === 0) return record;
    const sign = record.amountFen < 0 ? -1 : 1;
    return withDiscount({ ...record, amountFen: sign * Math.abs(received) }, sign * gap);
  },
};
