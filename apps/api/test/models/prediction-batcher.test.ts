import type { TopicPrediction } from '@newscell/models';
import { describe, expect, it } from 'vitest';
import { PredictionBatcher } from '../../src/models/prediction-batcher.js';

/** A fake model: each text's prediction names the text, so answers can be traced to requests. */
function fakeModel() {
  const calls: { model: string; texts: string[] }[] = [];
  const run = async (model: string, texts: string[]): Promise<TopicPrediction[]> => {
    calls.push({ model, texts });
    return texts.map((t) => ({ label: t, labelIndex: t.length, probabilities: {} }));
  };
  return { calls, run };
}

describe('PredictionBatcher', () => {
  it('sends requests arriving within the window as one call and hands each its own rows', async () => {
    const { calls, run } = fakeModel();
    const batcher = new PredictionBatcher({ run, windowMs: 10, maxBatchTexts: 64 });
    const answers = await Promise.all([
      batcher.predict('m', ['a']),
      batcher.predict('m', ['bb', 'ccc']),
      batcher.predict('m', ['dddd']),
    ]);
    expect(calls).toEqual([{ model: 'm', texts: ['a', 'bb', 'ccc', 'dddd'] }]);
    expect(answers.map((a) => a.map((p) => p.label))).toEqual([['a'], ['bb', 'ccc'], ['dddd']]);
  });

  it('sends a lone request at once, without waiting out the window', async () => {
    const { calls, run } = fakeModel();
    const batcher = new PredictionBatcher({ run, windowMs: 5000 });
    const started = performance.now();
    expect((await batcher.predict('m', ['solo']))[0]?.label).toBe('solo');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(calls).toHaveLength(1);
  });

  it('after a batch of n, waits (up to the window) for n texts, then sends them together', async () => {
    const { calls, run } = fakeModel();
    const batcher = new PredictionBatcher({ run, windowMs: 400 });
    await Promise.all(['a', 'b', 'c'].map((t) => batcher.predict('m', [t])));
    expect(calls.map((c) => c.texts)).toEqual([['a', 'b', 'c']]);

    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let started = performance.now();
    const trio = [batcher.predict('m', ['d'])];
    await sleep(30);
    trio.push(batcher.predict('m', ['e']));
    await sleep(30);
    trio.push(batcher.predict('m', ['f']));
    await Promise.all(trio);
    expect(calls.map((c) => c.texts)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    expect(performance.now() - started).toBeLessThan(300); // sent on the third, not at 400 ms

    started = performance.now();
    await Promise.all([batcher.predict('m', ['g']), batcher.predict('m', ['h'])]);
    expect(calls.at(-1)?.texts).toEqual(['g', 'h']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(350); // two of three: the window
  });

  it('keeps models apart, sends a full batch at once and splits at the bound', async () => {
    const { calls, run } = fakeModel();
    const sizes: number[] = [];
    const batcher = new PredictionBatcher({
      run,
      windowMs: 1000,
      maxBatchTexts: 4,
      onBatch: (_m, n) => sizes.push(n),
    });
    const answers = await Promise.all([
      batcher.predict('m', ['1', '2']),
      batcher.predict('other', ['x']),
      batcher.predict('m', ['3', '4']),
    ]);
    expect(calls).toEqual([
      { model: 'm', texts: ['1', '2', '3', '4'] },
      { model: 'other', texts: ['x'] },
    ]);
    expect(answers[2]?.map((p: TopicPrediction) => p.label)).toEqual(['3', '4']);
    expect(sizes).toEqual([4, 1]);

    calls.length = 0;
    const big = new PredictionBatcher({ run, windowMs: 5, maxBatchTexts: 4 });
    await Promise.all([
      big.predict('m', ['a', 'b', 'c']),
      big.predict('m', ['d', 'e']),
      big.predict('m', ['f', 'g', 'h', 'i', 'j', 'k']),
    ]);
    expect(calls.map((c) => c.texts)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
      ['f', 'g', 'h', 'i', 'j', 'k'],
    ]);
  });

  it('fails every request of a batch whose call fails, and only those', async () => {
    let fail = true;
    const batcher = new PredictionBatcher({
      windowMs: 5,
      run: async (_m, texts) => {
        if (fail) throw new Error('model broke');
        return texts.map((t) => ({ label: t, labelIndex: 0, probabilities: {} }));
      },
    });
    const results = await Promise.allSettled([
      batcher.predict('m', ['a']),
      batcher.predict('m', ['b']),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batcher.predict('m', ['c'])).toEqual([
      { label: 'c', labelIndex: 0, probabilities: {} },
    ]);
    expect(batcher.waiting).toBe(0);
  });
});
