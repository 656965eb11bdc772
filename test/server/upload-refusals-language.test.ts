import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithMerchant, SAMPLE_MERCHANT } from './merchant-harness.js';
import { OVERCHARGED, settlementCsv } from './sample-data.js';
import { multipartBody, type TestApp, testApp } from './test-app.js';

// A small upload limit, so a four-line statement is over it.
const LIMIT = 1000;

let t: TestApp;
let cookie: string;
let url: string;
beforeAll(async () => {
  t = await testApp('sqlite', LIMIT);
  const owner = await ownerWithMerchant(t, SAMPLE_MERCHANT);
  cookie = owner.cookie;
  url = `/api/v1/merchants/${owner.id}/statements`;
});
afterAll(async () => t.close());

/** A multipart body written by hand, for forms the helper cannot write (two files, odd field names, cut short). */
function rawForm(parts: string[], end = '--b--\r\n'): { headers: Record<string, string>; payload: string } {
  return {
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
    payload: `${parts.map((p) => `--b\r\n${p}\r\n`).join('')}${end}`,
  };
}
const filePart = (name: string, content: string) =>
  `Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${content}`;
const fieldPart = (name: string, value: string) =>
  `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;

const SMALL = settlementCsv(OVERCHARGED.slice(0, 1));
const BIG = settlementCsv([...OVERCHARGED, ...OVERCHARGED]);

interface Refusal {
  status: number;
  code: string;
  zh: RegExp;
  en: RegExp;
  request: () => { headers: Record<string, string>; payload?: string | Buffer };
}

const REFUSALS: Record<string, Refusal> = {
  'a file over the upload limit': {
    status: 413,
    code: 'too_large',
    zh: /^文件超过上传上限 1000 字节；请拆分后分别上传，或压缩为 ZIP 后上传$/,
    en: /^the file is larger than the upload limit of 1000 bytes; split it, or upload it as a ZIP$/,
    request: () => multipartBody('big.csv', BIG),
  },
  'a JSON body instead of a form': {
    status: 415,
    code: 'unsupported_media_type',
    zh: /^请以 multipart\/form-data 上传，文件放在 file 字段$/,
    en: /^send multipart\/form-data with a `file` part$/,
    request: () => ({ headers: { 'content-type': 'application/json' }, payload: '{}' }),
  },
  'a body of a type no parser takes': {
    status: 415,
    code: 'fst_err_ctp_invalid_media_type',
    zh: /^不支持该请求内容类型（Content-Type）；文件请以 multipart\/form-data 上传/,
    en: /^this Content-Type is not supported; send files as multipart\/form-data/,
    request: () => ({ headers: { 'content-type': 'application/octet-stream' }, payload: SMALL }),
  },
  'a non-form body over the body limit': {
    status: 413,
    code: 'too_large',
    zh: /^请求体超过大小上限；文件请以 multipart\/form-data 上传$/,
    en: /^the request body is larger than the limit; send files as multipart\/form-data$/,
    request: () => ({
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ file: 'x'.repeat(3 * 1024 * 1024) }),
    }),
  },
  'a form cut short': {
    status: 400,
    code: 'invalid_upload',
    zh: /^上传不完整或不是有效的 multipart\/form-data，请重新发送文件$/,
    en: /^the upload is incomplete or not valid multipart\/form-data \(.+\); send the file again$/,
    request: () => rawForm([filePart('s.csv', SMALL)], ''),
  },
  'a form without a file': {
    status: 400,
    code: 'invalid_request',
    zh: /^上传中没有文件，请把文件放在 file 字段$/,
    en: /^no `file` part in the upload$/,
    request: () => rawForm([fieldPart('kind', 'settlement')]),
  },
  'two files in one form': {
    status: 400,
    code: 'invalid_request',
    zh: /^每次请求只能上传一个文件（放在 file 字段）；多个文件请分别上传，或压缩为一个 ZIP 后上传$/,
    en: /^send one file per request \(in the `file` field\); upload several files one by one, or as one ZIP$/,
    request: () => rawForm([filePart('a.csv', SMALL), filePart('b.csv', SMALL)]),
  },
  'a form with too many fields': {
    status: 413,
    code: 'fst_fields_limit',
    zh: /^表单字段过多$/,
    en: /^the form has too many fields$/,
    request: () =>
      rawForm([...Array.from({ length: 11 }, (_, i) => fieldPart(`f${i}`, '1')), filePart('s.csv', SMALL)]),
  },
  'a field named __proto__': {
    status: 400,
    code: 'fst_proto_violation',
    zh: /^表单字段名不能是 __proto__ 或 constructor$/,
    en: /^a form field may not be named __proto__ or constructor$/,
    request: () => rawForm([fieldPart('__proto__', 'x'), filePart('s.csv', SMALL)]),
  },
  'an unknown kind and an unknown field': {
    status: 400,
    code: 'invalid_request',
    zh: /kind 字段「receipts」无效，应为 terminal（终端流水）、settlement（结算单）或 bank（银行流水）.*不认识的字段 colour|不认识的字段 colour.*kind 字段「receipts」无效/,
    en: /kind "receipts" is not one of terminal, settlement, bank.*unknown form field\(s\) colour|unknown form field\(s\) colour.*kind "receipts"/,
    request: () => multipartBody('s.csv', SMALL, { kind: 'receipts', colour: 'red' }),
  },
};

/** How a request picks its language, and the language it should get. */
const LANGUAGES: [string, { query: string; headers: Record<string, string> }, 'zh' | 'en'][] = [
  ['no preference (zh-CN by default)', { query: '', headers: {} }, 'zh'],
  ['a zh-CN browser', { query: '', headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } }, 'zh'],
  ['an English browser', { query: '', headers: { 'accept-language': 'en-US,en;q=0.9,zh;q=0.5' } }, 'en'],
  ['?lang=en from a zh-CN browser', { query: '?lang=en', headers: { 'accept-language': 'zh-CN' } }, 'en'],
];

describe.each(Object.entries(REFUSALS))('an upload refused for %s', (_what, refusal) => {
  it.each(LANGUAGES)('answers %s in its language, the other beside it', async (_who, pick, lang) => {
    const { headers, payload } = refusal.request();
    const res = await t.app.inject({
      method: 'POST',
      url: `${url}${pick.query}`,
      headers: { ...headers, ...pick.headers, cookie },
      ...(payload === undefined ? {} : { payload }),
    });
    expect(res.statusCode, res.body).toBe(refusal.status);
    const { error } = res.json();
    expect(error.code).toBe(refusal.code);
    expect(error.details.zh).toMatch(refusal.zh);
    expect(error.details.en).toMatch(refusal.en);
    expect(error.message).toBe(error.details[lang]);
  });
});

it('names a limit of whole MiB in MiB', async () => {
  const mib = await testApp('sqlite', 1024 * 1024);
  try {
    const owner = await ownerWithMerchant(mib, SAMPLE_MERCHANT);
    const res = await owner.upload('big.csv', 'x'.repeat(1024 * 1024 + 1));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toMatch(/^文件超过上传上限 1 MiB；/);
    expect(res.json().error.details.en).toMatch(/upload limit of 1 MiB;/);
  } finally {
    await mib.close();
  }
});
