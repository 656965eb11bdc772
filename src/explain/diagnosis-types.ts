/** The closed set of causes a group of findings is attributed to (issue 9). */
export const CAUSES = [
  'provider_rate_change',
  'promo_expiry',
  'unagreed_charge',
  /**
   * Settled money the provider holds back (资金冻结, rebates.ts isHeldMoney): not a charge, the merchant's own money
   * paid once released (解冻).
   */
  'money_frozen',
  'settlement_mode_change',
  'terminal_setting_error',
  'network_resubmission',
  'device_fault',
  'provider_backend_error',
  /** A fee kept on a sale voided or reversed, which costs no fee whatever the rate. */
  'cancelled_fee_kept',
  'bank_limit_change',
  'software_update',
  'unexplained',
] as const;
export type Cause = (typeof CAUSES)[number];

/** The seed's remedies, in the order a merchant would try them. */
export const REMEDIES = [
  'check_network',
  'restart',
  'update_software',
  'check_hardware',
  'reconcile_regularly',
  'contact_service',
  /** Proof that a sale is real (小票, 发货证明): what a provider holding the money (风控) asks for. */
  'provide_proof',
  /** When the provider does not answer: a written complaint, then the regulator (12363) and UnionPay (95516). */
  'escalate',
] as const;
export type Remedy = (typeof REMEDIES)[number];

export type Confidence = 'high' | 'medium' | 'low';

/** A group of findings attributed to one likely cause, with the evidence and the steps to take. */
export interface Diagnosis {
  /** Stable across runs over the same inputs: derived from the cause, the merchant and the group's key. */
  id: string;
  cause: Cause;
  /**
   * The tag to show instead of the cause's name when that name would misname the group: refunds that did not
   * return the fee as the contract says are claimed as unagreed_charge (money kept against the contract) but are
   * no charge never agreed, so they are tagged 退货未按合同退还手续费.
   */
  tag?: { zh: string; en: string };
  merchantId?: string;
  title: string;
  titleEn: string;
  /** Sentences with the dates, terminals, counts and money that point to the cause. */
  evidence: string[];
  evidenceEn: string[];
  findingIds: string[];
  /** First local date of the group's findings (or of the change that explains them). */
  since?: string;
  terminalIds: string[];
  overchargeFen: number;
  lossFen: number;
  confidence: Confidence;
  remedies: Remedy[];
  /** The remedies as ordered steps for the merchant. */
  steps: string[];
  stepsEn: string[];
}
