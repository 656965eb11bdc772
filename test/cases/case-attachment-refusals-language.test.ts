import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../src/cases/case-states.js';
import { ownerWithMerchant, SAMPLE_MERCHANT } from '../server/merchant-harness.js';
import { multipartBody, type TestApp, testApp } from '../server/test-app.js';

// A refused case attachment is told in the request's language — ?lang=, else Accept-Language, else zh-CN — with
// both texts in details, in the words a refused statement upload uses.

// A small upload limit, so a 2,000-byte attachment is over it.
const LIMIT = 1000;

let t: TestApp;
let cookie: string;
let cases: string;
let url: string;
beforeAll(async () => {
  t = await testApp('sqlite', LIMIT);
  const owner = await ownerWithMerchant(t, SAMPLE_MERCHANT);
  cookie = owner.cookie;
  cases = `/api/v1/merchants/${owner.id}/cases`;
  const created = await t.app.inject({
    method: 'POST',
    url: cases,
    headers: { cookie },
    payload: { title: '费率上调投诉', amountClaimedFen: 240 },
  });
  expect(created.statusCode, created.body).toBe(201);
  url = `${cases}/${created.json<{ id: number }>().id}/attachments`;
});
afterAll(async () => t.close());

interface Refusal {
  status: number;
  code: string;
  zh: string;
  en: RegExp | string;
  request: () => { url?: string; headers: Record<string, string>; payload: string | Buffer };
}

const REFUSALS: Record<string, Refusal> = {
  'a file over the upload limit': {
    status: 413,
    code: 'too_large',
    zh: '文件超过上传上限 1000 字节；请拆分后分别上传，或压缩为 ZIP 后上传',
    en: 'the file is larger than the upload limit of 1000 bytes; split it, or upload it as a ZIP',
    request: () => multipartBody('证据包.zip', Buffer.alloc(2 * LIMIT, 0x50)),
  },
  'a JSON body instead of a form': {
    status: 415,
    code: 'unsupported_media_type',
    zh: '请以 multipart/form-data 上传附件，文件放在 file 字段',
    en: 'send multipart/form-data with a `file` part',
    request: () => ({ headers: { 'content-type': 'application/json' }, payload: '{}' }),
  },
  'a form without a file': {
    status: 400,
    code: 'invalid_request',
    zh: '上传中没有附件，请把文件放在 file 字段',
    en: 'no `file` part in the upload',
    request: () => ({
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      payload: '--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\r\n--b--\r\n',
    }),
  },
  'a form cut short': {
    status: 400,
    code: 'invalid_upload',
    zh: '上传不完整或不是有效的 multipart/form-data，请重新发送文件',
    en: /^the upload is incomplete or not valid multipart\/form-data \(.+\); send the file again$/,
    request: () => ({
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      payload: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello',
    }),
  },
  'a case that does not exist': {
    status: 404,
    code: 'case_not_found',
    zh: '案件 9999 不存在',
    en: 'case 9999 not found',
    request: () => ({ url: `${cases}/9999/attachments`, ...multipartBody('a.txt', 'hello') }),
  },
};

const LANGUAGES: [string, { query: string; headers: Record<string, string> }, 'zh' | 'en'][] = [
  ['no preference (zh-CN by default)', { query: '', headers: {} }, 'zh'],
  ['a zh-CN browser', { query: '', headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } }, 'zh'],
  ['an English browser', { query: '', headers: { 'accept-language': 'en-US,en;q=0.9,zh;q=0.5' } }, 'en'],
  ['?lang=en from a zh-CN browser', { query: '?lang=en', headers: { 'accept-language': 'zh-CN' } }, 'en'],
];

describe.each(Object.entries(REFUSALS))('a case attachment refused for %s', (_what, refusal) => {
  it.each(LANGUAGES)('answers %s in its language, the other beside it', async (_who, pick, lang) => {
    const request = refusal.request();
    const res = await t.app.inject({
      method: 'POST',
      url: `${request.url ?? url}${pick.query}`,
      headers: { ...request.headers, ...pick.headers, cookie },
      payload: request.payload,
    });
    expect(res.statusCode, res.body).toBe(refusal.status);
    const { error } = res.json();
    expect(error.code).toBe(refusal.code);
    expect(error.details.zh).toBe(refusal.zh);
    expect(error.details.en).toMatch(refusal.en);
    expect(error.message).toBe(error.details[lang]);
  });
});

it('names the attachment limit when the server takes bigger uploads', async () => {
  const big = await testApp();
  try {
    const owner = await ownerWithMerchant(big, SAMPLE_MERCHANT);
    const created = await big.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${owner.id}/cases`,
      headers: { cookie: owner.cookie },
      payload: { title: '结算短款', amountClaimedFen: 100 },
    });
    const upload = multipartBody('录像.mp4', Buffer.alloc(MAX_ATTACHMENT_BYTES + 1));
    const res = await big.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${owner.id}/cases/${created.json<{ id: number }>().id}/attachments`,
      headers: { ...upload.headers, cookie: owner.cookie, 'accept-language': 'zh-CN' },
      payload: upload.payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toBe('文件超过上传上限 50 MiB；请拆分后分别上传，或压缩为 ZIP 后上传');
    expect(res.json().error.details.en).toBe(
      'the file is larger than the upload limit of 50 MiB; split it, or upload it as a ZIP',
    );
  } finally {
    await big.close();
  }
});
