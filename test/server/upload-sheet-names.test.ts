import { afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { ownerWithMerchant } from './merchant-harness.js';
import { type Line, OVERCHARGED, settlementCsv } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

const NAME = '结算单_2026.xlsx';

/** A November credit sale of ¥2,000.00 charged 0.70 % (¥14.00) where the sample plan says 0.60 % (¥12.00). */
const NOVEMBER: Line[] = [
  {
    time: '2026-11-05 10:00:00',
    ref: '100000000011',
    card: '贷记卡',
    amount: '2000.00',
    fee: '14.00',
    settled: '1986.00',
    settleDate: '2026-11-06',
  },
];

/** A workbook of two sheets, 十月 and 十一月, each the generic settlement layout of its lines. */
async function twoSheetWorkbook(): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  for (const [name, lines] of [
    ['十月', OVERCHARGED],
    ['十一月', NOVEMBER],
  ] as const) {
    const sheet = book.addWorksheet(name);
    for (const row of settlementCsv(lines).trimEnd().split('\r\n')) sheet.addRow(row.split(','));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe.each(DIALECTS)('a statement workbook of two sheets uploaded on %s', (dialect: DialectName) => {
  it("cites each sheet's rows `<upload name>#<sheet>`, never the server's spool path", async () => {
    t = await testApp(dialect);
    const { id, putPlan, upload, get } = await ownerWithMerchant(t);
    await putPlan();
    const uploaded = await upload(NAME, await twoSheetWorkbook(), { kind: 'settlement' });
    expect(uploaded.statusCode, uploaded.body).toBe(201);

    const records = (await get(`/api/v1/merchants/${id}/records?limit=10`)).json().records as {
      source: { file: string; row: number };
    }[];
    expect(records.map((r) => `${r.source.file}:${r.source.row}`).sort()).toEqual([
      `${NAME}#十一月:2`,
      `${NAME}#十月:2`,
      `${NAME}#十月:3`,
      `${NAME}#十月:4`,
      `${NAME}#十月:5`,
    ]);

    const merchant = (await get(`/api/v1/merchants/${id}`)).json<{ imports: { file: string }[] }>();
    expect(merchant.imports.map((i) => i.file)).toEqual([NAME]);

    // 十月: three ¥1,000.00 credit sales charged ¥6.80 where 0.60 % is ¥6.00, 80 fen each (the ¥100.00 debit
    // sale's ¥0.55 is right); 十一月: ¥14.00 where 0.60 % of ¥2,000.00 is ¥12.00, 200 fen.
    const audit = (await get(`/api/v1/merchants/${id}/audit`)).json<{
      summary: { overchargeFen: number };
      findings: { kind: string; overchargeFen: number; source: { file: string; row: number }[] }[];
    }>();
    expect(audit.summary.overchargeFen).toBe(3 * 80 + 200);
    expect(
      audit.findings
        .filter((f) => f.kind === 'fee_overcharge')
        .map((f) => [f.overchargeFen, f.source.map((s) => `${s.file}:${s.row}`)]),
    ).toEqual([
      [80, [`${NAME}#十月:2`]],
      [80, [`${NAME}#十月:3`]],
      [80, [`${NAME}#十月:4`]],
      [200, [`${NAME}#十一月:2`]],
    ]);

    // Both sheets were checked on arrival: one alert for 十月's day (3 × 80 fen), one for 十一月's.
    const alerts = (await get(`/api/v1/merchants/${id}/alerts`)).json().alerts as {
      kind: string;
      amountFen: number | null;
    }[];
    expect(
      alerts
        .filter((a) => a.kind === 'fee_overcharge')
        .map((a) => a.amountFen ?? 0)
        .sort((a, b) => a - b),
    ).toEqual([200, 240]);

    // The provider comparison's 跳点 record of the statement counts the findings of both sheets as the workbook's.
    const compared = (await get(`/api/v1/merchants/${id}/compare?asOf=2027-01-01`)).json<{
      jumpRecords: { settlementFiles: string[]; findings: number; overchargeFen: number; lossFen: number }[];
    }>();
    expect(compared.jumpRecords).toMatchObject([
      { settlementFiles: [NAME], findings: 4, overchargeFen: 440, lossFen: 440 },
    ]);

    // Everything the API shows of the upload names it as uploaded: the answer, the stored records and import,
    // the audit and its exports, the alerts, the comparison and the audit log.
    const answers: [string, string][] = [['upload', uploaded.body]];
    for (const path of [
      `/api/v1/merchants/${id}`,
      `/api/v1/merchants/${id}/records?limit=10`,
      `/api/v1/merchants/${id}/audit`,
      `/api/v1/merchants/${id}/findings.csv`,
      `/api/v1/merchants/${id}/report.html`,
      `/api/v1/merchants/${id}/alerts`,
      `/api/v1/merchants/${id}/compare?asOf=2027-01-01`,
      '/api/v1/audit-log',
    ]) {
      const res = await get(path);
      expect(res.statusCode, `${path} ${res.body}`).toBe(200);
      answers.push([path, res.body]);
    }
    for (const [path, body] of answers) {
      expect(body, path).not.toContain(t.dir);
      expect(body, path).not.toContain('posguard-upload-');
    }
    for (const path of [`/api/v1/merchants/${id}/findings.csv`, `/api/v1/merchants/${id}/report.html`])
      expect(answers.find(([p]) => p === path)?.[1], path).toContain(`${NAME}#十一月`);
  }, 30_000);
});
