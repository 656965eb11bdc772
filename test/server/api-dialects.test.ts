import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditRecords } from '../../src/audit/audit.js';
import { runCli } from '../../src/cli/program.js';
import { parsePlan } from '../../src/plans/parse-plan.js';
import { importFiles } from '../../src/statements/import.js';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from './sample-data.js';
import { multipartBody, type TestApp, testApp } from './test-app.js';
import { attachDiagnoses } from '../../src/explain/attach-diagnoses.js';
import type { AuditReport } from '../../src/audit/report-types.js';
import type { FeePlan } from '../../src/plans/plan-types.js';

/** The CLI and the API attach the diagnoses to the engine's report; so does the expectation. */
const withDiagnoses = (report: AuditReport, plans: FeePlan[]) =>
  attachDiagnoses(report, { plans, terminal: [] });

let t: TestApp;
afterEach(async () => t.close());

describe.each(DIALECTS)('the API on %s', (dialect: DialectName) => {
  it('imports once, stays idempotent, and audits exactly like auditRecords', async () => {
    t = await testApp(dialect);
    await t.addUser('owner@example.com');
    const cookie = await t.login('owner@example.com');
    const id = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/merchants',
        headers: { cookie },
        payload: { name: 'M', merchantId: '898440153991234' },
      })
    ).json().id;
    await t.app.inject({
      method: 'PUT',
      url: `/api/v1/merchants/${id}/plan`,
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    const csv = settlementCsv(OVERCHARGED);
    const send = () => {
      const { payload, headers } = multipartBody('settle.csv', csv);
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${id}/statements`,
        headers: { ...headers, cookie },
        payload,
      });
    };
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json().importId).toBe(first.json().importId);
    const records = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${id}/records`,
      headers: { cookie },
    });
    expect(records.json().records).toHaveLength(4);

    const imported = await importFiles([{ name: 'settle.csv', bytes: Buffer.from(csv) }]);
    const plan = parsePlan(PLAN_YAML, 'plan.yaml');
    if (!plan.ok) throw new Error('plan');
    const expected = withDiagnoses(
      auditRecords({
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
      }),
      [plan.plan],
    );
    const audit = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${id}/audit`,
      headers: { cookie },
    });
    expect(audit.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(audit.json().summary.overchargeFen).toBe(240);

    // And exactly what the CLI prints for the same file and plan.
    writeFileSync(join(t.dir, 'settle.csv'), csv);
    writeFileSync(join(t.dir, 'plan.yaml'), PLAN_YAML);
    const cli = await runCli(
      ['audit', '--settlement', 'settle.csv', '--plan', 'plan.yaml', '--format', 'json'],
      { cwd: t.dir },
    );
    expect(audit.json()).toEqual(JSON.parse(cli.stdout));
  });
});
