import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Lang } from './merchant-audit.js';

/** `?lang=zh|en`, the query the report and dashboard routes take. */
export const LangQuery = z.object({ lang: z.enum(['zh', 'en']).optional() });

/**
 * The language of a request's messages: `?lang=` when given, else the first of zh / en the browser prefers
 * (Accept-Language, by q), else zh — the dashboard's users read Chinese first.
 */
export function requestLang(request: FastifyRequest): Lang {
  // From the URL as sent: a route's query schema replaces request.query, dropping a `lang` it does not declare
  // or filling in its default, and neither is what the client asked for.
  const asked = new URLSearchParams(request.url.split('?')[1] ?? '').get('lang');
  const query = LangQuery.safeParse({ lang: asked ?? undefined });
  if (query.success && query.data.lang !== undefined) return query.data.lang;
  const header = request.headers['accept-language'];
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ranked = text
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((l) => l.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'zh';
}
