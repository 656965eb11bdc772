import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

/** How the monitor runs in a server process; every field has a default from the environment. */
export interface MonitorSettings {
  /** Base of links in messages (POSGUARD_PUBLIC_URL, default http://127.0.0.1:3000). */
  publicUrl: string;
  /** SMTP URL for e-mail channels (POSGUARD_SMTP_URL), e.g. smtp://user:pass@host:587. */
  smtpUrl: string | undefined;
  /** The From address of e-mail alerts (POSGUARD_SMTP_FROM). */
  smtpFrom: string;
  /** Daily reconciliation cron, Asia/Shanghai (POSGUARD_DAILY_CRON, default "0 10 * * *"). */
  dailyCron: string;
  /** Run the delivery worker and the daily schedule in this process (POSGUARD_MONITOR=0 turns both off). */
  worker: boolean;
  scheduler: boolean;
  pollMs: number;
  /** First retry after this long, doubling each time (capped at one hour). */
  backoffBaseMs: number;
  /** After this many failed attempts a delivery is marked failed (and shows so in GET …/alerts). */
  maxAttempts: number;
  /** Per-request timeout for a channel. */
  timeoutMs: number;
}

/** Settings from the environment. */
export function monitorSettingsFromEnv(env: NodeJS.ProcessEnv): MonitorSettings {
  const on = env['POSGUARD_MONITOR'] !== '0';
  return {
    publicUrl: (env['POSGUARD_PUBLIC_URL'] ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    smtpUrl: env['POSGUARD_SMTP_URL'] === '' ? undefined : env['POSGUARD_SMTP_URL'],
    smtpFrom: env['POSGUARD_SMTP_FROM'] ?? 'posguard@localhost',
    dailyCron: env['POSGUARD_DAILY_CRON'] ?? '0 10 * * *',
    worker: on,
    scheduler: on,
    pollMs: 500,
    backoffBaseMs: 2000,
    maxAttempts: 10,
    timeoutMs: 10_000,
  };
}

const overrides = new WeakMap<object, Partial<MonitorSettings>>();

/** Overrides settings for the app built on this database handle (tests: fast backoff, another SMTP). */
export function configureMonitor(db: Kysely<Database>, settings: Partial<MonitorSettings>): void {
  overrides.set(db, settings);
}

/** The settings in force for a database handle: environment defaults plus configureMonitor overrides. */
export function monitorSettingsFor(
  db: Kysely<Database>,
  env: NodeJS.ProcessEnv = process.env,
): MonitorSettings {
  return { ...monitorSettingsFromEnv(env), ...(overrides.get(db) ?? {}) };
}
