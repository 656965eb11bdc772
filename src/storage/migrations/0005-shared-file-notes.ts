import type { Kysely, Migration } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Imports stored before a file's rejected rows and warnings were kept for its uploader only (see importNotes):
 * an agent file that landed on several merchants left the whole file's rejected rows on every one of them.
 * Marks those rows uploader-only: imports of the same file (SHA-256) by the same user at the same moment on
 * more than one merchant, or whose upload left lines of other merchant numbers unassigned. Nothing is deleted.
 */
export function sharedFileNotesMigration(): Migration {
  return {
    async up(untyped: Kysely<unknown>): Promise<void> {
      const db = untyped as Kysely<Database>;
      const rows = await db
        .selectFrom('imports')
        .select(['id', 'merchant_id', 'sha256', 'created_by', 'created_at', 'rejected_json', 'warnings_json'])
        .execute();
      const groups = new Map<string, typeof rows>();
      for (const r of rows) {
        const key = `${r.sha256}\u0000${r.created_by ?? ''}\u0000${r.created_at}`;
        const group = groups.get(key);
        if (group === undefined) groups.set(key, [r]);
        else group.push(r);
      }
      const unassigned = await db
        .selectFrom('audit_log')
        .select(['user_id', 'at', 'details_json'])
        .where('action', '=', 'import.unassigned')
        .execute();
      const leftOut = new Set(
        unassigned.map((u) => {
          const details = JSON.parse(u.details_json) as { sha256?: string };
          return `${details.sha256 ?? ''}\u0000${u.user_id ?? ''}\u0000${u.at}`;
        }),
      );
      for (const [key, group] of groups) {
        const shared = new Set(group.map((r) => r.merchant_id)).size > 1 || leftOut.has(key);
        if (!shared) continue;
        for (const r of group) {
          const rejected = JSON.parse(r.rejected_json) as unknown;
          const warnings = JSON.parse(r.warnings_json) as unknown;
          if (!Array.isArray(rejected) && !Array.isArray(warnings)) continue;
          await db
            .updateTable('imports')
            .set({
              rejected_json: Array.isArray(rejected)
                ? JSON.stringify({ uploaderOnly: true, rows: rejected })
                : r.rejected_json,
              warnings_json: Array.isArray(warnings)
                ? JSON.stringify({ uploaderOnly: true, rows: warnings })
                : r.warnings_json,
            })
            .where('id', '=', r.id)
            .execute();
        }
      }
    },
    async down(untyped: Kysely<unknown>): Promise<void> {
      // The code before this migration reads plain arrays only.
      const db = untyped as Kysely<Database>;
      const unwrap = (json: string): string => {
        const value = JSON.parse(json) as unknown;
        return Array.isArray(value) ? json : JSON.stringify((value as { rows: unknown[] }).rows);
      };
      const rows = await db.selectFrom('imports').select(['id', 'rejected_json', 'warnings_json']).execute();
      for (const r of rows) {
        const rejected = unwrap(r.rejected_json);
        const warnings = unwrap(r.warnings_json);
        if (rejected === r.rejected_json && warnings === r.warnings_json) continue;
        await db
          .updateTable('imports')
          .set({ rejected_json: rejected, warnings_json: warnings })
          .where('id', '=', r.id)
          .execute();
      }
    },
  };
}
