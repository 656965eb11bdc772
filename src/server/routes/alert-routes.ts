import type { FastifyInstance, FastifyRequest } from 'fastify';
import { stringify } from 'yaml';
import { z } from 'zod';
import { ALERT_KINDS } from '../../monitor/alert-kinds.js';
import { deliveryErrorText } from '../../monitor/channel-senders.js';
import { monitorSettingsFor } from '../../monitor/monitor-settings.js';
import { parseMonitorRules } from '../../monitor/rules.js';
import {
  addAlertChannel,
  CHANNEL_LANGUAGES,
  listAlertChannels,
  listAlerts,
  removeAlertChannel,
  setAlertChannelLanguage,
} from '../../storage/alerts-repo.js';
import { requireMerchantRole } from '../../storage/access.js';
import { appendAudit } from '../../storage/audit-log-repo.js';
import { getMonitorRules, saveMonitorRules } from '../../storage/monitor-repo.js';
import { actorOf, requireActor } from '../authenticate.js';
import { bilingualError } from '../http-error.js';
import { LangQuery, requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { dbId, routeSchema } from '../zod-route.js';
import { MerchantParams } from './merchant-routes.js';

const httpUrl = z
  .string()
  .max(2000)
  .refine((u) => /^https?:\/\/[^\s]+$/.test(u), {
    message: 'expected an http(s) URL',
    params: { zh: '应为 http:// 或 https:// 开头的网址' },
  });
/** What the channel is sent in: `zh` (the default), `en`, or `both` (the Chinese, then the English). */
const language = z.enum(CHANNEL_LANGUAGES);
const robot = {
  url: httpUrl,
  secret: z.string().min(1).max(500).optional(),
  language: language.optional(),
};
const ChannelBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), ...robot }).strict(),
  z.object({ type: z.literal('wecom'), ...robot }).strict(),
  z.object({ type: z.literal('dingtalk'), ...robot }).strict(),
  z.object({ type: z.literal('feishu'), ...robot }).strict(),
  z.object({ type: z.literal('email'), address: z.email().max(320), language: language.optional() }).strict(),
]);
const ChannelChange = z.object({ language }).strict();
const ChannelParams = z.object({
  id: dbId(),
  channelId: dbId(),
});
const AlertsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  kind: z.enum(ALERT_KINDS).optional(),
  ...LangQuery.shape,
});
const RulesBody = z.union([z.string().max(200_000), z.record(z.string(), z.unknown())]);

/**
 * A channel's target as the API shows it: whoever holds a robot's URL can post to the group, so its token is
 * masked wherever it sits — WeCom's `key=` and DingTalk's `access_token=` in the query, Feishu's (and Lark's)
 * in the path after `/hook/`. An e-mail address is shown as it is.
 */
