import type { Kysely, Migration } from 'kysely';

/**
 * monitor_alerts.message_en: the English text of an alert beside its zh-CN `message`, so the API and the
 * dashboard can show an alert in the reader's language. Alerts stored before it have none (null): readers fall
 * back to the Chinese.
 */
export function alertMessageEnMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('monitor_alerts').addColumn('message_en', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('monitor_alerts').dropColumn('message_en').execute();
    },
  };
}
