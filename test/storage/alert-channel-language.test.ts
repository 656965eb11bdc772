import { describe, expect, it } from 'vitest';
import {
  addAlertChannel,
  listAlertChannels,
  raiseAlerts,
  setAlertChannelLanguage,
} from '../../src/storage/alerts-repo.js';
import type { DialectName, Storage } from '../../src/storage/database.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createUser } from '../../src/storage/users-repo.js';
import { storageBefore } from './storage-before.js';
import { DIALECTS, freshStorage } from './test-storage.js';

const AT = '2026-12-06T02:00:00.000Z';
const URL = 'https://posguard.example';
const MIGRATION = '0010-alert-channel-language';
const ZH = '2026-12-05 刷卡贷记卡 交易 ¥1,000.00 实扣手续费 ¥6.30，按费率方案应为 ¥6.00，多扣 ¥0.30';
const EN =
  '2026-12-05 credit card sale of ¥1,000.00 charged a fee of ¥6.30 where the plan gives ¥6.00: ¥0.30 overcharged';

async function ownerAndMerchant(storage: Storage): Promise<{ owner: number; merchant: number }> {
  const u = await createUser(storage.db, {
    email: 'o@example.com',
    passwordHash: 'x',
    role: 'owner',
    mustChangePassword: false,
    at: AT,
  });
  const m = await createMerchant(storage.db, u.id, { name: '测试小店', merchantId: '1900000001', at: AT });
  return { owner: u.id, merchant: m.id };
}

/** Raises one fee_overcharge alert; the deliveries queued for it, by channel. */
async function raiseOne(storage: Storage, merchant: number) {
  await storage.db.transaction().execute((trx) =>
    raiseAlerts(
      trx,
      merchant,
      [
        {
          kind: 'fee_overcharge',
          severity: 'high',
          dedupKey: 'fee_overcharge|2026-12-05|card|credit|r0.1',
          amountFen: 30,
          message: { zh: ZH, en: EN },
          details: {},
        },
      ],
      [],
      AT,
      URL,
    ),
  );
  return storage.db
    .selectFrom('alert_deliveries')
    .select(['channel_id', 'alert_id', 'subject', 'text'])
    .where('merchant_id', '=', merchant)
    .orderBy('channel_id')
    .execute();
}

describe.each(DIALECTS)('alert_channels.language on %s', (dialect: DialectName) => {
  it('keeps channels added before it in Chinese, as they were sent', async () => {
    const { storage, dir, cleanup } = await storageBefore(dialect, MIGRATION);
    try {
      const { owner, merchant } = await ownerAndMerchant(storage);
      // A channel as the code before the migration wrote it: no language column to fill.
      await storage.db
        .insertInto('alert_channels')
        .values({
          merchant_id: merchant,
          type: 'wecom',
          target: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1',
          secret: null,
          created_by: owner,
          created_at: AT,
          removed_at: null,
        })
        .execute();
      const { applied } = await migrateToLatest(storage, { backupDir: dir });
      // Later migrations, if any, follow it.
      expect(applied[0]).toBe(MIGRATION);
      const [channel] = await listAlertChannels(storage.db, owner, merchant);
      expect(channel).toMatchObject({ type: 'wecom', language: 'zh' });
      const [delivery] = await raiseOne(storage, merchant);
      expect(delivery).toMatchObject({
        channel_id: channel?.id,
        subject: '【POS跳点卫士】手续费多扣',
        text: `【POS跳点卫士】手续费多扣\n${ZH}\n详情：${URL}/m/${merchant}/alerts/${delivery?.alert_id}`,
      });
    } finally {
      await cleanup();
    }
  });

  it('stores each channel’s language, changes it, and words each delivery in it', async () => {
    const { storage, cleanup } = await freshStorage(dialect);
    try {
      const { owner, merchant } = await ownerAndMerchant(storage);
      const add = (language?: 'zh' | 'en' | 'both') =>
        addAlertChannel(storage.db, owner, merchant, {
          type: 'email',
          target: 'ops@example.com',
          language,
          at: AT,
        });
      const byDefault = await add();
      const english = await add('en');
      const switched = await add('zh');
      expect([byDefault.language, english.language, switched.language]).toEqual(['zh', 'en', 'zh']);
      expect(await setAlertChannelLanguage(storage.db, owner, merchant, switched.id, 'both')).toEqual({
        ...switched,
        language: 'both',
      });
      expect(await setAlertChannelLanguage(storage.db, owner, merchant, 9999, 'en')).toBeUndefined();
      expect((await listAlertChannels(storage.db, owner, merchant)).map((c) => c.language)).toEqual([
        'zh',
        'en',
        'both',
      ]);
      const deliveries = await raiseOne(storage, merchant);
      const link = `${URL}/m/${merchant}/alerts/${deliveries[0]?.alert_id}`;
      const zh = {
        subject: '【POS跳点卫士】手续费多扣',
        text: `【POS跳点卫士】手续费多扣\n${ZH}\n详情：${link}`,
      };
      const en = {
        subject: '[posguard] Fee overcharged',
        text: `[posguard] Fee overcharged\n${EN}\nDetails: ${link}`,
      };
      expect(deliveries.map((d) => ({ channel: d.channel_id, subject: d.subject, text: d.text }))).toEqual([
        { channel: byDefault.id, ...zh },
        { channel: english.id, ...en },
        { channel: switched.id, subject: `${zh.subject} / ${en.subject}`, text: `${zh.text}\n\n${en.text}` },
      ]);
    } finally {
      await cleanup();
    }
  });
});
