/** The closed set of monitor alert kinds (documented in docs/monitor.md next to the audit's finding kinds). */
export const ALERT_KINDS = [
  'large_amount',
  'high_frequency',
  'off_hours',
  'split_sales',
  'over_limit',
  'duplicate_submission',
  'fee_overcharge',
  'unplanned_deduction',
  'rate_change',
  'missing_statement',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Chinese names of the alert kinds, for messages. */
export const ALERT_KIND_ZH: Record<AlertKind, string> = {
  large_amount: '大额交易',
  high_frequency: '高频交易',
  off_hours: '非营业时间交易',
  split_sales: '疑似拆单',
  over_limit: '超过限额',
  duplicate_submission: '重复提交',
  fee_overcharge: '手续费多扣',
  unplanned_deduction: '方案外扣费',
  rate_change: '费率变化（疑似跳点）',
  missing_statement: '结算单未到',
};
