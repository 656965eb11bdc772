import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { noRoute } from '../error-handler.js';

/**
 * Where the built dashboard lives: POSGUARD_WEB_DIR, else dist/web of this checkout (the same path from
 * src/server/routes and from dist/server/routes).
 */
export function webRoot(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['POSGUARD_WEB_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist', 'web');
}

type SetHeader = (name: string, value: string) => unknown;

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>posguard</title>
<p>网页控制台尚未构建，请运行 <code>npm run build</code>。</p>
<p>The dashboard is not built yet; run <code>npm run build</code>. The API is at <a href="/docs">/docs</a>.</p>`;

/** Serves the dashboard at `/`: built files as they are, index.html for every other non-API GET (SPA). */
export async function webRoutes(app: FastifyInstance, root: string = webRoot()): Promise<void> {
  const index = join(root, 'index.html');
  const built = existsSync(index);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: false,
      // @fastify/static 9 passes a raw response (setHeader), 10 the Fastify reply (header); either works here.
      setHeaders(res: object, path: string) {
        const target = res as { setHeader?: SetHeader; header?: SetHeader };
        const set: SetHeader = (name, value) =>
          target.header === undefined ? target.setHeader?.(name, value) : target.header(name, value);
        // Vite names assets by content hash, so they never change; index.html must always be fresh.
        if (path.startsWith(join(root, 'assets')))
          set('cache-control', 'public, max-age=31536000, immutable');
        else set('cache-control', 'no-cache');
      },
    });
  }
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/') || path === '/api' || path.startsWith('/docs')) {
      throw noRoute(request);
    }
    const html = built ? await readFile(index, 'utf8') : NOT_BUILT;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  });
}
