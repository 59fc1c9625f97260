/** Paths pino blanks out wherever a request's headers get logged: API keys never reach the log. */
export const REDACTED_PATHS = [
    'req.headers.authorization',
    'req.headers["x-api-key"]',
    'req.headers.cookie',
    'headers.authorization',
    'headers["x-api-key"]',
];
/** Pino options for the API: request lines carry the request id and (redacted) headers. */
export function loggerOptions(level, stream) {
    return {
        level,
        redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
        serializers: {
            req: (request) => ({
                method: request.method,
                url: request.url,
                remoteAddress: request.ip,
                headers: request.headers,
            }),
        },
        ...(stream === undefined ? {} : { stream }),
    };
}
