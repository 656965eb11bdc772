import { formatFen } from '../../money/fen.js';
import type { PosRecord } from '../../records/index.js';
import { normaliseHeader } from '../header-match.js';
import { cellsByHeader } from './header-cells.js';
import type { OverrideContext, PresetOverride } from './index.js';

/** A 冻结 or 解冻 line of the file, as its warning lists it. */
interface HeldLine {
  row: number;
  orderNo: string;
  amountFen?: number;
  settledFen?: number;
}

/** Lines listed in a warning; the rest are counted. */
const LISTED = 5;

/** The label of a 冻结 sale: its money held that day (rebates.ts reads it as money frozen). */
export const FROZEN_LABEL = '资金冻结';
/** The label of a 解冻 line: the held money paid out (rebates.ts sets it only against money frozen). */
export const RELEASED_LABEL = '资金解冻';
/** ctx.state key: the row transformRow found to be a 解冻 line, for finishRecord to make a release of. */
const RELEASING = 'leshua.releasing';
/** ctx.state key: the orders of this file's 进账 sale lines not yet frozen, by pairKey. */
const SETTLED_ORDERS = 'leshua.settledOrders';
/** ctx.state key: the orders of this file's 冻结 lines read as the frozen sale (no 进账 line before), by pairKey. */
const FROZEN_ORDERS = 'leshua.frozenOrders';

/**
 * Leshua trade file: the provider order number sits in whichever of 第三方订单号 / 上游订单号(微信、支付宝) /
 * 上游订单号(网、银联) the channel fills (`*` in the others), so the first non-empty one is used.
 *
 * 资金流向 冻结 is a sale Leshua settled but holds the money of (risk control): the preset reads it as the sale it
 * is (priced and matched as any), or the audit would call it missing from the statement, but with nothing settled
 * that day and labelled 资金冻结, so the day's payout does not expect the held money and the audit reports it as
 * a short settlement of money frozen. A 解冻 line releases it, a day or more later: not a second sale but money
 * given back outside a sale (a rebate, labelled 资金解冻, keyed by the sale's order number) on its own day, which
 * the audit adds to that day's payout and sets only against money frozen. Both are named in a warning.
 *
 * The same order may be on two lines of one file: a 进账 line (the money came in) and a 冻结 line (then held). It is
 * one sale, settled and priced once: the first of the two lines is the sale, the other is only the hold. A 冻结 line
 * after its 进账 line is a deduction of the held money labelled 资金冻结 (so the day's payout nets the two lines to
 * the money actually paid and the audit reports the hold as it does a 冻结 line alone); a 进账 line after its 冻结
 * line adds nothing the frozen sale did not already say and is skipped. Never a second sale (duplicate_settlement).
 * The state is per file: when the 冻结 line is in another day's file, the audit pairs the two lines
 * (audit/leshua-holds-across-files.ts) and makes the 冻结 line the same deduction.
 */
