import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requestProblems } from '../../src/server/invalid-request.js';
import { addAlertChannel } from '../../src/storage/alerts-repo.js';
import {
  cleanupAfterEach,
  creditLine,
  type OwnerSession,
  openReceiver,
  ownerSession,
  signInStaff,
  waitFor,
} from '../monitor/monitor-harness.js';

const cleanups = cleanupAfterEach();

const CHANNEL_TYPES_ZH = 'webhook、wecom、dingtalk、feishu、email';
const CHANNEL_TYPES_EN = 'webhook, wecom, dingtalk, feishu, email';

/** POST …/alert-channels as the owner, in a language (Accept-Language) when given. */
function addChannel(s: OwnerSession, payload: Record<string, unknown>, acceptLanguage?: string) {
  return s.post(
    'alert-channels',
    payload,
    acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage },
  );
}

/** A TCP port that answers SMTP's first line, enough for a channel to be accepted (nothing is sent here). */
async function smtpPort(): Promise<number> {
  const server: Server = createServer((socket) => socket.end('220 test ESMTP\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

describe('an e-mail channel needs the server’s SMTP setting', () => {
  it('is refused (422, both languages, naming POSGUARD_SMTP_URL) and nothing is stored without it', async () => {
    // smtpUrl undefined whatever the environment of the test run says.
    const s = await ownerSession(cleanups, { smtpUrl: undefined, worker: false });
    const zh = await addChannel(s, { type: 'email', address: 'ops@example.com' });
    expect(zh.statusCode, zh.body).toBe(422);
    const error = zh.json<{ error: { code: string; message: string; details: { zh: string; en: string } } }>()
      .error;
    expect(error.code).toBe('email_not_configured');
    expect(error.message).toBe(error.details.zh);
    expect(error.details.zh).toContain('POSGUARD_SMTP_URL');
    expect(error.details.zh).toContain('发信服务器');
    expect(error.details.en).toContain('POSGUARD_SMTP_URL');
    expect(error.details.en).toContain('SMTP server');
    const en = await addChannel(s, { type: 'email', address: 'ops@example.com', language: 'en' }, 'en-US');
    expect(en.statusCode).toBe(422);
    expect(en.json().error.message).toBe(error.details.en);
    // Nothing was added, and nothing logged as added.
    expect((await s.get('alert-channels')).json<{ channels: unknown[] }>().channels).toEqual([]);
    const logged = await s.m.storage.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'alert_channel_add')
      .execute();
    expect(logged).toEqual([]);
    // The robots need no SMTP server and are still taken.
    const robot = await addChannel(s, { type: 'wecom', url: 'http://127.0.0.1:9/robot' });
    expect(robot.statusCode, robot.body).toBe(201);
  });

  it('is accepted once the server has an SMTP URL', async () => {
    const port = await smtpPort();
    const s = await ownerSession(cleanups, { smtpUrl: `smtp://127.0.0.1:${port}`, worker: false });
    const res = await addChannel(s, { type: 'email', address: 'ops@example.com' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ type: 'email', target: 'ops@example.com', language: 'zh' });
  });

  it('a member who may not add channels is refused as before, learning nothing of the SMTP setting', async () => {
    const s = await ownerSession(cleanups, { smtpUrl: undefined, worker: false });
    const staff = await signInStaff(s.m, s.id);
    const asStaff = (payload: Record<string, unknown>) =>
      s.m.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${s.id}/alert-channels`,
        headers: { cookie: staff },
        payload,
      });
    const robot = await asStaff({ type: 'webhook', url: 'http://127.0.0.1:9/x' });
    const mail = await asStaff({ type: 'email', address: 'ops@example.com' });
    expect(robot.statusCode).toBeGreaterThanOrEqual(403);
    expect(mail.statusCode).toBe(robot.statusCode);
    expect(mail.json().error.code).toBe(robot.json().error.code);
  });

  it('a delivery that cannot be sent shows why in the language of the request, both wordings beside it', async () => {
    // A channel stored before the refusal existed (or before POSGUARD_SMTP_URL was removed), and a webhook that
    // answers 503: each delivery fails, and its error is stored once, in the sender's words.
    const s = await ownerSession(cleanups, { smtpUrl: undefined, maxAttempts: 1 });
    const rx = await openReceiver(cleanups);
    rx.respond = () => ({ status: 503, body: '{"busy":true}' });
    const owner = await s.m.storage.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'owner@example.com')
      .executeTakeFirstOrThrow();
    await addAlertChannel(s.m.storage.db, owner.id, s.id, {
      type: 'email',
      target: 'ops@example.com',
      at: new Date().toISOString(),
    });
    expect((await addChannel(s, { type: 'webhook', url: `${rx.url}/hook` })).statusCode).toBe(201);
    // ¥1,000.00 on a credit card charged ¥6.80 where the plan's 0.60 % gives ¥6.00: one alert, two deliveries.
    expect((await s.post('settlements', creditLine(100_000, 680, 1))).statusCode).toBe(201);

    type Delivery = {
      channelType: string;
      status: string;
      lastError: string | null;
      lastErrorZh: string | null;
      lastErrorEn: string | null;
    };
    const listed = async (acceptLanguage: string): Promise<Delivery[]> => {
      const res = await s.m.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${s.id}/alerts`,
        headers: { cookie: s.cookie, 'accept-language': acceptLanguage },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ alerts: { deliveries: Delivery[] }[] }>().alerts.flatMap((a) => a.deliveries);
    };
    const zh = await waitFor(async () => {
      const all = await listed('zh-CN');
      return all.length === 2 && all.every((d) => d.status === 'failed') ? all : undefined;
    });
    const mailZh = zh.find((d) => d.channelType === 'email');
    const hookZh = zh.find((d) => d.channelType === 'webhook');
    expect(mailZh?.lastError).toBe(
      '服务端未设置发信服务器（环境变量 POSGUARD_SMTP_URL），邮件无法发送；请管理员设置后重启服务',
    );
    expect(hookZh?.lastError).toBe('对方返回 HTTP 503：{"busy":true}');
    const en = await listed('en');
    const mailEn = en.find((d) => d.channelType === 'email');
    expect(mailEn?.lastError).toBe(
      "e-mail cannot be sent: the server's SMTP setting (POSGUARD_SMTP_URL) is not set; ask the administrator to set it and restart the server",
    );
    expect(en.find((d) => d.channelType === 'webhook')?.lastError).toBe('HTTP 503 {"busy":true}');
    expect(mailEn?.lastErrorZh).toBe(mailZh?.lastError);
    expect(mailZh?.lastErrorEn).toBe(mailEn?.lastError);
  });
});

