import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_JSON_DEPTH, jsonNestingDepth } from '../src/json-body.js';
import { admin, testAppsClosedAfterEach } from './support/test-app.js';

const make = testAppsClosedAfterEach();
const nested = (depth: number, open = '[', close = ']') =>
  `${open.repeat(depth)}${close.repeat(depth)}`;

describe('jsonNestingDepth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonNestingDepth('1')).toBe(0);
    expect(jsonNestingDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonNestingDepth('{"text":"[[[[{{{{"}')).toBe(1);
    expect(jsonNestingDepth('["\\"[[[", "\\\\", [[]]]')).toBe(3);
  });

  it('stops counting once past the limit', () => {
    expect(jsonNestingDepth(nested(1_000_000), 64)).toBe(65);
  });
});

describe('JSON bodies nested too deeply', () => {
  it.each([
    ['POST', '/v1/predict', (inner: string) => `{"text":${inner}}`],
    ['POST', '/v1/training-jobs', (inner: string) => `{"model":${inner}}`],
    ['POST', '/v1/comparisons', (inner: string) => `{"cells":${inner}}`],
    ['PUT', '/v1/aliases/default', (inner: string) => `{"modelId":${inner}}`],
  ] as const)(
    '%s %s nested 5,000 levels: 400 naming the limit, before any recursion',
    async (method, url, wrap) => {
      const t = await make();
      for (const inner of [
        nested(5000),
        nested(5000, '{"a":', '}').replace(/\{"a":\}/, '{"a":1}'),
      ]) {
        const res = await t.app.inject({
          method,
          url,
          headers: { ...admin, 'content-type': 'application/json' },
          payload: wrap(inner),
        });
        expect(res.statusCode).toBe(400);
        const { error } = res.json();
        expect(error.code).toBe('INVALID_ARGUMENT');
        expect(error.message).toContain(`more than ${DEFAULT_MAX_JSON_DEPTH} levels deep`);
        expect(error.message).toContain('NEWSCELL_MAX_JSON_DEPTH');
      }
      expect(t.logs.join('')).not.toContain('Maximum call stack');
    },
  );

  it('lets a body within the limit through to validation, and follows NEWSCELL_MAX_JSON_DEPTH', async () => {
    const t = await make({ NEWSCELL_MAX_JSON_DEPTH: '10' });
    const send = (payload: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/predict',
        headers: { ...admin, 'content-type': 'application/json' },
        payload,
      });
    const within = await send(`{"text":${nested(9)}}`);
    expect(within.statusCode).toBe(400);
    expect(within.json().error.message).toMatch(/^body \/text: /);
    const beyond = await send(`{"text":${nested(10)}}`);
    expect(beyond.json().error.message).toContain('more than 10 levels deep');
  });

  it('still refuses prototype poisoning and empty bodies as Fastify does', async () => {
    const t = await make();
    for (const payload of ['{"__proto__":{"x":1},"text":"a"}', '']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/predict',
        headers: { ...admin, 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('INVALID_ARGUMENT');
    }
  });
});
