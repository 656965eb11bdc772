import type { RoundingMode } from '../money/round.js';
import type { CardType, Channel } from '../records/vocabulary.js';
import { simFee, simRateText, type SimFormula } from './sim-fee.js';

/** One priced rule of the simulated contract (the first match in order applies). */
export interface SimRule {
  readonly channels?: readonly Channel[];
  readonly cards?: readonly CardType[];
  readonly maxAmountFen?: number;
  readonly formula: SimFormula;
}

/** The contract the simulated merchant signed: what plan.yaml says, in the simulator's own terms. */
export interface SimPlan {
  readonly merchant: string;
  readonly merchantId: string;
  readonly provider: string;
  readonly rounding: RoundingMode;
  readonly toleranceFen: number;
  readonly from: string;
  readonly noticed: string;
  readonly rules: readonly SimRule[];
}

/** The contract's rules: credit 0.60 %, debit 0.55 % capped at 20 元, NFC/银联二维码 ≤1000 元 and QR wallets 0.38 %. */
export const STANDARD_RULES: readonly SimRule[] = [
  { channels: ['nfc'], maxAmountFen: 100_000, formula: { ratePpm: 3800, fixedFen: 0 } },
  { channels: ['unionpay-qr'], maxAmountFen: 100_000, formula: { ratePpm: 3800, fixedFen: 0 } },
  {
    channels: ['card', 'nfc', 'unionpay-qr'],
    cards: ['debit'],
    formula: { ratePpm: 5500, fixedFen: 0, capFen: 2000 },
  },
  { channels: ['card', 'nfc', 'unionpay-qr'], cards: ['credit'], formula: { ratePpm: 6000, fixedFen: 0 } },
  { channels: ['wechat', 'alipay'], formula: { ratePpm: 3800, fixedFen: 0 } },
];

/** The rule of the plan that prices a transaction, with the amount band it belongs to. */
export function simPlanRule(
  plan: SimPlan,
  amountFen: number,
  channel: Channel,
  card: CardType,
): { rule: SimRule; band: string } | undefined {
  const magnitude = Math.abs(amountFen);
  for (const rule of plan.rules) {
    if (rule.channels && !rule.channels.includes(channel)) continue;
    if (rule.cards && !rule.cards.includes(card)) continue;
    if (rule.maxAmountFen !== undefined && magnitude > rule.maxAmountFen) continue;
    const band =
      rule.maxAmountFen !== undefined
        ? '≤1000'
        : channel === 'nfc' || channel === 'unionpay-qr'
          ? '>1000'
          : 'all';
    return { rule, band };
  }
  return undefined;
}

/** The fee the contract allows on a sale. */
export function simExpectedFee(plan: SimPlan, amountFen: number, channel: Channel, card: CardType): number {
  const found = simPlanRule(plan, amountFen, channel, card);
  if (!found) throw new Error(`the simulated plan has no rule for ${channel}/${card}`);
  return simFee(amountFen, found.rule.formula, plan.rounding);
}

const yuan = (fen: number) => {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, '0')}`;
};

function ruleYaml(rule: SimRule): string {
  const parts: string[] = [];
  if (rule.channels)
    parts.push(`channel: ${rule.channels.length === 1 ? rule.channels[0] : `[${rule.channels.join(', ')}]`}`);
  if (rule.cards)
    parts.push(`card: ${rule.cards.length === 1 ? rule.cards[0] : `[${rule.cards.join(', ')}]`}`);
  if (rule.maxAmountFen !== undefined) parts.push(`maxAmount: ${yuan(rule.maxAmountFen)}`);
  parts.push(`rate: ${simRateText(rule.formula.ratePpm)}`);
  if (rule.formula.fixedFen) parts.push(`fixed: ${yuan(rule.formula.fixedFen)}`);
  if (rule.formula.capFen !== undefined) parts.push(`cap: ${yuan(rule.formula.capFen)}`);
  if (rule.formula.minFen !== undefined) parts.push(`min: ${yuan(rule.formula.minFen)}`);
  return `      - { ${parts.join(', ')} }`;
}

/** plan.yaml in issue 2's format: what the merchant signed. */
export function simPlanYaml(plan: SimPlan): string {
  return [
    '# 模拟商户签约的费率合同（posguard simulate 生成）',
    `merchant: ${plan.merchant}`,
    `merchantId: "${plan.merchantId}"`,
    `provider: ${plan.provider}`,
    `rounding: ${plan.rounding}`,
    `tolerance: ${yuan(plan.toleranceFen)}`,
    'settlement: T1',
    'refundFee: proportional',
    'notice: 30',
    'periods:',
    `  - from: ${plan.from}`,
    `    noticed: ${plan.noticed}`,
    '    rates:',
    ...plan.rules.map(ruleYaml),
    'charges: []',
    '',
  ].join('\n');
}
