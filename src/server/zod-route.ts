import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';

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

/** Validates every route part with the zod schema it was declared with; responses are plain JSON. */
export function installZodCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema }) => {
    const zs = zodByJson.get(JSON.stringify(schema));
    if (zs === undefined) return () => true;
    return (data: unknown) => {
      const result = zs.safeParse(data);
      if (result.success) return { value: result.data };
      const message = result.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      return { error: new Error(message) };
    };
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
