import type { Kysely } from 'kysely';
import type { ChannelType } from '../storage/alerts-repo.js';
import { rulesInForce } from '../storage/monitor-repo.js';
import type { Database } from '../storage/schema.js';
import { sendToChannel } from './channel-senders.js';
import type { MonitorSettings } from './monitor-settings.js';

const MAX_BACKOFF_MS = 3_600_000;

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

  /** One pass over the due deliveries; returns how many attempts were made. */
  async tick(): Promise<number> {
    const nowIso = this.now().toISOString();
    const due = await this.db
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
      .orderBy('alert_deliveries.id')
      .limit(50)
      .execute();
    const limits = new Map<number, number>();
    const batch: { d: (typeof due)[number]; startMs: number }[] = [];
    for (const d of due) {
      if (d.removed_at !== null) {
        await this.db
          .updateTable('alert_deliveries')
          .set({ status: 'cancelled', last_error: 'channel removed' })
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
      if (!this.allowed(d.channel_id, max, startMs)) continue;
      // Counted when picked, so the deliveries sent side by side below stay within the channel's rate.
      (this.sentAt.get(d.channel_id) ?? this.sentAt.set(d.channel_id, []).get(d.channel_id))?.push(startMs);
      batch.push({ d, startMs });
    }
    if (batch.length === 0 || this.stopped) return 0;
    // Sent side by side (a slow robot must not hold up the others), then recorded in one transaction.
    const results = await Promise.all(
      batch.map(async ({ d, startMs }) => {
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
        return { d, startMs, endMs: this.now().getTime(), result };
      }),
    );
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
    const attempts = results.length;
    return attempts;
  }
}
