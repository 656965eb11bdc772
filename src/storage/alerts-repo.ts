import type { ColumnType, Kysely, Selectable, Transaction } from 'kysely';
import type { AlertDraft } from '../monitor/alert-draft.js';
import type { AlertKind } from '../monitor/alert-kinds.js';
import { alertMessageIn, alertWording, type Wording, wordingFor } from '../monitor/alert-text.js';
import { requireMerchantRole } from './access.js';
import type { AlertChannelsTable, Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export const CHANNEL_TYPES = ['webhook', 'wecom', 'dingtalk', 'feishu', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** What a channel is sent in: zh-CN (the default), English, or both (the Chinese, then the English). */
export const CHANNEL_LANGUAGES = ['zh', 'en', 'both'] as const;
export type ChannelLanguage = (typeof CHANNEL_LANGUAGES)[number];

/** The database with alert_channels.language (migration 0010), which schema.ts does not declare yet. */
type WithChannelLanguage = Omit<Database, 'alert_channels'> & {
  alert_channels: AlertChannelsTable & { language: ColumnType<string, string | undefined, string> };
};
const withChannelLanguage = (db: Db): Kysely<WithChannelLanguage> =>
  db as unknown as Kysely<WithChannelLanguage>;

/** A stored language; none, or a value this code does not know, is read as the default. */
const languageOf = (stored: string | undefined): ChannelLanguage =>
  (CHANNEL_LANGUAGES as readonly string[]).includes(stored ?? '') ? (stored as ChannelLanguage) : 'zh';

/** A channel as the API shows it: the secret is never returned, only whether one is set. */
export interface AlertChannelView {
  id: number;
  type: ChannelType;
  target: string;
  hasSecret: boolean;
  language: ChannelLanguage;
  createdAt: string;
}

function channelView(r: Selectable<WithChannelLanguage['alert_channels']>): AlertChannelView {
  return {
    id: r.id,
    type: r.type as ChannelType,
    target:
      r.type === 'email' ? r.target : r.target.replace(/([?&](access_token|key|token)=)[^&]+/g, '$1***'),
    hasSecret: r.secret !== null,
    language: languageOf(r.language),
    createdAt: r.created_at,
  };
}

/** Adds an alert channel to a merchant (owner or agent); it is sent in `language` (zh when not given). */
export async function addAlertChannel(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  channel: {
    type: ChannelType;
    target: string;
    secret?: string | undefined;
    language?: ChannelLanguage | undefined;
    at: string;
  },
): Promise<AlertChannelView> {
  await requireMerchantRole(db, userId, merchantId, 'write');
  const language = channel.language ?? 'zh';
  const row = await withChannelLanguage(db)
    .insertInto('alert_channels')
    .values({
      merchant_id: merchantId,
      type: channel.type,
      target: channel.target,
      secret: channel.secret ?? null,
      language,
      created_by: userId,
      created_at: channel.at,
      removed_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    type: channel.type,
    target: channel.target,
    hasSecret: channel.secret !== undefined,
    language,
    createdAt: channel.at,
  };
}

/** A merchant's active channels (members). */
export async function listAlertChannels(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
): Promise<AlertChannelView[]> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  return (await activeChannelRows(db, merchantId)).map(channelView);
}

/**
 * Sets the language a channel is sent in (owner or agent), from its next message on; what is queued already
 * goes as it was worded. The channel as changed, or undefined when the merchant has no such channel.
 */
export async function setAlertChannelLanguage(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  channelId: number,
  language: ChannelLanguage,
): Promise<AlertChannelView | undefined> {
  await requireMerchantRole(db, userId, merchantId, 'write');
  const row = await withChannelLanguage(db)
    .updateTable('alert_channels')
    .set({ language })
    .where('id', '=', channelId)
    .where('merchant_id', '=', merchantId)
    .where('removed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : channelView(row);
}

/** A merchant's active channels with the language each is sent in. */
async function channelsToSend(
  db: Db,
  merchantId: number,
): Promise<{ id: number; language: ChannelLanguage }[]> {
  // Whole rows, not the column by name: on a database not yet migrated to 0010 (today's code on an older schema,
  // as the migration tests run it) alerts are still raised, and its channels are Chinese.
  const rows: { id: number; language?: string }[] = await activeChannelRows(db, merchantId);
  return rows.map((r) => ({ id: r.id, language: languageOf(r.language) }));
}

/** A merchant's channels not removed, oldest first, as whole rows. */
function activeChannelRows(db: Db, merchantId: number) {
  return withChannelLanguage(db)
    .selectFrom('alert_channels')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('removed_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** The language each of these channels is sent in, removed ones too (what is queued to them is cancelled). */
export async function channelLanguages(
  db: Db,
  channelIds: readonly number[],
): Promise<Map<number, ChannelLanguage>> {
  if (channelIds.length === 0) return new Map();
  const rows: { id: number; language?: string }[] = await withChannelLanguage(db)
    .selectFrom('alert_channels')
    .selectAll()
    .where('id', 'in', [...channelIds])
    .execute();
  return new Map(rows.map((r) => [r.id, languageOf(r.language)]));
}

/** Removes a channel (owner or agent); its delivery history stays. False when there was no such channel. */
export async function removeAlertChannel(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  channelId: number,
  at: string,
): Promise<boolean> {
  await requireMerchantRole(db, userId, merchantId, 'write');
  const result = await db
    .updateTable('alert_channels')
    .set({ removed_at: at })
    .where('id', '=', channelId)
    .where('merchant_id', '=', merchantId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The link to an alert in the dashboard. */
export function alertLink(publicUrl: string, merchantId: number, alertId: number): string {
  return `${publicUrl}/m/${merchantId}/alerts/${alertId}`;
}

/** An alert just raised, as the push and upload answers name it. */
export interface RaisedAlert {
  id: number;
  kind: AlertKind;
  severity: string;
  /** zh-CN. */
  message: string;
  messageEn: string;
}

/**
 * Stores alerts inside the caller's transaction — an alert whose dedup key the merchant already has is the
 * same event and is skipped — and queues one delivery per active channel. Both wordings are stored; each
 * channel is sent the text in its own language (alertWording), a webhook's JSON carries `message` and
 * `messageEn` whatever its language. Returns the alerts created.
 */
export async function raiseAlerts(
  trx: Db,
  merchantId: number,
  drafts: readonly AlertDraft[],
  recordIds: readonly (number | undefined)[],
  at: string,
  publicUrl: string,
): Promise<RaisedAlert[]> {
  if (drafts.length === 0) return [];
  const seen = new Set<string>();
  const unique = drafts.filter((d) => !seen.has(d.dedupKey) && seen.add(d.dedupKey));
  const existing = new Set(
    (
      await trx
        .selectFrom('monitor_alerts')
        .select('dedup_key')
        .where('merchant_id', '=', merchantId)
        .where(
          'dedup_key',
          'in',
          unique.map((d) => d.dedupKey),
        )
        .execute()
    ).map((r) => r.dedup_key),
  );
  const fresh = unique.filter((d) => !existing.has(d.dedupKey));
  if (fresh.length === 0) return [];
  const channels = await channelsToSend(trx, merchantId);
  const out: RaisedAlert[] = [];
  for (const d of fresh) {
    const recordId = d.recordIndex === undefined ? null : (recordIds[d.recordIndex] ?? null);
    const row = await trx
      .insertInto('monitor_alerts')
      .values({
        merchant_id: merchantId,
        kind: d.kind,
        severity: d.severity,
        dedup_key: d.dedupKey,
        record_id: recordId,
        amount_fen: d.amountFen ?? null,
        message: d.message.zh,
        message_en: d.message.en,
        details_json: JSON.stringify(d.details),
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    out.push({
      id: row.id,
      kind: d.kind,
      severity: d.severity,
      message: d.message.zh,
      messageEn: d.message.en,
    });
    if (channels.length === 0) continue;
    const link = alertLink(publicUrl, merchantId, row.id);
    const payload = {
      id: row.id,
      merchantId,
      kind: d.kind,
      severity: d.severity,
      amountFen: d.amountFen ?? null,
      message: d.message.zh,
      messageEn: d.message.en,
      link,
      details: d.details,
      createdAt: at,
    };
    await trx
      .insertInto('alert_deliveries')
      .values(
        channels.map((c) => ({
          merchant_id: merchantId,
          alert_id: row.id,
          channel_id: c.id,
          kind: 'alert',
          ...alertWording(c.language, {
            kind: d.kind,
            message: d.message.zh,
            messageEn: d.message.en,
            link,
          }),
          payload_json: JSON.stringify(payload),
          status: 'pending',
          next_attempt_at: at,
          last_error: null,
          sent_at: null,
          created_at: at,
        })),
      )
      .execute();
  }
  return out;
}

/** Queues a digest (no alert row) on every active channel of a merchant, worded in each channel's language. */
export async function queueDigest(
  db: Db,
  merchantId: number,
  digest: { zh: Wording; en: Wording; payload: Record<string, unknown>; at: string },
): Promise<number> {
  const channels = await channelsToSend(db, merchantId);
  if (channels.length === 0) return 0;
  await db
    .insertInto('alert_deliveries')
    .values(
      channels.map((c) => ({
        merchant_id: merchantId,
        alert_id: null,
        channel_id: c.id,
        kind: 'digest',
        ...wordingFor(c.language, digest),
        payload_json: JSON.stringify(digest.payload),
        status: 'pending',
        next_attempt_at: digest.at,
        last_error: null,
        sent_at: null,
        created_at: digest.at,
      })),
    )
    .execute();
  return channels.length;
}

/** An alert with how its deliveries went, as GET …/alerts answers. */
export interface AlertView {
  id: number;
  kind: string;
  severity: string;
  amountFen: number | null;
  /** In the language asked for (the Chinese for an alert stored without English). */
  message: string;
  /** Both wordings, so a reader can switch language without asking again; `messageEn` falls back as `message`. */
  messageZh: string;
  messageEn: string;
  recordId: number | null;
  details: Record<string, unknown>;
  createdAt: string;
  deliveries: {
    id: number;
    channelId: number;
    channelType: string;
    status: string;
    attempts: number;
    lastError: string | null;
    sentAt: string | null;
    nextAttemptAt: string;
  }[];
}

/** A merchant's alerts, newest first, each with its deliveries (members); `message` in `page.lang` (zh). */
export async function listAlerts(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  page: { limit: number; kind?: string | undefined; lang?: 'zh' | 'en' | undefined },
): Promise<AlertView[]> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  let q = db.selectFrom('monitor_alerts').selectAll().where('merchant_id', '=', merchantId);
  if (page.kind !== undefined) q = q.where('kind', '=', page.kind);
  const alerts = await q.orderBy('id', 'desc').limit(page.limit).execute();
  if (alerts.length === 0) return [];
  const deliveries = await db
    .selectFrom('alert_deliveries')
    .innerJoin('alert_channels', 'alert_channels.id', 'alert_deliveries.channel_id')
    .select([
      'alert_deliveries.id',
      'alert_deliveries.alert_id',
      'alert_deliveries.channel_id',
      'alert_channels.type',
      'alert_deliveries.status',
      'alert_deliveries.attempts',
      'alert_deliveries.last_error',
      'alert_deliveries.sent_at',
      'alert_deliveries.next_attempt_at',
    ])
    .where('alert_deliveries.merchant_id', '=', merchantId)
    .where(
      'alert_deliveries.alert_id',
      'in',
      alerts.map((a) => a.id),
    )
    .orderBy('alert_deliveries.id')
    .execute();
  return alerts.map((a) => {
    const details = JSON.parse(a.details_json) as Record<string, unknown>;
    const messageEn = alertMessageIn('en', a.message, a.message_en, details['messageEn']);
    return {
      id: a.id,
      kind: a.kind,
      severity: a.severity,
      amountFen: a.amount_fen,
      message: page.lang === 'en' ? messageEn : a.message,
      messageZh: a.message,
      messageEn,
      recordId: a.record_id,
      details,
      createdAt: a.created_at,
      deliveries: deliveries
        .filter((d) => d.alert_id === a.id)
        .map((d) => ({
          id: d.id,
          channelId: d.channel_id,
          channelType: d.type,
          status: d.status,
          attempts: d.attempts,
          lastError: d.last_error,
          sentAt: d.sent_at,
          nextAttemptAt: d.next_attempt_at,
        })),
    };
  });
}
