import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hostName } from '../../src/plugins/external/auth.js';
import { admin, reader, testAppsClosedAfterEach } from '../support/test-app.js';

const make = testAppsClosedAfterEach();
const keyless = { NEWSCELL_ADMIN_KEYS: '', NEWSCELL_READ_KEYS: '' };

const loopbackHosts = [
  'localhost',
  'localhost:3000',
  'LocalHost:3000',
  'localhost.:3000',
  '127.0.0.1',
  '127.0.0.1:3000',
  '127.1.2.3:8080',
  '[::1]',
  '[::1]:3000',
];
const foreignHosts = [
  'evil.example',
  'evil.example:3000',
  'localhost.evil.example',
  '127.0.0.1.evil.example',
  '127.evil.example:3000',
  '10.0.0.1:3000',
  '0.0.0.0:3000',
  '[::2]:3000',
  '[::1]x',
  'localhost:3000@evil.example',
];

describe('Host check without API keys (DNS rebinding)', () => {
  it('answers requests addressed to loopback names and addresses, with or without a port', async () => {
    const { app } = await make(keyless);
    for (const host of loopbackHosts) {
      const res = await app.inject({ url: '/v1/training-jobs', headers: { host } });
      expect(res.statusCode, host).toBe(200);
    }
  });

  it('refuses any other Host with 403 on every route, admin routes and probes alike', async () => {
    const { app, queue } = await make(keyless);
    for (const host of foreignHosts) {
      for (const url of ['/v1/training-jobs', '/admin/queues', '/healthz', '/docs/json']) {
        const res = await app.inject({ url, headers: { host } });
        expect(res.statusCode, `${host} ${url}`).toBe(403);
        expect(res.json().error.code).toBe('FORBIDDEN');
        expect(res.json().error.message).toContain('is not a loopback name');
      }
    }
    const post = await app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: { host: 'evil.example' },
      payload: { model: { cell: 'gru' } },
    });
    expect(post.statusCode).toBe(403);
    expect(await queue.count()).toBe(0);
  });

  it('refuses a request without a Host header (HTTP/1.0)', async () => {
    const { app } = await make(keyless);
    const base = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(base.port), '127.0.0.1', () =>
        socket.end('GET /healthz HTTP/1.0\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (d) => {
        text += String(d);
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.[01] 403 /);
  });

  it('over a real connection too', async () => {
    const { app } = await make(keyless);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const port = new URL(base).port;
    expect((await fetch(`http://localhost:${port}/healthz`)).status).toBe(200);
  });

  it('with keys configured, does not check Host (keys are the protection)', async () => {
    const { app } = await make();
    for (const host of ['evil.example', 'api.internal:3000', 'localhost']) {
      const res = await app.inject({ url: '/v1/training-jobs', headers: { host, ...reader } });
      expect(res.statusCode, host).toBe(200);
    }
    const res = await app.inject({ url: '/admin/queues', headers: { host: 'evil.example' } });
    expect(res.statusCode).toBe(401);
    expect(
      (await app.inject({ url: '/admin/queues', headers: { host: 'x.example', ...admin } }))
        .statusCode,
    ).toBe(200);
  });
});

describe('hostName', () => {
  it('strips the port and brackets, lower-cases, drops a trailing dot', () => {
    expect(hostName('LOCALHOST:80')).toBe('localhost');
    expect(hostName('[::1]:3000')).toBe('::1');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
    expect(hostName('example.com.')).toBe('example.com');
    expect(hostName(undefined)).toBeUndefined();
    expect(hostName('a:b:c')).toBeUndefined();
    expect(hostName('[::1]x')).toBeUndefined();
  });
});
