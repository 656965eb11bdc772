import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { alertWording } from '../../src/monitor/alert-text.js';
import { AlertWorker } from '../../src/monitor/alert-worker.js';
import { runDailyChecks } from '../../src/monitor/daily-checks.js';
import { configureMonitor, monitorSettingsFor } from '../../src/monitor/monitor-settings.js';
import { formatFen } from '../../src/money/index.js';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectApp } from './dialect-app.js';
import {
  cleanupAfterEach,
  creditLine,
  openReceiver,
  ownerSession,
  PLAN_YAML,
  type Received,
  type Receiver,
  signInStaff,
  waitFor,
} from './monitor-harness.js';

const cleanups = cleanupAfterEach();

// Each alert channel is sent in its own language: zh (the default), en, or both (the Chinese, then the English).

const ZH = '2026-10-01 刷卡贷记卡 交易 ¥1,000.00 实扣手续费 ¥8.00，按费率方案应为 ¥6.00，多扣 ¥2.00';
const EN =
  '2026-10-01 credit card sale of ¥1,000.00 charged a fee of ¥8.00 where the plan gives ¥6.00: ¥2.00 overcharged';
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

/**
 * A monitor app on a fresh database of `dialect` with the test plan, whose alerts a running delivery worker (on
 * the app's clock) sends to real robots and webhooks — the local receiver `rx` — and, given `smtpUrl`, mail.
 */
async function deliveringApp(
  dialect: DialectName,
  now: string,
  smtp: { smtpUrl?: string; smtpFrom?: string } = {},
): Promise<{ a: DialectApp; rx: Receiver }> {
  const a = await dialectApp(dialect, now);
  cleanups.push(() => a.close());
  // The API takes an e-mail channel only when the server has an SMTP URL: the app's settings get the test's.
  configureMonitor(a.storage.db, { ...monitorSettingsFor(a.storage.db), ...smtp });
  await a.putPlan(PLAN_YAML);
  const rx = await openReceiver(cleanups);
  const settings = { ...monitorSettingsFor(a.storage.db), ...smtp };
  const worker = new AlertWorker(
    a.storage.db,
    { ...settings, pollMs: 50, backoffBaseMs: 100, maxAttempts: 3, timeoutMs: 3000 },
    () => a.clock.now,
  );
  worker.start();
  // Cleanups run newest first: the worker stops before the database it reads is closed.
  cleanups.push(() => worker.stop());
  return { a, rx };
}

async function addChannel(a: DialectApp, payload: Record<string, unknown>): Promise<number> {
  const res = await a.post('alert-channels', payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: number }>().id;
}

/** A ¥1,000.00 credit sale charged ¥8.00 where the plan gives ¥6.00: one fee_overcharge alert; its id. */
async function overcharge(a: DialectApp, n = 1): Promise<number> {
  const res = await a.post('settlements', creditLine(100_000, 800, n, `2026-10-0${n}T10:00:00+08:00`));
  expect(res.statusCode, res.body).toBe(201);
  const alerts = res.json<{ alerts: { id: number; kind: string }[] }>().alerts;
  expect(alerts.map((x) => x.kind)).toEqual(['fee_overcharge']);
  return alerts[0]?.id ?? 0;
}

/** The text a robot was posted: WeCom's and DingTalk's `text.content`, Feishu's `content.text`. */
function robotText(r: Received): string {
  const sent = JSON.parse(r.body) as { text?: { content: string }; content?: { text: string } };
  return sent.text?.content ?? sent.content?.text ?? '';
}

/** What the receiver's path `path` was sent, in the order it was sent. */
const sentTo = (rx: Receiver, path: string): Received[] => rx.received.filter((r) => r.url.startsWith(path));

/** Waits until the receiver has had `n` requests. */
const received = (rx: Receiver, n: number) => waitFor(() => (rx.received.length >= n ? true : undefined));

