import type { Kysely, Selectable } from 'kysely';
import type { DeviceInput, DeviceSim, DeviceVersion, DevicesFile } from '../devices/parse-devices-file.js';
import {
  DEFAULT_INSPECTION_INTERVAL_DAYS,
  type InspectionStatus,
  inspectionStatus,
} from '../devices/inspection-status.js';
import { requireMerchantRole } from './access.js';
import { appendAudit } from './audit-log-repo.js';
import type { Database, DevicesTable } from './schema.js';

/** A registered terminal with its inspection status on the day asked about. */
export interface DeviceInfo {
  id: number;
  terminalId: string;
  sn: string | null;
  model: string | null;
  vendor: string | null;
  provider: string | null;
  versions: DeviceVersion[];
  /** The version in use now: the latest entry of the history. */
  current: DeviceVersion | null;
  sim: DeviceSim | null;
  inspectionIntervalDays: number;
  inspection: InspectionStatus;
  inspections: { date: string; note: string | null; userId: number | null }[];
}

/** Who acts and when (written to the audit log). */
export interface DeviceActor {
  userId: number;
  at: string;
  address?: string | null;
}

/** A refusal on devices: unknown terminal, bad input. */
export class DeviceError extends Error {
  readonly code: 'device_not_found' | 'invalid';
  readonly zh: string;
  constructor(code: DeviceError['code'], zh: string, en: string) {
    super(en);
    this.name = 'DeviceError';
    this.code = code;
    this.zh = zh;
  }
}

const versionKey = (v: DeviceVersion): string => `${v.from}|${v.firmware ?? ''}|${v.app ?? ''}`;

