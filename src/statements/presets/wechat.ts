import { parseAmount } from '../../money/index.js';
import { type CardType, type PosRecord, withDiscount } from '../../records/index.js';
import { cellsByHeader } from './header-cells.js';
import type { PresetOverride, SummaryTotals } from './index.js';

function splitTicked(line: string): string[] {
  return line.split(',').map((c) => c.replace(/^[\s\ufeff`]+|\s+$/g, ''));
}

/**
 * A bill row with a comma inside a field (商品名称 商品A,含逗号), re-quoted for the CSV scanner: WeChat does not
 * quote its fields but starts every one with a backtick (DOMAIN.md §2.6), so only a comma followed by a backtick
 * ends a field. Left as it is unless the row starts with a backtick, has no quote of its own and splits that way
 * into exactly the header's columns; a bill without the backticks (re-saved by Excel) reads as any CSV does.
 */
function quoteTickedFields(line: string, width: number): string {
  if (line.charCodeAt(0) !== 96) return line;
  let comma = line.indexOf(',');
  while (comma >= 0 && line.charCodeAt(comma + 1) === 96) comma = line.indexOf(',', comma + 1);
  if (comma < 0 || line.includes('"')) return line;
  const fields = line.split(/,(?=`)/);
  if (fields.length !== width) return line;
  return fields.map((f) => (f.includes(',') ? `"${f}"` : f)).join(',');
}

function fen(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const r = parseAmount(text, 'yuan');
  return r.ok ? r.value : undefined;
}

function cardOf(bank: string): CardType {
  if (/_DEBIT$/i.test(bank)) return 'debit';
  if (/_CREDIT$/i.test(bank)) return 'credit';
  return 'unknown';
}

/**
 * The merchant-funded discount of a row: 订单金额 − 应结订单金额 on a payment, −(申请退款金额 − 退款金额) on a
 * refund; undefined when the bill lacks the column (an old bill's 总金额) or the gap is not within the order.
 */
function merchantDiscountFen(record: PosRecord, cell: (...names: string[]) => string): number | undefined {
  const sale = record.type === 'sale';
  if (!sale && record.type !== 'refund') return undefined;
  const order = fen(cell(sale ? '订单金额' : '申请退款金额'));
  const settles = fen(cell(sale ? '应结订单金额' : '退款金额'));
  if (order === undefined || settles === undefined) return undefined;
  const gap = Math.abs(order) - Math.abs(settles);
  if (gap <= 0 || gap > Math.abs(order)) return undefined;
  return sale ? gap : -gap;
}

/**
 * WeChat Pay trade bill: takes the summary pair (总交易单数… and its values) out of the rows and checks the rows
 * against it; sets the channel, the card type from 付款银行 (CMB_DEBIT…), the sub-merchant of a service
 * provider's bill, and on refund rows the refund numbers with the refunded order as the original.
 *
 * 应结订单金额 (退款金额 on a refund) is what WeChat settles and charges 手续费 on: 订单金额 (申请退款金额) less the
 * 免充值 coupons the merchant funds. It stays the amount; the gap is the merchant's discount (discountFen), which
 * the cashier journal, showing the order total, includes.
 */
export const wechatOverride: PresetOverride = {
  // 订单金额 and 申请退款金额 are read below; the coupons (代金券, 充值券, the legacy 企业红包) are what the customer
  // paid with, not money taken from the merchant: 应结订单金额 already leaves out the merchant's own.
  knownColumns: [
    '订单金额',
    '申请退款金额',
    '代金券金额',
    '代金券或立减优惠金额',
    '充值券退款金额',
    '企业红包金额',
    '企业红包退款金额',
  ],
  transformLine(line, ctx) {
    const bare = line.replace(/^[\s\ufeff`]+/, '');
    if (bare.startsWith('总交易单数')) {
      ctx.state['summaryHeader'] = splitTicked(line);
      return null;
    }
    if (ctx.state['summaryHeader'] !== undefined && ctx.state['summaryValues'] === undefined && bare !== '') {
      ctx.state['summaryValues'] = splitTicked(line);
      return null;
    }
    return ctx.header.length > 0 ? quoteTickedFields(line, ctx.header.length) : line;
  },
  finishRecord(record, cells, ctx) {
    const cell = cellsByHeader(ctx, cells);
    const out = { ...record, channel: 'wechat' as const, card: cardOf(cell('付款银行')) };
    const sub = cell('特约商户号', '子商户号');
    if (sub !== '' && sub !== '0') out.merchantId = sub;
    if (out.type === 'refund' || out.type === 'void') {
      const refundNo = cell('商户退款单号');
      const providerRefundNo = cell('微信退款单号');
      if (out.orderNo !== undefined) out.originalOrderNo = out.orderNo;
      if (refundNo !== '' && refundNo !== '0') out.orderNo = refundNo;
      if (providerRefundNo !== '' && providerRefundNo !== '0') out.providerOrderNo = providerRefundNo;
    }
    return withDiscount(out, merchantDiscountFen(out, cell));
  },
  summaryCheck(ctx) {
    const header = ctx.state['summaryHeader'] as string[] | undefined;
    const values = ctx.state['summaryValues'] as string[] | undefined;
    if (header === undefined || values === undefined) return undefined;
    const get = (...names: string[]): string | undefined => {
      for (const name of names) {
        const i = header.indexOf(name);
        if (i >= 0) return values[i];
      }
      return undefined;
    };
    const totals: SummaryTotals = {};
    const count = get('总交易单数');
    if (count !== undefined && /^\d+$/.test(count)) totals.count = Number(count);
    const settled = fen(get('应结订单总金额', '总交易额'));
    const refunded = fen(get('退款总金额', '总退款金额'));
    // Refund rows are negative in the records, so the rows add up to orders minus refunds.
    if (settled !== undefined) totals.amountFen = settled - (refunded ?? 0);
    const fee = fen(get('手续费总金额'));
    if (fee !== undefined) totals.feeFen = fee;
    return totals;
  },
};
