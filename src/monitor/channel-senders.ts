import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ChannelType } from '../storage/alerts-repo.js';
import type { Wording } from './alert-text.js';

/** What a channel is asked to deliver, in the channel's language (the deliveries are queued worded so). */
export interface OutgoingMessage extends Wording {
  /** The JSON a webhook receives. */
  payload: Record<string, unknown>;
}

/** A channel as stored. */
export interface ChannelTarget {
  type: ChannelType;
  target: string;
  secret: string | null;
}

/** How one attempt went. */
export interface SendResult {
  ok: boolean;
  httpStatus?: number;
  error?: string;
}

/** `sha256=<hex>` of the body under the secret, as the X-Posguard-Signature header carries it. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** DingTalk robot signing: base64(HMAC-SHA256(key=secret, msg=timestamp + "\n" + secret)), not yet URL-encoded. */
export function dingtalkSign(secret: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

/** Feishu robot signing: base64(HMAC-SHA256(key=timestamp + "\n" + secret, msg="")). */
export function feishuSign(secret: string, timestamp: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  robot: boolean,
): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok)
      return { ok: false, httpStatus: res.status, error: `HTTP ${res.status} ${text.slice(0, 200)}` };
    if (robot) {
      // The robots answer 200 with an error code in the body when the signature or the key is wrong.
      try {
        const answer = JSON.parse(text) as { errcode?: number; code?: number; errmsg?: string; msg?: string };
        const code = answer.errcode ?? answer.code ?? 0;
        if (code !== 0)
          return {
            ok: false,
            httpStatus: res.status,
            error: `robot error ${code}: ${answer.errmsg ?? answer.msg ?? ''}`,
          };
      } catch {
        // A non-JSON 200 is taken as delivered.
      }
    }
    return { ok: true, httpStatus: res.status };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Sends one message on one channel; never throws (a failure is a result). */
export async function sendToChannel(
  channel: ChannelTarget,
  message: OutgoingMessage,
  options: { timeoutMs: number; smtpUrl?: string | undefined; smtpFrom: string; nowMs: number },
): Promise<SendResult> {
  const secret = channel.secret ?? '';
  switch (channel.type) {
    case 'webhook': {
      const body = JSON.stringify(message.payload);
      const headers: Record<string, string> =
        channel.secret === null ? {} : { 'x-posguard-signature': webhookSignature(secret, body) };
      return post(channel.target, body, headers, options.timeoutMs, false);
    }
    case 'wecom':
      return post(
        channel.target,
        JSON.stringify({ msgtype: 'text', text: { content: message.text } }),
        {},
        options.timeoutMs,
        true,
      );
    case 'dingtalk': {
      let url = channel.target;
      if (channel.secret !== null) {
        const timestamp = String(options.nowMs);
        const sep = url.includes('?') ? '&' : '?';
        url = `${url}${sep}timestamp=${timestamp}&sign=${encodeURIComponent(dingtalkSign(secret, timestamp))}`;
      }
      return post(
        url,
        JSON.stringify({ msgtype: 'text', text: { content: message.text } }),
        {},
        options.timeoutMs,
        true,
      );
    }
    case 'feishu': {
      const timestamp = String(Math.floor(options.nowMs / 1000));
      const body: Record<string, unknown> = { msg_type: 'text', content: { text: message.text } };
      if (channel.secret !== null) {
        body['timestamp'] = timestamp;
        body['sign'] = feishuSign(secret, timestamp);
      }
      return post(channel.target, JSON.stringify(body), {}, options.timeoutMs, true);
    }
    case 'email': {
      if (options.smtpUrl === undefined) return { ok: false, error: 'POSGUARD_SMTP_URL is not set' };
      try {
        const transport = nodemailer.createTransport(options.smtpUrl);
        await transport.sendMail({
          from: options.smtpFrom,
          to: channel.target,
          subject: message.subject,
          text: message.text,
        });
        transport.close();
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }
  }
}
