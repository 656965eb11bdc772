import type { Cause, Remedy } from './diagnosis-types.js';

const STEP: Record<Remedy, { zh: string; en: string }> = {
  check_network: {
    zh: '检查网络：确认终端的网络（4G 信号或 Wi-Fi）稳定，超时后不要立即重复刷卡，先查询上一笔结果',
    en: 'Check the network: make sure the terminal’s 4G or Wi-Fi is stable; after a timeout, query the last transaction before swiping again',
  },
  restart: {
    zh: '重启终端：关机重启，让终端重新签到并下载最新参数',
    en: 'Restart the terminal so it signs in again and downloads its current parameters',
  },
  update_software: {
    zh: '更新软件：把终端固件和收款应用升级到服务商确认无误的版本（有问题的版本请求回退）',
    en: 'Update the software: install the firmware and payment app version the provider confirms as fixed (or ask for a rollback)',
  },
  check_hardware: {
    zh: '检查硬件：检查键盘、屏幕和读卡器，逐笔核对终端显示金额与小票金额，故障机停用并报修',
    en: 'Check the hardware: test the keypad, screen and card reader, compare the amount shown with the receipt, and take a faulty device out of service',
  },
  reconcile_regularly: {
    zh: '定期对账：每天用 posguard audit 核对终端流水、结算单和银行入账，发现差异当天处理',
    en: 'Reconcile regularly: run posguard audit on the journal, the statements and the bank credits every day and act on a difference the same day',
  },
  contact_service: {
    zh: '联系客服：带上交易记录（posguard evidence 生成的证据包）联系收单机构客服，要求说明原因并退还多扣款项',
    en: 'Contact customer service: send the provider the transaction records (the pack posguard evidence builds) and ask for an explanation and a refund',
  },
  provide_proof: {
    zh: '提供交易真实性材料：交易凭证（签购单/小票）、发货或服务证明（物流单号、订单记录）、与顾客的沟通记录，证明交易真实',
    en: 'Prove the sales are real: the sales slips or receipts, proof of delivery or service (tracking numbers, order records) and the messages with the customer',
  },
  escalate: {
    zh: '升级投诉：收单机构在合理期限内不处理的，先向收单机构书面投诉（附 posguard evidence 生成的证据包）；仍未解决的，向中国人民银行投诉（金融消费者投诉咨询电话 12363，支付结算类投诉），银联卡交易同时向中国银联投诉（客服电话 95516）',
    en: "Escalate: if the provider does not act within a reasonable time, complain to it in writing (with the pack posguard evidence builds); if that does not settle it, complain to the People's Bank of China (financial consumer hotline 12363, payment and settlement) and, for UnionPay card transactions, to China UnionPay (95516)",
  },
};

/** The remedies that fit each cause, in the order to try them. */
export const REMEDIES_BY_CAUSE: Record<Cause, readonly Remedy[]> = {
  provider_rate_change: ['contact_service', 'reconcile_regularly'],
  promo_expiry: ['contact_service', 'reconcile_regularly'],
  unagreed_charge: ['contact_service', 'reconcile_regularly'],
  // Worded for the diagnosis (attach-diagnoses.ts heldDraft): ask why and until when, prove the sales, escalate,
  // then watch for the 解冻 line that pays the money.
  money_frozen: ['contact_service', 'provide_proof', 'escalate', 'reconcile_regularly'],
  settlement_mode_change: ['contact_service', 'reconcile_regularly'],
  terminal_setting_error: ['contact_service', 'restart', 'reconcile_regularly'],
  network_resubmission: ['check_network', 'restart', 'contact_service', 'reconcile_regularly'],
  device_fault: ['check_hardware', 'restart', 'update_software', 'contact_service', 'reconcile_regularly'],
  provider_backend_error: ['contact_service', 'reconcile_regularly'],
  // Worded for the diagnosis: refund the fee of the sales cancelled, citing their lines (attach-diagnoses.ts).
  cancelled_fee_kept: ['contact_service', 'reconcile_regularly'],
  bank_limit_change: ['contact_service', 'reconcile_regularly'],
  software_update: ['update_software', 'restart', 'check_hardware', 'contact_service', 'reconcile_regularly'],
  unexplained: ['reconcile_regularly', 'contact_service'],
};

/**
 * The numbered steps for a cause, in Chinese and English; `worded` words some of them for one diagnosis (naming its
 * transactions and amount) instead of the general wording.
 */
export function remedySteps(
  cause: Cause,
  worded: Partial<Record<Remedy, { zh: string; en: string }>> = {},
): { remedies: Remedy[]; steps: string[]; stepsEn: string[] } {
  const remedies = [...REMEDIES_BY_CAUSE[cause]];
  return {
    remedies,
    steps: remedies.map((r) => (worded[r] ?? STEP[r]).zh),
    stepsEn: remedies.map((r) => (worded[r] ?? STEP[r]).en),
  };
}
