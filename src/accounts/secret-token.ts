import { createHash, randomBytes } from 'node:crypto';

/** A fresh random secret (session cookie or API token) with a readable prefix. */
export function newSecret(prefix: 'pgs' | 'pgt'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** The SHA-256 (hex) under which a secret is stored; the secret itself never is. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
