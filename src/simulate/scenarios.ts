import { addDays } from '../time/shanghai.js';

/** Every fault the simulator can inject (issue 5's table). */
export const SCENARIOS = [
  'promo-expiry',
  'silent-rate-change',
  'fixed-surcharge',
  'cap-ignored',
  'd0-forced',
  'sim-fee',
  'deposit',
  'network-resubmit',
  'keypad-fault',
  'void-settled',
  'missing-settlement',
  'duplicate-settlement',
  'late-settlement',
  'refund-fee',
  'bank-payout-short',
  'limit-change',
  'software-update',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_NAMES_ZH: Record<Scenario, string> = {
  'promo-expiry': '优惠费率提前到期（微信 0.38% → 0.68%）',
  'silent-rate-change': '静默调价（贷记卡刷卡 0.60% → 0.63%）',
  'fixed-surcharge': '每笔加收 3 元（贷记卡刷卡）',
  'cap-ignored': '借记卡封顶 20 元未执行',
  'd0-forced': '强制 D0，每次结算扣 3 元秒到服务费',
  'sim-fee': '结算款中扣 99 元流量费',
  deposit: '首笔刷卡扣 299 元押金',
  'network-resubmit': '网络重发重复扣款、冲正未生效',
  'keypad-fault': '键盘故障：终端显示金额与结算金额不符',
  'void-settled': '已撤销交易仍被结算',
  'missing-settlement': '成功交易未结算',
  'duplicate-settlement': '同一笔交易结算两次',
  'late-settlement': '延迟结算',
  'refund-fee': '退货未退还手续费',
  'bank-payout-short': '结算款到账短少或未到账',
  'limit-change': '发卡行下调卡片限额，超限交易被拒',
  'software-update': '终端固件升级后金额被截尾',
};

/** The finding kinds each scenario must make the audit report (empty: no finding, data for other features). */
export const SCENARIO_KINDS: Record<Scenario, readonly string[]> = {
  'promo-expiry': ['fee_overcharge'],
  'silent-rate-change': ['fee_overcharge'],
  'fixed-surcharge': ['fee_overcharge'],
  'cap-ignored': ['fee_overcharge'],
  'd0-forced': ['unplanned_deduction'],
  'sim-fee': ['unplanned_deduction'],
  deposit: ['unplanned_deduction'],
  'network-resubmit': ['suspected_duplicate_charge', 'void_settled'],
  'keypad-fault': ['amount_mismatch'],
  'void-settled': ['void_settled'],
  'missing-settlement': ['missing_settlement'],
  'duplicate-settlement': ['duplicate_settlement'],
  'late-settlement': ['late_settlement'],
  'refund-fee': ['refund_fee_mismatch'],
  'bank-payout-short': ['payout_mismatch'],
  'limit-change': [],
  'software-update': ['amount_mismatch'],
};

/** Whether a text names a scenario. */
export function isScenario(name: string): name is Scenario {
  return (SCENARIOS as readonly string[]).includes(name);
}

/** The dates and sizes of the injected faults, derived from the simulated window so any --days works. */
export interface ScenarioParams {
  /** promo-expiry: WeChat sales from this local date are charged 0.68 % instead of 0.38 %. */
  promoEndsOn: string;
  /** silent-rate-change: card (swipe/insert) credit sales from this date are charged 0.63 %. */
  rateChangeOn: string;
  /** fixed-surcharge: card credit sales from this date carry +3 元. */
  surchargeFrom: string;
  /** d0-forced: every payout from this settlement date carries a 3 元 deduction. */
  d0From: string;
  d0FeeFen: number;
  /** sim-fee: taken from the first payout on or after this date. */
  simFeeOn: string;
  simFeeFen: number;
  depositFen: number;
  /** software-update and limit-change take effect on this date. */
  updateOn: string;
  limitChangeOn: string;
  limitFen: number;
  /** How many sales each one-off fault hits per merchant. */
  count: number;
  /** Working days a late settlement is late by. */
  lateByWorkingDays: number;
  shortByFen: number;
}

/** Parameters for a window starting at `start` and lasting `days`. */
export function scenarioParams(start: string, days: number): ScenarioParams {
  const at = (fraction: number) => addDays(start, Math.max(1, Math.floor(days * fraction)));
  return {
    promoEndsOn: at(0.5),
    rateChangeOn: at(1 / 3),
    surchargeFrom: at(2 / 3),
    d0From: at(0.25),
    d0FeeFen: 300,
    simFeeOn: at(0.15),
    simFeeFen: 9900,
    depositFen: 29_900,
    updateOn: at(0.5),
    limitChangeOn: at(0.4),
    limitFen: 200_000,
    count: 3,
    lateByWorkingDays: 2,
    shortByFen: 10_000,
  };
}
