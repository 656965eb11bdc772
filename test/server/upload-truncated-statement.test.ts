import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type OwnedMerchant, ownerWithMerchant } from './merchant-harness.js';
import { type TestApp, testApp } from './test-app.js';

// The dashboard audits what was uploaded as the CLI audits the files: a daily statement downloaded cut off mid-row
// (GBK, half a row, no final newline) does not cover its last day. Stored without that, the sales due that day
// after the cut were reported as missing settlements (¥298.20 + ¥1,192.80 the bank had paid) that `posguard audit`
// does not report; the stored import now keeps the flag, the audit names the day as unchecked, the list shows it.

const M = '822000000000078';
const PLAN = `merchantId: "${M}"
provider: 某某支付
settlement: D1
periods:
  - from: 2026-09-01
    rates:
      - { channel: card, card: credit, rate: 0.60% }
`;

const HEADER =
  '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const title = (day: string) => ['某某支付有限公司商户结算明细', `商户号：${M}  结算日期：${day}`];
const line = (time: string, settle: string, ref: string, amount: string, fee: string, net: string) =>
  `${time},${settle},${M},10000078,${ref},622588******${ref.slice(-4)},贷记卡,刷卡,消费,${amount},${fee},${net}`;
const gbk = (lines: string[], end: string) => iconv.encode(lines.join('\r\n') + end, 'gbk');

// 10-13, whole: A, and B charged ¥3.50 where 0.60% of ¥500.00 is ¥3.00 (50 fen over).
const DAY1 = gbk(
  [
    ...title('2026-10-13'),
    HEADER,
    line('2026-10-12 09:00:00', '2026-10-13', '000007800001', '1000.00', '6.00', '994.00'),
    line('2026-10-12 10:00:00', '2026-10-13', '000007800002', '500.00', '3.50', '496.50'),
    '合计,,,,,,,,,1500.00,9.50,1490.50',
  ],
  '\r\n',
);
// 10-14, cut off: C, D charged ¥5.60 where 0.60% of ¥800.00 is ¥4.80 (80 fen over), then E cut in its 卡号 cell
// (6 of the 12 cells) and the bytes stop: E and F (due 10-14) are not in it.
const E = line('2026-10-13 11:00:00', '2026-10-14', '000007800005', '300.00', '1.80', '298.20');
const DAY2_CUT = gbk(
  [
    ...title('2026-10-14'),
    HEADER,
    line('2026-10-13 09:00:00', '2026-10-14', '000007800003', '2000.00', '12.00', '1988.00'),
    line('2026-10-13 10:00:00', '2026-10-14', '000007800004', '800.00', '5.60', '794.40'),
    E.slice(0, E.indexOf('贷记卡') - 3),
  ],
  '',
);
const CUT_NAME = '结算明细_20261014.csv';

// The journal: A–F, and G (10-12 11:00, ¥700.00, due 10-13, in no statement though 10-13 is whole: missing).
const JOURNAL = [
  '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额',
  ...[
    ['2026-10-12 09:00:00', '000007800001', '1000.00'],
    ['2026-10-12 10:00:00', '000007800002', '500.00'],
    ['2026-10-12 11:00:00', '000007800007', '700.00'],
    ['2026-10-13 09:00:00', '000007800003', '2000.00'],
    ['2026-10-13 10:00:00', '000007800004', '800.00'],
    ['2026-10-13 11:00:00', '000007800005', '300.00'],
    ['2026-10-13 12:00:00', '000007800006', '1200.00'],
  ].map(
    ([time, ref, amount]) =>
      `${time},${M},10000078,${ref},622588******${ref?.slice(-4)},贷记卡,刷卡,消费,${amount}`,
  ),
].join('\n');

describe.each(DIALECTS)('an uploaded daily statement cut off mid-row, on %s', (dialect: DialectName) => {
  let t: TestApp;
  let owner: OwnedMerchant;
  beforeEach(async () => {
    t = await testApp(dialect);
    owner = await ownerWithMerchant(t, { name: '截断小店', merchantId: M });
  });
  afterEach(async () => {
    await t.close();
  });

  it('leaves its last day unchecked in the audit, as the CLI does, and the list marks it', async () => {
    expect((await owner.putPlan(PLAN)).statusCode).toBe(200);
    for (const [name, bytes, fields] of [
      ['结算明细_20261013.csv', DAY1, undefined],
      [CUT_NAME, DAY2_CUT, undefined],
      ['pos.csv', Buffer.from(`${JOURNAL}\n`, 'utf8'), { kind: 'terminal' }],
    ] as const) {
      const res = await owner.upload(name, bytes, fields);
      expect(res.statusCode, res.body).toBe(201);
    }

    const audit = await owner.get(`/api/v1/merchants/${owner.id}/audit`);
    expect(audit.statusCode, audit.body).toBe(200);
    const report = audit.json<AuditReport>();
    const findings = report.findings
      .map((f) => [f.kind, f.refNo, f.lossFen])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    // E and F, due on 10-14 (the cut file's last day), are not missing settlements; G, due on the whole 10-13, is.
    expect(findings).toEqual([
      ['fee_overcharge', '000007800002', 50],
      ['fee_overcharge', '000007800004', 80],
      // ¥700.00 − 0.60% (¥4.20) = ¥695.80
      ['missing_settlement', '000007800007', 69_580],
    ]);
    expect(report.summary.overchargeFen).toBe(50 + 80);
    expect(report.summary.lossFen).toBe(50 + 80 + 69_580);
    expect(report.files.find((f) => f.file === CUT_NAME)?.truncated).toBe(true);
    expect(report.files.find((f) => f.file === '结算明细_20261013.csv')?.truncated).toBeUndefined();
    expect(report.warnings).toContain(
      `${CUT_NAME} 似乎不完整（被截断），2 笔应于 2026-10-14 结算的终端交易不在其中，可能在截断的部分：未计为漏结算，无法核对是否结算；请重新下载该日对账单 / ` +
        `${CUT_NAME} appears cut off: 2 journal sales due on 2026-10-14 are not in it and may be in the part cut off; they are not counted as missing settlements and cannot be checked — download that day's statement again`,
    );

    const merchant = await owner.get(`/api/v1/merchants/${owner.id}`);
    const imports = merchant.json<{ imports: { file: string; truncated?: boolean }[] }>().imports;
    expect(imports.map((i) => [i.file, i.truncated])).toEqual([
      ['结算明细_20261013.csv', undefined],
      [CUT_NAME, true],
      ['pos.csv', undefined],
    ]);

    // The same file uploaded again is the stored import, still marked cut off.
    const again = await owner.upload(CUT_NAME, DAY2_CUT);
    expect(again.json<{ files: { truncated?: boolean }[] }>().files[0]?.truncated).toBe(true);
  });
});
