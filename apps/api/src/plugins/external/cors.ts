import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface CorsOptions {
  /** Origins allowed; empty leaves CORS off, so browsers allow same-origin calls only. */
  origins: string[];
}

async function corsOrigins(app: FastifyInstance, options: CorsOptions): Promise<void> {
  if (options.origins.length === 0) return;
  await app.register(cors, {
    origin: options.origins,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['authorization', 'x-api-key', 'content-type', 'x-request-id'],
    exposedHeaders: ['x-request-id'],
  });
}

export default fp(corsOrigins, { name: 'cors' });
