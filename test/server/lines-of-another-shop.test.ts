import { afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { ownerWithMerchant, uploadStatement } from './merchant-harness.js';
import { OVERCHARGED, settlementCsv } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

interface Answer {
  landings: { merchantId: number; stored: number; alreadyStored: number; duplicate: boolean }[];
  files: { warnings: { code: string; message: string; messageEn: string }[] }[];
}

/** The month's statement as first downloaded, and again later with the export time in a title line. */
const STATEMENT = settlementCsv(OVERCHARGED);
const REDOWNLOAD = `商户结算明细\r\n导出时间：2026-10-10 09:30:07\r\n${STATEMENT}`;

describe.each(DIALECTS)(
  'a statement uploaded under a second shop of the same owner on %s',
  (dialect: DialectName) => {
    it('says its lines went to the shop whose merchant number they carry, not that the exports overlap', async () => {
      t = await testApp(dialect);
      const first = await ownerWithMerchant(t, { name: '鸿运便利店', merchantId: '898440153991234' });
      await first.putPlan();
      const imported = await first.upload('结算明细_10月.csv', STATEMENT);
      expect(imported.statusCode, imported.body).toBe(201);
      // A second shop, created without its merchant number, gets the same statement downloaded again.
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/merchants',
        headers: { cookie: first.cookie },
        payload: { name: '鸿运便利店（二店）' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const second = created.json<{ id: number }>().id;
      const res = await uploadStatement(t, first.cookie, second, '全部导出.csv', REDOWNLOAD);
      expect(res.statusCode, res.body).toBe(201);
      const answer = res.json<Answer>();
      // The four lines name 898440153991234, the first shop's number: they are its lines, which it already has.
      expect(answer.landings.map((l) => [l.merchantId, l.stored, l.alreadyStored])).toEqual([
        [second, 0, 0],
        [first.id, 0, 4],
      ]);
      const notes = answer.files[0]?.warnings.filter((w) => w.code === 'lines_of_other_merchants') ?? [];
      expect(notes).toHaveLength(1);
      expect(notes[0]?.message).toBe(
        '此文件中 4 行的商户号属于您的其他商户，已按商户号记入该商户，未记入本商户：' +
          '「鸿运便利店」（商户号 898440153991234）4 行，其中 4 行该商户此前已导入，未重复添加。' +
          '本商户没有导入任何行；如这些流水属于本商户，请核对本商户的商户号',
      );
      expect(notes[0]?.messageEn).toContain('"鸿运便利店" (merchant number 898440153991234): 4 line(s)');
      // The note stays with the second shop's import: its overview, with no records, says why.
      const audit = await t.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${second}/audit`,
        headers: { cookie: first.cookie },
      });
      expect(audit.statusCode, audit.body).toBe(200);
      expect(JSON.stringify(audit.json<{ warnings: unknown }>().warnings)).toContain(
        '本商户没有导入任何行；如这些流水属于本商户，请核对本商户的商户号',
      );
      // Nothing was counted twice on the first shop: still the four lines of ¥1,000 + ¥1,000 + ¥1,000 + ¥100.
      const records = await t.storage.db
        .selectFrom('records')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('amount_fen').as('fen')])
        .where('merchant_id', '=', first.id)
        .executeTakeFirstOrThrow();
      expect([Number(records.n), Number(records.fen)]).toEqual([4, 310_000]);

      // Another owner's shop without a number takes the same statement as its own, with no such note.
      const other = await ownerWithMerchant(t, { name: '另一位店主' }, 'other@example.com');
      const theirs = await other.upload('全部导出.csv', REDOWNLOAD);
      expect(theirs.statusCode, theirs.body).toBe(201);
      const their = theirs.json<Answer>();
      expect(their.landings.map((l) => [l.merchantId, l.stored, l.alreadyStored])).toEqual([
        [other.id, 4, 0],
      ]);
      expect(their.files[0]?.warnings.map((w) => w.code)).not.toContain('lines_of_other_merchants');
    });
  },
);
