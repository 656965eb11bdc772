import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import { countUsers, createUser } from '../storage/users-repo.js';
import { checkPasswordPolicy, generatePassword, hashPassword } from './password.js';

/** The first owner made on an empty database; `password` is set only when it was generated (print it once). */
export interface FirstOwner {
  userId: number;
  email: string;
  generatedPassword?: string;
}

/** Thrown when POSGUARD_ADMIN_PASSWORD breaks the password policy. */
export class FirstOwnerError extends Error {
  readonly zh: string;
  constructor(zh: string, en: string) {
    super(en);
    this.name = 'FirstOwnerError';
    this.zh = zh;
  }
}

/**
 * On a database without users, creates the owner from POSGUARD_ADMIN_EMAIL / POSGUARD_ADMIN_PASSWORD, or with
 * a random password (which must be changed at first login). Returns undefined when users already exist.
 */
export async function ensureFirstOwner(
  db: Kysely<Database>,
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<FirstOwner | undefined> {
  if ((await countUsers(db)) > 0) return undefined;
  const email = (env['POSGUARD_ADMIN_EMAIL'] ?? 'admin@posguard.local').trim().toLowerCase();
  const given = env['POSGUARD_ADMIN_PASSWORD'];
  if (given !== undefined && given !== '') {
    const problems = checkPasswordPolicy(given, email);
    if (problems.length > 0) {
      throw new FirstOwnerError(
        `POSGUARD_ADMIN_PASSWORD 不符合密码规则：${problems.map((p) => p.zh).join('；')}`,
        `POSGUARD_ADMIN_PASSWORD breaks the password policy: ${problems.map((p) => p.en).join('; ')}`,
      );
    }
  }
  const password = given !== undefined && given !== '' ? given : generatePassword();
  const user = await createUser(db, {
    email,
    passwordHash: await hashPassword(password),
    role: 'owner',
    mustChangePassword: given === undefined || given === '',
    at: now.toISOString(),
  });
  return given !== undefined && given !== ''
    ? { userId: user.id, email }
    : { userId: user.id, email, generatedPassword: password };
}
