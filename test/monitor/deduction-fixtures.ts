// The deposit and two SIM fees a provider took out of 10-09's payout, none of them in the plan and without
// reference numbers: as statement lines and as the records a terminal app pushes for them. Shared by the tests of
// a pushed deduction met again in its statement, before and after the natural-key backfill (migration 0008).

/** The merchant number those lines carry (the one dialectApp registers). */
export const DEDUCTION_MERCHANT = '898440153991234';

/** The statement header the lines follow. */
export const DEDUCTION_HEADER =
  '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,备注';

export const DEDUCTION_LINES = [
  `2026-10-08 09:31:00,2026-10-09,${DEDUCTION_MERCHANT},T001,,,其他,扣款,-299.00,0.00,-299.00,机具押金`,
  `2026-10-08 09:32:00,2026-10-09,${DEDUCTION_MERCHANT},T001,,,其他,扣款,-99.00,0.00,-99.00,流量费（SIM卡）`,
  `2026-10-08 09:33:00,2026-10-09,${DEDUCTION_MERCHANT},T001,,,其他,扣款,-99.00,0.00,-99.00,流量费（SIM卡）`,
];

const deductionPush = (hhmm: string, amountFen: number, label: string) => ({
  type: 'deduction',
  status: 'success',
  time: `2026-10-08T${hhmm}:00+08:00`,
  terminalId: 'T001',
  channel: 'other',
  card: 'unknown',
  amountFen,
  label,
  settleDate: '2026-10-09',
});

/** The same three deductions as pushed records (amounts in fen). */
export const DEDUCTION_PUSHES = [
  deductionPush('09:31', -29_900, '机具押金'),
  deductionPush('09:32', -9900, '流量费（SIM卡）'),
  deductionPush('09:33', -9900, '流量费（SIM卡）'),
];
