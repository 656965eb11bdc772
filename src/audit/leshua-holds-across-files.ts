// A Leshua order's 进账 line (the money came in) and its 冻结 line (then held) in two daily trade files. The preset
// pairs the two only within one file (its state is per file), so across files the 冻结 line comes in as the lone
// frozen sale (settled ¥0.00, labelled 资金冻结) beside the 进账 sale: two sales, a false duplicate_settlement and
// a payout short by the held money. Here, with all of a merchant's statement lines at hand, the 冻结 line is made
// what the preset makes of it within one file: a deduction of the held money, so the sale is settled and priced
// once and the day's payout nets the two lines to the money actually paid.
import { formatFen } from '../money/fen.js';
import type { PosRecord } from '../records/record.js';
import { FROZEN_LABEL, pairKey as leshuaPairKey } from '../statements/presets/leshua.js';

/** Pairs a warning names before it says how many more. */
const LISTED = 5;

/** A 冻结 line of one file made the hold of the 进账 sale of another. */
export interface HoldAcrossFiles {
  frozen: PosRecord;
  settled: PosRecord;
  heldFen: number;
}

/** A 冻结 line read alone (leshua.ts): the sale, settled ¥0.00 that day and labelled 资金冻结. */
function isLoneFrozenSale(r: PosRecord): boolean {
  return r.type === 'sale' && r.status === 'success' && r.label === FROZEN_LABEL && r.settledFen === 0;
}

/** A sale that came in (a 进账 line): a successful sale not itself a frozen one. */
function isSettledSale(r: PosRecord): boolean {
  return r.type === 'sale' && r.status === 'success' && r.label !== FROZEN_LABEL;
}

/** The hold a 冻结 line within one file already makes of its 进账 sale (leshua.ts): a 资金冻结 deduction. */
function isHoldWithinFile(r: PosRecord): boolean {
  return r.type === 'deduction' && r.label === FROZEN_LABEL;
}

const byTimeThenSource = (a: PosRecord, b: PosRecord): number =>
  a.time !== b.time
    ? a.time < b.time
      ? -1
      : 1
    : a.source.file !== b.source.file
      ? a.source.file < b.source.file
        ? -1
        : 1
      : a.source.row - b.source.row;

/**
 * One merchant's statement lines with each lone 冻结 sale that has a 进账 sale of the same order (leshua.ts
 * pairKey) and amount in another file made the hold of that sale: the deduction leshua.ts makes of a 冻结 line after
 * its 进账 line (no fee or rate, amount and settled −held, labelled 资金冻结, at the 冻结 line's own time). Which
 * file was given first does not matter: the 进账 line is always the sale. Only a 冻结 line pairs, each with one 进账
 * sale not already held within its own file: two 进账 lines of one order stay a duplicate_settlement. The records
 * come back unchanged (the same array) when there is nothing to pair.
 */
