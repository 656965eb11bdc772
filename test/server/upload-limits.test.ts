import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { ownerWithMerchant, SAMPLE_MERCHANT } from './merchant-harness.js';
import { multipartBody, type TestApp, testApp } from './test-app.js';

// The upload limit bounds what a compressed file or an archive unpacks to, not only the bytes sent; and a wrong
// form (an unknown preset, a second file) is the sender's mistake (400), named as such, in both languages.

/** A small upload limit, so a few hundred kilobytes of CSV are over it however well they compress. */
const LIMIT = 64 * 1024;

const HEADER =
  '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,结算日期';
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** Line i: a credit sale of ¥10.00 + i fen charged 0.60% rounded half up, in integer fen. */
function line(i: number): { amountFen: number; feeFen: number } {
  const amountFen = 1000 + i;
  return { amountFen, feeFen: Math.floor((amountFen * 6 + 500) / 1000) };
}

/** A generic settlement CSV of `rows` credit sales on merchant 898440153991234, one second apart on 2026-10-08. */
function statement(rows: number): string {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const { amountFen, feeFen } = line(i);
    const clock = `${String(Math.floor(i / 3600) + 8).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    lines.push(
      [
        `2026-10-08 ${clock}`,
        '898440153991234',
        '12345678',
        String(300_000_000_000 + i),
        '622588******0123',
        '贷记卡',
        '刷卡',
        '消费',
        yuan(amountFen),
        yuan(feeFen),
        yuan(amountFen - feeFen),
        '2026-10-09',
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

function zipOf(members: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(members)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** A multipart body written by hand, for forms the helper cannot write (two files). */
function rawForm(parts: string[]): { headers: Record<string, string>; payload: string } {
  return {
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
    payload: `${parts.map((p) => `--b\r\n${p}\r\n`).join('')}--b--\r\n`,
  };
}
const filePart = (name: string, content: string) =>
  `Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${content}`;

const TOO_LARGE = {
  zh: `文件超过上传上限 ${LIMIT} 字节；请拆分后分别上传，或压缩为 ZIP 后上传`,
  en: `the file is larger than the upload limit of ${LIMIT} bytes; split it, or upload it as a ZIP`,
};

describe.each(DIALECTS)('upload limits and form mistakes on %s', (dialect: DialectName) => {
  let t: TestApp;
  let cookie: string;
  let id: number;
  let url: string;
  beforeAll(async () => {
    t = await testApp(dialect, LIMIT);
    ({ cookie, id } = await ownerWithMerchant(t, SAMPLE_MERCHANT));
    url = `/api/v1/merchants/${id}/statements`;
  });
  afterAll(async () => t.close());

  const send = (body: { headers: Record<string, string>; payload: string | Buffer }, query = '') =>
    t.app.inject({
      method: 'POST',
      url: `${url}${query}`,
      headers: { ...body.headers, cookie },
      payload: body.payload,
    });

  async function stored(): Promise<{ imports: number; records: number; amountFen: number; feeFen: number }> {
    const imports = await t.storage.db
      .selectFrom('imports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merchant_id', '=', id)
      .executeTakeFirstOrThrow();
    const records = await t.storage.db
      .selectFrom('records')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>('amount_fen').as('amount'),
        eb.fn.sum<number>('fee_fen').as('fee'),
      ])
      .where('merchant_id', '=', id)
      .executeTakeFirstOrThrow();
    return {
      imports: Number(imports.n),
      records: Number(records.n),
      amountFen: Number(records.amount ?? 0),
      feeFen: Number(records.fee ?? 0),
    };
  }

  /** 413 too_large in Chinese by default and in English for ?lang=en, both texts beside; nothing stored. */
  async function refusedAsTooLarge(name: string, bytes: Buffer): Promise<void> {
    expect(bytes.length).toBeLessThan(LIMIT);
    for (const [query, lang] of [
      ['', 'zh'],
      ['?lang=en', 'en'],
    ] as const) {
      const res = await send(multipartBody(name, bytes), query);
      expect(res.statusCode, res.body).toBe(413);
      const { error } = res.json();
      expect(error.code).toBe('too_large');
      expect(error.message).toBe(TOO_LARGE[lang]);
      expect(error.details).toMatchObject(TOO_LARGE);
    }
    expect(await stored()).toEqual({ imports: 0, records: 0, amountFen: 0, feeFen: 0 });
  }

  it('refuses a GZIP that unpacks to more than the limit, though the upload is far under it', async () => {
    const csv = statement(2000);
    expect(Buffer.byteLength(csv)).toBeGreaterThan(LIMIT);
    await refusedAsTooLarge('huge.csv.gz', gzipSync(csv));
  });

  it('refuses a ZIP whose tables unpack to more than the limit', async () => {
    const csv = statement(400);
    // Each member alone is under the limit; together they are over it.
    expect(Buffer.byteLength(csv)).toBeLessThan(LIMIT);
    expect(Buffer.byteLength(csv) * 2).toBeGreaterThan(LIMIT);
    await refusedAsTooLarge('two.zip', await zipOf({ 'a.csv': csv, 'b.csv': csv }));
  });

  it('refuses a GZIP holding a ZIP whose tables unpack to more than the limit', async () => {
    const inner = await zipOf({ 'big.csv': statement(2000) });
    expect(inner.length).toBeLessThan(LIMIT);
    await refusedAsTooLarge('nested.zip.gz', gzipSync(inner));
  });

  it('refuses a form naming an unknown preset as a wrong field, listing the presets there are', async () => {
    const csv = statement(3);
    const zh = await send(multipartBody('s.csv', csv, { preset: 'nosuch' }));
    expect(zh.statusCode, zh.body).toBe(400);
    const { error } = zh.json();
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe(error.details.zh);
    expect(error.details.zh).toMatch(/^preset 字段「nosuch」不是已知的预设；可用的预设：.*generic/);
    expect(error.details.en).toMatch(/^preset "nosuch" is not a known preset; known presets: .*generic/);
    expect(error.details.field).toBe('preset');
    expect(error.details.known).toEqual(expect.arrayContaining(['generic', 'leshua', 'wechat']));
    const en = await send(multipartBody('s.csv', csv, { preset: 'nosuch' }), '?lang=en');
    expect(en.statusCode).toBe(400);
    expect(en.json().error.message).toBe(error.details.en);
    expect(await stored()).toEqual({ imports: 0, records: 0, amountFen: 0, feeFen: 0 });
  });

  it('refuses two or three files in one form as one file per request, in both languages', async () => {
    const csv = statement(3);
    for (const count of [2, 3]) {
      const parts = Array.from({ length: count }, (_, i) => filePart(`s${i}.csv`, csv));
      for (const [query, lang] of [
        ['', 'zh'],
        ['?lang=en', 'en'],
      ] as const) {
        const res = await send(rawForm(parts), query);
        expect(res.statusCode, res.body).toBe(400);
        const { error } = res.json();
        expect(error.code).toBe('invalid_request');
        expect(error.details.zh).toMatch(/^每次请求只能上传一个文件（放在 file 字段）/);
        expect(error.details.en).toMatch(/^send one file per request \(in the `file` field\)/);
        expect(error.message).toBe(error.details[lang]);
      }
    }
    expect(await stored()).toEqual({ imports: 0, records: 0, amountFen: 0, feeFen: 0 });
  });

  it('imports a GZIP that unpacks to less than the limit, every line and every fen of it', async () => {
    const rows = 300;
    const csv = statement(rows);
    expect(Buffer.byteLength(csv)).toBeLessThan(LIMIT);
    let amountFen = 0;
    let feeFen = 0;
    for (let i = 0; i < rows; i++) {
      amountFen += line(i).amountFen;
      feeFen += line(i).feeFen;
    }
    // 300 sales of ¥10.00 to ¥12.99, ¥3,448.50 in all; at 0.60% half up, ¥10.00–¥10.83 pay ¥0.06 (84 sales),
    // ¥10.84–¥12.49 pay ¥0.07 (166) and ¥12.50–¥12.99 pay ¥0.08 (50): ¥20.66 in fees.
    expect(amountFen).toBe(344_850);
    expect(feeFen).toBe(84 * 6 + 166 * 7 + 50 * 8);
    const res = await send(multipartBody('small.csv.gz', gzipSync(csv)));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().landings).toEqual([
      {
        merchantId: id,
        importId: expect.any(Number),
        stored: rows,
        duplicate: false,
        alreadyStored: 0,
        updated: 0,
      },
    ]);
    expect(await stored()).toEqual({ imports: 1, records: rows, amountFen, feeFen });
  });
});