describe.each(DIALECTS)('alerts delivered in each channel’s language, on %s', (dialect: DialectName) => {
  it('a robot gets the alert in its language: Chinese by default, English, or both; a webhook both messages', async () => {
    const { a, rx } = await deliveringApp(dialect, '2026-10-02T02:00:00Z');
    await addChannel(a, { type: 'wecom', url: `${rx.url}/zh?key=k1` });
    await addChannel(a, { type: 'dingtalk', url: `${rx.url}/en?access_token=t`, language: 'en' });
    await addChannel(a, { type: 'feishu', url: `${rx.url}/both/hook/abc`, language: 'both' });
    await addChannel(a, { type: 'webhook', url: `${rx.url}/hook`, language: 'en' });
    const id = await overcharge(a);
    await received(rx, 4);
    const link = `https://posguard.example/m/${a.merchantId}/alerts/${id}`;
    const zh = `【POS跳点卫士】手续费多扣\n${ZH}\n详情：${link}`;
    const en = `[posguard] Fee overcharged\n${EN}\nDetails: ${link}`;
    expect(sentTo(rx, '/zh').map(robotText)).toEqual([zh]);
    expect(sentTo(rx, '/en').map(robotText)).toEqual([en]);
    expect(en).not.toMatch(CJK);
    expect(sentTo(rx, '/both').map(robotText)).toEqual([`${zh}\n\n${en}`]);
    // A webhook's JSON is read by a program, not a person: both messages, whatever its language.
    const [hook] = sentTo(rx, '/hook');
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      id,
      kind: 'fee_overcharge',
      message: ZH,
      messageEn: EN,
      link,
    });
    // The listing says which language each channel is sent in.
    const list = await a.get('alert-channels');
    expect(list.json<{ channels: { type: string; language: string }[] }>().channels).toMatchObject([
      { type: 'wecom', language: 'zh' },
      { type: 'dingtalk', language: 'en' },
      { type: 'feishu', language: 'both' },
      { type: 'webhook', language: 'en' },
    ]);
  });

  it('an alert whose amount grows is sent again in each channel’s language', async () => {
    const { a, rx } = await deliveringApp(dialect, '2026-10-02T02:00:00Z');
    await addChannel(a, { type: 'wecom', url: `${rx.url}/zh?key=k1` });
    await addChannel(a, { type: 'dingtalk', url: `${rx.url}/en?access_token=t`, language: 'en' });
    const id = await overcharge(a);
    // Same day and card: ¥30,580.00 at 0.60 % is ¥183.48, ¥917.34 taken: one line over ¥100.00 more.
    const more = await a.post('settlements', creditLine(3_058_000, 91_734, 2, '2026-10-01T11:00:00+08:00'));
    expect(more.statusCode, more.body).toBe(201);
    await received(rx, 4);
    const grown = await a.storage.db
      .selectFrom('monitor_alerts')
      .select(['message', 'message_en'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(grown.message).toContain('合计多扣 ¥735.86');
    const link = `https://posguard.example/m/${a.merchantId}/alerts/${id}`;
    expect(sentTo(rx, '/zh').map(robotText)[1]).toBe(
      `【POS跳点卫士】手续费多扣（金额更新）\n${grown.message}\n详情：${link}`,
    );
    const update = sentTo(rx, '/en').map(robotText)[1];
    expect(update).toBe(`[posguard] Fee overcharged (amount updated)\n${grown.message_en}\nDetails: ${link}`);
    expect(update).not.toMatch(CJK);
  });

  it('a channel switched to English gets the next alert in English; the switch is kept', async () => {
    const { a, rx } = await deliveringApp(dialect, '2026-10-03T02:00:00Z');
    const channel = await addChannel(a, { type: 'wecom', url: `${rx.url}/robot?key=k1` });
    const first = await overcharge(a, 1);
    await received(rx, 1);
    const change = await a.app.inject({
      method: 'PATCH',
      url: `/api/v1/merchants/${a.merchantId}/alert-channels/${channel}`,
      headers: { cookie: a.cookie },
      payload: { language: 'en' },
    });
    expect(change.statusCode, change.body).toBe(200);
    expect(change.json()).toMatchObject({
      id: channel,
      type: 'wecom',
      language: 'en',
      target: `${rx.url}/robot?key=***`,
    });
    const second = await overcharge(a, 2);
    await received(rx, 2);
    const link = (id: number) => `https://posguard.example/m/${a.merchantId}/alerts/${id}`;
    expect(rx.received.map(robotText)).toEqual([
      `【POS跳点卫士】手续费多扣\n${ZH}\n详情：${link(first)}`,
      `[posguard] Fee overcharged\n${EN.replace('2026-10-01', '2026-10-02')}\nDetails: ${link(second)}`,
    ]);
    const list = await a.get('alert-channels');
    expect(list.json<{ channels: { language: string }[] }>().channels.map((c) => c.language)).toEqual(['en']);
    const audit = await a.storage.db
      .selectFrom('audit_log')
      .select(['action', 'details_json'])
      .where('merchant_id', '=', a.merchantId)
      .where('action', '=', 'alert_channel_change')
      .execute();
    expect(audit.map((r) => JSON.parse(r.details_json))).toEqual([{ channelId: channel, language: 'en' }]);
  });
});

