import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { type OwnedMerchant, ownerWithMerchant } from './merchant-harness.js';
import { multipartBody, type TestApp, testApp } from './test-app.js';

// A Big5 (Traditional Chinese) statement is refused saying its encoding was not recognised — that it looks like
// Big5, which encodings are supported and to save it as UTF-8 or GBK — not "no header", in uploads and the CLI.

const TRADITIONAL = [
  '交易時間,商戶編號,終端號,參考號,卡號,卡類型,支付方式,交易類型,交易金額,手續費,結算金額,結算日期',
  '2026-10-08 10:00:00,898440153991234,12345678,100000000001,622202******0123,貸記卡,刷卡,消費,1000.00,6.80,993.20,2026-10-09',
].join('\r\n');
const BIG5 = iconv.encode(TRADITIONAL, 'big5');
const ZH =
  '文件编码无法识别：看起来是 Big5（繁体中文）编码，本程序只支持 UTF-8、UTF-16、GBK/GB18030；请用 Excel 或记事本把文件另存为 UTF-8（或 GBK）编码后再导入';
const EN =
  "the file's encoding was not recognised: it looks like Big5 (Traditional Chinese), and only UTF-8, UTF-16 and GBK/GB18030 are supported; save the file as UTF-8 (or GBK) in Excel or a text editor and import it again";

let t: TestApp;
let owner: OwnedMerchant;
let dir: string;
beforeAll(async () => {
  t = await testApp('sqlite');
  owner = await ownerWithMerchant(t);
  dir = mkdtempSync(join(tmpdir(), 'posguard-big5-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a Big5 statement', () => {
  it('upload: 422 naming Big5 and the supported encodings, in the language of the request', async () => {
    const zh = await owner.upload('big5.csv', BIG5);
    expect(zh.statusCode).toBe(422);
    expect(zh.json().error.details).toEqual({ zh: `big5.csv：${ZH}`, en: `big5.csv: ${EN}` });
    expect(zh.json().error.message).toBe(`big5.csv：${ZH}`);
    const form = multipartBody('big5.csv', BIG5);
    const en = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${owner.id}/statements`,
      headers: { ...form.headers, cookie: owner.cookie, 'accept-language': 'en' },
      payload: form.payload,
    });
    expect(en.statusCode).toBe(422);
    expect(en.json().error.message).toBe(`big5.csv: ${EN}`);
    // Nothing was stored.
    expect((await owner.get(`/api/v1/merchants/${owner.id}/audit`)).json().summary.overchargeFen).toBe(0);
  });

  it('CLI import: the same message, zh and en, and a failing exit code', async () => {
    const file = join(dir, 'big5.csv');
    writeFileSync(file, BIG5);
    const zh = await runCli(['import', file], { env: {} });
    expect(zh.exitCode).not.toBe(0);
    expect(zh.stderr).toContain(`big5.csv：${ZH}`);
    const en = await runCli(['import', file, '--lang', 'en'], { env: {} });
    expect(en.exitCode).not.toBe(0);
    expect(en.stderr).toContain(`big5.csv: ${EN}`);
  });

  it('the same statement in GBK or UTF-8 imports as before', async () => {
    for (const [name, bytes] of [
      ['gbk.csv', iconv.encode(TRADITIONAL.replace(/時間/, '时间'), 'gbk')],
      ['utf8.csv', Buffer.from(TRADITIONAL, 'utf8')],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const run = await runCli(['import', file], { env: {} });
      expect(run.stderr).not.toContain('Big5');
    }
  });
});