export function maskedTarget(type: string, target: string): string {
  if (type === 'email') return target;
  return target
    .replace(/([?&](access_token|key|token)=)[^&#]+/g, '$1***')
    .replace(/(\/hook\/)[^/?#]+/g, '$1***');
}

/** Who asks to change which channel of which merchant, and when. */
interface ChannelRequest {
  userId: number;
  merchantId: number;
  channelId: number;
  at: string;
}

/**
 * Changes the channel the path names with `change` — which answers undefined (or false) when the merchant has
 * no such channel: a 404 — and writes the change to the merchant's audit log.
 */
async function changeChannel<T>(
  ctx: ServerContext,
  request: FastifyRequest,
  action: 'alert_channel_change' | 'alert_channel_remove',
  details: Record<string, unknown>,
  change: (asked: ChannelRequest) => Promise<T | undefined | false>,
): Promise<T> {
  const { userId } = actorOf(request);
  const { id: merchantId, channelId } = request.params as z.infer<typeof ChannelParams>;
  const at = ctx.now().toISOString();
  const changed = await change({ userId, merchantId, channelId, at });
  if (changed === undefined || changed === false) {
    throw bilingualError(requestLang(request), 404, 'not_found', {
      zh: `未找到告警通道 ${channelId}`,
      en: `no alert channel ${channelId}`,
    });
  }
  await appendAudit(ctx.db, {
    userId,
    merchantId,
    action,
    details: { channelId, ...details },
    address: request.ip,
    at,
  });
  return changed;
}

/** Alert channels, the alerts with their delivery status, and the merchant's monitor rules. */
export function alertRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = requireActor(ctx);

  app.post(
    '/api/v1/merchants/:id/alert-channels',
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        body: ChannelBody,
        summary:
          'Add an alert channel (type webhook, wecom, dingtalk, feishu or email; email only when the server has POSGUARD_SMTP_URL set, else 422 email_not_configured); `language` is what it is sent in: zh (the default), en, or both (the Chinese, then the English)',
        tags: ['monitor'],
      }),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const body = request.body as z.infer<typeof ChannelBody>;
      if (body.type === 'email' && monitorSettingsFor(ctx.db).smtpUrl === undefined) {
        // Refused rather than stored: without an SMTP server every message to it would wait in the queue for
        // good. Asked after the role, so who may not add channels learns nothing of the server's settings.
        await requireMerchantRole(ctx.db, actor.userId, id, 'write');
        throw bilingualError(requestLang(request), 422, 'email_not_configured', {
          zh: '这台服务器没有设置发信服务器（环境变量 POSGUARD_SMTP_URL，例如 smtp://用户:密码@smtp.example.com:587），不能添加邮件告警渠道；请管理员设置后重启服务，或改用 webhook、企业微信、钉钉、飞书渠道',
          en: 'this server has no SMTP server set (the POSGUARD_SMTP_URL environment variable, e.g. smtp://user:pass@smtp.example.com:587), so an e-mail alert channel cannot be added; ask the administrator to set it and restart the server, or use a webhook, WeCom, DingTalk or Feishu channel',
        });
      }
      const at = ctx.now().toISOString();
      const channel = await addAlertChannel(ctx.db, actor.userId, id, {
        type: body.type,
        target: body.type === 'email' ? body.address : body.url,
        secret: body.type === 'email' ? undefined : body.secret,
        language: body.language,
        at,
      });
      await appendAudit(ctx.db, {
        userId: actor.userId,
        merchantId: id,
        action: 'alert_channel_add',
        details: { channelId: channel.id, type: channel.type, language: channel.language },
        address: request.ip,
        at,
      });
      return reply.status(201).send({ ...channel, target: maskedTarget(channel.type, channel.target) });
    },
  );

  app.get(
    '/api/v1/merchants/:id/alert-channels',
    {
      preHandler: auth,
      schema: routeSchema({ params: MerchantParams, summary: 'List alert channels', tags: ['monitor'] }),
    },
    async (request) => {
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const channels = await listAlertChannels(ctx.db, actorOf(request).userId, id);
      return { channels: channels.map((c) => ({ ...c, target: maskedTarget(c.type, c.target) })) };
    },
  );

  app.patch(
    '/api/v1/merchants/:id/alert-channels/:channelId',
    {
      preHandler: auth,
      schema: routeSchema({
        params: ChannelParams,
        body: ChannelChange,
        summary: 'Change the language a channel is sent in (zh, en or both), from its next message on',
        tags: ['monitor'],
      }),
    },
    async (request) => {
      const { language } = request.body as z.infer<typeof ChannelChange>;
      const channel = await changeChannel(ctx, request, 'alert_channel_change', { language }, (c) =>
        setAlertChannelLanguage(ctx.db, c.userId, c.merchantId, c.channelId, language),
      );
      return { ...channel, target: maskedTarget(channel.type, channel.target) };
    },
  );

  app.delete(
    '/api/v1/merchants/:id/alert-channels/:channelId',
    {
      preHandler: auth,
      schema: routeSchema({ params: ChannelParams, summary: 'Remove an alert channel', tags: ['monitor'] }),
    },
    async (request, reply) => {
      await changeChannel(ctx, request, 'alert_channel_remove', {}, (c) =>
        removeAlertChannel(ctx.db, c.userId, c.merchantId, c.channelId, c.at),
      );
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/merchants/:id/alerts',
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        querystring: AlertsQuery,
        summary:
          "Monitor alerts, newest first, with delivery status; `message` and each delivery's `lastError` in ?lang= or Accept-Language (zh by default), `messageZh`/`messageEn` and `lastErrorZh`/`lastErrorEn` both",
        tags: ['monitor'],
      }),
    },
    async (request) => {
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const q = request.query as z.infer<typeof AlertsQuery>;
      const lang = requestLang(request);
      const alerts = await listAlerts(ctx.db, actorOf(request).userId, id, {
        limit: q.limit,
        kind: q.kind,
        lang,
      });
      // A delivery's error is stored as the sender wrote it (English, or what the receiver answered): shown in the
      // language of the request like the message, with both wordings beside it for a page that switches.
      return {
        alerts: alerts.map((a) => ({
          ...a,
          deliveries: a.deliveries.map((d) => {
            if (d.lastError === null) return { ...d, lastErrorZh: null, lastErrorEn: null };
            const text = deliveryErrorText(d.lastError);
            return {
              ...d,
              lastError: lang === 'en' ? text.en : text.zh,
              lastErrorZh: text.zh,
              lastErrorEn: text.en,
            };
          }),
        })),
      };
    },
  );

  app.get(
    '/api/v1/merchants/:id/monitor-rules',
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        summary: 'The monitor rules in force',
        tags: ['monitor'],
      }),
    },
    async (request) => {
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const got = await getMonitorRules(ctx.db, actorOf(request).userId, id);
      return { tuned: got.text, rules: got.rules, yaml: stringify(got.rules), updatedAt: got.updatedAt };
    },
  );

  app.put(
    '/api/v1/merchants/:id/monitor-rules',
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        body: RulesBody,
        summary:
          'Tune the monitor rules (YAML as application/yaml, or JSON); absent keys keep their defaults',
        tags: ['monitor'],
        consumes: ['application/yaml', 'application/json'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const body = request.body as z.infer<typeof RulesBody>;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const parsed = parseMonitorRules(body);
      if (!parsed.ok) {
        // Each problem is worded by the rules parser in both languages (a path and what it expected), as a refused
        // request's fields are: the message in the request's language, every problem with both texts.
        const { problems } = parsed;
        const n = problems.length;
        throw bilingualError(
          requestLang(request),
          400,
          'invalid_rules',
          {
            zh: `监控规则有 ${n} 处错误：${problems.map((p) => p.zh).join('；')}`,
            en: `the monitor rules have ${n} ${n === 1 ? 'problem' : 'problems'}: ${problems.map((p) => p.en).join('; ')}`,
          },
          { problems },
        );
      }
      const at = ctx.now().toISOString();
      await saveMonitorRules(ctx.db, actor.userId, id, text, at);
      await appendAudit(ctx.db, {
        userId: actor.userId,
        merchantId: id,
        action: 'monitor_rules_change',
        details: {},
        address: request.ip,
        at,
      });
      return { rules: parsed.rules };
    },
  );
}