function mergeVersions(old: readonly DeviceVersion[], added: readonly DeviceVersion[]): DeviceVersion[] {
  const byKey = new Map<string, DeviceVersion>();
  for (const v of [...old, ...added]) byKey.set(versionKey(v), v);
  return [...byKey.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

/** What an import did to one terminal of the file. */
export type DeviceImportStatus = 'created' | 'updated' | 'unchanged';

/** The outcome of a devices import: counts, and per terminal of the file (in file order) what became of it. */
export interface DevicesImported {
  created: number;
  updated: number;
  unchanged: number;
  /** The file's terminal ids, in file order. */
  terminals: string[];
  statuses: { terminalId: string; status: DeviceImportStatus }[];
}

/**
 * Registers or updates the terminals of a devices file (owner or agent). Version histories are merged, a
 * `lastInspection` is recorded as an inspection, fields the file leaves out keep their stored values. Each
 * terminal is reported `created`, `updated` (a field, a version or an inspection is new) or `unchanged`.
 */
export async function importDevices(
  db: Kysely<Database>,
  actor: DeviceActor,
  merchantId: number,
  file: DevicesFile,
): Promise<DevicesImported> {
  await requireMerchantRole(db, actor.userId, merchantId, 'write');
  return db.transaction().execute(async (trx) => {
    const statuses: DevicesImported['statuses'] = [];
    for (const t of file.terminals) {
      const upserted = await upsertDevice(trx, merchantId, t, actor.at);
      const inspected =
        t.lastInspection !== undefined &&
        (await recordInspectionOnce(trx, merchantId, upserted.id, t.lastInspection, actor));
      const status = upserted.status === 'unchanged' && inspected ? ('updated' as const) : upserted.status;
      statuses.push({ terminalId: t.terminalId, status });
    }
    const count = (s: DeviceImportStatus): number => statuses.filter((x) => x.status === s).length;
    const result: DevicesImported = {
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      terminals: file.terminals.map((t) => t.terminalId),
      statuses,
    };
    await appendAudit(trx, {
      userId: actor.userId,
      merchantId,
      action: 'devices.import',
      details: { ...result },
      address: actor.address ?? null,
      at: actor.at,
    });
    return result;
  });
}

/** Canonical JSON (keys sorted) so that a SIM written with its keys in another order is not a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Inserts the terminal, or merges the file into the stored one, and says which it was. Portable across SQLite
 * and PostgreSQL: `INSERT … ON CONFLICT DO NOTHING RETURNING id` gives a row only when it created one (and
 * waits for, instead of failing on, a concurrent import that inserted the same terminal first).
 */
async function upsertDevice(
  trx: Kysely<Database>,
  merchantId: number,
  t: DeviceInput,
  at: string,
): Promise<{ id: number; status: DeviceImportStatus }> {
  const inserted = await trx
    .insertInto('devices')
    .values({
      merchant_id: merchantId,
      terminal_id: t.terminalId,
      sn: t.sn ?? null,
      model: t.model ?? null,
      vendor: t.vendor ?? null,
      provider: t.provider ?? null,
      versions_json: JSON.stringify(t.versions),
      sim_json: t.sim === undefined ? null : JSON.stringify(t.sim),
      inspection_interval_days: t.inspectionIntervalDays ?? DEFAULT_INSPECTION_INTERVAL_DAYS,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'terminal_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted !== undefined) return { id: inserted.id, status: 'created' };
  // Read the stored row through an update that changes nothing: on PostgreSQL it locks the row (SQLite has no
  // SELECT … FOR UPDATE; there the INSERT above already took the database's write lock), so a concurrent import
  // of the same terminal merges into what this one wrote instead of both merging into the same old row and one
  // losing the other's versions.
  const existing = await trx
    .updateTable('devices')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('merchant_id', '=', merchantId)
    .where('terminal_id', '=', t.terminalId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const stored = JSON.parse(existing.versions_json) as DeviceVersion[];
  const storedKeys = new Set(stored.map(versionKey));
  const next = {
    sn: t.sn ?? existing.sn,
    model: t.model ?? existing.model,
    vendor: t.vendor ?? existing.vendor,
    provider: t.provider ?? existing.provider,
    // A version already stored (same date, firmware and app) is no change; the history is rewritten, in date
    // order, only when the file brings a new one.
    versions_json: t.versions.every((v) => storedKeys.has(versionKey(v)))
      ? existing.versions_json
      : JSON.stringify(mergeVersions(stored, t.versions)),
    sim_json:
      t.sim === undefined ||
      (existing.sim_json !== null && canonical(JSON.parse(existing.sim_json)) === canonical(t.sim))
        ? existing.sim_json
        : JSON.stringify(t.sim),
    inspection_interval_days: t.inspectionIntervalDays ?? existing.inspection_interval_days,
  };
  const changed = (Object.keys(next) as (keyof typeof next)[]).some((k) => next[k] !== existing[k]);
  if (!changed) return { id: existing.id, status: 'unchanged' };
  await trx
    .updateTable('devices')
    .set({ ...next, updated_at: at })
    .where('id', '=', existing.id)
    .execute();
  return { id: existing.id, status: 'updated' };
}

/** Records a file's `lastInspection` unless that date is already recorded; true when it was new. */
async function recordInspectionOnce(
  trx: Kysely<Database>,
  merchantId: number,
  deviceId: number,
  date: string,
  actor: DeviceActor,
): Promise<boolean> {
  const known = await trx
    .selectFrom('device_inspections')
    .select('id')
    .where('device_id', '=', deviceId)
    .where('date', '=', date)
    .executeTakeFirst();
  if (known !== undefined) return false;
  await trx
    .insertInto('device_inspections')
    .values({
      device_id: deviceId,
      merchant_id: merchantId,
      date,
      note: null,
      user_id: actor.userId,
      created_at: actor.at,
    })
    .execute();
  return true;
}

async function toInfo(
  db: Kysely<Database>,
  row: Selectable<DevicesTable>,
  today: string,
): Promise<DeviceInfo> {
  const inspections = await db
    .selectFrom('device_inspections')
    .select(['date', 'note', 'user_id'])
    .where('device_id', '=', row.id)
    .orderBy('date', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const versions = JSON.parse(row.versions_json) as DeviceVersion[];
  const last = inspections[0]?.date ?? null;
  return {
    id: row.id,
    terminalId: row.terminal_id,
    sn: row.sn,
    model: row.model,
    vendor: row.vendor,
    provider: row.provider,
    versions,
    current: versions[versions.length - 1] ?? null,
    sim: row.sim_json === null ? null : (JSON.parse(row.sim_json) as DeviceSim),
    inspectionIntervalDays: row.inspection_interval_days,
    inspection: inspectionStatus(last, row.inspection_interval_days, today),
    inspections: inspections.map((i) => ({ date: i.date, note: i.note, userId: i.user_id })),
  };
}

/** A merchant's terminals (members only), by terminal id, with the inspection status on `today` (local date). */
export async function listDevices(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  today: string,
): Promise<DeviceInfo[]> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  const rows = await db
    .selectFrom('devices')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('terminal_id')
    .execute();
  const out: DeviceInfo[] = [];
  for (const row of rows) out.push(await toInfo(db, row, today));
  return out;
}

/** Records an inspection of one terminal on a local date (owner or agent) and logs it. */
export async function recordInspection(
  db: Kysely<Database>,
  actor: DeviceActor,
  merchantId: number,
  terminalId: string,
  inspection: { date: string; note?: string | undefined },
): Promise<DeviceInfo> {
  await requireMerchantRole(db, actor.userId, merchantId, 'write');
  const row = await db
    .selectFrom('devices')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('terminal_id', '=', terminalId)
    .executeTakeFirst();
  if (row === undefined) {
    throw new DeviceError(
      'device_not_found',
      `终端 ${terminalId} 未登记`,
      `terminal ${terminalId} is not registered`,
    );
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('device_inspections')
      .values({
        device_id: row.id,
        merchant_id: merchantId,
        date: inspection.date,
        note: inspection.note?.trim() || null,
        user_id: actor.userId,
        created_at: actor.at,
      })
      .execute();
    await appendAudit(trx, {
      userId: actor.userId,
      merchantId,
      action: 'device.inspect',
      details: {
        terminalId,
        date: inspection.date,
        ...(inspection.note === undefined ? {} : { note: inspection.note }),
      },
      address: actor.address ?? null,
      at: actor.at,
    });
  });
  return toInfo(db, row, inspection.date);
}

/**
 * Every terminal, in every merchant, whose inspection is due, overdue or never done on `today`: the reminder
 * list a monitor can turn into alerts. No user check — callers are system jobs.
 */
export async function devicesDue(
  db: Kysely<Database>,
  today: string,
): Promise<(DeviceInfo & { merchantId: number })[]> {
  const rows = await db
    .selectFrom('devices')
    .selectAll()
    .orderBy('merchant_id')
    .orderBy('terminal_id')
    .execute();
  const out: (DeviceInfo & { merchantId: number })[] = [];
  for (const row of rows) {
    const info = await toInfo(db, row, today);
    if (info.inspection.status !== 'ok') out.push({ ...info, merchantId: row.merchant_id });
  }
  return out;
}
