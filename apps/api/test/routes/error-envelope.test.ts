import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corruptWeights, writeFixtureModel } from '../support/model-fixtures.js';
import { admin, testAppsClosedAfterEach } from '../support/test-app.js';

const make = testAppsClosedAfterEach();

describe('error envelope on the real app', () => {
  it("a body of a type the API does not read: 415 UNSUPPORTED_MEDIA_TYPE, not Fastify's code", async () => {
    const t = await make();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: { ...admin, 'content-type': 'application/xml' },
      payload: '<text>hello</text>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: "content-type 'application/xml' is not accepted: send application/json",
    });
  });

  it('a model that cannot be loaded: 409 naming the model, not where the registry is', async () => {
    const t = await make();
    const dir = await writeFixtureModel(t.config.modelsDir, { id: 'gru-broken', cell: 'gru' });
    await corruptWeights(dir);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/models/gru-broken/predict',
      headers: admin,
      payload: { text: 'stocks rally' },
    });
    expect(res.statusCode).toBe(409);
    const body = res.body;
    expect(body).toContain('MODEL_CORRUPT');
    expect(body).not.toContain(t.config.modelsDir);
    expect(body).not.toContain(tmpdir());
  });

  it('a broken aliases.json: 500 without its path; the log has it', async () => {
    const t = await make();
    await writeFile(join(t.config.modelsDir, 'aliases.json'), '{ nope');
    const res = await t.app.inject({ url: '/v1/aliases', headers: admin });
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toEqual({
      code: 'INTERNAL',
      message: 'Internal server error; the server log has the details',
    });
    expect(t.logs.join('')).toContain(join(t.config.modelsDir, 'aliases.json'));
  });
});
