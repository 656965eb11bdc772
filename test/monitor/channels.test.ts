import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  creditLine,
  openReceiver,
  type OwnerSession,
  ownerSession,
  type Receiver,
  waitFor,
} from './monitor-harness.js';

const cleanups = cleanupAfterEach();

async function addChannel(s: OwnerSession, payload: Record<string, unknown>): Promise<number> {
  const res = await s.post('alert-channels', payload);
  expect(res.statusCode).toBe(201);
  return res.json<{ id: number }>().id;
}

async function overcharge(s: OwnerSession): Promise<void> {
  const res = await s.post('settlements', creditLine(100_000, 800, 1));
  expect(res.json<{ alerts: unknown[] }>().alerts).toHaveLength(1);
}

async function deliveries(s: OwnerSession) {
  const res = await s.get('alerts');
  return (
    res.json<{
      alerts: { deliveries: { channelType: string; status: string; lastError: string | null }[] }[];
    }>().alerts[0]?.deliveries ?? []
  );
}

/** A robot stand-in: checks the signature the way DingTalk and Feishu do, answering their error codes. */
function robotVerifier(rx: Receiver, secret: string): void {
  rx.respond = (r) => {
    const url = new URL(r.url, 'http://x');
    if (url.pathname === '/dingtalk') {
      const ts = url.searchParams.get('timestamp') ?? '';
      const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
      const body = JSON.parse(r.body) as { msgtype: string; text: { content: string } };
      const ok = url.searchParams.get('sign') === expected && body.msgtype === 'text';
      return {
        status: 200,
        body: JSON.stringify(
          ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 310000, errmsg: 'sign not match' },
        ),
      };
    }
    if (url.pathname === '/feishu') {
      const body = JSON.parse(r.body) as {
        timestamp: string;
        sign: string;
        msg_type: string;
        content: { text: string };
      };
      const expected = createHmac('sha256', `${body.timestamp}\n${secret}`).update('').digest('base64');
      const ok = body.sign === expected && body.msg_type === 'text' && body.content.text.length > 0;
      return {
        status: 200,
        body: JSON.stringify(ok ? { code: 0, msg: 'success' } : { code: 19021, msg: 'sign match fail' }),
      };
    }
    const body = JSON.parse(r.body) as { msgtype: string; text: { content: string } };
    return {
      status: 200,
      body: JSON.stringify(body.msgtype === 'text' ? { errcode: 0 } : { errcode: 40008 }),
    };
  };
}

describe('alert channels', () => {
  it('delivers to DingTalk, Feishu and WeCom robots that verify the signatures', async () => {
    const s = await ownerSession(cleanups);
    const rx = await openReceiver(cleanups);
    robotVerifier(rx, 'SECabc');
    await addChannel(s, { type: 'dingtalk', url: `${rx.url}/dingtalk?access_token=tok`, secret: 'SECabc' });
    await addChannel(s, { type: 'feishu', url: `${rx.url}/feishu`, secret: 'SECabc' });
    await addChannel(s, { type: 'wecom', url: `${rx.url}/wecom?key=k1` });
    await overcharge(s);
    const done = await waitFor(async () => {
      const d = await deliveries(s);
      return d.length === 3 && d.every((x) => x.status === 'sent') ? d : undefined;
    });
    expect(done.map((d) => d.channelType)).toEqual(['dingtalk', 'feishu', 'wecom']);
    const wecom = rx.received.find((r) => r.url.startsWith('/wecom'));
    const text = (JSON.parse(wecom?.body ?? '{}') as { text: { content: string } }).text.content;
    expect(text).toContain('手续费多扣');
    expect(text).toContain('多扣 ¥2.00');
    expect(text).toMatch(/详情：https:\/\/posguard\.example\/m\/\d+\/alerts\/\d+/);
    // The URL's token is masked when channels are listed.
    const list = await s.get('alert-channels');
    expect(list.body).not.toContain('access_token=tok');
    expect(list.body).not.toContain('SECabc');
  });

  it('a robot refusing a wrong signature shows as a failed delivery with its error', async () => {
    const s = await ownerSession(cleanups, { maxAttempts: 1 });
    const rx = await openReceiver(cleanups);
    robotVerifier(rx, 'right');
    await addChannel(s, { type: 'dingtalk', url: `${rx.url}/dingtalk?access_token=t`, secret: 'wrong' });
    await overcharge(s);
    const d = await waitFor(async () => {
      const x = (await deliveries(s))[0];
      return x?.status === 'failed' ? x : undefined;
    });
    expect(d.lastError).toContain('310000');
  });

  it('sends e-mail over SMTP (POSGUARD_SMTP_URL) to a local SMTP server', async () => {
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
    const s = await ownerSession(cleanups, {
      smtpUrl: `smtp://127.0.0.1:${port}`,
      smtpFrom: 'alerts@posguard.example',
    });
    await addChannel(s, { type: 'email', address: 'ops@example.com' });
    await overcharge(s);
    const mail = await waitFor(() => mails[0]);
    expect(mail.to).toEqual(['ops@example.com']);
    const decoded = decodeMime(mail.raw);
    expect(decoded).toContain('多扣 ¥2.00');
    expect(decoded).toMatch(/\/m\/\d+\/alerts\/\d+/);
  });

  it('DELETE removes a channel; staff may list but not add', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    const chId = await addChannel(s, { type: 'webhook', url: 'http://127.0.0.1:9/x', secret: 'z' });
    const del = await s.delete(`alert-channels/${chId}`);
    expect(del.statusCode).toBe(204);
    const again = await s.delete(`alert-channels/${chId}`);
    expect(again.statusCode).toBe(404);
    const list = await s.get('alert-channels');
    expect(list.json<{ channels: unknown[] }>().channels).toEqual([]);
    const bad = await s.post('alert-channels', { type: 'pager', url: 'http://x' });
    expect(bad.statusCode).toBe(400);
  });
});

/** The text of a simple MIME message (quoted-printable or base64 body, encoded-word headers left as they are). */
function decodeMime(raw: string): string {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/Content-Transfer-Encoding: base64/i.test(head))
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) {
    const joined = body.replace(/=\r?\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < joined.length; i += 1) {
      if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
        bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(joined.charCodeAt(i));
    }
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}
