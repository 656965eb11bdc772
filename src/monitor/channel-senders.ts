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

/**
 * What an e-mail delivery records when the server has no SMTP server set. Stored in English, as every delivery
 * error is (what the channel or the network said); deliveryErrorText words it in both languages for display.
 */
export const NO_SMTP_ERROR = 'POSGUARD_SMTP_URL is not set';

/** What a delivery removed with its channel records (the web page matches it too). */
export const CHANNEL_REMOVED_ERROR = 'channel removed';

/**
 * A delivery's stored error in both languages, for the alerts list and the dashboard: the errors this code writes
 * are worded in Chinese too; what a robot or server answered (its HTTP status and body, a robot's error code and
 * message) is kept as it came, behind a Chinese lead, since that text is the receiver's, not ours.
 */
export function deliveryErrorText(stored: string): { zh: string; en: string } {
  if (stored === CHANNEL_REMOVED_ERROR) return { zh: '渠道已删除', en: stored };
  if (stored.includes(NO_SMTP_ERROR)) {
    return {
      zh: '服务端未设置发信服务器（环境变量 POSGUARD_SMTP_URL），邮件无法发送；请管理员设置后重启服务',
      en: "e-mail cannot be sent: the server's SMTP setting (POSGUARD_SMTP_URL) is not set; ask the administrator to set it and restart the server",
    };
  }
  if (stored === 'failed') return { zh: '发送失败', en: 'failed' };
  const http = /^HTTP (\d{3})(?: ([\s\S]*))?$/.exec(stored);
  if (http !== null) {
    const body = http[2] ?? '';
    return { zh: `对方返回 HTTP ${http[1]}${body === '' ? '' : `：${body}`}`, en: stored };
  }
  const robot = /^robot error (-?\d+):\s?([\s\S]*)$/.exec(stored);
  if (robot !== null) {
    const said = robot[2] ?? '';
    return {
      zh: `机器人返回错误码 ${robot[1]}${said === '' ? '' : `：${said}`}（请检查地址和签名密钥）`,
      en: stored,
    };
  }
  if (stored.startsWith('TimeoutError:')) return { zh: `对方在限定时间内没有应答（${stored}）`, en: stored };
  if (stored.startsWith('TypeError: fetch failed'))
    return { zh: `无法连接到对方地址（${stored}）`, en: stored };
  return { zh: `发送失败：${stored}`, en: stored };
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
      if (options.smtpUrl === undefined) return { ok: false, error: NO_SMTP_ERROR };
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
