import { formatFen } from '../money/fen.js';
import type { PosRecord } from '../records/index.js';
import { scopeDateOf } from './scope.js';

/** How many rebate lines a warning names before it says "…". */
const LINES_NAMED = 5;

/** What one rebate line gave the merchant: its settled amount, else its amount (the importer makes both positive). */
export function rebateFenOf(r: PosRecord): number {
  return Math.abs(r.settledFen ?? r.amountFen);
}

/**
 * What a merchant's rebate lines (手续费返还, 押金退还, 激活返现) gave back within the run's dates, and a warning
 * naming them: a provider that returned part of what it overcharged owes only the rest, and the merchant should
 * see which lines the report set against the loss. Undefined warning when there are none.
 */
export function rebatesOf(
  lines: readonly PosRecord[],
  merchantId: string,
  inDates: (date: string) => boolean,
): { returnedFen: number; warning?: string } {
  const kept = lines.filter((r) => inDates(scopeDateOf(r)));
  if (kept.length === 0) return { returnedFen: 0 };
  let returnedFen = 0;
  for (const r of kept) returnedFen += rebateFenOf(r);
  const named = kept.slice(0, LINES_NAMED).map((r) => ({
    date: scopeDateOf(r),
    label: r.label ?? '',
    fen: formatFen(rebateFenOf(r)),
  }));
  const more = kept.length > LINES_NAMED ? '…' : '';
  const listZh = named.map((x) => `${x.date} ${x.label || '返还'} ${x.fen}`).join('；') + more;
  const listEn = named.map((x) => `${x.date} ${x.label || 'rebate'} ${x.fen}`).join('; ') + more;
  const whoZh = merchantId === '' ? '没有商户号的对账单' : `商户 ${merchantId} 的对账单`;
  const whoEn =
    merchantId === '' ? 'statement lines without a merchant number' : `merchant ${merchantId}'s statements`;
  return {
    returnedFen,
    warning:
      `${whoZh}有 ${kept.length} 笔返还（${listZh}），合计 ${formatFen(returnedFen)}：已计入到账核对，并从损失中扣除得出净损失 / ` +
      `${whoEn} give back ${formatFen(returnedFen)} in ${kept.length} rebate line(s) (${listEn}): counted in the payouts and set against the loss`,
  };
}
