import { describe, expect, it } from 'vitest';
import { type CatalogEntry, parseCatalog } from '../../src/compare/catalog.js';
import { pricePlan } from '../../src/compare/compare-plans.js';
import { type MerchantHistory, merchantHistory } from '../../src/compare/merchant-history.js';
import { merchantAuditInput } from '../../src/server/merchant-audit.js';
import type { DialectName } from '../../src/storage/database.js';
import { type DialectApp, dialectAppPerTest } from '../monitor/dialect-app.js';
import { DIALECTS } from '../storage/test-storage.js';

/**
 * compare's merchant history over the terminal records stored for a merchant (as GET …/compare reads them):
 * a cancellation that is itself cancelled — a refund cancelled (退货撤销), a void reversed (消费撤销冲正) — is
 * typed as a sale naming the refund or void it undoes. As the audit takes it (linkUndoings), it is no sale: the
 * refund is no refund and the voided sale stands.
 */
const openApp = dialectAppPerTest();

/** The merchant number dialectApp registers. */
const MERCHANT = '898440153991234';

/** One plan, every sale at 0.60 %, no fee returned on refunds: a sale's fee is its amount × 0.006. */
const CATALOG = `plans:
  - provider: 测试服务商
    plan: 标准 0.60%
    settlement: T1
    source: 测试
    refundFee: none
    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]
`;

function catalogEntry(): CatalogEntry {
  const parsed = parseCatalog(CATALOG, 'catalog.yaml');
  if (!parsed.ok) throw new Error(parsed.en);
  const [entry] = parsed.entries;
  if (entry === undefined) throw new Error('no entry');
  return entry;
}

/** A successful credit-card transaction on terminal T1 on 2026-10-13 at `hhmmss`, Shanghai time. */
function terminal(type: string, hhmmss: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    status: 'success',
    time: `2026-10-13T${hhmmss}+08:00`,
    terminalId: 'T1',
    channel: 'card',
    card: 'credit',
    ...fields,
  };
}

/** The history of the merchant's stored terminal records, read as the compare route reads them. */
async function storedHistory(t: DialectApp): Promise<MerchantHistory> {
  const owner = await t.storage.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'owner@example.com')
    .executeTakeFirstOrThrow();
  const input = await merchantAuditInput(t.storage.db, owner.id, t.merchantId);
  return merchantHistory(input.records.terminal, { today: '2026-12-01' });
}

/** The history's sales (by 参考号, else 凭证号) with their refunds, and its counts. */
function shape(h: MerchantHistory) {
  return {
    sales: h.sales.map((s) => [s.record.refNo ?? s.record.voucherNo, s.record.amountFen, s.refundsFen]),
    voided: h.voided,
    unmatchedRefunds: h.unmatchedRefunds,
  };
}

describe.each(DIALECTS)('merchant history with cancellations undone, on %s', (dialect: DialectName) => {
  it('pushed: a refund cancelled is no refund and no sale; a void reversed leaves its sale standing', async () => {
    const t = await openApp(dialect, '2026-12-01T02:00:00Z');
    const res = await t.post('transactions', [
      // ¥1,000.00; ¥300.00 of it refunded; the refund cancelled (退货撤销, naming the refund).
      terminal('sale', '09:00:00', { refNo: 'A1', voucherNo: '000001', amountFen: 100_000 }),
      terminal('refund', '15:00:00', { refNo: 'A2', originalRefNo: 'A1', amountFen: -30_000 }),
      terminal('sale', '15:05:00', { refNo: 'A3', originalRefNo: 'A2', amountFen: 30_000 }),
      // ¥500.00 voided, the void reversed (消费撤销冲正, naming the void by its 凭证号).
      terminal('sale', '10:00:00', { voucherNo: '000010', amountFen: 50_000 }),
      terminal('void', '10:10:00', { voucherNo: '000011', originalVoucherNo: '000010', amountFen: -50_000 }),
      terminal('sale', '10:10:40', { voucherNo: '000012', originalVoucherNo: '000011', amountFen: 50_000 }),
      // ¥200.00 voided for good.
      terminal('sale', '11:00:00', { refNo: 'C1', amountFen: 20_000 }),
      terminal('void', '11:01:00', { refNo: 'C2', originalRefNo: 'C1', amountFen: -20_000 }),
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const h = await storedHistory(t);
    // Two sales, 100,000 + 50,000 = 150,000 fen, neither refunded; only C1 voided.
    expect(shape(h)).toEqual({
      sales: [
        ['A1', 100_000, []],
        ['000010', 50_000, []],
      ],
      voided: 1,
      unmatchedRefunds: 0,
    });
    // At 0.60 %: 100,000 → 600 fen, 50,000 → 300 fen; 900 fen on ¥1,500.00, no refund fee given back. (Priced
    // as sales, the 退货撤销 and the 撤销冲正 would add 180 + 300 fen on ¥800.00 that was never a new sale.)
    const priced = pricePlan(h, catalogEntry(), '2026-12-01');
    expect([priced.salesFeesFen, priced.refundFeesReturnedFen, priced.totalFen]).toEqual([900, 0, 900]);
  });

  it('uploaded journal: 退货撤销 and 撤销冲正 read from the file and stored are not sales either', async () => {
    const t = await openApp(dialect, '2026-12-01T02:00:00Z');
    const row = (
      time: string,
      voucher: string,
      ref: string,
      oVoucher: string,
      oRef: string,
      type: string,
      money: string,
    ) =>
      `2026-10-13 ${time},${MERCHANT},T1,000001,${voucher},${ref},${oVoucher},${oRef},622848******0001,贷记卡,刷卡,${type},成功,${money}`;
    const csv = [
      '交易时间,商户号,终端号,批次号,凭证号,参考号,原凭证号,原参考号,卡号,卡类型,支付方式,交易类型,交易状态,交易金额',
      row('09:00:00', '000001', '101300000001', '', '', '消费', '1000.00'),
      row('15:00:00', '000002', '101300000002', '', '101300000001', '退货', '-300.00'),
      row('15:05:00', '000003', '101300000003', '', '101300000002', '退货撤销', '300.00'),
      row('10:00:00', '000004', '101300000004', '', '', '消费', '500.00'),
      row('10:10:00', '000005', '101300000005', '000004', '', '消费撤销', '500.00'),
      row('10:10:40', '000006', '101300000006', '000005', '', '撤销冲正', '500.00'),
    ].join('\r\n');
    const up = await t.uploadStatement('journal.csv', `${csv}\r\n`, { kind: 'terminal' });
    expect(up.statusCode, up.body).toBe(201);
    const h = await storedHistory(t);
    expect(shape(h)).toEqual({
      sales: [
        ['101300000001', 100_000, []],
        ['101300000004', 50_000, []],
      ],
      voided: 0,
      unmatchedRefunds: 0,
    });
    const priced = pricePlan(h, catalogEntry(), '2026-12-01');
    expect([priced.salesFeesFen, priced.totalFen]).toEqual([900, 900]);
  });
});