describe.each(DIALECTS)(
  'the daily digest delivered in each channel’s language, on %s',
  (dialect: DialectName) => {
    it('reaches robots and mail in Chinese, English or both, with the same figures', async () => {
      const mails: { to: string[]; raw: string }[] = [];
      const smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            mails.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              raw: Buffer.concat(chunks).toString('utf8'),
            });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
      const port = (smtp.server.address() as AddressInfo).port;
      // Tuesday 11-10, 10:00 in Shanghai: the day the digest of Monday 11-09 goes out.
      const { a, rx } = await deliveringApp(dialect, '2026-11-10T02:00:00Z', {
        smtpUrl: `smtp://127.0.0.1:${port}`,
        smtpFrom: 'alerts@posguard.example',
      });
      await addChannel(a, { type: 'wecom', url: `${rx.url}/zh?key=k1` });
      await addChannel(a, { type: 'dingtalk', url: `${rx.url}/en?access_token=t`, language: 'en' });
      await addChannel(a, { type: 'feishu', url: `${rx.url}/both/hook/abc`, language: 'both' });
      await addChannel(a, { type: 'webhook', url: `${rx.url}/hook` });
      await addChannel(a, { type: 'email', address: 'ops@example.com', language: 'en' });
      // Friday 11-06 sold ¥100.00 and no statement came: Monday's run raises missing_statement, which Tuesday's
      // digest counts.
      const sale = await a.post('transactions', {
        type: 'sale',
        status: 'success',
        time: '2026-11-06T12:00:00+08:00',
        refNo: 'R1',
        channel: 'card',
        card: 'credit',
        amountFen: 10_000,
      });
      expect(sale.statusCode, sale.body).toBe(201);
      // Times as the scheduler passes them (toISOString), which is how the worker compares them with its clock.
      const opts = { publicUrl: 'https://posguard.example' };
      await runDailyChecks(a.storage.db, '2026-11-09', { ...opts, at: '2026-11-09T02:00:00.000Z' });
      const tue = await runDailyChecks(a.storage.db, '2026-11-10', {
        ...opts,
        at: a.clock.now.toISOString(),
      });
      const ours = tue.find((r) => r.merchantId === a.merchantId);
      expect(ours?.digestQueued).toBe(5);
      // Each channel is sent Monday's alert, then the digest.
      await received(rx, 8);
      await waitFor(() => (mails.length >= 2 ? true : undefined));

      const alert = await a.storage.db
        .selectFrom('monitor_alerts')
        .select(['id', 'message', 'message_en'])
        .where('merchant_id', '=', a.merchantId)
        .where('kind', '=', 'missing_statement')
        .executeTakeFirstOrThrow();
      const alertLink = `https://posguard.example/m/${a.merchantId}/alerts/${alert.id}`;
      const alertZh = `【POS跳点卫士】结算单未到\n${alert.message}\n详情：${alertLink}`;
      const alertEn = `[posguard] Statement missing\n${alert.message_en}\nDetails: ${alertLink}`;

      const f = ours?.audit ?? { findings: 0, overchargeFen: 0, lossFen: 0 };
      const link = `https://posguard.example/m/${a.merchantId}/alerts`;
      const zh = [
        '【POS跳点卫士】2026-11-09 监控日报',
        '结算单未到 1 条，待结算交易 ¥100.00（尚未到账的风险金额，不计入损失）',
        `2026-10-27 至 2026-11-09 对账：发现 ${f.findings} 条，多扣 ${formatFen(f.overchargeFen)}，损失 ${formatFen(f.lossFen)}`,
        `详情：${link}`,
      ].join('\n');
      const en = [
        '[posguard] Monitoring digest of 2026-11-09',
        'Statement missing: 1 alert, ¥100.00 of sales awaiting settlement (money at risk, not yet paid out; not counted as lost)',
        `Reconciliation 2026-10-27 to 2026-11-09: ${f.findings} ${f.findings === 1 ? 'finding' : 'findings'}, overcharged ${formatFen(f.overchargeFen)}, lost ${formatFen(f.lossFen)}`,
        `Details: ${link}`,
      ].join('\n');
      expect(sentTo(rx, '/zh').map(robotText)).toEqual([alertZh, zh]);
      expect(sentTo(rx, '/en').map(robotText)).toEqual([alertEn, en]);
      for (const text of sentTo(rx, '/en').map(robotText)) expect(text).not.toMatch(CJK);
      expect(sentTo(rx, '/both').map(robotText)).toEqual([`${alertZh}\n\n${alertEn}`, `${zh}\n\n${en}`]);
      // The webhook's JSON carries the figures, the same whatever the channel's language.
      const [, digestJson] = sentTo(rx, '/hook');
      const digestPayload = JSON.parse(digestJson?.body ?? '{}') as Record<string, unknown>;
      expect(digestPayload).toMatchObject({ type: 'digest', date: '2026-11-09', atRiskFen: 10_000, link });
      const stored = await a.storage.db
        .selectFrom('alert_deliveries')
        .select('payload_json')
        .where('merchant_id', '=', a.merchantId)
        .where('kind', '=', 'digest')
        .execute();
      expect(stored.map((d) => JSON.parse(d.payload_json))).toEqual(Array(5).fill(digestPayload));
      // The mailbox set to English gets English subjects.
      expect(mails.map((m) => m.to)).toEqual([['ops@example.com'], ['ops@example.com']]);
      expect(mails.map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1])).toEqual([
        '[posguard] Statement missing',
        '[posguard] Monitoring digest of 2026-11-09',
      ]);
    });
  },
);

