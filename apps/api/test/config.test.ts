import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopback, loadApiConfig } from '../src/config.js';

const KEY = 'k'.repeat(16);

describe('loadApiConfig', () => {
  it('takes defaults that work on a laptop', () => {
    expect(loadApiConfig({})).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      logLevel: 'info',
      queuePrefix: 'newscell',
      adminKeys: [],
      readKeys: [],
      corsOrigins: [],
      rateLimit: { max: 600, windowMs: 60_000 },
      sseHeartbeatMs: 15_000,
      sseLimits: { maxStreams: 1000, maxStreamsPerKey: 64 },
      bullBoardWrite: false,
      serving: { cacheModels: 4, batchWindowMs: 5, batchMaxTexts: 64, registryRecheckMs: 1000 },
    });
    expect(loadApiConfig({}).dashboardDir).toMatch(/apps\/dashboard\/dist$/);
  });

  it('reads where AG News is, as the worker does: AGNEWS_DIR, AGNEWS_URL, ./data', () => {
    expect(loadApiConfig({}).agNews).toEqual({
      dir: undefined,
      url: undefined,
      dataDir: join(process.cwd(), 'data'),
    });
    const set = loadApiConfig({ AGNEWS_DIR: '/srv/ag_news', AGNEWS_URL: 'http://mirror/a.tgz' });
    expect(set.agNews).toMatchObject({ dir: '/srv/ag_news', url: 'http://mirror/a.tgz' });
    expect(loadApiConfig({ AGNEWS_DIR: '' }).agNews.dir).toBeUndefined();
  });

  it('stops on a bad value, naming the variable', () => {
    expect(() => loadApiConfig({ PORT: '70000' })).toThrow(
      'environment /PORT: must be <= 65535 (got 70000)',
    );
    expect(() => loadApiConfig({ PORT: 'abc' })).toThrow(/environment \/PORT: .*\(got "abc"\)/);
    expect(() => loadApiConfig({ LOG_LEVEL: 'loud' })).toThrow(
      /environment \/LOG_LEVEL: must be one of/,
    );
    expect(() => loadApiConfig({ NEWSCELL_MAX_TEXTS: '0' })).toThrow(
      /environment \/NEWSCELL_MAX_TEXTS/,
    );
    for (const [variable, value] of [
      ['NEWSCELL_MODEL_CACHE_SIZE', '0'],
      ['NEWSCELL_BATCH_WINDOW_MS', '-1'],
      ['NEWSCELL_BATCH_MAX_TEXTS', 'many'],
      ['NEWSCELL_REGISTRY_RECHECK_MS', '1.5'],
      ['NEWSCELL_SSE_MAX_STREAMS', '0'],
      ['NEWSCELL_SSE_MAX_STREAMS_PER_KEY', 'lots'],
      ['NEWSCELL_BULL_BOARD_WRITE', 'yes'],
    ] as const) {
      expect(() => loadApiConfig({ [variable]: value }), variable).toThrow(
        new RegExp(`environment /${variable}: `),
      );
    }
    expect(() => loadApiConfig({ NEWSCELL_QUEUE_PREFIX: 'a b' })).toThrow(
      /environment \/NEWSCELL_QUEUE_PREFIX/,
    );
  });

  it('reads the SSE limits and the bull-board write switch', () => {
    const config = loadApiConfig({
      NEWSCELL_SSE_MAX_STREAMS: '10',
      NEWSCELL_SSE_MAX_STREAMS_PER_KEY: '2',
      NEWSCELL_BULL_BOARD_WRITE: 'true',
    });
    expect(config.sseLimits).toEqual({ maxStreams: 10, maxStreamsPerKey: 2 });
    expect(config.bullBoardWrite).toBe(true);
    expect(loadApiConfig({ NEWSCELL_BULL_BOARD_WRITE: 'false' }).bullBoardWrite).toBe(false);
  });

  it('splits key and origin lists on commas, trimming blanks', () => {
    const config = loadApiConfig({
      NEWSCELL_ADMIN_KEYS: ` ${KEY}a , ${KEY}b,`,
      NEWSCELL_READ_KEYS: `${KEY}c`,
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.adminKeys).toEqual([`${KEY}a`, `${KEY}b`]);
    expect(config.readKeys).toEqual([`${KEY}c`]);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('refuses short keys, naming the variable and position but never the key', () => {
    let message = '';
    try {
      loadApiConfig({ NEWSCELL_READ_KEYS: `${KEY},short-secret` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'environment /NEWSCELL_READ_KEYS: key 2 has 12 characters; use at least 16 (e.g. openssl rand -hex 24)',
    );
    expect(message).not.toContain('short-secret');
  });

  it('refuses a non-loopback HOST when no keys are set, naming HOST', () => {
    expect(() => loadApiConfig({ HOST: '0.0.0.0' })).toThrow(
      /^environment \/HOST: 0\.0\.0\.0 is not a loopback address, and no API keys are set/,
    );
    expect(loadApiConfig({ HOST: '0.0.0.0', NEWSCELL_READ_KEYS: KEY }).host).toBe('0.0.0.0');
    expect(loadApiConfig({ HOST: 'localhost' }).host).toBe('localhost');
  });
});

describe('isLoopback', () => {
  it('knows the loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost'])
      expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) {
      expect(isLoopback(host), host).toBe(false);
    }
  });
});
