import type { OutgoingHttpHeaders } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { EventStreamSlots, type EventStreamSlotsOptions } from '../../jobs/event-stream-slots.js';
import { JobEventStream } from '../../jobs/job-event-stream.js';
import { errorResponses, JobParamsSchema, readSecurity } from './schemas.js';

export interface JobEventRoutesOptions {
  heartbeatMs: number;
  /** Open streams allowed in total and per key (429 beyond). */
  limits: EventStreamSlotsOptions;
}

/** Whose stream it is, for the per-key limit: the API key, else (no keys) the client address. */
function streamOwner(request: FastifyRequest): string {
  const principal = request.principal;
  return principal && principal.keyId !== 'open' ? `key:${principal.keyId}` : `ip:${request.ip}`;
}

const SSE_DESCRIPTION = `Server-Sent Events until the job ends:
- \`snapshot\`: the job view, first
- \`progress\`: the worker's progress report (epoch, batch, loss, accuracy, history…)
- \`completed\`, \`failed\` or \`cancelled\`: the final job view; the stream then ends
- \`removed\`: the queued job was removed; the stream ends
Comments (\`: heartbeat\`) keep idle connections open. A client that reads slowly gets only the
latest \`progress\` once it catches up (the final event is always sent). Open streams are limited
per key and in total: 429 beyond.`;

/** `GET /v1/training-jobs/:id/events`: a job's progress as Server-Sent Events. */
export async function jobEventRoutes(app: FastifyInstance, options: JobEventRoutesOptions) {
  const slots = new EventStreamSlots(options.limits);
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/training-jobs/:id/events',
    {
      schema: {
        tags: ['training jobs'],
        summary: "Watch a job's progress (Server-Sent Events)",
        description: SSE_DESCRIPTION,
        security: readSecurity,
        params: JobParamsSchema,
        produces: ['text/event-stream'],
        response: {
          200: {
            description: 'text/event-stream',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errorResponses(400, 401, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const release = slots.acquire(streamOwner(request)); // 429 beyond a limit
      const stream = new JobEventStream({
        jobId: request.params.id,
        jobs: app.trainingJobs,
        events: app.jobEvents,
        heartbeatMs: options.heartbeatMs,
        onError: (err) => request.log.warn({ err }, 'event stream failed'),
      });
      app.eventStreams.add(stream);
      // Before any await: a client that leaves while the job is read must leave nothing behind
      // (no listener, timer, slot or entry in eventStreams). 'close' on the response fires when
      // the connection ends, or once an error answer was sent.
      let gone = false;
      const leave = () => {
        gone = true;
        stream.close();
        app.eventStreams.delete(stream);
        release();
      };
      reply.raw.once('close', leave);
      if (request.raw.socket?.destroyed) leave(); // gone before the handler ran
      const { start } = await stream.open(); // throws JOB_NOT_FOUND as a JSON answer
      reply.hijack();
      if (gone) {
        if (!reply.raw.writableEnded) reply.raw.end();
        return;
      }
      reply.raw.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      start(reply.raw);
    },
  );
}
