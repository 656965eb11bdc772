import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithMerchant, SAMPLE_MERCHANT } from '../server/merchant-harness.js';
import { type TestApp, testApp } from '../server/test-app.js';

// A refused devices import (or inspection) is told in the request's language — ?lang=, else Accept-Language,
// else zh-CN — with both texts in details, as a refused statement upload is.

let t: TestApp;
let cookie: string;
let base: string;
beforeAll(async () => {
  t = await testApp();
  const owner = await ownerWithMerchant(t, SAMPLE_MERCHANT);
  cookie = owner.cookie;
  base = `/api/v1/merchants/${owner.id}/devices`;
});
afterAll(async () => t.close());

interface Refusal {
  status: number;
  code: string;
  zh: string;
  en: string;
  request: () => { method: 'POST'; url: string; headers: Record<string, string>; payload?: string };
}

const yaml = (payload: string) => ({
  method: 'POST' as const,
  url: `${base}/import`,
  headers: { 'content-type': 'application/yaml' },
  payload,
});

const REFUSALS: Record<string, Refusal> = {
  'a date that does not exist, named by line and key': {
    status: 400,
    code: 'invalid_devices_file',
    zh: '设备文件有误：第 4 行 terminals.0.lastInspection：“2026-02-30”不是真实存在的日期时间（应为 YYYY-MM-DD）',
    en: 'invalid devices file: line 4, terminals.0.lastInspection: "2026-02-30" is not a real date or time (expected YYYY-MM-DD)',
    request: () =>
      yaml('terminals:\n  - terminalId: "12345678"\n    sn: N1\n    lastInspection: 2026-02-30\n'),
  },
  'a misspelt key and a missing terminal id': {
    status: 400,
    code: 'invalid_devices_file',
    zh:
      '设备文件有误：第 2 行 terminals.0.terminalId：缺少此项；' +
      '第 2 行 terminals.0：未知的键“termnalId”（是否想写 terminalId？）；' +
      '可用：terminalId, sn, model, vendor, provider, versions, sim, lastInspection, inspectionIntervalDays',
    en:
      'invalid devices file: line 2, terminals.0.terminalId: this key is required; ' +
      'line 2, terminals.0: unknown key(s) "termnalId" (did you mean terminalId?); ' +
      'allowed: terminalId, sn, model, vendor, provider, versions, sim, lastInspection, inspectionIntervalDays',
    request: () => yaml('terminals:\n  - termnalId: "12345678"\n'),
  },
  'a file that is not YAML': {
    status: 400,
    code: 'invalid_devices_file',
    zh: '设备文件第 1 行第 12 列：YAML 格式错误（括号没有闭合）：这里的 [ 没有对应的 ]：请在列表的末尾补上 ]',
    en: 'the devices file: YAML syntax error at line 1, column 12 (unclosed bracket): the [ here has no matching ]: add ] at the end of the list',
    request: () => yaml('terminals: [\n'),
  },
  'an empty file': {
    status: 400,
    code: 'invalid_devices_file',
    zh: '设备文件有误：文件为空，应至少包含 terminals（终端列表）',
    en: 'invalid devices file: the file is empty; it needs at least `terminals` (the list of terminals)',
    request: () => yaml(''),
  },
  'a spreadsheet instead of YAML': {
    status: 415,
    code: 'unsupported_media_type',
    zh: '设备文件请以 YAML 正文发送（Content-Type: application/yaml），不接受 text/csv；格式见模拟器生成的 devices.yaml',
    en: "send the devices file as a YAML body (Content-Type: application/yaml), not text/csv; see the simulator's devices.yaml",
    request: () => ({
      method: 'POST',
      url: `${base}/import`,
      headers: { 'content-type': 'text/csv' },
      payload: '终端号,序列号\n12345678,N1\n',
    }),
  },
  'an inspection of a terminal that is not registered': {
    status: 404,
    code: 'device_not_found',
    zh: '终端 99999999 未登记',
    en: 'terminal 99999999 is not registered',
    request: () => ({
      method: 'POST',
      url: `${base}/99999999/inspections`,
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    }),
  },
};

const LANGUAGES: [string, { query: string; headers: Record<string, string> }, 'zh' | 'en'][] = [
  ['no preference (zh-CN by default)', { query: '', headers: {} }, 'zh'],
  ['a zh-CN browser', { query: '', headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } }, 'zh'],
  ['an English browser', { query: '', headers: { 'accept-language': 'en-US,en;q=0.9,zh;q=0.5' } }, 'en'],
  ['?lang=en from a zh-CN browser', { query: '?lang=en', headers: { 'accept-language': 'zh-CN' } }, 'en'],
];

describe.each(Object.entries(REFUSALS))('a devices request refused for %s', (_what, refusal) => {
  it.each(LANGUAGES)('answers %s in its language, the other beside it', async (_who, pick, lang) => {
    const { url, headers, ...rest } = refusal.request();
    const res = await t.app.inject({
      ...rest,
      url: `${url}${pick.query}`,
      headers: { ...headers, ...pick.headers, cookie },
    });
    expect(res.statusCode, res.body).toBe(refusal.status);
    const { error } = res.json();
    expect(error.code).toBe(refusal.code);
    expect(error.details).toMatchObject({ zh: refusal.zh, en: refusal.en });
    expect(error.message).toBe(lang === 'zh' ? refusal.zh : refusal.en);
  });
});

it('still imports a good file sent with ?lang=en', async () => {
  const res = await t.app.inject({
    ...yaml('terminals:\n  - terminalId: "12345678"\n'),
    url: `${base}/import?lang=en`,
    headers: { 'content-type': 'application/yaml', cookie },
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toMatchObject({ created: 1, terminals: ['12345678'] });
});
