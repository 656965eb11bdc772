import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { auditRecords } from '../../src/audit/audit.js';
import { attachDiagnoses } from '../../src/explain/attach-diagnoses.js';
import { parsePlan } from '../../src/plans/parse-plan.js';
import { importFiles } from '../../src/statements/import.js';
import type { MemberRole } from '../../src/storage/schema.js';
import { PLAN_YAML } from './sample-data.js';
import { multipartBody, type TestApp } from './test-app.js';

/** What POST /api/v1/merchants takes. */
export interface NewMerchant {
  name: string;
  merchantId?: string;
}

/** A merchant under the number `settlementCsv` writes on every line by default, so uploads land on it. */
export const SAMPLE_MERCHANT: NewMerchant = { name: 'M', merchantId: '898440153991234' };

/**
 * An owner logged in to a {@link TestApp} with one merchant of their own, and the owner's requests on it.
 * The requests hand back the answer unchecked: what a test expects of it is the test's to say. They are
 * function properties, not methods, so that a test can destructure the ones it uses.
 */
export interface OwnedMerchant {
  /** The owner's session cookie. */
  cookie: string;
  /** The merchant's id in the API. */
  id: number;
  /** PUT /api/v1/merchants/{id}/plan as the owner (the sample plan unless told). */
  putPlan: (
    text?: string,
    contentType?: 'application/yaml' | 'application/json',
  ) => Promise<LightMyRequestResponse>;
  /** POST /api/v1/merchants/{id}/statements as the owner, one file with optional form fields (`kind`…). */
  upload: (
    fileName: string,
    content: string | Uint8Array,
    fields?: Record<string, string>,
  ) => Promise<LightMyRequestResponse>;
  /** GET any API path as the owner. */
  get: (url: string) => Promise<LightMyRequestResponse>;
}

/** Adds and logs in an owner, who creates a merchant; the test fails there if the merchant is refused. */
export async function ownerWithMerchant(
  t: TestApp,
  merchant: NewMerchant = SAMPLE_MERCHANT,
  email = 'owner@example.com',
): Promise<OwnedMerchant> {
  await t.addUser(email);
  const cookie = await t.login(email);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/merchants',
    headers: { cookie },
    payload: merchant,
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<{ id: number }>().id;
  return {
    cookie,
    id,
    putPlan: (text = PLAN_YAML, contentType = 'application/yaml') =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/merchants/${id}/plan`,
        headers: { cookie, 'content-type': contentType },
        payload: text,
      }),
    upload: (fileName, content, fields) => uploadStatement(t, cookie, id, fileName, content, fields),
    get: (url) => t.app.inject({ method: 'GET', url, headers: { cookie } }),
  };
}

/** POST …/statements as whoever holds `cookie` (an agent, staff) on any merchant: one file, fields. */
export function uploadStatement(
  t: TestApp,
  cookie: string,
  merchantId: number,
  fileName: string,
  content: string | Uint8Array,
  fields: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const { payload, headers } = multipartBody(fileName, content, fields);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/merchants/${merchantId}/statements`,
    headers: { ...headers, cookie },
    payload,
  });
}

/** POST /api/v1/users as whoever holds `inviterCookie`; given no password, the answer has a temporary one. */
export function inviteUser(
  t: TestApp,
  inviterCookie: string,
  email: string,
  role: MemberRole,
  merchantIds: number[],
  password?: string,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: { cookie: inviterCookie },
    payload: { email, role, merchantIds, ...(password === undefined ? {} : { password }) },
  });
}

/**
 * The report the audit engine itself gives for one settlement file (`settle.csv`) under the sample plan, as
 * JSON: the API must answer exactly this, since it should add nothing to the engine's findings but the
 * diagnoses, which it attaches the same way.
 */
export async function engineAuditOf(csv: string): Promise<unknown> {
  const imported = await importFiles([{ name: 'settle.csv', bytes: Buffer.from(csv) }]);
  const plan = parsePlan(PLAN_YAML, 'plan.yaml');
  if (!plan.ok) throw new Error('plan');
  const report = auditRecords({
    terminal: [],
    settlement: imported.records,
    bank: [],
    plans: [plan.plan],
    files: imported.files.map((f) => ({
      file: f.file,
      sha256: f.sha256,
      preset: f.preset,
      kind: f.kind,
      rows: f.rows,
    })),
    rejected: [],
    warnings: [],
  });
  return JSON.parse(JSON.stringify(attachDiagnoses(report, { plans: [plan.plan], terminal: [] })));
}
