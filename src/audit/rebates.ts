import { formatFen } from '../money/fen.js';
import type { PosRecord } from '../records/index.js';
import type { AuditSummary, Finding } from './report-types.js';
import { scopeDateOf } from './scope.js';

/** How many rebate lines a warning names before it says "…". */
const LINES_NAMED = 5;

/** What one rebate line gave the merchant: its settled amount, else its amount (the importer makes both positive). */
export function rebateFenOf(r: PosRecord): number {
  return Math.abs(r.settledFen ?? r.amountFen);
}

/**
 * What a charge or its return is about, from the statement's own words: a fee on sales (手续费, 秒到费, D0 加急), a
 * named charge (押金, 激活, 流量费, 服务费…), a marketing payment (返现, 奖励, 补贴) or nothing said (费用退回).
 * A return can only make good a loss of its own kind: a deposit given back is the merchant's own money coming home,
 * not a refund of overcharged fees, and a cashback is a promotion.
 */
export type ChargeKind =
  | { kind: 'fee' }
  | { kind: 'charge'; group: string }
  | { kind: 'bonus' }
  | { kind: 'unnamed' };

const FEE_WORDS = /手续费|费率|扣率|秒到|加急|提现费|交易费|结算费|通道费|(?:^|[^a-z0-9])[dt][01](?![0-9])/i;
/** The charge group of money the provider holds back (资金冻结) and pays later (资金解冻). */
export const HELD_GROUP = '冻结';
/** Named charges, each with the words that name it; the first group that matches wins (激活返现 is 激活). */
const CHARGE_GROUPS: readonly (readonly [string, RegExp])[] = [
  ['押金', /押金|保证金/],
  ['激活', /激活/],
  ['流量费', /流量|通讯|sim卡|物联网卡/i],
  ['年费', /年费|会员/],
  ['保险', /保险/],
  ['租金', /租金|租赁|机具/],
  ['管理费', /管理费/],
  ['服务费', /服务费/],
  // Last, so a held deposit (冻结押金) stays a deposit: a freeze and its release are one kind, so a release
  // (资金解冻) makes good only money frozen (资金冻结), never an overcharged fee or another charge.
  [HELD_GROUP, /冻结|解冻/],
];
const BONUS_WORDS = /返现|返利|奖励|补贴|红包|活动/;
/** A cashback or bonus taken back (交易返现扣回, 奖励追收): the bonus it takes back makes it good. */
const CLAWED_BONUS = /返现|奖励|补贴|返利/;
const CLAW_BACK = /扣回|追收|收回/;

export function isClawBack(label: string | undefined): boolean {
  const text = label ?? '';
  return CLAWED_BONUS.test(text) && CLAW_BACK.test(text);
}

/** Whether a label names money the provider froze or released (资金冻结, 资金解冻): see HELD_GROUP. */
export function isHeldMoney(label: string | undefined): boolean {
  const k = chargeKindOf(label);
  return k.kind === 'charge' && k.group === HELD_GROUP;
}

export function chargeKindOf(label: string | undefined): ChargeKind {
  const text = label ?? '';
  if (FEE_WORDS.test(text)) return { kind: 'fee' };
  for (const [group, words] of CHARGE_GROUPS) if (words.test(text)) return { kind: 'charge', group };
  if (BONUS_WORDS.test(text)) return { kind: 'bonus' };
  return { kind: 'unnamed' };
}

/**
 * The memo of a line settled short (含押金299元, 扣流量费) when it names what was taken — a fee, a named charge or a
 * cashback taken back — so that the return of that charge can make the shortfall good; else undefined.
 */
export function chargeNamedIn(memo: string | undefined): string | undefined {
  if (memo === undefined) return undefined;
  const k = chargeKindOf(memo);
  return k.kind === 'fee' || k.kind === 'charge' || isClawBack(memo) ? memo : undefined;
}

/** What a merchant's rebate lines gave back, by what they give back (see ChargeKind). */
export interface ReturnedByKind {
  fee: number;
  /** By charge group (押金, 流量费…). */
  charges: Record<string, number>;
  bonus: number;
  unnamed: number;
}

export function noneReturned(): ReturnedByKind {
  return { fee: 0, charges: {}, bonus: 0, unnamed: 0 };
}

/** Kinds whose loss is a fee taken on a sale: what a 手续费返还 makes good. */
const FEE_LOSS_KINDS = new Set<Finding['kind']>(['fee_overcharge', 'void_settled', 'refund_fee_mismatch']);

/**
 * The part of the loss the rebates make good: a fee rebate against fee losses (overcharges, fees kept on voids and
 * refunds, fee-named deductions such as 秒到费), a named charge's return against deductions of that charge, a
 * cashback or bonus only against a cashback taken back (交易返现扣回: the money nets to nothing), a return that does
 * not say what for against whatever loss is left. Never more than the loss.
 */