describe('a channel’s language as the API takes it', () => {
  it('refuses a language it does not know, naming the field, in the language of the request', async () => {
    // An SMTP URL, as an e-mail channel needs one (nothing is sent: no worker).
    const s = await ownerSession(cleanups, { worker: false, smtpUrl: 'smtp://127.0.0.1:9' });
    const add = (lang: string) =>
      s.m.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${s.id}/alert-channels${lang}`,
        headers: { cookie: s.cookie },
        payload: { type: 'wecom', url: 'http://127.0.0.1:9/robot', language: 'fr' },
      });
    const zh = await add('');
    expect(zh.statusCode).toBe(400);
    expect(zh.json().error).toEqual({
      code: 'invalid_request',
      message: '请求体字段 language：应为 zh、en、both 之一',
      details: {
        zh: '请求体字段 language：应为 zh、en、both 之一',
        en: 'body field language: expected one of zh, en, both',
        problems: [
          {
            in: 'body',
            path: 'language',
            zh: '请求体字段 language：应为 zh、en、both 之一',
            en: 'body field language: expected one of zh, en, both',
          },
        ],
      },
    });
    const en = await add('?lang=en');
    expect(en.statusCode).toBe(400);
    expect(en.json().error.message).toBe('body field language: expected one of zh, en, both');
    // An e-mail channel takes the setting too, and refuses the same.
    const mail = await s.post('alert-channels', {
      type: 'email',
      address: 'ops@example.com',
      language: 'EN',
    });
    expect(mail.statusCode).toBe(400);
    expect(mail.json().error.message).toBe('请求体字段 language：应为 zh、en、both 之一');
    const good = await s.post('alert-channels', {
      type: 'email',
      address: 'ops@example.com',
      language: 'en',
    });
    expect(good.statusCode, good.body).toBe(201);
    expect(good.json()).toMatchObject({ type: 'email', target: 'ops@example.com', language: 'en' });
    expect((await s.get('alert-channels')).json<{ channels: unknown[] }>().channels).toHaveLength(1);

    const patch = (channelId: number, payload: Record<string, unknown>, cookie = s.cookie) =>
      s.m.app.inject({
        method: 'PATCH',
        url: `/api/v1/merchants/${s.id}/alert-channels/${channelId}?lang=en`,
        headers: { cookie },
        payload,
      });
    const id = good.json<{ id: number }>().id;
    const badChange = await patch(id, { language: 'de' });
    expect(badChange.statusCode).toBe(400);
    expect(badChange.json().error.message).toBe('body field language: expected one of zh, en, both');
    const missing = await patch(9999, { language: 'zh' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe('no alert channel 9999');
    // A removed channel is not there to change either.
    const removed = await s.post('alert-channels', { type: 'wecom', url: 'http://127.0.0.1:9/gone' });
    const removedId = removed.json<{ id: number }>().id;
    expect((await s.delete(`alert-channels/${removedId}`)).statusCode).toBe(204);
    expect((await patch(removedId, { language: 'en' })).statusCode).toBe(404);
    // Read-only staff may not change it.
    const staff = await signInStaff(s.m, s.id);
    expect((await patch(id, { language: 'zh' }, staff)).statusCode).toBe(403);
    expect(
      (await s.get('alert-channels')).json<{ channels: { language: string }[] }>().channels,
    ).toMatchObject([{ language: 'en' }]);
  });
});

describe('an alert’s wording for a channel', () => {
  it('an alert stored before alerts carried English goes in Chinese: under the English heading, or once for both', () => {
    const link = 'https://posguard.example/m/1/alerts/7';
    const old = { kind: 'rate_change' as const, message: '费率由 0.60% 变为 0.63%', messageEn: null, link };
    expect(alertWording('en', old)).toEqual({
      subject: '[posguard] Rate change (suspected fee jump)',
      text: `[posguard] Rate change (suspected fee jump)\n费率由 0.60% 变为 0.63%\nDetails: ${link}`,
    });
    expect(alertWording('both', old)).toEqual({
      subject: '【POS跳点卫士】费率变化（疑似跳点）',
      text: `【POS跳点卫士】费率变化（疑似跳点）\n费率由 0.60% 变为 0.63%\n详情：${link}`,
    });
    expect(
      alertWording('both', { ...old, messageEn: 'rate went from 0.60% to 0.63%', update: true }),
    ).toEqual({
      subject:
        '【POS跳点卫士】费率变化（疑似跳点）（金额更新） / [posguard] Rate change (suspected fee jump) (amount updated)',
      text:
        `【POS跳点卫士】费率变化（疑似跳点）（金额更新）\n费率由 0.60% 变为 0.63%\n详情：${link}\n\n` +
        `[posguard] Rate change (suspected fee jump) (amount updated)\nrate went from 0.60% to 0.63%\nDetails: ${link}`,
    });
  });
});
