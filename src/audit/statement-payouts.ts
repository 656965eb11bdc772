// A statement that lists its own payouts (划款/结算 lines beside the trade lines) says what the provider paid for
// each settlement day. Without bank files that is the best evidence of the money sent, so each such day's payout
// is held against the day's net from the trade lines: a payout below the net is money kept back that no line
// explains. With bank files the bank check (payouts.ts) compares the credits themselves, and this one stays quiet
// so the same shortfall is not counted twice.
import { formatFen } from '../money/fen.js';
import { localDateOf } from '../time/shanghai.js';
import type { FindingDraft } from './finding-builder.js';
import type { Prepared } from './match-records.js';
import { type PayoutDay, payoutDaysOf } from './payouts.js';
import type { SourceRef } from './report-types.js';

export interface StatementPayoutCheck {
  /** Payout days the statement's own payout lines could be compared with (a net and a payout on one date). */
  comparedDays: number;
  drafts: FindingDraft[];
  /** Days with payout lines whose net a cut-off statement file leaves unknown (PayoutDay.cutShortFile): not compared. */
  cutShortDays: PayoutDay[];
}

/**
 * Compares the payout lines of one merchant's statements with each settlement day's net. Only dates that have
 * both trade lines (by settlement date) and payout lines are compared, and only a payout below the net is a
 * finding: a provider that pays several days at once (a weekend paid on Monday) pays more than one day's net on
 * the day it pays and nothing on the others, which is not a loss.
 */
export function checkStatementPayouts(
  lines: readonly Prepared[],
  merchantId: string,
  basis: 'plan' | 'inferred',
  inDates: (date: string) => boolean,
  /** Sets PayoutDay.cutShortFile on the days a cut-off statement file leaves incomplete. */
  markCutShort?: (days: readonly PayoutDay[]) => void,
): StatementPayoutCheck {
  const paidByDate = new Map<string, { fen: number; lines: Prepared[] }>();
  for (const p of lines) {
    const r = p.record;
    if (r.type !== 'payout') continue;
    const date = r.settleDate ?? localDateOf(r.time);
    const fen = Math.abs(r.settledFen ?? r.amountFen);
    const paid = paidByDate.get(date);
    if (paid === undefined) paidByDate.set(date, { fen, lines: [p] });
    else {
      paid.fen += fen;
      paid.lines.push(p);
    }
  }
  if (paidByDate.size === 0) return { comparedDays: 0, drafts: [], cutShortDays: [] };
  let comparedDays = 0;
  const drafts: FindingDraft[] = [];
  const cutShortDays: PayoutDay[] = [];
  const days = payoutDaysOf(lines);
  markCutShort?.(days);
  for (const day of days) {
    const paid = paidByDate.get(day.date);
    if (paid === undefined) continue;
    if (day.cutShortFile !== undefined) {
      if (inDates(day.date)) cutShortDays.push(day);
      continue;
    }
    comparedDays += 1;
    const due = day.net + day.carriedFen;
    if (paid.fen >= due || !inDates(day.date)) continue;
    const short = due - paid.fen;
    const count = day.rowOfLine.length;
    const source: SourceRef[] = [];
    for (let i = 0; i < count; i += 1)
      source.push({
        file: day.files[day.fileOfLine[i] as number] as string,
        row: day.rowOfLine[i] as number,
      });
    for (const p of paid.lines) source.push({ file: p.record.source.file, row: p.record.source.row });
    const carriedZh = day.carriedFen === 0 ? '' : `，已抵扣此前退款 ${formatFen(-day.carriedFen)}`;
    const carriedEn = day.carriedFen === 0 ? '' : ` after ${formatFen(-day.carriedFen)} of earlier refunds`;
    drafts.push({
      kind: 'payout_mismatch',
      merchantId,
      keys: [day.date, 'statement'],
      settleDate: day.date,
      amountFen: due,
      overchargeFen: 0,
      lossFen: short,
      basis,
      message: `${day.date} 结算净额 ${formatFen(due)}（${count} 笔${carriedZh}），对账单中的划款只有 ${formatFen(paid.fen)}，少付 ${formatFen(short)}`,
      messageEn: `${day.date}: net payout ${formatFen(due)} (${count} lines${carriedEn}), but the statement's payout lines pay only ${formatFen(paid.fen)}; short ${formatFen(short)}`,
      source,
    });
  }
  return { comparedDays, drafts, cutShortDays };
}