export function offsetOfRebates(returned: ReturnedByKind, findings: readonly Finding[]): number {
  let feeLoss = 0;
  let totalLoss = 0;
  let clawBackLoss = 0;
  const chargeLoss = new Map<string, number>();
  for (const f of findings) {
    totalLoss += f.lossFen;
    if (f.lossFen <= 0) continue;
    if (FEE_LOSS_KINDS.has(f.kind)) feeLoss += f.lossFen;
    else if (f.kind === 'unplanned_deduction' && f.label !== undefined) {
      const k = chargeKindOf(f.label);
      if (k.kind === 'fee') feeLoss += f.lossFen;
      else if (k.kind === 'charge') chargeLoss.set(k.group, (chargeLoss.get(k.group) ?? 0) + f.lossFen);
      else if (k.kind === 'bonus' && isClawBack(f.label)) clawBackLoss += f.lossFen;
    }
  }
  let offset = Math.min(returned.fee, feeLoss);
  for (const [group, fen] of Object.entries(returned.charges))
    offset += Math.min(fen, chargeLoss.get(group) ?? 0);
  offset += Math.min(returned.bonus, clawBackLoss);
  offset += Math.min(returned.unnamed, totalLoss - offset);
  return Math.max(0, Math.min(offset, totalLoss));
}

/**
 * What the provider still owes of a report's loss once the rebates that make part of it good are set against it.
 * A report stored before rebates were told apart has no offsetFen: all it gave back is set against the loss then.
 */
export function owedOf(s: Pick<AuditSummary, 'lossFen' | 'returnedFen'> & { offsetFen?: number }): {
  offsetFen: number;
  owedFen: number;
} {
  const returned = Number.isSafeInteger(s.returnedFen) ? Math.max(0, s.returnedFen) : 0;
  const offsetFen =
    typeof s.offsetFen === 'number' && Number.isSafeInteger(s.offsetFen)
      ? Math.min(Math.max(0, s.offsetFen), s.lossFen)
      : Math.min(returned, s.lossFen);
  return { offsetFen, owedFen: Math.max(0, s.lossFen - offsetFen) };
}

function kindWords(k: ChargeKind): { zh: string; en: string } {
  switch (k.kind) {
    case 'fee':
      return { zh: '手续费', en: 'fees' };
    case 'charge':
      return k.group === HELD_GROUP
        ? { zh: '解冻，只抵扣冻结的结算款', en: 'money released, set only against money frozen' }
        : { zh: k.group, en: `the charge “${k.group}”` };
    case 'bonus':
      return {
        zh: '返现/奖励，只抵扣扣回的返现',
        en: 'a cashback or bonus, set only against a cashback taken back',
      };
    default:
      return { zh: '未说明', en: 'unstated' };
  }
}

/**
 * What a merchant's rebate lines (手续费返还, 押金退还, 激活返现) gave back within the run's dates, by kind, and a
 * warning naming them: a provider that returned part of what it overcharged owes only the rest, and the merchant
 * should see which lines the report set against which loss. Undefined warning when there are none.
 */
export function rebatesOf(
  lines: readonly PosRecord[],
  merchantId: string,
  inDates: (date: string) => boolean,
): { returnedFen: number; byKind: ReturnedByKind; warning?: string } {
  const byKind = noneReturned();
  const kept = lines.filter((r) => inDates(scopeDateOf(r)));
  if (kept.length === 0) return { returnedFen: 0, byKind };
  let returnedFen = 0;
  const kinds = kept.map((r) => {
    const fen = rebateFenOf(r);
    const k = chargeKindOf(r.label);
    returnedFen += fen;
    if (k.kind === 'charge') byKind.charges[k.group] = (byKind.charges[k.group] ?? 0) + fen;
    else byKind[k.kind] += fen;
    return k;
  });
  const named = kept.slice(0, LINES_NAMED).map((r, i) => ({
    date: scopeDateOf(r),
    label: r.label ?? '',
    fen: formatFen(rebateFenOf(r)),
    kind: kindWords(kinds[i] ?? { kind: 'unnamed' }),
  }));
  const more = kept.length > LINES_NAMED ? '…' : '';
  const listZh =
    named.map((x) => `${x.date} ${x.label || '返还'} ${x.fen}（${x.kind.zh}）`).join('；') + more;
  const listEn =
    named.map((x) => `${x.date} ${x.label || 'rebate'} ${x.fen} (${x.kind.en})`).join('; ') + more;
  const whoZh = merchantId === '' ? '没有商户号的对账单' : `商户 ${merchantId} 的对账单`;
  const whoEn =
    merchantId === '' ? 'statement lines without a merchant number' : `merchant ${merchantId}'s statements`;
  return {
    returnedFen,
    byKind,
    warning:
      `${whoZh}有 ${kept.length} 笔返还（${listZh}），合计 ${formatFen(returnedFen)}：已计入到账核对；手续费的返还抵扣多扣的手续费，押金、流量费等的返还只抵扣同名扣款，返现和奖励只抵扣扣回的返现 / ` +
      `${whoEn} give back ${formatFen(returnedFen)} in ${kept.length} rebate line(s) (${listEn}): counted in the payouts; a fee rebate is set against overcharged fees, a deposit's or another charge's return only against deductions of that charge, and a cashback or bonus only against a cashback taken back`,
  };
}
