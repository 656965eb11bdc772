import type { Kysely, Transaction } from 'kysely';
import { type ChannelType, channelLanguages } from '../storage/alerts-repo.js';
import { rulesInForce } from '../storage/monitor-repo.js';
import type { Database } from '../storage/schema.js';
import type { AlertKind } from './alert-kinds.js';
import { type AlertText, alertWording } from './alert-text.js';
import { CHANNEL_REMOVED_ERROR, type SendResult, sendToChannel } from './channel-senders.js';
import type { MonitorSettings } from './monitor-settings.js';

const MAX_BACKOFF_MS = 3_600_000;
/** Deliveries sent side by side in one pass, and rows read per query. */
const BATCH = 50;
/** Queries per pass when rate-limited channels fill the head of the queue. */
const MAX_PAGES = 20;
/** How long a delivery being sent stays out of the queue beyond the send timeout (a crash mid-send). */
const LEASE_MS = 60_000;

type DueRow = {
  id: number;
  merchant_id: number;
  channel_id: number;
  subject: string;
  text: string;
  payload_json: string;
  attempts: number;
  type: string;
  target: string;
  secret: string | null;
  removed_at: string | null;
};

/** One attempt, sent and not yet written. */
interface Outcome {
  d: DueRow;
  startMs: number;
  endMs: number;
  result: SendResult;
}

/** An alert already raised, as its update is sent. */
export interface AlertUpdate {
  id: number;
  kind: AlertKind;
  severity: string;
  amountFen: number | null;
  message: AlertText;
  details: Record<string, unknown>;
}

/**
 * Brings a stored alert up to its new total — amount, both messages, details — and, given `resendAt`, sends it
 * again to its channels then (queueAlertUpdate). An overcharge day and a rate change grow alike as lines arrive.
 */
export async function reviseAlert(
  db: Kysely<Database> | Transaction<Database>,
  alert: AlertUpdate,
  resendAt: string | undefined,
): Promise<void> {
  await db
    .updateTable('monitor_alerts')
    .set({
      amount_fen: alert.amountFen,
      message: alert.message.zh,
      message_en: alert.message.en,
      details_json: JSON.stringify(alert.details),
    })
    .where('id', '=', alert.id)
    .execute();
  if (resendAt !== undefined) await queueAlertUpdate(db, alert, resendAt);
}

/**
 * Queues an alert that was already sent once again, with its new money, to every channel it was queued to,
 * with the link it was sent with: the robot that was told “多扣 ¥3.00” for a day learns that the day now
 * stands at ¥740.57. An alert that had no channel when it was raised has no update either. Each channel is sent
 * the update in its language (alertWording); the webhook's JSON carries `message` and `messageEn` both.
 * Returns how many deliveries were queued.
 */
export async function queueAlertUpdate(
  db: Kysely<Database> | Transaction<Database>,
  alert: AlertUpdate,
  at: string,
): Promise<number> {
  const sent = await db
    .selectFrom('alert_deliveries')
    .select(['merchant_id', 'channel_id', 'payload_json'])
    .where('alert_id', '=', alert.id)
    .where('kind', '=', 'alert')
    .orderBy('id')
    .execute();
  const first = sent[0];
  if (first === undefined) return 0;
  const original = JSON.parse(first.payload_json) as Record<string, unknown>;
  const link = typeof original['link'] === 'string' ? original['link'] : '';
  const payload = {
    ...original,
    severity: alert.severity,
    amountFen: alert.amountFen,
    message: alert.message.zh,
    messageEn: alert.message.en,
    details: alert.details,
    update: true,
    updatedAt: at,
  };
  const channels = [...new Set(sent.map((d) => d.channel_id))];
  const languages = await channelLanguages(db, channels);
  const update = {
    kind: alert.kind,
    message: alert.message.zh,
    messageEn: alert.message.en,
    link,
    update: true,
  };
  await db
    .insertInto('alert_deliveries')
    .values(
      channels.map((channelId) => ({
        merchant_id: first.merchant_id,
        alert_id: alert.id,
        channel_id: channelId,
        kind: 'update',
        ...alertWording(languages.get(channelId) ?? 'zh', update),
        payload_json: JSON.stringify(payload),
        status: 'pending',
        next_attempt_at: at,
        last_error: null,
        sent_at: null,
        created_at: at,
      })),
    )
    .execute();
  return channels.length;
}

