import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEADER, M1, M2 } from './audit-fixtures.js';

// An agent's folder of one sub-folder per merchant, each with its own statement, bank statement and plan, as
// `posguard simulate --merchants N` writes them. A bank statement names no merchant: only its folder says whose
// it is. M1's bank export ends on 08-04, so its 08-05 payout cannot be proved missing; M2's bank holds M2's
// 08-05 payout, which --merchant M1 must not set against M1's day.

const plan = (merchantId: string) => `merchantId: "${merchantId}"
provider: 某某支付
settlement: T1
periods:
  - from: 2026-07-01
    rates:
      - { channel: card, card: credit, rate: 0.60% }
`;

const line = (
  time: string,
  settle: string,
  merchantId: string,
  ref: string,
  amount: string,
  fee: string,
  net: string,
) => `${time},${settle},${merchantId},10000001,${ref},贷记卡,刷卡,消费,${amount},${fee},${net}`;

const BANK_HEADER = '交易日期,交易时间,收入金额,支出金额,对方户名,摘要';

/** The folders' files by merchant: path under the agent folder → text. */
export const MERCHANT_FOLDERS: Record<string, Record<string, string>> = {
  [M1]: {
    'settlement.csv': [
      HEADER,
      // 1000.00 at 0.60% is 6.00: 7.00 taken, 1.00 (100 fen) overcharged; 993.00 due on 08-04.
      line('2026-08-03 10:00:00', '2026-08-04', M1, '000000000001', '1000.00', '7.00', '993.00'),
      // 2000.00 at 0.60% is 12.00: 1988.00 due on 08-05, after M1's bank export ends.
      line('2026-08-04 10:00:00', '2026-08-05', M1, '000000000002', '2000.00', '12.00', '1988.00'),
    ].join('\n'),
    'bank.csv': [BANK_HEADER, '2026-08-04,09:10:00,993.00,,某某支付有限公司,结算款'].join('\n'),
    'plan.yaml': plan(M1),
  },
  [M2]: {
    'settlement.csv': [
      HEADER,
      // 1500.00 at 0.60% is 9.00: 1491.00 due on 08-05, paid that day into M2's account.
      line('2026-08-04 11:00:00', '2026-08-05', M2, '000000000003', '1500.00', '9.00', '1491.00'),
    ].join('\n'),
    'bank.csv': [BANK_HEADER, '2026-08-05,09:10:00,1491.00,,某某支付有限公司,结算款'].join('\n'),
    'plan.yaml': plan(M2),
  },
};

/** Writes the two merchants' folders under `root` (sub-folders named by merchant number). */
export function writeMerchantFolders(root: string): void {
  for (const [merchantId, files] of Object.entries(MERCHANT_FOLDERS)) {
    mkdirSync(join(root, merchantId), { recursive: true });
    for (const [name, text] of Object.entries(files))
      writeFileSync(join(root, merchantId, name), `${text}\n`);
  }
}
