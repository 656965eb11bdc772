import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { hashPassword } from '../../src/accounts/password.js';
import { buildApp } from '../../src/server/app.js';
import type { DialectName, Storage } from '../../src/storage/database.js';
import type { MemberRole } from '../../src/storage/schema.js';
import { createUser } from '../../src/storage/users-repo.js';
import { freshStorage } from '../storage/test-storage.js';

export const PASSWORD = 'Correct-Horse-42';

/** An app on a fresh database, a movable clock, and helpers to make users and log them in. */
export interface TestApp {
  app: FastifyInstance;
  storage: Storage;
  dir: string;
  clock: { now: Date };
  addUser(email: string, role?: MemberRole): Promise<number>;
  login(email: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export async function testApp(dialect: DialectName = 'sqlite', maxUploadBytes?: number): Promise<TestApp> {
  const { storage, dir, cleanup } = await freshStorage(dialect);
  const clock = { now: new Date('2026-10-01T04:00:00Z') };
  const app = await buildApp({
    db: storage.db,
    now: () => clock.now,
    tmpDir: dir,
    ...(maxUploadBytes === undefined ? {} : { maxUploadBytes }),
  });
  return {
    app,
    storage,
    dir,
    clock,
    async addUser(email, role = 'owner') {
      const user = await createUser(storage.db, {
        email,
        passwordHash: await hashPassword(PASSWORD),
        role,
        mustChangePassword: false,
        at: clock.now.toISOString(),
      });
      return user.id;
    },
    async login(email, password = PASSWORD) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      return sessionCookie(res);
    },
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

/** The `posguard_session=…` pair from a login answer. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [header];
  const found = all.find((c) => c.startsWith('posguard_session='));
  if (found === undefined) throw new Error('no session cookie');
  return found.split(';')[0] ?? '';
}

/** A multipart body with one `file` part and optional fields, for inject. */
export function multipartBody(
  fileName: string,
  content: Uint8Array | string,
  fields: Record<string, string> = {},
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----posguard${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  chunks.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  chunks.push(typeof content === 'string' ? Buffer.from(content) : Buffer.from(content));
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