/** The wait before retry n (1-based): base × 2^(n-1), at most one hour. */
export function backoffMs(baseMs: number, attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Delivers queued alerts at least once: polls the deliveries that are due, sends each on its channel, records
 * every attempt, retries failures with exponential backoff until `maxAttempts`, and keeps each channel under its
 * merchant's `delivery.maxPerMinute`. The queue lives in the database, so a restart loses nothing.
 */
export class AlertWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  private readonly sentAt = new Map<number, number[]>();
  private unrecorded: Outcome[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: MonitorSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the attempt in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Asks for a pass now (new alerts were queued). */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.tick()
        .then(() => undefined)
        .catch(() => undefined)
        .finally(() => {
          this.running = undefined;
          const soon = this.again;
          this.again = false;
          this.schedule(soon ? 0 : this.settings.pollMs);
        });
    }, ms);
    this.timer.unref();
  }

  private allowed(channelId: number, maxPerMinute: number, nowMs: number): boolean {
    const recent = (this.sentAt.get(channelId) ?? []).filter((t) => nowMs - t < 60_000);
    this.sentAt.set(channelId, recent);
    return recent.length < maxPerMinute;
  }

  /** Due deliveries after `afterId`, leaving out the channels already held back by their rate limit. */
  private async dueAfter(nowIso: string, afterId: number, blocked: ReadonlySet<number>): Promise<DueRow[]> {
    let q = this.db
      .selectFrom('alert_deliveries')
      .innerJoin('alert_channels', 'alert_channels.id', 'alert_deliveries.channel_id')
      .select([
        'alert_deliveries.id',
        'alert_deliveries.merchant_id',
        'alert_deliveries.channel_id',
        'alert_deliveries.subject',
        'alert_deliveries.text',
        'alert_deliveries.payload_json',
        'alert_deliveries.attempts',
        'alert_channels.type',
        'alert_channels.target',
        'alert_channels.secret',
        'alert_channels.removed_at',
      ])
      .where('alert_deliveries.status', '=', 'pending')
      .where('alert_deliveries.next_attempt_at', '<=', nowIso)
      .where('alert_deliveries.id', '>', afterId);
    if (blocked.size > 0) q = q.where('alert_deliveries.channel_id', 'not in', [...blocked]);
    return q.orderBy('alert_deliveries.id').limit(BATCH).execute();
  }

  /** Writes how the attempts went; kept in memory (and written first on the next pass) when it fails. */
  private async record(results: Outcome[]): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const { d, startMs, endMs, result } of results) {
          const attempt = d.attempts + 1;
          const at = new Date(endMs).toISOString();
          await trx
            .insertInto('alert_attempts')
            .values({
              delivery_id: d.id,
              at,
              ok: result.ok ? 1 : 0,
              http_status: result.httpStatus ?? null,
              error: result.error ?? null,
              duration_ms: Math.max(0, endMs - startMs),
            })
            .execute();
          const failedForGood = !result.ok && attempt >= this.settings.maxAttempts;
          await trx
            .updateTable('alert_deliveries')
            .set({
              attempts: attempt,
              status: result.ok ? 'sent' : failedForGood ? 'failed' : 'pending',
              sent_at: result.ok ? at : null,
              last_error: result.ok ? null : (result.error ?? 'failed'),
              next_attempt_at: result.ok
                ? at
                : new Date(endMs + backoffMs(this.settings.backoffBaseMs, attempt)).toISOString(),
            })
            .where('id', '=', d.id)
            .execute();
        }
      });
      this.unrecorded = [];
    } catch (error) {
      this.unrecorded = results;
      throw error;
    }
  }

  /** One pass over the due deliveries; returns how many attempts were made. */
  async tick(): Promise<number> {
    // Results a busy database could not take last time go in first; nothing new is sent before they do.
    if (this.unrecorded.length > 0) await this.record(this.unrecorded);
    const nowIso = this.now().toISOString();
    const limits = new Map<number, number>();
    const batch: { d: DueRow; startMs: number }[] = [];
    // A channel at its rate limit is skipped, and the rows behind it are read on: a backlog on one robot must
    // not hold up the alerts of other channels and merchants queued after it.
    const blocked = new Set<number>();
    let afterId = 0;
    for (let page = 0; page < MAX_PAGES && batch.length < BATCH; page += 1) {
      const due = await this.dueAfter(nowIso, afterId, blocked);
      if (due.length === 0) break;
      for (const d of due) {
        afterId = d.id;
        if (batch.length >= BATCH || blocked.has(d.channel_id)) continue;
        if (d.removed_at !== null) {
          await this.db
            .updateTable('alert_deliveries')
            .set({ status: 'cancelled', last_error: CHANNEL_REMOVED_ERROR })
            .where('id', '=', d.id)
            .execute();
          continue;
        }
        let max = limits.get(d.merchant_id);
        if (max === undefined) {
          max = (await rulesInForce(this.db, d.merchant_id)).delivery.maxPerMinute;
          limits.set(d.merchant_id, max);
        }
        const startMs = this.now().getTime();
        if (!this.allowed(d.channel_id, max, startMs)) {
          blocked.add(d.channel_id);
          continue;
        }
        // Counted when picked, so the deliveries sent side by side below stay within the channel's rate.
        (this.sentAt.get(d.channel_id) ?? this.sentAt.set(d.channel_id, []).get(d.channel_id))?.push(startMs);
        batch.push({ d, startMs });
      }
      if (due.length < BATCH) break;
    }
    if (batch.length === 0 || this.stopped) return 0;
    // Channels are sent to side by side (a slow robot must not hold up the others), each channel's deliveries
    // one after the other in queue order, so a robot reads a rate change before the overcharges it explains
    // and an alert before its update; then all are recorded in one transaction.
    const perChannel = new Map<number, { d: DueRow; startMs: number }[]>();
    for (const b of batch) perChannel.set(b.d.channel_id, [...(perChannel.get(b.d.channel_id) ?? []), b]);
    const longestQueue = Math.max(...[...perChannel.values()].map((q) => q.length));
    // Leased before the send: if the outcome cannot be written afterwards (the database busy with an import
    // in another process) or the process dies, the next passes do not send them again until the lease ends.
    const leaseIso = new Date(
      this.now().getTime() + this.settings.timeoutMs * longestQueue + LEASE_MS,
    ).toISOString();
    await this.db
      .updateTable('alert_deliveries')
      .set({ next_attempt_at: leaseIso })
      .where(
        'id',
        'in',
        batch.map((b) => b.d.id),
      )
      .execute();
    const results = (
      await Promise.all(
        [...perChannel.values()].map(async (queue) => {
          const done: Outcome[] = [];
          for (const { d, startMs: pickedMs } of queue) {
            const startMs = done.length === 0 ? pickedMs : this.now().getTime();
            const result = await sendToChannel(
              { type: d.type as ChannelType, target: d.target, secret: d.secret },
              {
                subject: d.subject,
                text: d.text,
                payload: JSON.parse(d.payload_json) as Record<string, unknown>,
              },
              {
                timeoutMs: this.settings.timeoutMs,
                smtpUrl: this.settings.smtpUrl,
                smtpFrom: this.settings.smtpFrom,
                nowMs: startMs,
              },
            );
            done.push({ d, startMs, endMs: this.now().getTime(), result });
          }
          return done;
        }),
      )
    ).flat();
    await this.record(results);
    const attempts = results.length;
    return attempts;
  }
}