export const leshuaOverride: PresetOverride = {
  transformRow(cells, ctx) {
    if (cellsByHeader(ctx, cells)('资金流向') !== '解冻') return cells;
    const key = normaliseHeader('资金流向').key;
    const i = ctx.header.findIndex((h) => normaliseHeader(h).key === key);
    if (i < 0) return cells;
    // The YAML skips 解冻 (so a file read without this override never counts it as a sale): read it as money
    // in, and finishRecord makes the release of it.
    ctx.state[RELEASING] = ctx.row;
    const out = cells.slice();
    out[i] = '进账';
    return out;
  },

  finishRecord(record, cells, ctx) {
    const cell = cellsByHeader(ctx, cells);
    let out = record;
    if (ctx.state[RELEASING] === ctx.row) {
      delete ctx.state[RELEASING];
      // The money released: the line's 结算金额, else its amount less its fee. Always money to the merchant.
      const released = Math.abs(record.settledFen ?? record.amountFen - (record.feeFen ?? 0));
      const { feeFen: _fee, rate: _rate, ...rest } = record;
      out = { ...rest, type: 'rebate', amountFen: released, settledFen: released, label: RELEASED_LABEL };
      lines(ctx, 'released').push({
        row: ctx.row,
        orderNo: record.orderNo ?? '',
        amountFen: record.amountFen,
        settledFen: released,
      });
    } else if (cell('资金流向') === '冻结' && record.type === 'sale') {
      // Held: what this line would have settled, as read (the amount less the fee when the file leaves it out).
      const held = record.settledFen ?? record.amountFen - (record.feeFen ?? 0);
      const key = pairKey(record);
      const settledOrders = orders(ctx, SETTLED_ORDERS);
      if (key !== undefined && settledOrders.has(key)) {
        // The sale came in on its own 进账 line: this line only holds its money back.
        settledOrders.delete(key);
        const fen = Math.abs(held);
        const { feeFen: _fee, rate: _rate, ...rest } = record;
        lines(ctx, 'heldAfterIn').push({
          row: ctx.row,
          orderNo: record.orderNo ?? '',
          amountFen: record.amountFen,
          settledFen: fen,
        });
        return withProviderOrderNo(
          { ...rest, type: 'deduction', amountFen: -fen, settledFen: -fen, label: FROZEN_LABEL },
          cell,
        );
      }
      if (key !== undefined) orders(ctx, FROZEN_ORDERS).add(key);
      out = { ...record, settledFen: 0, label: FROZEN_LABEL };
      lines(ctx, 'frozen').push({
        row: ctx.row,
        orderNo: record.orderNo ?? '',
        amountFen: record.amountFen,
        settledFen: held,
      });
    } else if (cell('资金流向') === '进账' && record.type === 'sale') {
      const key = pairKey(record);
      if (key !== undefined) {
        const frozenOrders = orders(ctx, FROZEN_ORDERS);
        if (frozenOrders.has(key)) {
          // Its 冻结 line came first and is the sale (settled ¥0.00, held): this line is the same sale again.
          frozenOrders.delete(key);
          lines(ctx, 'inAfterHeld').push({
            row: ctx.row,
            orderNo: record.orderNo ?? '',
            amountFen: record.amountFen,
          });
          return null;
        }
        orders(ctx, SETTLED_ORDERS).add(key);
      }
    }
    return withProviderOrderNo(out, cell);
  },

  // Called once at the end of the file: the place to name the held lines, all of them counted.
  summaryCheck(ctx) {
    const frozen = lines(ctx, 'frozen');
    if (frozen.length > 0) {
      const held = frozen.reduce((n, l) => n + (l.settledFen ?? 0), 0);
      ctx.warn(
        'leshua.frozen',
        `${ctx.file} 中有 ${frozen.length} 笔交易的资金流向为“冻结”（${listed(frozen, 'zh')}）：已作为交易导入，但结算款共 ${formatFen(held)} 由乐刷暂扣，当天结算记为 ¥0.00（资金冻结），“解冻”前不会打款到账，请向服务商询问冻结原因`,
        `${ctx.file}: ${frozen.length} ${frozen.length === 1 ? 'sale is' : 'sales are'} marked 冻结 (frozen) in 资金流向 (${listed(frozen, 'en')}): ${frozen.length === 1 ? 'imported as a sale' : 'imported as sales'} settled ¥0.00 that day (资金冻结), as Leshua holds their settled money, ${formatFen(held)} in all, and pays it out only once a 解冻 line releases it; ask the provider why`,
      );
    }
    const heldAfterIn = lines(ctx, 'heldAfterIn');
    if (heldAfterIn.length > 0) {
      const held = heldAfterIn.reduce((n, l) => n + (l.settledFen ?? 0), 0);
      ctx.warn(
        'leshua.frozen-after-in',
        `${ctx.file} 中有 ${heldAfterIn.length} 行资金流向为“冻结”的交易此前已有同一订单的“进账”行（${listed(heldAfterIn, 'zh')}）：交易按“进账”行导入一次，“冻结”行作为从当天结算中扣下的资金冻结导入，共 ${formatFen(held)} 由乐刷暂扣，“解冻”前不会打款到账，请向服务商询问冻结原因`,
        `${ctx.file}: ${heldAfterIn.length} ${heldAfterIn.length === 1 ? 'line' : 'lines'} marked 冻结 (frozen) in 资金流向 ${heldAfterIn.length === 1 ? 'follows a 进账 line' : 'follow 进账 lines'} of the same order (${listed(heldAfterIn, 'en')}): each sale is imported once, from its 进账 line, and the 冻结 line as money held back from that day's payout (资金冻结), ${formatFen(held)} in all, paid out only once a 解冻 line releases it; ask the provider why`,
      );
    }
    const inAfterHeld = lines(ctx, 'inAfterHeld');
    if (inAfterHeld.length > 0) {
      ctx.warn(
        'leshua.in-after-frozen',
        `${ctx.file} 中有 ${inAfterHeld.length} 行资金流向为“进账”的交易与此前一行“冻结”是同一订单（${listed(inAfterHeld, 'zh')}）：交易已按“冻结”行导入一次，“进账”行未再作为交易导入`,
        `${ctx.file}: ${inAfterHeld.length} ${inAfterHeld.length === 1 ? 'line' : 'lines'} marked 进账 (in) in 资金流向 ${inAfterHeld.length === 1 ? 'is' : 'are'} the order of an earlier 冻结 line (${listed(inAfterHeld, 'en')}): the sale is imported once, from its 冻结 line, and the 进账 line is not imported again as a sale`,
      );
    }
    const released = lines(ctx, 'released');
    if (released.length > 0) {
      const paid = released.reduce((n, l) => n + (l.settledFen ?? 0), 0);
      ctx.warn(
        'leshua.released',
        `${ctx.file} 中有 ${released.length} 行资金流向为“解冻”（${listed(released, 'zh')}）：释放此前冻结交易的结算款共 ${formatFen(paid)}，已作为当天的返还（资金解冻）导入、计入当天到账，只抵扣冻结的结算款；交易本身在冻结那天的对账单中，未再作为交易导入`,
        `${ctx.file}: ${released.length} ${released.length === 1 ? 'line is' : 'lines are'} marked 解冻 (released) in 资金流向 (${listed(released, 'en')}): the settled money of sales frozen before, ${formatFen(paid)} in all, is released; imported as money given back that day (资金解冻), counted in that day's payout and set only against money frozen; the sale itself is on the statement of the day it was frozen and is not imported again as a sale`,
      );
    }
    return undefined;
  },
};

