import { createHash, timingSafeEqual } from 'node:crypto';
import { NewscellError } from '@newscell/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isLoopback } from '../../config.js';
import { STATUS_BY_CODE } from '../../error-handler.js';

/** Who may call a route: anyone, holders of a read or admin key, or admin keys only. */
export type Access = 'public' | 'read' | 'admin';
export type Role = 'read' | 'admin';

/** The caller as its key identifies it; `keyId` names the key in logs and rate limits. */
export interface Principal {
  role: Role;
  keyId: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** @defaultValue `'read'`: a route must opt out of protection, never into it. */
    access?: Access;
  }
  interface FastifyRequest {
    /** Set when the request carries a valid key, or when no keys are configured (all open). */
    principal: Principal | null;
  }
}

export interface AuthOptions {
  adminKeys: string[];
  readKeys: string[];
}

function reject(reply: FastifyReply, error: NewscellError): FastifyReply {
  return reply.status(STATUS_BY_CODE[error.code] ?? 401).send({ error: error.toJSON() });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** The key a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header !== '' ? header : undefined;
}

/**
 * The host name of a `Host` header without its port (`[::1]:3000` → `::1`, `localhost:3000` →
 * `localhost`), lower-cased; undefined when the header is missing or malformed.
 */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::\d{1,5})?$/.exec(header.trim());
  const name = match?.[1] ?? match?.[2];
  return name?.toLowerCase().replace(/\.$/, '');
}

/**
 * API keys with two roles. Keys are compared as SHA-256 digests with `timingSafeEqual`, against
 * every configured key, so neither a key's length nor its position shows in the timing. With no
 * keys configured every route is open (config.ts then insists on a loopback address), and a
 * request must name a loopback host (`localhost`, `127.x.x.x`, `[::1]`, any port) in `Host`:
 * otherwise a web page the user opens could reach the API through DNS rebinding (its own name
 * resolving to 127.0.0.1), and the browser would send its requests with `Host: evil.example`.
 * With keys the Host is not checked: a rebinding page cannot know a key, and proxies in front of
 * a keyed API may forward any name.
 */
async function auth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const keys = [
    ...options.adminKeys.map((k) => ({ digest: sha256(k), role: 'admin' as const })),
    ...options.readKeys.map((k) => ({ digest: sha256(k), role: 'read' as const })),
  ];
  const open = keys.length === 0;

  const identify = (key: string): Principal | null => {
    const digest = sha256(key);
    let role: Role | null = null;
    for (const candidate of keys) {
      if (timingSafeEqual(candidate.digest, digest) && role !== 'admin') role = candidate.role;
    }
    return role === null ? null : { role, keyId: digest.toString('hex').slice(0, 12) };
  };

  app.decorateRequest('principal', null);
  // Identify early (rate limits count per key), decide late (after the rate limit counted).
  app.addHook('onRequest', async (request, reply) => {
    if (open) {
      const name = hostName(request.headers.host);
      if (name === undefined || !isLoopback(name)) {
        return reject(
          reply,
          new NewscellError(
            'FORBIDDEN',
            `Host ${JSON.stringify(request.headers.host ?? '')} is not a loopback name: with no API keys configured the API answers only requests addressed to localhost, 127.x.x.x or [::1] (DNS rebinding guard). Set NEWSCELL_ADMIN_KEYS/NEWSCELL_READ_KEYS to serve other names.`,
          ),
        );
      }
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
    if (access === 'public' || request.is404) return;
    const { principal } = request;
    if (principal === null) {
      reply.header('www-authenticate', 'Bearer');
      return reject(
        reply,
        new NewscellError(
          'UNAUTHORIZED',
          presentedKey(request) === undefined
            ? 'This route needs an API key: send Authorization: Bearer <key> or x-api-key: <key>'
            : 'The API key is not valid',
        ),
      );
    }
    if (access === 'admin' && principal.role !== 'admin') {
      return reject(
        reply,
        new NewscellError('FORBIDDEN', 'This route needs an admin key; the key sent is read-only'),
      );
    }
  });
}

export default fp(auth, { name: 'auth' });
