// The server's audit of stored records knows the days a bank export covers as `posguard audit` does: a day the
// export shows only a debit on (skipped at import, not a payout) is covered, so the payout due by then is missing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { merchantAuditInput } from '../../src/server/merchant-audit.js';
import type { DialectName } from '../../src/storage/database.js';
import { bankDebitDatesOf } from '../../src/storage/imports-repo.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createUser } from '../../src/storage/users-repo.js';
import { storageBefore } from '../storage/storage-before.js';
import { DIALECTS } from '../storage/test-storage.js';
import { ownerWithMerchant } from './merchant-harness.js';
import { type Line, settlementCsv } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const PLAN = `merchant: 测试小店
merchantId: "898440153991234"
rounding: half-up
tolerance: 0.01
settlement: T1
periods:
  - from: 2026-08-01
    rates:
      - { channel: card, card: credit, rate: 0.60% }
`;

/**
 * Monday 08-03 to Wednesday 08-05's credit sales at the plan's 0.60 %, settled T1: 08-04 nets ¥994.00, 08-05
 * ¥497.00, 08-06 ¥198.80 (200.00 − 1.20).
 */
const SALES: Line[] = [
  ['2026-08-03 10:00:00', '2026-08-04', '1000.00', '6.00', '994.00'],
  ['2026-08-04 10:00:00', '2026-08-05', '500.00', '3.00', '497.00'],
  ['2026-08-05 10:00:00', '2026-08-06', '200.00', '1.20', '198.80'],
].map(([time, settleDate, amount, fee, settled], i) => ({
  time: time as string,
  settleDate: settleDate as string,
  ref: `63430000000${i + 1}`,
  card: '贷记卡',
  amount: amount as string,
  fee: fee as string,
  settled: settled as string,
}));

/** 工商银行 企业网银 历史明细: title lines, 借/贷 flag, thousands commas. */
function icbcCorp(rows: readonly string[]): string {
  return `${[
    '中国工商银行账户历史明细',
    '账号：1202020409900123456',
    '凭证号,本方账号,对方账号,交易时间,借/贷,借方发生额,贷方发生额,对方行号,摘要,用途,对方单位名称,余额,个性化信息',
    ...rows,
  ].join('\r\n')}\r\n`;
}
const row = (time: string, side: '借' | '贷', debit: string, credit: string, memo: string, cp: string) =>
  `10000,1202020409900123456,4100****1003,${time},${side},${debit},${credit},102100099996,${memo},,${cp},"50,000.00",`;

/**
 * 08-04's and 08-05's payouts arrive; 08-06's ¥198.80, due by Monday 08-10 (2 working days), does not. The export
 * ends on 08-10 with a debit (rent), the only line of that day: the importer skips it as no payout.
 */
const BANK = icbcCorp([
  row('2026-08-03 12:47:52', '贷', '', '"1,383.00"', '转账', '个人转账'),
  row('2026-08-05 07:19:23', '贷', '', '994.00', '汇通支付T1结算款2026-08-04', '汇通支付有限公司'),
  row('2026-08-06 08:22:24', '贷', '', '497.00', '汇通支付T1结算款2026-08-05', '汇通支付有限公司'),
  row('2026-08-10 16:00:29', '借', '194.00', '', '房租', '供货商李某'),
]);

