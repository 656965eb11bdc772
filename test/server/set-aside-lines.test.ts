import { afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { inviteUser, ownerWithMerchant } from './merchant-harness.js';
import { type Line, settlementCsv } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

// QA: an upload whose lines named another merchant number (one the uploader has no shop for) said so on the upload
// card only; after a reload the list of imports showed the import with 0 records and no reason. The reason is now
// kept with the import and GET /api/v1/merchants/{id} lists it.

let t: TestApp;
afterEach(async () => t.close());

const OWN_NO = '822111111111111';
const OTHER_NO = '822000000000002';
const THIRD_NO = '822000000000009';

/** A ¥1,000.00 credit sale charged ¥6.00, of merchant number `merchant`. */
function sale(ref: string, merchant: string): Line {
  return {
    time: '2026-10-08 10:00:00',
    merchant,
    ref,
    card: '贷记卡',
    amount: '1000.00',
    fee: '6.00',
    settled: '994.00',
    settleDate: '2026-10-09',
  };
}

interface Listed {
  id: number;
  file: string;
  rows: number;
  stored: number;
  setAside?: {
    records: number;
    merchants?: { merchantId: string; records: number }[];
    message: string;
    messageEn: string;
  };
}

describe.each(DIALECTS)(
  'lines of another merchant number, listed with their import on %s',
  (dialect: DialectName) => {
    it('lists how many lines were set aside and why after the upload; the numbers to the uploader only', async () => {
      t = await testApp(dialect);
      const shop = await ownerWithMerchant(t, { name: '鸿运小店', merchantId: OWN_NO });
      // One sale of the shop's own, three of 822000000000002 and two of 822000000000009 (no shop of the owner's).
      const mixed = settlementCsv([
        sale('100000000001', OWN_NO),
        sale('200000000001', OTHER_NO),
        sale('300000000001', THIRD_NO),
        sale('200000000002', OTHER_NO),
        sale('200000000003', OTHER_NO),
        sale('300000000002', THIRD_NO),
      ]);
      const mixedRes = await shop.upload('mixed.csv', mixed);
      expect(mixedRes.statusCode, mixedRes.body).toBe(201);
      // Only the other merchant's lines: nothing stored here.
      const theirs = settlementCsv([sale('400000000001', OTHER_NO), sale('400000000002', OTHER_NO)]);
      const theirsRes = await shop.upload('theirs.csv', theirs);
      expect(theirsRes.statusCode, theirsRes.body).toBe(201);
      // The shop's own file: nothing set aside.
      const ownRes = await shop.upload('own.csv', settlementCsv([sale('500000000001', OWN_NO)]));
      expect(ownRes.statusCode, ownRes.body).toBe(201);

      // A later request (a page reload): the listing, not the upload's answer.
      const listed = await shop.get(`/api/v1/merchants/${shop.id}`);
      expect(listed.statusCode, listed.body).toBe(200);
      const imports = listed.json<{ imports: Listed[] }>().imports;
      expect(imports.map((i) => [i.file, i.rows, i.stored])).toEqual([
        ['mixed.csv', 6, 1],
        ['theirs.csv', 2, 0],
        ['own.csv', 1, 1],
      ]);
      expect(imports[0]?.setAside).toEqual({
        records: 5,
        merchants: [
          { merchantId: OTHER_NO, records: 3 },
          { merchantId: THIRD_NO, records: 2 },
        ],
        message: `5 行属于其他商户号，未导入：商户号 ${OTHER_NO} 共 3 行；商户号 ${THIRD_NO} 共 2 行`,
        messageEn:
          `5 line(s) of other merchant numbers not imported: merchant number ${OTHER_NO}: 3 line(s); ` +
          `merchant number ${THIRD_NO}: 2 line(s)`,
      });
      expect(imports[1]?.setAside).toEqual({
        records: 2,
        merchants: [{ merchantId: OTHER_NO, records: 2 }],
        message: `2 行属于其他商户号，未导入：商户号 ${OTHER_NO} 共 2 行`,
        messageEn: `2 line(s) of other merchant numbers not imported: merchant number ${OTHER_NO}: 2 line(s)`,
      });
      expect(imports[2]).not.toHaveProperty('setAside');

      // The shop's staff see why the import stored so little, but not the other tenants' merchant numbers.
      const invited = await inviteUser(
        t,
        shop.cookie,
        'staff@example.com',
        'staff',
        [shop.id],
        'Staff-Password-2026',
      );
      expect(invited.statusCode, invited.body).toBe(201);
      const staff = await t.login('staff@example.com', 'Staff-Password-2026');
      const seen = await t.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${shop.id}`,
        headers: { cookie: staff },
      });
      expect(seen.statusCode, seen.body).toBe(200);
      const staffList = seen.json<{ imports: Listed[] }>().imports;
      expect(staffList[0]?.setAside).toEqual({
        records: 5,
        message: '5 行属于其他商户号，未导入；这些商户号仅上传者可见',
        messageEn:
          "5 line(s) of other merchant numbers not imported; the numbers are shown to the file's uploader only",
      });
      expect(seen.body).not.toContain(OTHER_NO);
      expect(seen.body).not.toContain(THIRD_NO);

      // Stored: the shop's two sales of ¥1,000.00, 200,000 fen; none of the other numbers' seven.
      const records = await t.storage.db
        .selectFrom('records')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('amount_fen').as('fen')])
        .executeTakeFirstOrThrow();
      expect([Number(records.n), Number(records.fen)]).toEqual([2, 200_000]);
    });
  },
);
