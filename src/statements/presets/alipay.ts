import { parseAmount, toHalfWidth } from '../../money/index.js';
import { cellsByHeader } from './header-cells.js';
import type { PresetOverride, SummaryTotals } from './index.js';

// #交易合计：3笔，商家实收共1399.00元，… / #退款合计：1笔，商家实收共-30.00元，…
const FOOTER = /^#(交易|退款)合计[:：]\s*(\d+)\s*笔.*?商家实收共\s*([-+]?[\d,]+(?:\.\d+)?)\s*元/;
const ACCOUNT = /^#账号[:：]\s*\[?\s*(\d{10,20})/;

/**
 * Alipay 业务明细: reads the account and the #交易合计/#退款合计 footer from the `#` lines (to check the rows
 * against), turns 服务费 into the merchant's view (Alipay writes a fee charged as a negative number), and dates
 * a refund by its 完成时间 with the refunded order as the original.
 */
export const alipayOverride: PresetOverride = {
  transformLine(line, ctx) {
    const bare = toHalfWidth(line.replace(/^[\s\ufeff]+/, ''));
    const account = ACCOUNT.exec(bare);
    if (account?.[1] !== undefined) ctx.state['account'] = account[1];
    const footer = FOOTER.exec(bare);
    if (footer) {
      const amount = parseAmount(footer[3] ?? '', 'yuan');
      const totals = (ctx.state['footer'] ?? { count: 0, settledFen: 0 }) as {
        count: number;
        settledFen: number;
      };
      totals.count += Number(footer[2]);
      if (amount.ok) totals.settledFen += amount.value;
      ctx.state['footer'] = totals;
    }
    return line;
  },
  finishRecord(record, cells, ctx) {
    const cell = cellsByHeader(ctx, cells);
    const out = { ...record, channel: 'alipay' as const };
    const account = ctx.state['account'];
    if (out.merchantId === undefined && typeof account === 'string') out.merchantId = account;
    const back = out.type === 'refund' || out.type === 'void' || out.type === 'reversal';
    // On a payment row the engine keeps the file's sign, which is negative for a fee charged.
    if (!back && out.feeFen !== undefined) out.feeFen = out.feeFen === 0 ? 0 : -out.feeFen;
    if (out.type === 'refund') {
      if (out.completedAt !== undefined) out.time = out.completedAt;
      const refunded = partialRefundFen(cell('订单金额'), out.settledFen, cell('商家优惠'));
      if (refunded !== undefined) out.amountFen = -refunded;
      const batch = cell('退款批次号/请求号');
      if (out.orderNo !== undefined) out.originalOrderNo = out.orderNo;
      if (batch !== '') out.orderNo = batch;
    }
    return out;
  },
  summaryCheck(ctx) {
    const footer = ctx.state['footer'] as { count: number; settledFen: number } | undefined;
    if (footer === undefined) return undefined;
    const totals: SummaryTotals = { count: footer.count, settledFen: footer.settledFen };
    return totals;
  },
};

/**
 * The amount a refund row gives back when its 订单金额 is the original order's (written positive, the opposite
 * sign of the negative 商家实收): 商家实收 plus the merchant's own discount on the row. Undefined when 订单金额 is
 * the refund itself (written negative, as most exports do), so the row's amount stands.
 */
function partialRefundFen(
  orderCell: string,
  settledFen: number | undefined,
  discountCell: string,
): number | undefined {
  const order = parseAmount(orderCell, 'yuan');
  if (!order.ok || order.value <= 0 || settledFen === undefined || settledFen >= 0) return undefined;
  const discount = parseAmount(discountCell === '' ? '0' : discountCell, 'yuan');
  const refunded = -settledFen + (discount.ok ? Math.abs(discount.value) : 0);
  return refunded <= order.value ? refunded : undefined;
}
