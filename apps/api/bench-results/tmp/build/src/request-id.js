import { randomUUID } from 'node:crypto';
// A caller's id is kept only when it cannot forge log lines or bloat them.
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The request's id: the caller's `x-request-id` when it is sane, else a fresh UUID. */
export function requestIdFor(request) {
    const header = request.headers['x-request-id'];
    return typeof header === 'string' && ACCEPTED_ID.test(header) ? header : randomUUID();
}
