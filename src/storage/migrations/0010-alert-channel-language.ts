import type { Kysely, Migration } from 'kysely';

/**
 * alert_channels.language: what a channel is sent in — `zh` (zh-CN), `en`, or `both` (the Chinese, then the
 * English). Channels added before it keep getting the Chinese they always got.
 */
export function alertChannelLanguageMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('alert_channels')
        .addColumn('language', 'text', (c) => c.notNull().defaultTo('zh'))
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('alert_channels').dropColumn('language').execute();
    },
  };
}
