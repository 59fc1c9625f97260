import { access, constants, mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

export interface HealthDependencies {
  /** Resolves true when Redis answers PING. */
  redisReachable: () => Promise<boolean>;
  modelsDir: string;
}

/** `/healthz`: the process is alive. `/readyz`: Redis answers and the model registry is readable. */
export async function healthRoutes(app: FastifyInstance, deps: HealthDependencies): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const [redis, registry] = await Promise.all([
      deps.redisReachable().catch(() => false),
      registryReadable(deps.modelsDir),
    ]);
    const ready = redis && registry;
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', checks: { redis, registry } });
  });
}

async function registryReadable(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
