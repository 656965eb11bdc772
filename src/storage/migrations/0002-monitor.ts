import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely';
import type { DialectName } from '../database.js';

/** The live monitor: idempotency keys, pushed records, rules, rate state, alerts, channels and deliveries. */
export function monitorMigration(dialect: DialectName): Migration {
  const id = dialect === 'postgres' ? 'serial' : 'integer';
  const idCol = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  const merchantRef = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    c.notNull().references('merchants.id').onDelete('cascade');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('response_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('idempotency_keys_merchant_key', ['merchant_id', 'key'])
        .execute();
      await db.schema
        .createTable('pushed_records')
        .addColumn('id', id, idCol)
        .addColumn('record_id', 'integer', (c) =>
          c.notNull().unique().references('records.id').onDelete('cascade'),
        )
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('natural_key', 'text')
        .addColumn('claimed_import_id', 'integer')
        .execute();
      await db.schema
        .createIndex('pushed_records_key')
        .on('pushed_records')
        .columns(['merchant_id', 'natural_key'])
        .execute();
      await db.schema
        .createIndex('records_merchant_payer')
        .on('records')
        .columns(['merchant_id', 'payer_id'])
        .execute();
      await db.schema
        .createIndex('records_merchant_terminal')
        .on('records')
        .columns(['merchant_id', 'terminal_id'])
        .execute();
      await db.schema
        .createTable('monitor_rules')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', (c) => merchantRef(c).unique())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'integer')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('monitor_rate_state')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('group_key', 'text', (c) => c.notNull())
        .addColumn('lines_json', 'text', (c) => c.notNull())
        .addColumn('last_change_date', 'text')
        .addUniqueConstraint('monitor_rate_state_key', ['merchant_id', 'group_key'])
        .execute();
      await db.schema
        .createTable('monitor_alerts')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull())
        .addColumn('record_id', 'integer')
        .addColumn('amount_fen', 'bigint')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('monitor_alerts_dedup', ['merchant_id', 'dedup_key'])
        .execute();
      await db.schema
        .createTable('alert_channels')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('type', 'text', (c) =>
          c.notNull().check(sql`type in ('webhook','wecom','dingtalk','feishu','email')`),
        )
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('secret', 'text')
        .addColumn('created_by', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('removed_at', 'text')
        .execute();
      await db.schema
        .createTable('alert_deliveries')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('alert_id', 'integer', (c) => c.references('monitor_alerts.id').onDelete('cascade'))
        .addColumn('channel_id', 'integer', (c) =>
          c.notNull().references('alert_channels.id').onDelete('cascade'),
        )
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('sent_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('alert_deliveries_due')
        .on('alert_deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createTable('alert_attempts')
        .addColumn('id', id, idCol)
        .addColumn('delivery_id', 'integer', (c) =>
          c.notNull().references('alert_deliveries.id').onDelete('cascade'),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('http_status', 'integer')
        .addColumn('error', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('alert_attempts_delivery')
        .on('alert_attempts')
        .column('delivery_id')
        .execute();
      await db.schema
        .createTable('monitor_runs')
        .addColumn('id', id, idCol)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addUniqueConstraint('monitor_runs_name_day', ['name', 'day'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'monitor_runs',
        'alert_attempts',
        'alert_deliveries',
        'alert_channels',
        'monitor_alerts',
        'monitor_rate_state',
        'monitor_rules',
        'pushed_records',
        'idempotency_keys',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
      await db.schema.dropIndex('records_merchant_payer').ifExists().execute();
      await db.schema.dropIndex('records_merchant_terminal').ifExists().execute();
    },
  };
}
