import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t.close());

interface Operation {
  parameters?: Array<{ in: string; name: string; schema: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown>; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown; example?: unknown }> }>;
  security?: unknown[];
}

describe('/docs', () => {
  it('serves swagger-ui under a CSP that allows only this origin', async () => {
    const page = await t.app.inject('/docs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    // Every script is a file from this origin: the CSP forbids inline ones.
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/);
    const initializer = await t.app.inject('/docs/static/swagger-initializer.js');
    expect(initializer.statusCode).toBe(200);
  });

  it('documents every route with request and response schemas, from the TypeBox schemas', async () => {
    const doc = (await t.app.inject('/docs/json')).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(routes.map((r) => r.route).sort()).toEqual([
      'DELETE /v1/aliases/{name}',
      'DELETE /v1/comparisons/{id}',
      'DELETE /v1/models/{id}',
      'DELETE /v1/training-jobs/{id}',
      'GET /healthz',
      'GET /metrics',
      'GET /readyz',
      'GET /v1/aliases',
      'GET /v1/compare',
      'GET /v1/comparisons',
      'GET /v1/comparisons/{id}',
      'GET /v1/comparisons/{id}/disagreements',
      'GET /v1/models',
      'GET /v1/models/{id}',
      'GET /v1/training-jobs',
      'GET /v1/training-jobs/{id}',
      'GET /v1/training-jobs/{id}/events',
      'POST /v1/comparisons',
      'POST /v1/models/{id}/predict',
      'POST /v1/predict',
      'POST /v1/training-jobs',
      'PUT /v1/aliases/{name}',
    ]);
    for (const { route, op } of routes) {
      const ok = Object.entries(op.responses).find(([status]) => status.startsWith('2'));
      expect(ok?.[1].content, route).toBeDefined();
      if (route.includes('{id}')) {
        expect(op.parameters?.find((p) => p.name === 'id')?.schema.pattern, route).toBe(
          '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$',
        );
      }
      if (!route.includes('healthz') && !route.includes('readyz'))
        expect(op.security, route).toBeDefined();
    }
    const post = doc.paths['/v1/training-jobs']?.post;
    const body = post?.requestBody?.content['application/json'];
    expect(body?.schema).toMatchObject({ additionalProperties: false, required: ['model'] });
    expect(body?.example).toEqual({
      name: 'quick gru',
      model: { cell: 'gru' },
      training: { epochs: 3 },
    });
    expect(post?.responses['202']?.content?.['application/json']?.example).toMatchObject({
      id: '42',
      state: 'queued',
    });
    expect(Object.keys(post?.responses ?? {})).toEqual(
      expect.arrayContaining(['202', '400', '401', '403', '413', '429']),
    );
    const list = doc.paths['/v1/training-jobs']?.get;
    expect(list?.parameters?.map((p) => p.name)).toEqual([
      'state',
      'cell',
      'limit',
      'offset',
      'cursor',
    ]);
    const predict = doc.paths['/v1/models/{id}/predict']?.post;
    const predictBody = predict?.requestBody?.content['application/json'] as
      | { examples?: Record<string, { value: unknown }> }
      | undefined;
    expect(Object.values(predictBody?.examples ?? {}).map((e) => e.value)).toEqual([
      { text: 'Stocks rally as the central bank holds rates' },
      { texts: ['Federer wins in straight sets', 'New chip doubles battery life'] },
    ]);
    expect(predict?.responses['200']?.content?.['application/json']?.example).toMatchObject({
      modelId: 'lstm-42',
      predictions: [{ label: 'Business', labelIndex: 2 }],
    });
    expect(Object.keys(predict?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '404', '409', '413', '429']),
    );
    const compare = doc.paths['/v1/compare']?.get;
    expect(compare?.responses['200']?.content?.['application/json']?.example).toMatchObject({
      bestModelId: 'lstm-42',
    });
    const models = doc.paths['/v1/models']?.get;
    expect(models?.parameters?.map((p) => p.name)).toEqual([
      'cell',
      'sort',
      'limit',
      'offset',
      'cursor',
    ]);
  });
});
