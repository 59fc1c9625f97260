import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAppsClosedAfterEach } from '../support/test-app.js';

const make = testAppsClosedAfterEach();
let dist: string;
beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'newscell-dashboard-'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>newscell dashboard</title>');
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'assets', 'app-1234.js'), 'console.log("dashboard")');
});
afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
});

describe('GET /', () => {
  it('serves the dashboard build, without a key, API routes untouched', async () => {
    const t = await make({ NEWSCELL_DASHBOARD_DIR: dist });
    const index = await t.app.inject('/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.body).toContain('newscell dashboard');
    const asset = await t.app.inject('/assets/app-1234.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await t.app.inject('/assets/missing.js')).json().error.code).toBe('NOT_FOUND');
    expect((await t.app.inject('/v1/models')).statusCode).toBe(401);
  });

  it('says how to build the dashboard when it is not built', async () => {
    const t = await make({ NEWSCELL_DASHBOARD_DIR: join(dist, 'nothing-here') });
    const res = await t.app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('dashboard not built: run npm run build');
  });
});