describe('a value no alternative of a union takes names what is accepted', () => {
  it('an unknown channel type lists the five types (zh/en); a missing one says it is required', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    const sms = await addChannel(s, { type: 'sms', url: 'http://127.0.0.1:9/x' });
    expect(sms.statusCode).toBe(400);
    expect(sms.json().error).toEqual({
      code: 'invalid_request',
      message: `请求体字段 type：应为 ${CHANNEL_TYPES_ZH} 之一`,
      details: {
        zh: `请求体字段 type：应为 ${CHANNEL_TYPES_ZH} 之一`,
        en: `body field type: expected one of ${CHANNEL_TYPES_EN}`,
        problems: [
          {
            in: 'body',
            path: 'type',
            zh: `请求体字段 type：应为 ${CHANNEL_TYPES_ZH} 之一`,
            en: `body field type: expected one of ${CHANNEL_TYPES_EN}`,
          },
        ],
      },
    });
    const missing = await addChannel(s, {}, 'en');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toBe(
      `body field type: required but missing; accepted: ${CHANNEL_TYPES_EN}`,
    );
    expect(missing.json().error.details.zh).toBe(
      `请求体字段 type：必填，未提供；可选值：${CHANNEL_TYPES_ZH}`,
    );
    // A type of the wrong kind is told the same list.
    const number = await addChannel(s, { type: 5 }, 'en');
    expect(number.json().error.message).toBe(`body field type: expected one of ${CHANNEL_TYPES_EN}`);
    // Once the type is known, its own fields are checked as before.
    const noUrl = await addChannel(s, { type: 'feishu' }, 'en');
    expect(noUrl.statusCode).toBe(400);
    expect(noUrl.json().error.message).toBe('body field url: required but missing');
  });

  it('a plain union lists the kinds it takes; a value of one kind reports that kind’s own problem', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    // PUT …/monitor-rules takes YAML text or a JSON object: a JSON number is neither.
    const rules = await s.m.app.inject({
      method: 'PUT',
      url: `/api/v1/merchants/${s.id}/monitor-rules`,
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'accept-language': 'en' },
      payload: '5',
    });
    expect(rules.statusCode).toBe(400);
    expect(rules.json().error.message).toBe('the body: expected text or an object');
    expect(rules.json().error.details.zh).toBe('请求体：应为 文本 或 JSON 对象');

    // Any route's schema words them alike (the validator is shared): literals and types together, a required
    // field, and the one alternative whose kind the value has.
    const schema = z
      .object({
        limit: z.union([z.number().int(), z.literal('all')]),
        target: z.union([z.string(), z.object({ host: z.string(), port: z.number() }).strict()]),
      })
      .strict();
    const problems = (value: unknown) =>
      requestProblems('body', schema.safeParse(value, { reportInput: true }).error?.issues ?? [], schema).map(
        (p) => [p.path, p.zh, p.en],
      );
    expect(problems({ limit: 'some', target: 'x' })).toEqual([
      ['limit', '请求体字段 limit：应为 数字 或 all', 'body field limit: expected a number or all'],
    ]);
    expect(problems({ target: 'x' })).toEqual([
      ['limit', '请求体字段 limit：必填，未提供', 'body field limit: required but missing'],
    ]);
    expect(problems({ limit: 3, target: { host: 'h', port: 'p' } })).toEqual([
      ['target.port', '请求体字段 target.port：应为数字', 'body field target.port: expected a number'],
    ]);
  });
});
