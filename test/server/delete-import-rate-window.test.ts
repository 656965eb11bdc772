import { afterEach, describe, expect, it } from 'vitest';
import { formatFen } from '../../src/money/index.js';
import type { DialectName } from '../../src/storage/database.js';
import { feeAtPpm, RATE_AMOUNTS } from '../monitor/monitor-harness.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type OwnedMerchant, ownerWithMerchant } from './merchant-harness.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

const SHOP = { name: '测试小店', merchantId: '898440153991234' };

/** A credit-card settlement line: 消费 or 预授权完成, charged `ppm`; without its fee when `noFee` (amount − settled). */
interface Line {
  day: string;
  minute: number;
  ref: string;
  type: '消费' | '预授权完成';
  amountFen: number;
  ppm: number;
  noFee?: boolean;
}

/** "1234.56", as the statement writes fen. */
const yuan = (fen: number): string => formatFen(fen).replace(/[¥,]/g, '');

/** A generic settlement CSV (UTF-8) with a 交易类型 column, so that pre-authorisation completions can be listed. */
function statement(lines: readonly Line[]): string {
  const header =
    '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,结算日期';
  const rows = lines.map((l) => {
    const fee = feeAtPpm(l.amountFen, l.ppm);
    return [
      `${l.day} 10:${String(l.minute).padStart(2, '0')}:00`,
      SHOP.merchantId,
      '12345678',
      l.ref,
      '622202******0123',
      '贷记卡',
      '刷卡',
      l.type,
      yuan(l.amountFen),
      l.noFee === true ? '' : yuan(fee),
      yuan(l.amountFen - fee),
      '2026-10-20',
    ].join(',');
  });
  return `${[header, ...rows].join('\r\n')}\r\n`;
}

/** Ten credit lines of one day, one type and one rate, of the ten RATE_AMOUNTS. */
function day(date: string, type: Line['type'], ppm: number, prefix: string): Line[] {
  return RATE_AMOUNTS.map((amountFen, i) => ({
    day: date,
    minute: i,
    ref: `${prefix}${String(i).padStart(2, '0')}`,
    type,
    amountFen,
    ppm,
  }));
}

/**
 * The file kept: ten sales of 10-01 at 0.60 %, then on 10-05 ten pre-authorisation completions at 0.68 % (one
 * listed without its fee: amount − settled) — the rate changed on 10-05, and it is completions that show it.
 */
const KEPT: Line[] = [
  ...day('2026-10-01', '消费', 6_000, '100000000'),
  ...day('2026-10-05', '预授权完成', 6_800, '200000000').map((l, i) => (i === 4 ? { ...l, noFee: true } : l)),
];

/** The file deleted and uploaded again: ten sales of 10-07, still at 0.68 %. */
const LATER: Line[] = day('2026-10-07', '消费', 6_800, '300000000');

/** The rate-change windows as the monitor keeps them, and the merchant's alerts. */
async function monitorState(owner: OwnedMerchant) {
  const windows = await t.storage.db
    .selectFrom('monitor_rate_state')
    .select(['group_key', 'lines_json', 'last_change_date'])
    .where('merchant_id', '=', owner.id)
    .orderBy('group_key')
    .execute();
  const alerts = await t.storage.db
    .selectFrom('monitor_alerts')
    .select(['kind', 'dedup_key', 'amount_fen'])
    .where('merchant_id', '=', owner.id)
    .orderBy('id')
    .execute();
  return {
    windows: windows.map((w) => ({ ...w, lines: JSON.parse(w.lines_json) as unknown[] })),
    alerts,
  };
}

async function upload(owner: OwnedMerchant, name: string, lines: readonly Line[]) {
  const res = await owner.upload(name, statement(lines), { kind: 'settlement' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ importId: number; alerts: number; landings: { stored: number }[] }>();
}

describe.each(DIALECTS)(
  'forgetting an import rebuilds the rate windows as the check keeps them (%s)',
  (dialect: DialectName) => {
    it('pre-authorisation completions and record ids stay; the file uploaded again is no new rate change', async () => {
      t = await testApp(dialect);
      // No plan: the inferred formula alone is watched, group card|credit|*.
      const owner = await ownerWithMerchant(t, SHOP);
      const kept = await upload(owner, '结算明细_上.csv', KEPT);
      expect(kept.landings[0]?.stored).toBe(20);
      const afterKept = await monitorState(owner);
      // One change, on 10-05, carried by the completions; the window holds all twenty lines, each with its id.
      expect(afterKept.alerts.map((a) => [a.kind, a.dedup_key])).toEqual([
        ['rate_change', 'rate_change|card|credit|*|2026-10-05'],
      ]);
      expect(afterKept.windows).toHaveLength(1);
      expect(afterKept.windows[0]).toMatchObject({
        group_key: 'card|credit|*',
        last_change_date: '2026-10-05',
      });
      expect(afterKept.windows[0]?.lines).toHaveLength(20);
      // The completion listed without a fee: ¥777.77 at 0.68 % is 529 fen, taken as amount − settled.
      expect(afterKept.windows[0]?.lines).toContainEqual([
        77_777,
        529,
        '2026-10-05',
        expect.any(Number),
        expect.any(Number),
      ]);
      for (const line of afterKept.windows[0]?.lines ?? []) expect(line).toHaveLength(5);

      const later = await upload(owner, '结算明细_下.csv', LATER);
      expect(later.alerts).toBe(0);
      const afterBoth = await monitorState(owner);
      expect(afterBoth.windows[0]?.lines).toHaveLength(30);
      expect(afterBoth.alerts).toEqual(afterKept.alerts);

      // Deleted: the window is the kept file's again, line for line, ids and all.
      const removed = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/merchants/${owner.id}/imports/${later.importId}`,
        headers: { cookie: owner.cookie },
      });
      expect(removed.statusCode, removed.body).toBe(200);
      expect(await monitorState(owner)).toEqual(afterKept);

      // Uploaded again: the same state as before the deletion, bar the new records' ids, and no rate change.
      const again = await upload(owner, '结算明细_下.csv', LATER);
      expect(again.importId).not.toBe(later.importId);
      expect(again.alerts).toBe(0);
      const afterAgain = await monitorState(owner);
      expect(afterAgain.alerts).toEqual(afterKept.alerts);
      const withoutIds = (s: typeof afterBoth) =>
        s.windows.map((w) => ({
          group: w.group_key,
          last: w.last_change_date,
          lines: w.lines.map((l) => (l as unknown[]).slice(0, 4)),
        }));
      expect(withoutIds(afterAgain)).toEqual(withoutIds(afterBoth));
      const ids = (
        await t.storage.db
          .selectFrom('records')
          .select('id')
          .where('merchant_id', '=', owner.id)
          .orderBy('id')
          .execute()
      ).map((r) => r.id);
      expect(ids).toHaveLength(30);
      // Every line of the window names a stored record, once.
      const windowIds = (afterAgain.windows[0]?.lines ?? []).map((l) => (l as unknown[])[4]);
      expect([...windowIds].sort((a, b) => Number(a) - Number(b))).toEqual(ids);
    });
  },
);
