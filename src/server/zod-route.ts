import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { describeFormat, InvalidRequest, type RequestPart, requestProblems } from './invalid-request.js';

const zodByJson = new Map<string, z.ZodType>();

/**
 * Turns a zod schema into the JSON Schema Fastify and OpenAPI see, remembering the zod schema so the
 * validator below runs zod itself (coercion, refinements) rather than a JSON Schema approximation.
 */
export function zod(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json['$schema'];
  zodByJson.set(JSON.stringify(json), schema);
  return json;
}

/** A route schema whose parts are zod schemas (documented in OpenAPI, validated by zod). */
export function routeSchema(parts: {
  body?: z.ZodType;
  querystring?: z.ZodType;
  params?: z.ZodType;
  summary?: string;
  tags?: string[];
  consumes?: string[];
}): FastifySchema {
  const schema: Record<string, unknown> = {};
  if (parts.body !== undefined) schema['body'] = zod(parts.body);
  if (parts.querystring !== undefined) schema['querystring'] = zod(parts.querystring);
  if (parts.params !== undefined) schema['params'] = zod(parts.params);
  if (parts.summary !== undefined) schema['summary'] = parts.summary;
  if (parts.tags !== undefined) schema['tags'] = parts.tags;
  if (parts.consumes !== undefined) schema['consumes'] = parts.consumes;
  return schema;
}

/**
 * Validates every route part with the zod schema it was declared with; a refusal is an InvalidRequest naming
 * each field and what it expects (the error handler words it in the request's language). Responses are plain JSON.
 */
export function installZodCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const zs = zodByJson.get(JSON.stringify(schema));
    if (zs === undefined) return () => true;
    const part = (httpPart ?? 'body') as RequestPart;
    return (data: unknown) => {
      // reportInput tells an absent field (no input) from one of the wrong type; inputs are never answered.
      const result = zs.safeParse(data, { reportInput: true });
      if (result.success) return { value: result.data };
      return { error: new InvalidRequest(requestProblems(part, result.error.issues, zs)) };
    };
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** The largest row id: ids are 32-bit integers on PostgreSQL, so a bigger one names nothing (400, not 500). */
export const MAX_DB_ID = 2_147_483_647;

/** A row id in a path or a paging cursor in a query string. */
export const dbId = () => z.coerce.number().int().positive().max(MAX_DB_ID);

const DATE_PATTERN = describeFormat(/^\d{4}-\d{2}-\d{2}$/, {
  zh: '应为 YYYY-MM-DD 日期',
  en: 'expected a YYYY-MM-DD date',
});

/** A calendar date YYYY-MM-DD that exists (2026-02-30 and 2026-13-45 are refused, not rolled over). */
export const isoDate = () =>
  z
    .string()
    .regex(DATE_PATTERN, 'expected a YYYY-MM-DD date')
    .refine(
      (d) => {
        if (!DATE_PATTERN.test(d)) return true; // the pattern's issue says it
        const ms = Date.parse(`${d}T00:00:00Z`);
        return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === d;
      },
      {
        message: 'not a calendar date (expected a YYYY-MM-DD date that exists)',
        params: { zh: '不是实际存在的日期（应为 YYYY-MM-DD 日期）' },
      },
    );

/** Text a person typed (a name, a number): no control characters, which PostgreSQL refuses (NUL). */
export const plainText = () =>
  z.string().refine((s) => !/[\u0000-\u001f\u007f]/.test(s), {
    message: 'control characters are not allowed',
    params: { zh: '不能包含控制字符' },
  });

/** Free text (a note, a title): anything but NUL, which PostgreSQL cannot store in text (400, not 500). */
export const noNul = () =>
  z.string().refine((s) => !s.includes('\u0000'), {
    message: 'NUL characters are not allowed',
    params: { zh: '不能包含 NUL 字符' },
  });

/**
 * Refuses a range whose `from` is after its `to` (400, not an empty report that looks like "no findings"):
 * add to an object schema with optional `from`/`to` dates via `.superRefine(orderedRange)`.
 */
export function orderedRange(
  q: { from?: string | undefined; to?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
    ctx.addIssue({
      code: 'custom',
      path: ['from'],
      message: `from ${q.from} is later than to ${q.to}; give a from on or before to`,
      params: { zh: `起始日期 ${q.from} 晚于结束日期 ${q.to}，请把 from 设为不晚于 to 的日期` },
    });
  }
}
