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

/**
 * Registers or updates the terminals of a devices file (owner or agent). Version histories are merged, a
 * `lastInspection` is recorded as an inspection, fields the file leaves out keep their stored values.
 */
export async function importDevices(
  db: Kysely<Database>,
  actor: DeviceActor,
  merchantId: number,
  file: DevicesFile,
): Promise<{ created: number; updated: number; terminals: string[] }> {
  await requireMerchantRole(db, actor.userId, merchantId, 'write');
  return db.transaction().execute(async (trx) => {
    let created = 0;
    let updated = 0;
    for (const t of file.terminals) {
      const existing = await trx
        .selectFrom('devices')
        .selectAll()
        .where('merchant_id', '=', merchantId)
        .where('terminal_id', '=', t.terminalId)
        .executeTakeFirst();
      const deviceId =
        existing === undefined ? await insertDevice(trx, merchantId, t, actor.at) : existing.id;
      if (existing === undefined) created++;
      else {
        updated++;
        await trx
          .updateTable('devices')
          .set({
            sn: t.sn ?? existing.sn,
            model: t.model ?? existing.model,
            vendor: t.vendor ?? existing.vendor,
            provider: t.provider ?? existing.provider,
            versions_json: JSON.stringify(
              mergeVersions(JSON.parse(existing.versions_json) as DeviceVersion[], t.versions),
            ),
            sim_json: t.sim === undefined ? existing.sim_json : JSON.stringify(t.sim),
            inspection_interval_days: t.inspectionIntervalDays ?? existing.inspection_interval_days,
            updated_at: actor.at,
          })
          .where('id', '=', existing.id)
          .execute();
      }
      if (t.lastInspection !== undefined) {
        const known = await trx
          .selectFrom('device_inspections')
          .select('id')
          .where('device_id', '=', deviceId)
          .where('date', '=', t.lastInspection)
          .executeTakeFirst();
        if (known === undefined) {
          await trx
            .insertInto('device_inspections')
            .values({
              device_id: deviceId,
              merchant_id: merchantId,
              date: t.lastInspection,
              note: null,
              user_id: actor.userId,
              created_at: actor.at,
            })
            .execute();
        }
      }
    }
    const terminals = file.terminals.map((t) => t.terminalId);
    await appendAudit(trx, {
      userId: actor.userId,
      merchantId,
      action: 'devices.import',
      details: { created, updated, terminals },
      address: actor.address ?? null,
      at: actor.at,
    });
    return { created, updated, terminals };
  });
}

async function insertDevice(
  db: Kysely<Database>,
  merchantId: number,
  t: DeviceInput,
  at: string,
): Promise<number> {
  const row = await db
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
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
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
