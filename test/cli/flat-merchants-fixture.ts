import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HEADER, M1, M2 } from './audit-fixtures.js';

// Two merchants' files side by side in one folder, as an agent keeps them: each merchant's statement and bank
// statement, one plan for both. The money is merchant-folders-fixture.ts's: M1 is overcharged 1.00 (100 fen) on
// 08-03 and its bank export ends on 08-04, so its 08-05 payout (1988.00) cannot be proved missing; M2's bank
// export holds M2's 08-05 payout of 1491.00, which, set against M1's 08-05, is a phantom shortfall of
// 198800 − 149100 = 49700 fen.

/** The one plan of both merchants: 0.60% on credit cards, paid by 某某支付 the next day. */
export const PLAN = `provider: 某某支付
settlement: T1
periods:
  - from: 2026-07-01
    rates:
      - { channel: card, card: credit, rate: 0.60% }
`;

/** A statement line on terminal 10000001 (each merchant's own terminal carries that number). */
export const line = (
  time: string,
  settle: string,
  merchantId: string,
  ref: string,
  amount: string,
  fee: string,
  net: string,
) => `${time},${settle},${merchantId},10000001,${ref},贷记卡,刷卡,消费,${amount},${fee},${net}`;

/** M1's statement lines: 1000.00 charged 7.00 for 6.00 (993.00 due 08-04); 2000.00 charged 12.00 (1988.00 due 08-05). */
export const M1_LINES = [
  line('2026-08-03 10:00:00', '2026-08-04', M1, '000000000001', '1000.00', '7.00', '993.00'),
  line('2026-08-04 10:00:00', '2026-08-05', M1, '000000000002', '2000.00', '12.00', '1988.00'),
];
/** M2's statement line: 1500.00 charged 9.00, 1491.00 due 08-05. */
export const M2_LINES = [
  line('2026-08-04 11:00:00', '2026-08-05', M2, '000000000003', '1500.00', '9.00', '1491.00'),
];

/** A bank export: its title lines, then one credit a row from 某某支付 (date, amount, memo). */
export function bankFile(title: readonly string[], credits: readonly [string, string, string][]): string {
  return [
    ...title,
    '交易日期,交易时间,收入金额,支出金额,对方户名,摘要',
    ...credits.map(([date, amount, memo]) => `${date},09:10:00,${amount},,某某支付有限公司,${memo}`),
  ].join('\n');
}

/** M1's payout of 08-04 and M2's of 08-05, as credits. */
export const M1_CREDIT: [string, string, string] = ['2026-08-04', '993.00', '结算款'];
export const M2_CREDIT: [string, string, string] = ['2026-08-05', '1491.00', '结算款'];

/** Writes `files` (path under `root` → text) under `root`. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), `${text}\n`);
  }
}

/** The flat folder of the two merchants whose bank files are told apart by the merchant number in their names. */
export const FLAT_BY_FILE_NAME: Record<string, string> = {
  'settlement-1.csv': [HEADER, ...M1_LINES].join('\n'),
  'settlement-2.csv': [HEADER, ...M2_LINES].join('\n'),
  [`bank-${M1}.csv`]: bankFile([], [M1_CREDIT]),
  [`bank-${M2}.csv`]: bankFile([], [M2_CREDIT]),
  'plan.yaml': PLAN,
};