export function holdsAcrossFiles(records: readonly PosRecord[]): {
  records: readonly PosRecord[];
  holds: HoldAcrossFiles[];
} {
  const frozenByKey = new Map<string, PosRecord[]>();
  for (const r of records) {
    if (!isLoneFrozenSale(r)) continue;
    const key = leshuaPairKey(r);
    if (key === undefined) continue;
    const list = frozenByKey.get(key);
    if (list === undefined) frozenByKey.set(key, [r]);
    else list.push(r);
  }
  if (frozenByKey.size === 0) return { records, holds: [] };

  // The 进账 sales of those orders, and the files whose own 冻结 line already holds the order's 进账 sale.
  const settledByKey = new Map<string, PosRecord[]>();
  const heldInFile = new Set<string>();
  for (const r of records) {
    const settled = isSettledSale(r);
    if (!settled && !isHoldWithinFile(r)) continue;
    const key = leshuaPairKey(r);
    if (key === undefined || !frozenByKey.has(key)) continue;
    if (!settled) {
      heldInFile.add(`${key}\u0000${r.source.file}`);
      continue;
    }
    const list = settledByKey.get(key);
    if (list === undefined) settledByKey.set(key, [r]);
    else list.push(r);
  }

  const replaced = new Map<PosRecord, PosRecord>();
  const holds: HoldAcrossFiles[] = [];
  for (const [key, frozenLines] of frozenByKey) {
    const candidates = (settledByKey.get(key) ?? [])
      .filter((s) => !heldInFile.has(`${key}\u0000${s.source.file}`))
      .sort(byTimeThenSource);
    if (candidates.length === 0) continue;
    const taken = new Set<PosRecord>();
    for (const frozen of [...frozenLines].sort(byTimeThenSource)) {
      const settled = candidates.find(
        (s) => !taken.has(s) && s.source.file !== frozen.source.file && s.amountFen === frozen.amountFen,
      );
      if (settled === undefined) continue;
      taken.add(settled);
      // What the 冻结 line would have settled: its amount less its fee (leshua.ts's reading of a line without a
      // 结算金额, the lone frozen sale having kept ¥0.00), else what its 进账 line settled.
      const heldFen = Math.abs(
        frozen.feeFen !== undefined
          ? frozen.amountFen - frozen.feeFen
          : (settled.settledFen ?? settled.amountFen - (settled.feeFen ?? 0)),
      );
      const { feeFen: _fee, rate: _rate, ...rest } = frozen;
      replaced.set(frozen, { ...rest, type: 'deduction', amountFen: -heldFen, settledFen: -heldFen });
      holds.push({ frozen, settled, heldFen });
    }
  }
  if (holds.length === 0) return { records, holds };
  return { records: records.map((r) => replaced.get(r) ?? r), holds };
}

/** The warning naming the holds paired across files (zh / en, as the run's merchant warnings are). */
export function holdsAcrossFilesWarning(merchantId: string, holds: readonly HoldAcrossFiles[]): string {
  const held = holds.reduce((n, h) => n + h.heldFen, 0);
  const shown = holds.slice(0, LISTED);
  const more = holds.length - shown.length;
  const order = (r: PosRecord) => (r.orderNo === undefined ? '' : ` ${r.orderNo}`);
  const zh = shown
    .map(
      (h) =>
        `${h.frozen.source.file} 第 ${h.frozen.source.row} 行${order(h.frozen)} ${formatFen(Math.abs(h.frozen.amountFen))}（“进账”在 ${h.settled.source.file} 第 ${h.settled.source.row} 行）`,
    )
    .join('、');
  const en = shown
    .map(
      (h) =>
        `${h.frozen.source.file} row ${h.frozen.source.row}${order(h.frozen)} ${formatFen(Math.abs(h.frozen.amountFen))} (进账 at ${h.settled.source.file} row ${h.settled.source.row})`,
    )
    .join(', ');
  const who = merchantId || '（未注明）';
  const whoEn = merchantId || '(none)';
  return (
    `商户 ${who} 有 ${holds.length} 行资金流向为“冻结”的交易在另一天的对账单中已有同一订单的“进账”行：${zh}${more > 0 ? ` 等 ${holds.length} 行` : ''}。` +
    `交易按“进账”行核对一次，“冻结”行作为从结算款中扣下的资金冻结核对（共 ${formatFen(held)}），“解冻”前不会打款到账，请向服务商询问冻结原因 / ` +
    `merchant ${whoEn}: ${holds.length} ${holds.length === 1 ? 'line' : 'lines'} marked 冻结 (frozen) in 资金流向 ${holds.length === 1 ? 'has' : 'have'} a 进账 line of the same order in another day's statement: ${en}${more > 0 ? `, and ${more} more` : ''}. ` +
    `Each sale is checked once, from its 进账 line, and the 冻结 line as money held back from the payout (资金冻结, ${formatFen(held)} in all), paid out only once a 解冻 line releases it; ask the provider why`
  );
}
