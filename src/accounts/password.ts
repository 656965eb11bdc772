import { randomBytes, type ScryptOptions, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 64;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a password with scrypt and a fresh 16-byte salt: `scrypt$N$r$p$salt$hash` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when the password matches the stored hash; compares in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltText, keyText] = stored.split('$');
  if (scheme !== 'scrypt' || saltText === undefined || keyText === undefined) return false;
  const expected = Buffer.from(keyText, 'base64');
  const key = await scrypt(password, Buffer.from(saltText, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A password policy problem, in both languages. */
export interface PolicyProblem {
  code: 'password.too_short' | 'password.too_simple' | 'password.same_as_email';
  zh: string;
  en: string;
}

export const MIN_PASSWORD_LENGTH = 10;
/** Days after which the user is reminded to change the password. */
export const PASSWORD_MAX_AGE_DAYS = 90;

/**
 * Checks the password policy: at least 10 characters and at least 3 of lowercase, uppercase, digits and
 * symbols, and not the email address itself.
 */
export function checkPasswordPolicy(password: string, email?: string): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    problems.push({
      code: 'password.too_short',
      zh: `密码至少 ${MIN_PASSWORD_LENGTH} 个字符`,
      en: `the password needs at least ${MIN_PASSWORD_LENGTH} characters`,
    });
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) {
    problems.push({
      code: 'password.too_simple',
      zh: '密码需包含小写字母、大写字母、数字、符号中的至少三类',
      en: 'the password needs at least 3 of: lowercase, uppercase, digits, symbols',
    });
  }
  if (email !== undefined && password.trim().toLowerCase() === email.trim().toLowerCase()) {
    problems.push({
      code: 'password.same_as_email',
      zh: '密码不能与邮箱相同',
      en: 'the password cannot be the email address',
    });
  }
  return problems;
}

/** A random password that satisfies the policy (for the first owner and invited users). */
export function generatePassword(): string {
  // base64url has upper, lower and digits; the fixed suffix guarantees every class whatever the draw.
  return `${randomBytes(12).toString('base64url')}-aA1`;
}

/** True when a password set at `changedAt` is older than 90 days at `now`. */
export function passwordChangeDue(changedAt: string, now: Date): boolean {
  return now.getTime() - Date.parse(changedAt) > PASSWORD_MAX_AGE_DAYS * 86_400_000;
}