/** The provider order number from the 上游订单号 columns when 第三方订单号 left it out (see leshuaOverride). */
function withProviderOrderNo(record: PosRecord, cell: (...names: string[]) => string): PosRecord {
  if (record.providerOrderNo !== undefined) return record;
  for (const name of ['上游订单号(微信、支付宝)', '上游订单号(网、银联)']) {
    const value = cell(name);
    if (value !== '' && value !== '*') return { ...record, providerOrderNo: value };
  }
  return record;
}

/**
 * What pairs a 进账 line with a 冻结 line of the same order: merchant and 订单号, else 参考号 and 终端号. Also what
 * the audit pairs them by when they are in two files (audit/leshua-holds-across-files.ts).
 */
export function pairKey(record: PosRecord): string | undefined {
  const merchant = record.merchantId ?? '';
  if (record.orderNo !== undefined && record.orderNo !== '' && record.orderNo !== '*')
    return `${merchant}\u0000order\u0000${record.orderNo}`;
  if (record.refNo !== undefined && record.refNo !== '' && record.refNo !== '*')
    return `${merchant}\u0000ref\u0000${record.refNo}\u0000${record.terminalId ?? ''}`;
  return undefined;
}

function orders(ctx: OverrideContext, key: string): Set<string> {
  let set = ctx.state[key] as Set<string> | undefined;
  if (set === undefined) {
    set = new Set<string>();
    ctx.state[key] = set;
  }
  return set;
}

function lines(
  ctx: OverrideContext,
  which: 'frozen' | 'released' | 'heldAfterIn' | 'inAfterHeld',
): HeldLine[] {
  const key = `leshua.${which}`;
  let list = ctx.state[key] as HeldLine[] | undefined;
  if (list === undefined) {
    list = [];
    ctx.state[key] = list;
  }
  return list;
}

function listed(held: readonly HeldLine[], lang: 'zh' | 'en'): string {
  const shown = held.slice(0, LISTED).map((l) => {
    const amount = l.amountFen === undefined ? '' : ` ${formatFen(Math.abs(l.amountFen))}`;
    const order = l.orderNo === '' || l.orderNo === '*' ? '' : ` ${l.orderNo}`;
    return lang === 'zh' ? `第 ${l.row} 行${order}${amount}` : `row ${l.row}${order}${amount}`;
  });
  const more = held.length - shown.length;
  if (more > 0) shown.push(lang === 'zh' ? `等 ${held.length} 行` : `and ${more} more`);
  return shown.join(lang === 'zh' ? '、' : ', ');
}
