import { describe, expect, it } from 'vitest';
import { cachedWork, cacheKey, PipelineCache } from '../src/pipeline-cache.js';

const counter = () => {
  let calls = 0;
  return {
    make: async () => {
      calls += 1;
      return { n: calls };
    },
    get calls() {
      return calls;
    },
  };
};

describe('PipelineCache', () => {
  it('makes a value once per key and hands it back on the next look-up', async () => {
    const cache = new PipelineCache();
    const c = counter();
    const first = await cache.getOrCreate('vocabulary', { minFrequency: 2 }, c.make, () => 10);
    const second = await cache.getOrCreate('vocabulary', { minFrequency: 2 }, c.make, () => 10);
    expect(first.hit).toBe(false);
    expect(second.hit).toBe(true);
    expect(second.value).toBe(first.value);
    expect(second.key).toBe(first.key);
    expect(c.calls).toBe(1);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1, entries: 1, bytes: 10 });
  });

  it('misses on different options and on another kind with the same options', async () => {
    const cache = new PipelineCache();
    const c = counter();
    await cache.getOrCreate('vocabulary', { minFrequency: 2 }, c.make, () => 1);
    const other = await cache.getOrCreate('vocabulary', { minFrequency: 3 }, c.make, () => 1);
    const kind = await cache.getOrCreate('embeddings', { minFrequency: 2 }, c.make, () => 1);
    expect(other.hit).toBe(false);
    expect(kind.hit).toBe(false);
    expect(c.calls).toBe(3);
  });

  it('keys on content, not on the order of object keys', () => {
    expect(cacheKey('dataset', { a: 1, b: { c: 2, d: 3 } })).toBe(
      cacheKey('dataset', { b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(cacheKey('dataset', { a: 1 })).not.toBe(cacheKey('dataset', { a: 2 }));
  });

  it('shares one creation between concurrent look-ups of a key', async () => {
    const cache = new PipelineCache();
    const c = counter();
    const [a, b] = await Promise.all([
      cache.getOrCreate('dataset', 'k', c.make, () => 1),
      cache.getOrCreate('dataset', 'k', c.make, () => 1),
    ]);
    expect(c.calls).toBe(1);
    expect(b.value).toBe(a.value);
    expect([a.hit, b.hit].sort()).toEqual([false, true]);
  });

  it('stays within its entry bound, dropping the least recently used', async () => {
    const cache = new PipelineCache({ maxEntries: 2 });
    const c = counter();
    await cache.getOrCreate('dataset', 1, c.make, () => 1);
    await cache.getOrCreate('dataset', 2, c.make, () => 1);
    await cache.getOrCreate('dataset', 1, c.make, () => 1); // 1 is now the most recent
    await cache.getOrCreate('dataset', 3, c.make, () => 1); // evicts 2
    expect(cache.stats.entries).toBe(2);
    expect((await cache.getOrCreate('dataset', 1, c.make, () => 1)).hit).toBe(true);
    expect((await cache.getOrCreate('dataset', 2, c.make, () => 1)).hit).toBe(false);
  });

  it('stays within its byte bound and never keeps a value larger than the bound', async () => {
    const cache = new PipelineCache({ maxBytes: 100 });
    const c = counter();
    await cache.getOrCreate('embeddings', 'a', c.make, () => 60);
    await cache.getOrCreate('embeddings', 'b', c.make, () => 60);
    expect(cache.stats.entries).toBe(1);
    expect(cache.stats.bytes).toBeLessThanOrEqual(100);
    const huge = await cache.getOrCreate('embeddings', 'huge', c.make, () => 1000);
    expect(huge.value).toEqual({ n: 3 });
    expect((await cache.getOrCreate('embeddings', 'huge', c.make, () => 1000)).hit).toBe(false);
  });

  it('does not keep a failed creation', async () => {
    const cache = new PipelineCache();
    await expect(
      cache.getOrCreate(
        'dataset',
        'x',
        () => Promise.reject(new Error('disk')),
        () => 1,
      ),
    ).rejects.toThrow('disk');
    const retry = await cache.getOrCreate(
      'dataset',
      'x',
      async () => 5,
      () => 1,
    );
    expect(retry).toMatchObject({ hit: false, value: 5 });
  });
});

describe('cachedWork', () => {
  it('just runs the work, timed, when there is no cache', async () => {
    const outcome = await cachedWork(
      undefined,
      'dataset',
      'k',
      () => 1,
      async () => 'v',
    );
    expect(outcome).toMatchObject({ value: 'v', hit: false });
    expect(outcome.seconds).toBeGreaterThanOrEqual(0);
  });
});