describe.each(DIALECTS)(
  'the server audit of a bank export ending on a debit, on %s',
  (dialect: DialectName) => {
    it('reports the payout due by the debit’s day as missing, exactly as posguard audit does', async () => {
      t = await testApp(dialect);
      const { id, putPlan, upload, get } = await ownerWithMerchant(t);
      expect((await putPlan(PLAN)).statusCode).toBe(200);
      const csv = settlementCsv(SALES);
      expect((await upload('settle.csv', csv)).statusCode).toBe(201);
      const bank = await upload('bank.csv', BANK, { kind: 'bank' });
      expect(bank.statusCode, bank.body).toBe(201);

      // The bank import keeps the day its skipped debit showed.
      const stored = await t.storage.db
        .selectFrom('imports')
        .select(['kind', 'skipped_debit_dates_json'])
        .where('merchant_id', '=', id)
        .orderBy('id')
        .execute();
      expect(stored).toEqual([
        { kind: 'settlement', skipped_debit_dates_json: null },
        { kind: 'bank', skipped_debit_dates_json: '[{"first":"2026-08-10","last":"2026-08-10"}]' },
      ]);

      const res = await get(`/api/v1/merchants/${id}/audit`);
      expect(res.statusCode, res.body).toBe(200);
      const server = res.json<AuditReport>();
      // The export covers 08-10, so 08-06's ¥198.80 not credited by then is 19,880 fen missing.
      expect(server.findings.map((f) => [f.kind, f.settleDate, f.amountFen, f.lossFen])).toEqual([
        ['payout_mismatch', '2026-08-06', 19_880, 19_880],
      ]);
      expect(server.findings[0]?.message).toContain(
        '到 2026-08-10 银行流水中没有来自收单机构的对应入账，短少 ¥198.80',
      );
      expect(server.summary.lossFen).toBe(19_880);

      // The CLI over the same files and plan answers the same JSON.
      writeFileSync(join(t.dir, 'settle.csv'), csv);
      writeFileSync(join(t.dir, 'bank.csv'), BANK);
      writeFileSync(join(t.dir, 'plan.yaml'), PLAN);
      const cli = await runCli(
        [
          'audit',
          '--settlement',
          'settle.csv',
          '--bank',
          'bank.csv',
          '--plan',
          'plan.yaml',
          '--format',
          'json',
        ],
        { cwd: t.dir },
      );
      expect(cli.stderr).toBe('');
      expect(server).toEqual(JSON.parse(cli.stdout));
    });
  },
);

describe.each(DIALECTS)('migration 0009 on %s', (dialect: DialectName) => {
  it('leaves a bank import stored before it without debit days, which the audit takes as none', async () => {
    const { storage, dir, cleanup } = await storageBefore(dialect, '0009-import-debit-dates');
    try {
      const at = '2026-08-11T02:00:00.000Z';
      const user = await createUser(storage.db, {
        email: 'o@example.com',
        passwordHash: 'x',
        role: 'owner',
        mustChangePassword: false,
        at,
      });
      const merchant = await createMerchant(storage.db, user.id, {
        name: '测试小店',
        merchantId: '898440153991234',
        at,
      });
      // A row as the code before the migration wrote it: no column for the debit days.
      await (storage.db as Kysely<unknown> as Kysely<Record<string, Record<string, unknown>>>)
        .insertInto('imports')
        .values({
          merchant_id: merchant.id,
          file_name: 'bank.csv',
          sha256: 'a'.repeat(64),
          bytes: 100,
          preset: 'icbc-corp',
          encoding: 'utf-8',
          kind: 'bank',
          rows: 4,
          stored: 0,
          rejected_json: '[]',
          warnings_json: '[]',
          created_by: user.id,
          created_at: at,
        })
        .execute();
      const outcome = await migrateToLatest(storage, { backupDir: dir });
      expect(outcome.applied).toContain('0009-import-debit-dates');
      const rows = await storage.db.selectFrom('imports').selectAll().execute();
      expect(rows.map((r) => r.skipped_debit_dates_json)).toEqual([null]);
      const input = await merchantAuditInput(storage.db, user.id, merchant.id);
      expect(input.bankDebitDates).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});

describe('bankDebitDatesOf', () => {
  it("gives every import's spans in order and skips what is not a list of dates", () => {
    expect(
      bankDebitDatesOf([
        { skipped_debit_dates_json: '[{"first":"2026-08-03","last":"2026-08-21"}]' },
        { skipped_debit_dates_json: null },
        { skipped_debit_dates_json: 'not json' },
        { skipped_debit_dates_json: '[{"first":"08/10","last":"2026-08-10"}]' },
        {
          skipped_debit_dates_json:
            '[{"first":"2026-09-01","last":"2026-09-01"},{"first":"2026-09-03","last":"2026-09-30"}]',
        },
      ]),
    ).toEqual([
      { first: '2026-08-03', last: '2026-08-21' },
      { first: '2026-09-01', last: '2026-09-01' },
      { first: '2026-09-03', last: '2026-09-30' },
    ]);
  });
});
