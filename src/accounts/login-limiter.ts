/** Failed logins allowed per account and per address within the window before logins are refused. */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;

/**
 * Counts failed logins per key (an account, an address) in a sliding window. In memory: a restart forgets
 * the counts, which only ever lets a user in sooner.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = MAX_FAILURES,
    private readonly windowMs = WINDOW_MS,
  ) {}

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  /** Milliseconds until a blocked key may try again, or 0 when it may try now. */
  retryAfterMs(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.max) {
        const oldest = recent[recent.length - this.max] ?? now;
        wait = Math.max(wait, oldest + this.windowMs - now);
      }
    }
    return wait;
  }

  /**
   * Checks the keys and, when they may try now, counts this attempt against them at once (0 returned), so
   * guesses sent in parallel cannot all pass the check before the first is found wrong. A successful
   * attempt is taken back with `forgive`.
   */
  attempt(keys: readonly string[], now: number): number {
    const wait = this.retryAfterMs(keys, now);
    if (wait === 0) this.fail(keys, now);
    return wait;
  }

  /** Takes back one attempt counted at `at` by `attempt` (it succeeded). */
  forgive(keys: readonly string[], at: number): void {
    for (const key of keys) {
      const list = this.failures.get(key);
      if (list === undefined) continue;
      const index = list.lastIndexOf(at);
      if (index >= 0) list.splice(index, 1);
      if (list.length === 0) this.failures.delete(key);
    }
  }

  /** Notes one failed attempt against each key. */
  fail(keys: readonly string[], now: number): void {
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
  }

  /** Forgets the failures of a key (a successful login clears its account's count). */
  clear(key: string): void {
    this.failures.delete(key);
  }
}
