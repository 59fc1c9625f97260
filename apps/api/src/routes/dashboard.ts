import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export interface DashboardOptions {
  /** The dashboard build (`apps/dashboard/dist`). */
  dir: string;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>newscell</title></head>
<body><h1>newscell</h1><p>dashboard not built: run npm run build</p>
<p>The API is up: see <a href="/docs">/docs</a>.</p></body></html>
`;

/**
 * The dashboard's static files at `/` when its build exists (checked at start), else a page
 * saying how to build it. Public: the page holds no data; its API calls carry their own keys.
 */
export async function dashboardRoutes(
  app: FastifyInstance,
  options: DashboardOptions,
): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'public' };
  });
  if (existsSync(join(options.dir, 'index.html'))) {
    // One route per file found at start (no wildcard): unknown paths still reach the router's own
    // answers (404, 414) and the API routes stay unshadowed.
    await app.register(fastifyStatic, { root: options.dir, prefix: '/', wildcard: false });
    return;
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(NOT_BUILT),
  );
}
