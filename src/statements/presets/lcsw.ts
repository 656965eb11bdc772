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

/**
 * 利楚/扫呗: a headerless file is recognised by its row shape (merchant number, time, amounts in fen, a numeric
 * 支付方式 code); on a refund row the amount refunded is 退款金额, while 交易金额 repeats the original order.
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
};
