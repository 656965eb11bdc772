import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idleCases } from '../../src/storage/cases-repo.js';
import { devicesDue } from '../../src/storage/devices-repo.js';
import { multipartBody, testApp } from '../server/test-app.js';
import { DIALECTS } from '../storage/test-storage.js';

// The same life cycle on every dialect the storage supports (PostgreSQL when it is reachable, always on CI).
describe.each(DIALECTS)('cases and devices on %s', (dialect) => {
  it('stores a case through its life, an attachment byte for byte, idle reminders and inspections', async () => {
    const t = await testApp(dialect);
    try {
      await t.addUser('o@example.com');
      const cookie = await t.login('o@example.com');
      const m = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/merchants',
          headers: { cookie },
          payload: { name: 'M' },
        })
      ).json<{ id: number }>().id;
      const base = `/api/v1/merchants/${m}/cases`;
      const created = await t.app.inject({
        method: 'POST',
        url: base,
        headers: { cookie },
        payload: { title: '跳点', amountClaimedFen: 5_000_000_000 },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json<{ id: number }>().id;
      for (const state of ['contacted', 'promised', 'refunded']) {
        const res = await t.app.inject({
          method: 'PATCH',
          url: `${base}/${id}`,
          headers: { cookie },
          payload: {
            state,
            note: state,
            ...(state === 'refunded' ? { amountRecoveredFen: 4_999_999_999 } : {}),
          },
        });
        expect(res.statusCode, res.body).toBe(200);
      }
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
      const up = multipartBody('pack.zip', bytes);
      const att = await t.app.inject({
        method: 'POST',
        url: `${base}/${id}/attachments`,
        headers: { cookie, ...up.headers },
        payload: up.payload,
      });
      expect(att.statusCode, att.body).toBe(201);
      const down = await t.app.inject({
        method: 'GET',
        url: `${base}/${id}/attachments/${att.json<{ id: number }>().id}`,
        headers: { cookie },
      });
      expect(createHash('sha256').update(down.rawPayload).digest('hex')).toBe(
        createHash('sha256').update(bytes).digest('hex'),
      );
      const shown = await t.app.inject({ method: 'GET', url: `${base}/${id}`, headers: { cookie } });
      expect(shown.json()).toMatchObject({
        state: 'refunded',
        amountClaimedFen: 5_000_000_000,
        amountRecoveredFen: 4_999_999_999,
      });
      const later = new Date(t.clock.now.getTime() + 8 * 86_400_000);
      expect((await idleCases(t.storage.db, later)).map((c) => c.id)).toEqual([id]);

      const imported = await t.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${m}/devices/import`,
        headers: { cookie, 'content-type': 'application/yaml' },
        payload: 'terminals:\n  - terminalId: "12345678"\n    lastInspection: 2026-06-01\n',
      });
      expect(imported.statusCode, imported.body).toBe(200);
      expect((await devicesDue(t.storage.db, '2026-08-30')).map((d) => d.terminalId)).toEqual(['12345678']);
      expect(await devicesDue(t.storage.db, '2026-08-22')).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
