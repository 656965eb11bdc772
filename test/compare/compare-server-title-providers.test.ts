import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { Comparison } from '../../src/compare/compare-plans.js';
import type { DialectName } from '../../src/storage/database.js';
import { tmpDirs } from '../cli/audit-fixtures.js';
import { ownerWithMerchant } from '../server/merchant-harness.js';
import { type TestApp, testApp } from '../server/test-app.js';
import { DIALECTS } from '../storage/test-storage.js';

// The dashboard's comparison attributed the audit's findings to providers without what the statements' titles say:
// every statement was "your provider" (named by its preset only), none found its catalogue entry, and two providers'
// statements were one record. It now attributes them as `posguard compare` does, by the same code: the provider a
// kept statement's title names, the merchants and terminals its lines show — and a kept journal's title gives the
// days it covers.

const A = '822841054119608';

const JOURNAL_HEADER =
  '交易时间,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,用户标识,交易类型,交易状态,交易金额,原凭证号,原参考号,原订单号,备注';
const STATEMENT_HEADER =
  '交易时间,结算日期,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,费率,备注';

const sale = (time: string, terminal: string, voucher: string, ref: string, amount: string): string =>
  `2026-${time},${A},${terminal},000001,${voucher},${ref},,622588******5678,贷记卡,刷卡,,消费,成功,${amount},,,,`;

const line = (
  time: string,
  settled: string,
  terminal: string,
  voucher: string,
  ref: string,
  amount: string,
  fee: string,
  net: string,
): string =>
  `2026-${time},2026-${settled},${A},${terminal},000001,${voucher},${ref},,622588******5678,贷记卡,刷卡,消费,${amount},${fee},${net},0.60%,`;

// T0000001 is 乐刷's terminal, T0000002 汇付's. The journal declares 2026-10-01 … 10-20 in its title. Each terminal's
// 10-13 sale (¥500.00, ¥300.00) is never settled, though both statements hold 10-14's payouts.
const FILES: Record<string, string> = {
  'journal.csv': [
    '交易日期：2026-10-01 至 2026-10-20',
    JOURNAL_HEADER,
    sale('10-12 10:00:00', 'T0000001', '000001', '101200000001', '1000.00'),
    sale('10-13 10:00:00', 'T0000001', '000002', '101300000002', '500.00'),
    sale('10-13 11:00:00', 'T0000001', '000003', '101300000003', '100.00'),
    sale('10-12 10:30:00', 'T0000002', '000001', '101200000011', '1000.00'),
    sale('10-13 10:30:00', 'T0000002', '000002', '101300000012', '300.00'),
    sale('10-13 11:30:00', 'T0000002', '000003', '101300000013', '100.00'),
  ].join('\n'),
  'leshua.csv': [
    '深圳市乐刷科技有限公司商户结算明细',
    STATEMENT_HEADER,
    line('10-12 10:00:00', '10-13', 'T0000001', '000001', '101200000001', '1000.00', '6.00', '994.00'),
    line('10-13 11:00:00', '10-14', 'T0000001', '000003', '101300000003', '100.00', '0.60', '99.40'),
  ].join('\n'),
  'huifu.csv': [
    '汇付天下有限公司商户结算明细',
    STATEMENT_HEADER,
    line('10-12 10:30:00', '10-13', 'T0000002', '000001', '101200000011', '1000.00', '6.00', '994.00'),
    line('10-13 11:30:00', '10-14', 'T0000002', '000003', '101300000013', '100.00', '0.60', '99.40'),
  ].join('\n'),
};

const tmp = tmpDirs('posguard-compare-server-titles-');
let t: TestApp;
afterEach(async () => t.close());

/** `posguard compare` over the same files, with the shipped catalogue the server prices. */
async function cliComparison(): Promise<Comparison> {
  const dir = tmp();
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  const run = await runCli(
    [
      'compare',
      '--terminal',
      'journal.csv',
      '--settlement',
      'leshua.csv',
      'huifu.csv',
      '--as-of',
      '2027-01-01',
      '--format',
      'json',
    ],
    { cwd: dir, env: {} },
  );
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Comparison;
}

describe.each(DIALECTS)(
  'GET …/compare attributes findings by the statements’ titles, on %s',
  (dialect: DialectName) => {
    it('names each kept statement’s provider from its title, as `posguard compare` does', async () => {
      t = await testApp(dialect);
      const { id, cookie, upload, get } = await ownerWithMerchant(t, { name: 'M', merchantId: A });
      const keep = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/merchants/${id}`,
        headers: { cookie },
        payload: { keepUploads: true },
      });
      expect(keep.statusCode, keep.body).toBe(200);
      for (const [name, text] of Object.entries(FILES)) {
        const res = await upload(name, text, { kind: name === 'journal.csv' ? 'terminal' : 'settlement' });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().kept?.kept, name).toBe(true);
      }
      const res = await get(`/api/v1/merchants/${id}/compare?asOf=2027-01-01`);
      expect(res.statusCode, res.body).toBe(200);
      const api = res.json<Comparison>();

      // No plan: each provider's expected fee is its own 0.60 %. A sale never settled loses its amount less that fee:
      // ¥500.00 − ¥3.00 = 49,700 fen (乐刷's terminal T0000001), ¥300.00 − ¥1.80 = 29,820 fen (汇付's T0000002).
      const records = new Map(api.plans.map((p) => [p.provider, p.jumpRecord]));
      expect(records.get('乐刷（示例）')).toMatchObject({
        provider: '深圳市乐刷科技有限公司',
        settlementFiles: ['leshua.csv'],
        findings: 1,
        overchargeFen: 0,
        lossFen: 49_700,
      });
      expect(records.get('汇付（示例）')).toMatchObject({
        provider: '汇付天下有限公司',
        settlementFiles: ['huifu.csv'],
        findings: 1,
        overchargeFen: 0,
        lossFen: 29_820,
      });
      expect(api.unassignedJumps).toBeUndefined();
      // The journal's title: 2026-10-01 … 10-20, 20 days (its October lines alone would count 31).
      expect(api.history.period).toEqual({ from: '2026-10-01', to: '2026-10-20', days: 20 });

      // Exactly what the CLI attributes over the same files.
      const cli = await cliComparison();
      expect(api.jumpRecords).toEqual(cli.jumpRecords);
      expect(api.plans.map((p) => [p.provider, p.jumpRecord, p.yearlyFen])).toEqual(
        cli.plans.map((p) => [p.provider, p.jumpRecord, p.yearlyFen]),
      );
      expect(api.history).toEqual(cli.history);
    });
  },
);
