import type { Kysely } from 'kysely';
import type { LoginLimiter } from '../accounts/login-limiter.js';
import type { Database, MemberRole } from '../storage/schema.js';

/** Who is making a request: the user, and the session or token that proved it. */
export interface Actor {
  userId: number;
  email: string;
  role: MemberRole;
  sessionId?: number;
  tokenId?: number;
}

/** What every route needs, built once per app. */
export interface ServerContext {
  db: Kysely<Database>;
  now: () => Date;
  limiter: LoginLimiter;
  secureCookies: boolean;
  /** Where uploads are spooled while they are imported (deleted right after). */
  tmpDir: string;
  maxUploadBytes: number;
  /**
   * Wakes the alert delivery worker after alerts were raised (set by the monitor's routes when this process
   * runs the worker; a no-op otherwise, and the worker's own poll still delivers).
   */
  kickAlerts: () => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** The request body exactly as sent, for JSON bodies (a plan keeps its text and line numbers). */
    rawBody?: string;
  }
}

export const SESSION_COOKIE = 'posguard_session';
export const SESSION_DAYS = 7;
