import { formatFen, parseAmount, toHalfWidth } from '../../money/index.js';
import { withDiscount } from '../../records/index.js';
import { cellsByHeader } from './header-cells.js';
import type { PresetOverride, SummaryTotals } from './index.js';

// #交易合计：3笔，商家实收共1399.00元，… / #退款合计：1笔，商家实收退款共-30.00元，… (older bills: 商家实收共-30.00元)
const FOOTER = /^#(交易|退款)合计[:：]\s*(\d+)\s*笔.*?商家实收(?:退款)?共\s*([-+]?[\d,]+(?:\.\d+)?)\s*元/;

/** What a #交易合计 or #退款合计 line states, or what the rows of that 业务类型 add up to. */
interface BlockTotals {
  count: number;
  settledFen: number;
}
type Block = '交易' | '退款';
const BLOCKS: readonly Block[] = ['交易', '退款'];

/** The per-block totals kept in ctx.state under `key` (the footer's, or the rows read). */
function blocksOf(
  state: Record<string, unknown>,
  key: 'footer' | 'read',
): Partial<Record<Block, BlockTotals>> {
  let blocks = state[key] as Partial<Record<Block, BlockTotals>> | undefined;
  if (blocks === undefined) {
    blocks = {};
    state[key] = blocks;
  }
  return blocks;
}

function add(
  blocks: Partial<Record<Block, BlockTotals>>,
  block: Block,
  count: number,
  settledFen: number,
): void {
  const totals = blocks[block] ?? { count: 0, settledFen: 0 };
  totals.count += count;
  totals.settledFen += settledFen;
  blocks[block] = totals;
}
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
  // 商家优惠 is read below; the others are what the customer paid 订单金额 with (red packets, points, the
  // platform's discounts, coupons and cards), of which 商家实收 already nets the merchant's own.
  knownColumns: [
    '商家优惠',
    '支付宝红包',
    '集分宝',
    '支付宝优惠',
    '券核销金额',
    '商家红包消费金额',
    '卡消费金额',
  ],
  transformLine(line, ctx) {
    const bare = toHalfWidth(line.replace(/^[\s\ufeff]+/, ''));
    const account = ACCOUNT.exec(bare);
    if (account?.[1] !== undefined) ctx.state['account'] = account[1];
    const footer = FOOTER.exec(bare);
    if (footer) {
      const amount = parseAmount(footer[3] ?? '', 'yuan');
      add(blocksOf(ctx.state, 'footer'), footer[1] as Block, Number(footer[2]), amount.ok ? amount.value : 0);
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
    // Tallied per 业务类型: #交易合计 states the trade rows only and #退款合计 the refund rows only.
    if (out.type === 'sale' || out.type === 'refund')
      add(blocksOf(ctx.state, 'read'), out.type === 'sale' ? '交易' : '退款', 1, received ?? 0);
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
    const footer = ctx.state['footer'] as Partial<Record<Block, BlockTotals>> | undefined;
    if (footer === undefined) return undefined;
    const read = blocksOf(ctx.state, 'read');
    const diffs: { zh: string; en: string }[] = [];
    const sum: BlockTotals = { count: 0, settledFen: 0 };
    const sumRead: BlockTotals = { count: 0, settledFen: 0 };
    for (const block of BLOCKS) {
      const stated = footer[block];
      if (stated === undefined) continue;
      const rows = read[block] ?? { count: 0, settledFen: 0 };
      sum.count += stated.count;
      sum.settledFen += stated.settledFen;
      sumRead.count += rows.count;
      sumRead.settledFen += rows.settledFen;
      const what = block === '交易' ? { zh: '交易', en: 'trade' } : { zh: '退款', en: 'refund' };
      // A refund total written without its minus sign still states the same refunds.
      if (Math.abs(stated.settledFen) !== Math.abs(rows.settledFen))
        diffs.push({
          zh: `#${block}合计 商家实收 ${formatFen(stated.settledFen)}，${what.zh}明细加总 ${formatFen(rows.settledFen)}`,
          en: `#${block}合计 商家实收 ${formatFen(stated.settledFen)} ≠ ${formatFen(rows.settledFen)} summed from the ${what.en} rows`,
        });
      if (stated.count !== rows.count)
        diffs.push({
          zh: `#${block}合计 ${stated.count} 笔，读到${what.zh} ${rows.count} 笔`,
          en: `#${block}合计 ${stated.count} ${what.en} rows ≠ ${rows.count} read`,
        });
    }
    if (diffs.length === 0) return undefined;
    // The stated blocks together differ from the rows: the engine says so, as for any file's totals.
    if (sum.count !== sumRead.count || Math.abs(sum.settledFen) !== Math.abs(sumRead.settledFen)) {
      const totals: SummaryTotals = { count: sum.count, settledFen: sum.settledFen };
      return totals;
    }
    // Only a block by block look finds it (a trade row missing and a refund row too many): said here.
    ctx.warn(
      'totals.mismatch',
      `${ctx.file}的合计与读到的明细不符：${diffs.map((d) => d.zh).join('；')}。可能有行被拒绝或文件不完整`,
      `${ctx.file}: the totals do not match the rows read: ${diffs.map((d) => d.en).join('; ')}. Rows may have been rejected or the file may be incomplete`,
    );
    return undefined;
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
