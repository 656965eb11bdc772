import type { Kysely, Transaction } from 'kysely';
import { AccessDenied, requireMerchantRole } from './access.js';
import type { Database } from './schema.js';

/** A kept upload as it is downloaded. */
export interface KeptUpload {
  importId: number;
  name: string;
  size: number;
  sha256: string;
  masked: boolean;
  originalSize: number;
  originalSha256: string;
  bytes: Buffer;
  createdAt: string;
}

/** Whether the merchant keeps uploaded files (any member may read the setting). */
export async function keepUploadsOf(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
): Promise<boolean> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  const row = await db
    .selectFrom('merchants')
    .select('keep_uploads')
    .where('id', '=', merchantId)
    .executeTakeFirstOrThrow();
  return Number(row.keep_uploads) === 1;
}

/** Turns keeping uploaded files on or off (owner or agent). */
export async function setKeepUploads(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  keep: boolean,
): Promise<void> {
  await requireMerchantRole(db, userId, merchantId, 'write');
  await db
    .updateTable('merchants')
    .set({ keep_uploads: keep ? 1 : 0 })
    .where('id', '=', merchantId)
    .execute();
}

/**
 * Stores the file of an import. Call it with the import's transaction so the file and the records land together;
 * the caller has already checked write access in that transaction.
 */
export async function insertKeptUpload(
  trx: Kysely<Database>,
  file: {
    merchantId: number;
    importId: number;
    name: string;
    bytes: Uint8Array;
    sha256: string;
    masked: boolean;
    originalSize: number;
    originalSha256: string;
    at: string;
  },
): Promise<void> {
  await trx
    .insertInto('kept_uploads')
    .values({
      merchant_id: file.merchantId,
      import_id: file.importId,
      name: file.name,
      size: file.bytes.length,
      sha256: file.sha256,
      masked: file.masked ? 1 : 0,
      original_size: file.originalSize,
      original_sha256: file.originalSha256,
      content_base64: Buffer.from(file.bytes).toString('base64'),
      created_at: file.at,
    })
    .execute();
}

/** Deletes the kept file of an import, inside the caller's transaction; returns how many were deleted (0 or 1). */
export async function deleteKeptUpload(
  trx: Transaction<Database>,
  merchantId: number,
  importId: number,
): Promise<number> {
  const deleted = await trx
    .deleteFrom('kept_uploads')
    .where('merchant_id', '=', merchantId)
    .where('import_id', '=', importId)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/** The kept file of one import; AccessDenied('not_found') when the import kept none. */
export async function getKeptUpload(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  importId: number,
): Promise<KeptUpload> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  const row = await db
    .selectFrom('kept_uploads')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('import_id', '=', importId)
    .executeTakeFirst();
  if (row === undefined)
    throw new AccessDenied(
      'not_found',
      `import ${importId} has no kept file`,
      `导入 #${importId} 没有保留原文件`,
    );
  return {
    importId: row.import_id,
    name: row.name,
    size: Number(row.size),
    sha256: row.sha256,
    masked: row.masked === 1,
    originalSize: Number(row.original_size),
    originalSha256: row.original_sha256,
    bytes: Buffer.from(row.content_base64, 'base64'),
    createdAt: row.created_at,
  };
}
