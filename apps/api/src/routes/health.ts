import { access, constants, mkdir } from 'node:fs/promises';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';

export interface HealthDependencies {
  /** Resolves true when Redis answers PING (on a connection the app already holds). */
  redisReachable: () => Promise<boolean>;
  modelsDir: string;
}

const ReadinessSchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
  checks: Type.Object({ redis: Type.Boolean(), registry: Type.Boolean() }),
});

// Probes are public and never rate limited: an orchestrator polls them from one address.
const probe = { access: 'public', rateLimit: false } as const;

/** `/healthz`: the process is alive. `/readyz`: Redis answers and the model registry is readable. */
export async function healthRoutes(app: FastifyInstance, deps: HealthDependencies): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  // Probes are unauthenticated and not rate limited, so a flood of them must stay cheap: calls
  // that arrive while a check runs share it (one PING on an existing connection, one access()).
  let inFlight: Promise<{ redis: boolean; registry: boolean }> | undefined;
  const checkReadiness = () => {
    inFlight ??= (async () => {
      const [redis, registry] = await Promise.all([
        deps.redisReachable().catch(() => false),
        registryReadable(deps.modelsDir),
      ]);
      return { redis, registry };
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  api.get(
    '/healthz',
    {
      config: probe,
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  api.get(
    '/readyz',
    {
      config: probe,
      schema: {
        tags: ['operations'],
        summary: 'Readiness: Redis answers and the model registry is readable',
        response: { 200: ReadinessSchema, 503: ReadinessSchema },
      },
    },
    async (_request, reply) => {
      const { redis, registry } = await checkReadiness();
      const ready = redis && registry;
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not ready', checks: { redis, registry } });
    },
  );
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
