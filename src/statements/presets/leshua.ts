import { formatFen } from '../../money/fen.js';
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

/**
 * Leshua trade file: the provider order number sits in whichever of 第三方订单号 / 上游订单号(微信、支付宝) /
 * 上游订单号(网、银联) the channel fills (`*` in the others), so the first non-empty one is used.
 *
 * 资金流向 冻结 is a sale Leshua settled but holds the money of (risk control): the preset reads it as the sale it
 * is, or the audit would call it missing from the statement, and the lines are named in a warning, as the money
 * does not reach the bank until the 解冻 line releases it. A 解冻 line repeats that sale: not read again, named.
 */
export const leshuaOverride: PresetOverride = {
  transformRow(cells, ctx) {
    const cell = cellsByHeader(ctx, cells);
    if (cell('资金流向') === '解冻') {
      lines(ctx, 'released').push({
        row: ctx.row,
        orderNo: cell('订单号'),
        ...fenOf('amountFen', cell('交易金额')),
        ...fenOf('settledFen', cell('结算金额')),
      });
    }
    return cells;
  },

  finishRecord(record, cells, ctx) {
    const cell = cellsByHeader(ctx, cells);
    if (cell('资金流向') === '冻结') {
      lines(ctx, 'frozen').push({
        row: ctx.row,
        orderNo: record.orderNo ?? '',
        amountFen: record.amountFen,
        ...(record.settledFen === undefined ? {} : { settledFen: record.settledFen }),
      });
    }
    if (record.providerOrderNo !== undefined) return record;
    for (const name of ['上游订单号(微信、支付宝)', '上游订单号(网、银联)']) {
      const value = cell(name);
      if (value !== '' && value !== '*') return { ...record, providerOrderNo: value };
    }
    return record;
  },

  // Called once at the end of the file: the place to name the held lines, all of them counted.
  summaryCheck(ctx) {
    const frozen = lines(ctx, 'frozen');
    if (frozen.length > 0) {
      const held = frozen.reduce((n, l) => n + (l.settledFen ?? l.amountFen ?? 0), 0);
      ctx.warn(
        'leshua.frozen',
        `${ctx.file} 中有 ${frozen.length} 笔交易的资金流向为“冻结”（${listed(frozen, 'zh')}）：已作为交易导入，但结算款共 ${formatFen(held)} 由乐刷暂扣，“解冻”前不会打款到账，请向服务商询问冻结原因`,
        `${ctx.file}: ${frozen.length} ${frozen.length === 1 ? 'sale is' : 'sales are'} marked 冻结 (frozen) in 资金流向 (${listed(frozen, 'en')}): imported as sales, but Leshua holds their settled money, ${formatFen(held)} in all, and pays it out only once a 解冻 line releases it; ask the provider why`,
      );
    }
    const released = lines(ctx, 'released');
    if (released.length > 0) {
      ctx.warn(
        'leshua.released',
        `${ctx.file} 中有 ${released.length} 行资金流向为“解冻”（${listed(released, 'zh')}）：释放此前冻结交易的结算款，交易已在冻结那天的对账单中，未再作为交易导入`,
        `${ctx.file}: ${released.length} ${released.length === 1 ? 'line is' : 'lines are'} marked 解冻 (released) in 资金流向 (${listed(released, 'en')}): the settled money of a sale frozen before is released; the sale is on the statement of the day it was frozen and is not imported again`,
      );
    }
    return undefined;
  },
};

function lines(ctx: OverrideContext, which: 'frozen' | 'released'): HeldLine[] {
  const key = `leshua.${which}`;
  let list = ctx.state[key] as HeldLine[] | undefined;
  if (list === undefined) {
    list = [];
    ctx.state[key] = list;
  }
  return list;
}

/** A cell of whole fen (the file's unit), when it is one. */
function fenOf<K extends 'amountFen' | 'settledFen'>(key: K, text: string): Partial<Record<K, number>> {
  return /^-?\d{1,15}$/.test(text) ? ({ [key]: Number(text) } as Partial<Record<K, number>>) : {};
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
