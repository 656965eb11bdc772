import { parseAmount, toHalfWidth } from '../../money/index.js';
import { withDiscount } from '../../records/index.js';
import { cellsByHeader } from './header-cells.js';
import type { PresetOverride, SummaryTotals } from './index.js';

// #交易合计：3笔，商家实收共1399.00元，… / #退款合计：1笔，商家实收共-30.00元，…
const FOOTER = /^#(交易|退款)合计[:：]\s*(\d+)\s*笔.*?商家实收共\s*([-+]?[\d,]+(?:\.\d+)?)\s*元/;
const ACCOUNT = /^#账号[:：]\s*\[?\s*(\d{10,20})/;

/**
 * Alipay 业务明细: reads the account and the #交易合计/#退款合计 footer from the `#` lines (to check the rows
 * against), turns 服务费 into the merchant's view (Alipay writes a fee charged as a negative number), and dates
 * a refund by its 完成时间 with the refunded order as the original.
 *
 * 商家实收 is 订单金额 less the discounts the merchant funds (商家优惠, its own coupons), before 服务费: it is the
 * amount Alipay settles and charges 服务费 on, so it becomes amountFen, the merchant's discount discountFen (the
 * journal shows the order total, amount + discount), and what reaches the merchant 商家实收 − 服务费 settledFen
 * (the 汇总 table's 实收净额).
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
    let discountFen: number | undefined;
    if (out.type === 'refund') {
      if (out.completedAt !== undefined) out.time = out.completedAt;
      const refunded = partialRefundFen(cell('订单金额'), out.settledFen, cell('商家优惠'));
      if (refunded !== undefined) out.amountFen = -refunded;
      const batch = cell('退款批次号/请求号');
      if (out.orderNo !== undefined) out.originalOrderNo = out.orderNo;
      if (batch !== '') out.orderNo = batch;
    }
    const received = out.settledFen;
    if (received !== undefined && (out.type === 'sale' || out.type === 'refund')) {
      // The order total read so far (订单金额, or a partial refund's 商家实收 + 商家优惠) is the received amount plus
      // the merchant's discount, when it lies between zero and that total (a refund's amounts are negative). A
      // refund's 订单金额 may be the whole order of a partial refund: there only a row stating 商家优惠 has one.
      const gap = out.amountFen - received;
      const stated = out.type === 'sale' || !/^[-+]?0*(\.0*)?$/.test(cell('商家优惠'));
      if (
        stated &&
        gap !== 0 &&
        Math.sign(gap) === Math.sign(out.amountFen) &&
        Math.abs(gap) <= Math.abs(out.amountFen)
      )
        discountFen = gap;
      out.amountFen = received;
      out.settledFen = received - (out.feeFen ?? 0);
    }
    return withDiscount(out, discountFen);
  },
  summaryCheck(ctx) {
    const footer = ctx.state['footer'] as { count: number; settledFen: number } | undefined;
    if (footer === undefined) return undefined;
    const totals: SummaryTotals = { count: footer.count, settledFen: footer.settledFen };
    return totals;
  },
};

/**
 * The order amount a refund row gives back when its 订单金额 is the original order's (written positive, the
 * opposite sign of the negative 商家实收): 商家实收 plus the merchant's own discount on the row. Undefined when
 * 订单金额 is the refund itself (written negative, as most exports do), so the row's amount stands.
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
