import { basename } from 'node:path';
import type { OverrideContext, PresetOverride } from './index.js';

// 交易代码 an3, two 11-digit institution codes, 系统跟踪号 n6, 交易传输时间 n10, each followed by one space.
const ZM_LINE = /^[0-9A-Z]{3} [0-9 ]{11} [0-9 ]{11} \d{6} \d{10} /;
// Position of 原始交易的系统跟踪号 in presets/unionpay-zm.yaml's fixedWidth list (0-based).
const ORIGINAL_TRACE = 7;

/** The settlement (清算) date a ZM file covers, from its name INN<yymmdd>88ZM_<merchant>, as YYYY-MM-DD. */
export function zmSettleDate(file: string): string | undefined {
  const m = /INN(\d{2})(\d{2})(\d{2})\d{2}ZMA?_/i.exec(basename(file));
  if (!m) return undefined;
  const [, yy, mm, dd] = m;
  if (Number(mm) < 1 || Number(mm) > 12 || Number(dd) < 1 || Number(dd) > 31) return undefined;
  return `20${yy}-${mm}-${dd}`;
}

function settleDateOf(ctx: OverrideContext): string | undefined {
  const cached = ctx.state['settleDate'];
  if (typeof cached === 'string') return cached;
  const date = zmSettleDate(ctx.file) ?? ctx.fileDate;
  if (date !== undefined) ctx.state['settleDate'] = date;
  return date;
}

/**
 * UnionPay ZM: recognises the fixed-width line shape, and gives every row the file's settlement date so that
 * 交易传输时间 (MMDDhhmmss, no year) gets the year that puts it on or before that date.
 */
export const unionpayZmOverride: PresetOverride = {
  detect(firstLines) {
    const lines = firstLines.filter((l) => l.trim() !== '').slice(0, 5);
    if (lines.length === 0) return 0;
    const hits = lines.filter((l) => ZM_LINE.test(l) && l.trimEnd().length >= 200).length;
    return hits * 2 > lines.length ? 20 : 0;
  },
  transformRow(cells, ctx) {
    const out = [...cells];
    // A sale has no original: the field is zero-filled, not an ID.
    if (/^0*$/.test((out[ORIGINAL_TRACE] ?? '').trim())) out[ORIGINAL_TRACE] = '';
    out.push(settleDateOf(ctx) ?? '');
    return out;
  },
};
