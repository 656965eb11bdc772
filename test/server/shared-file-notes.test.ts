import { afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { sharedFileNotesMigration } from '../../src/storage/migrations/0005-shared-file-notes.js';
import { DIALECTS } from '../storage/test-storage.js';
import { OVERCHARGED, settlementCsv } from './sample-data.js';
import { inviteUser, ownerWithMerchant, uploadStatement } from './merchant-harness.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

type Rejected = { file: string; row: number; reason: string; column?: string };

describe.each(DIALECTS)(
  'rejected rows of an agent file with several merchants on %s',
  (dialect: DialectName) => {
    it('are shown in full to the uploader only; a merchant sees how many, never another tenant’s line', async () => {
      t = await testApp(dialect);
      await t.addUser('agent@example.com', 'agent');
      const agent = await t.login('agent@example.com');
      const make = async (code: string) =>
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/merchants',
            headers: { cookie: agent },
            payload: { name: code, merchantId: code },
          })
        ).json().id as number;
      const a = await make('111');
      const b = await make('222');
      // The agent keeps uploads on merchant 111, the file's target.
      const keep = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/merchants/${a}`,
        headers: { cookie: agent },
        payload: { keepUploads: true },
      });
      expect(keep.statusCode, keep.body).toBe(200);
      const lines = OVERCHARGED.map((l, i) => ({ ...l, merchant: ['111', '222', '999', '222'][i] ?? '111' }));
      // A line of merchant 333 (another tenant) that cannot be read: its amount cell is not a number.
      const csv = settlementCsv([
        ...lines,
        {
          ...lines[0],
          merchant: '333',
          ref: '300000000001',
          amount: '壹仟元整',
          fee: '6.80',
          settled: '993.20',
        } as (typeof lines)[number],
      ]);
      const res = await uploadStatement(t, agent, a, 'agent-daily.csv', csv);
      expect(res.statusCode, res.body).toBe(201);
      const uploaded = res.json().files[0].rejected as Rejected[];
      expect(uploaded).toHaveLength(1);
      const fullReason = uploaded[0]?.reason ?? '';
      expect(fullReason).toContain('壹仟元整');
      const row = uploaded[0]?.row;
      // The original of a file holding other tenants' lines is not kept on merchant 111.
      expect(res.json().kept).toMatchObject({ kept: false, warning: { code: 'shared_file_not_kept' } });
      const ownImport = res.json().importId as number;
      const file = await t.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${a}/imports/${ownImport}/file`,
        headers: { cookie: agent },
      });
      expect(file.statusCode).toBe(404);

      // Merchant 222's staff: the rejected row is counted, with its row number, but not its content.
      const invite = await inviteUser(t, agent, 'clerk222@example.com', 'staff', [b], 'Clerk-Password-222');
      expect(invite.statusCode, invite.body).toBe(201);
      const clerk = await t.login('clerk222@example.com', 'Clerk-Password-222');
      for (const lang of ['zh', 'en']) {
        const audit = await t.app.inject({
          method: 'GET',
          url: `/api/v1/merchants/${b}/audit?lang=${lang}`,
          headers: { cookie: clerk },
        });
        expect(audit.statusCode).toBe(200);
        const rejected = audit.json().rejected as Rejected[];
        expect(rejected).toHaveLength(1);
        expect(rejected[0]?.row).toBe(row);
        expect(rejected[0]?.reason).toBe(
          lang === 'zh'
            ? '此行未能导入；该文件含多个商户的数据，原因仅上传者可见'
            : "row not imported; the file holds several merchants' lines, so the reason is shown to its uploader only",
        );
        expect(audit.body).not.toContain('壹仟元整');
        expect(audit.body).not.toContain(fullReason);
        const report = await t.app.inject({
          method: 'GET',
          url: `/api/v1/merchants/${b}/report.html?lang=${lang}`,
          headers: { cookie: clerk },
        });
        expect(report.statusCode).toBe(200);
        expect(report.body).not.toContain('壹仟元整');
      }
      const merchant = await t.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${b}`,
        headers: { cookie: clerk },
      });
      expect(merchant.json().imports.map((i: { rejected: number }) => i.rejected)).toEqual([1]);

      // The uploader loses nothing: every rejected row, in full, on each merchant the file landed on.
      for (const m of [a, b]) {
        const audit = await t.app.inject({
          method: 'GET',
          url: `/api/v1/merchants/${m}/audit`,
          headers: { cookie: agent },
        });
        expect((audit.json().rejected as Rejected[]).map((r) => r.reason)).toEqual([fullReason]);
      }
      // A database written before this fix held the plain rows on every merchant (down() writes them back so):
      // the migration marks them uploader-only again, and 222's clerk no longer reads another tenant's line.
      const clerkAudit = async () =>
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/merchants/${b}/audit`,
            headers: { cookie: clerk },
          })
        ).body;
      await sharedFileNotesMigration().down?.(t.storage.db);
      expect(await clerkAudit()).toContain('壹仟元整');
      await sharedFileNotesMigration().up(t.storage.db);
      expect(await clerkAudit()).not.toContain('壹仟元整');
      const agentAudit = await t.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${b}/audit`,
        headers: { cookie: agent },
      });
      expect((agentAudit.json().rejected as Rejected[]).map((r) => r.reason)).toEqual([fullReason]);

      // The same file uploaded again to 222 answers the stored rows as the uploader sees them.
      const dup = await uploadStatement(t, agent, b, 'agent-daily.csv', csv);
      expect(dup.statusCode).toBe(200);
      expect(dup.json().files[0].rejected.map((r: Rejected) => r.reason)).toEqual([fullReason]);
    });

    it('keeps a single merchant’s own file as it was: its people see the rejected rows in full', async () => {
      t = await testApp(dialect);
      const { cookie: owner, id, upload } = await ownerWithMerchant(t);
      const csv = settlementCsv([
        ...OVERCHARGED,
        { ...OVERCHARGED[0], ref: '100000000009', amount: '壹仟元整' } as (typeof OVERCHARGED)[number],
      ]);
      const res = await upload('settle.csv', csv);
      expect(res.statusCode).toBe(201);
      const invite = await inviteUser(t, owner, 'clerk@example.com', 'staff', [id], 'Clerk-Password-111');
      expect(invite.statusCode, invite.body).toBe(201);
      const clerk = await t.login('clerk@example.com', 'Clerk-Password-111');
      const audit = await t.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${id}/audit`,
        headers: { cookie: clerk },
      });
      const rejected = audit.json().rejected as Rejected[];
      expect(rejected).toHaveLength(1);
      expect(rejected[0]?.reason).toContain('壹仟元整');
    });
  },
);
