import { createHash, timingSafeEqual } from 'node:crypto';
import { NewscellError } from '@newscell/contracts';
import fp from 'fastify-plugin';
import { STATUS_BY_CODE } from '../../error-handler.js';
function reject(reply, error) {
    return reply.status(STATUS_BY_CODE[error.code] ?? 401).send({ error: error.toJSON() });
}
const sha256 = (text) => createHash('sha256').update(text).digest();
/** The key a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedKey(request) {
    const auth = request.headers.authorization;
    if (typeof auth === 'string') {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
        if (match)
            return match[1];
    }
    const header = request.headers['x-api-key'];
    return typeof header === 'string' && header !== '' ? header : undefined;
}
/**
 * API keys with two roles. Keys are compared as SHA-256 digests with `timingSafeEqual`, against
 * every configured key, so neither a key's length nor its position shows in the timing. With no
 * keys configured every route is open (config.ts then insists on a loopback address).
 */
async function auth(app, options) {
    const keys = [
        ...options.adminKeys.map((k) => ({ digest: sha256(k), role: 'admin' })),
        ...options.readKeys.map((k) => ({ digest: sha256(k), role: 'read' })),
    ];
    const open = keys.length === 0;
    const identify = (key) => {
        const digest = sha256(key);
        let role = null;
        for (const candidate of keys) {
            if (timingSafeEqual(candidate.digest, digest) && role !== 'admin')
                role = candidate.role;
        }
        return role === null ? null : { role, keyId: digest.toString('hex').slice(0, 12) };
    };
    app.decorateRequest('principal', null);
    // Identify early (rate limits count per key), decide late (after the rate limit counted).
    app.addHook('onRequest', async (request) => {
        if (open) {
            request.principal = { role: 'admin', keyId: 'open' };
            return;
        }
        const key = presentedKey(request);
        request.principal = key === undefined ? null : identify(key);
    });
    // Answers directly instead of throwing: plugins with their own error handler (bull-board) would
    // turn a thrown error into a 500.
    app.addHook('preParsing', async (request, reply) => {
        const access = request.routeOptions.config.access ?? 'read';
        if (access === 'public' || request.is404)
            return;
        const { principal } = request;
        if (principal === null) {
            reply.header('www-authenticate', 'Bearer');
            return reject(reply, new NewscellError('UNAUTHORIZED', presentedKey(request) === undefined
                ? 'This route needs an API key: send Authorization: Bearer <key> or x-api-key: <key>'
                : 'The API key is not valid'));
        }
        if (access === 'admin' && principal.role !== 'admin') {
            return reject(reply, new NewscellError('FORBIDDEN', 'This route needs an admin key; the key sent is read-only'));
        }
    });
}
export default fp(auth, { name: 'auth' });
