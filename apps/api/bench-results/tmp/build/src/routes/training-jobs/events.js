import Type from 'typebox';
import { JobEventStream } from '../../jobs/job-event-stream.js';
import { errorResponses, JobParamsSchema, readSecurity } from './schemas.js';
const SSE_DESCRIPTION = `Server-Sent Events until the job ends:
- \`snapshot\`: the job view, first
- \`progress\`: the worker's progress report (epoch, batch, loss, accuracy, history…)
- \`completed\`, \`failed\` or \`cancelled\`: the final job view; the stream then ends
- \`removed\`: the queued job was removed; the stream ends
Comments (\`: heartbeat\`) keep idle connections open.`;
/** `GET /v1/training-jobs/:id/events`: a job's progress as Server-Sent Events. */
export async function jobEventRoutes(app, options) {
    app.withTypeProvider().get('/v1/training-jobs/:id/events', {
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
                ...errorResponses(400, 401, 404, 503),
            },
        },
    }, async (request, reply) => {
        const stream = new JobEventStream({
            jobId: request.params.id,
            jobs: app.trainingJobs,
            events: app.jobEvents,
            heartbeatMs: options.heartbeatMs,
            onError: (err) => request.log.warn({ err }, 'event stream failed'),
        });
        const { start } = await stream.open(); // throws JOB_NOT_FOUND as a JSON answer
        reply.hijack();
        app.eventStreams.add(stream);
        reply.raw.on('close', () => app.eventStreams.delete(stream));
        reply.raw.writeHead(200, {
            ...reply.getHeaders(),
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache, no-transform',
            connection: 'keep-alive',
            'x-accel-buffering': 'no',
        });
        start(reply.raw);
    });
}
