import type { Kysely, Migration } from 'kysely';

/**
 * records.discount_fen: the merchant's own discount of a QR statement line (PosRecord.discountFen — Alipay 商家优惠,
 * WeChat's 免充值 coupon), beside amount_fen, which stays the amount settled and priced. Rows stored before it
 * have none (null).
 */
export function recordDiscountMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('records').addColumn('discount_fen', 'bigint').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('records').dropColumn('discount_fen').execute();
    },
  };
}
