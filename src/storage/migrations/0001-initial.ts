import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely';
import type { DialectName } from '../database.js';

/** The first schema: accounts, merchants, plans, imports, records and the append-only audit log. */
export function initialMigration(dialect: DialectName): Migration {
  const id = dialect === 'postgres' ? 'serial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const idCol = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
      const maskedOnly =
        dialect === 'postgres'
          ? sql`card_no !~ '[0-9]{11}'`
          : sql`card_no NOT GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'`;
      await db.schema
        .createTable('users')
        .addColumn('id', id, idCol)
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner','staff','agent')`))
        .addColumn('password_changed_at', 'text', (c) => c.notNull())
        .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('merchants')
        .addColumn('id', id, idCol)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('merchant_code', 'text')
        .addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('memberships')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('merchant_id', 'integer', (c) =>
          c.notNull().references('merchants.id').onDelete('cascade'),
        )
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner','staff','agent')`))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'merchant_id'])
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', id, idCol)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', id, idCol)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('plans')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', (c) =>
          c.notNull().references('merchants.id').onDelete('cascade'),
        )
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('created_by', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('plans_merchant_version', ['merchant_id', 'version'])
        .execute();
      await db.schema
        .createTable('imports')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', (c) =>
          c.notNull().references('merchants.id').onDelete('cascade'),
        )
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('bytes', 'bigint', (c) => c.notNull())
        .addColumn('preset', 'text', (c) => c.notNull())
        .addColumn('encoding', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('rows', 'integer', (c) => c.notNull())
        .addColumn('stored', 'integer', (c) => c.notNull())
        .addColumn('rejected_json', 'text', (c) => c.notNull())
        .addColumn('warnings_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('imports_merchant_sha256', ['merchant_id', 'sha256'])
        .execute();
      await db.schema
        .createTable('records')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', (c) =>
          c.notNull().references('merchants.id').onDelete('cascade'),
        )
        .addColumn('import_id', 'integer', (c) => c.references('imports.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('terminal','settlement','bank')`))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text')
        .addColumn('settle_date', 'text')
        .addColumn('merchant_code', 'text')
        .addColumn('terminal_id', 'text')
        .addColumn('ref_no', 'text')
        .addColumn('voucher_no', 'text')
        .addColumn('batch_no', 'text')
        .addColumn('order_no', 'text')
        .addColumn('provider_order_no', 'text')
        .addColumn('original_ref_no', 'text')
        .addColumn('original_voucher_no', 'text')
        .addColumn('original_order_no', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('card', 'text', (c) => c.notNull())
        // Masked only (first 6 / last 4): the check refuses any run of 11+ digits, i.e. a full card number.
        .addColumn('card_no', 'text', (c) => c.check(maskedOnly))
        .addColumn('payer_id', 'text')
        .addColumn('amount_fen', 'bigint', (c) => c.notNull())
        .addColumn('fee_fen', 'bigint')
        .addColumn('settled_fen', 'bigint')
        .addColumn('rate', 'integer')
        .addColumn('label', 'text')
        .addColumn('counterparty', 'text')
        .addColumn('source_file', 'text', (c) => c.notNull())
        .addColumn('source_row', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('records_merchant_kind_time')
        .on('records')
        .columns(['merchant_id', 'kind', 'time'])
        .execute();
      await db.schema.createIndex('records_import').on('records').column('import_id').execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', id, idCol)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer')
        .addColumn('merchant_id', 'integer')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .execute();
      await db.schema
        .createIndex('audit_log_merchant')
        .on('audit_log')
        .columns(['merchant_id', 'id'])
        .execute();
      // The audit log is append-only: the database itself refuses to change or remove a line.
      if (dialect === 'sqlite') {
        await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
          db,
        );
        await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
          db,
        );
      } else {
        await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`.execute(
          db,
        );
        await sql`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(
          db,
        );
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'audit_log',
        'records',
        'imports',
        'plans',
        'api_tokens',
        'sessions',
        'memberships',
        'merchants',
        'users',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
      if (dialect === 'postgres') await sql`DROP FUNCTION IF EXISTS audit_log_append_only()`.execute(db);
    },
  };
}
