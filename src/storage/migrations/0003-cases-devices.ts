import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely';
import type { DialectName } from '../database.js';

/** Cases (disputes with notes and attachments) and the terminal registry with its inspections (issue 10). */
export function casesDevicesMigration(dialect: DialectName): Migration {
  const id = dialect === 'postgres' ? 'serial' : 'integer';
  const idCol = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  const merchantRef = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    c.notNull().references('merchants.id').onDelete('cascade');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('cases')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('provider', 'text')
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sql`state in ('open','contacted','promised','refunded','rejected','closed')`),
        )
        .addColumn('amount_claimed_fen', 'bigint', (c) => c.notNull())
        .addColumn('amount_recovered_fen', 'bigint', (c) => c.notNull())
        .addColumn('finding_ids_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cases_merchant').on('cases').columns(['merchant_id', 'id']).execute();
      await db.schema
        .createTable('case_notes')
        .addColumn('id', id, idCol)
        .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('user_id', 'integer')
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text')
        .execute();
      await db.schema.createIndex('case_notes_case').on('case_notes').columns(['case_id', 'id']).execute();
      // Bytes are kept as base64 text: portable across SQLite and PostgreSQL and through JSON-lines backups.
      await db.schema
        .createTable('case_attachments')
        .addColumn('id', id, idCol)
        .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('content_base64', 'text', (c) => c.notNull())
        .addColumn('created_by', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('case_attachments_case')
        .on('case_attachments')
        .columns(['case_id', 'id'])
        .execute();
      await db.schema
        .createTable('devices')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('sn', 'text')
        .addColumn('model', 'text')
        .addColumn('vendor', 'text')
        .addColumn('provider', 'text')
        .addColumn('versions_json', 'text', (c) => c.notNull())
        .addColumn('sim_json', 'text')
        .addColumn('inspection_interval_days', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('devices_merchant_terminal', ['merchant_id', 'terminal_id'])
        .execute();
      await db.schema
        .createTable('device_inspections')
        .addColumn('id', id, idCol)
        .addColumn('device_id', 'integer', (c) => c.notNull().references('devices.id').onDelete('cascade'))
        .addColumn('merchant_id', 'integer', merchantRef)
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('user_id', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('device_inspections_device')
        .on('device_inspections')
        .columns(['device_id', 'date'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['device_inspections', 'devices', 'case_attachments', 'case_notes', 'cases']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
