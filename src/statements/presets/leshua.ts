import { cellsByHeader } from './header-cells.js';
import type { PresetOverride } from './index.js';

/**
 * Leshua trade file: the provider order number sits in whichever of 第三方订单号 / 上游订单号(微信、支付宝) /
 * 上游订单号(网、银联) the channel fills (`*` in the others), so the first non-empty one is used.
 */
export const leshuaOverride: PresetOverride = {
  finishRecord(record, cells, ctx) {
    if (record.providerOrderNo !== undefined) return record;
    const cell = cellsByHeader(ctx, cells);
    for (const name of ['上游订单号(微信、支付宝)', '上游订单号(网、银联)']) {
      const value = cell(name);
      if (value !== '' && value !== '*') return { ...record, providerOrderNo: value };
    }
    return record;
  },
};
