import type { Kysely } from 'kysely';
import { requireMerchantRole } from './access.js';
import type { Database } from './schema.js';

/** A stored plan version: the text as written (YAML or JSON) and when and by whom it was set. */
export interface StoredPlan {
  version: number;
  text: string;
  format: 'yaml' | 'json';
  createdBy: number | null;
  createdAt: string;
}

/** Stores a new version of a merchant's plan (owner or agent only); earlier versions are kept. */
export async function savePlan(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  plan: { text: string; format: 'yaml' | 'json'; at: string },
): Promise<StoredPlan> {
  await requireMerchantRole(db, userId, merchantId, 'write');
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('plans')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    await trx
      .insertInto('plans')
      .values({
        merchant_id: merchantId,
        version,
        text: plan.text,
        format: plan.format,
        created_by: userId,
        created_at: plan.at,
      })
      .execute();
    return { version, text: plan.text, format: plan.format, createdBy: userId, createdAt: plan.at };
  });
}

/** The merchant's plan in force (latest version), if one was ever set. */
export async function latestPlan(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
): Promise<StoredPlan | undefined> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  const row = await db
    .selectFrom('plans')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    version: row.version,
    text: row.text,
    format: row.format === 'json' ? 'json' : 'yaml',
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
