import { SeededRandom } from '@newscell/random';
import { describe, expect, it } from 'vitest';
import { trainSkipGram } from '../src/skip-gram.js';
import { Vocabulary } from '../src/vocabulary.js';

/** Sentences drawn from one of two disjoint word groups: a toy corpus with two "topics". */
function twoTopicCorpus(sentences: number): string[] {
  const topics = [
    ['goal', 'match', 'coach', 'league', 'striker', 'season'],
    ['shares', 'profit', 'bank', 'market', 'investor', 'earnings'],
  ];
  const prng = new SeededRandom(1);
  return Array.from({ length: sentences }, (_, i) => {
    const words = topics[i % 2] as string[];
    return Array.from({ length: 8 }, () => words[prng.nextInt(words.length)]).join(' ');
  });
}

const FAST = { dim: 16, epochs: 3, window: 3, negatives: 4, subsample: 0 };

function meanSimilarity(
  similarity: (a: string, b: string) => number,
  left: string[],
  right: string[],
): number {
  let sum = 0;
  let n = 0;
  for (const a of left) {
    for (const b of right) {
      if (a === b) continue;
      sum += similarity(a, b);
      n++;
    }
  }
  return sum / n;
}

describe('trainSkipGram', () => {
  it('pulls words that share contexts together and pushes the two topics apart', async () => {
    const texts = twoTopicCorpus(600);
    const vocabulary = await Vocabulary.build(texts);
    const { embeddings, stats } = await trainSkipGram(texts, vocabulary, FAST);
    const sim = (a: string, b: string) => embeddings.similarity(a, b);
    const sport = ['goal', 'match', 'coach', 'league'];
    const money = ['shares', 'profit', 'bank', 'market'];
    expect(meanSimilarity(sim, sport, sport)).toBeGreaterThan(
      meanSimilarity(sim, sport, money) + 0.3,
    );
    expect(meanSimilarity(sim, money, money)).toBeGreaterThan(
      meanSimilarity(sim, money, sport) + 0.3,
    );
    expect(
      embeddings
        .nearest('goal', 5)
        .every((n) => sport.includes(n.token) || n.token === 'striker' || n.token === 'season'),
    ).toBe(true);
    expect(stats.corpusWords).toBe(600 * 8);
    expect(stats.wordsProcessed).toBe(600 * 8 * 3);
    expect(stats.trainedWords).toBe(stats.wordsProcessed); // subsample 0 keeps every word
    expect(stats.pairs).toBeGreaterThan(stats.trainedWords);
    expect([...embeddings.row(0)].every((v) => v === 0)).toBe(true);
  });

  it('is reproducible from its seed, with either kernel', async () => {
    const texts = twoTopicCorpus(100);
    const vocabulary = await Vocabulary.build(texts);
    const run = (seed: number, kernel: 'js' | 'wasm-simd') =>
      trainSkipGram(texts, vocabulary, { ...FAST, subsample: 1e-2, seed, kernel });
    const a = await run(5, 'wasm-simd');
    expect((await run(5, 'wasm-simd')).embeddings.data).toEqual(a.embeddings.data);
    expect((await run(6, 'wasm-simd')).embeddings.data).not.toEqual(a.embeddings.data);
    const js = await run(5, 'js');
    expect(js.stats.kernel).toBe('js');
    expect(a.stats.kernel).toBe('wasm-simd');
    expect(js.stats.pairs).toBe(a.stats.pairs);
    let maxDifference = 0;
    a.embeddings.data.forEach((v, i) => {
      maxDifference = Math.max(maxDifference, Math.abs(v - (js.embeddings.data[i] as number)));
    });
    expect(maxDifference).toBeLessThan(1e-3);
  });

  it('drops unknown words, skips one-word texts and reads async sources', async () => {
    const vocabulary = await Vocabulary.build(['alpha beta gamma']);
    async function* texts() {
      yield 'alpha beta zzz gamma';
      yield 'alpha';
      yield 'gamma beta';
    }
    const { stats } = await trainSkipGram(texts(), vocabulary, { ...FAST, epochs: 1 });
    expect(stats.sentences).toBe(2);
    expect(stats.corpusWords).toBe(5);
  });

  it('rejects bad options and an untrainable corpus, and honours cancellation', async () => {
    const texts = twoTopicCorpus(50);
    const vocabulary = await Vocabulary.build(texts);
    await expect(trainSkipGram(texts, vocabulary, { window: 0 })).rejects.toThrow(
      /'window' is 0; expected an integer >= 1/,
    );
    await expect(trainSkipGram(texts, vocabulary, { unigramTableSize: 1000 })).rejects.toThrow(
      /power of two/,
    );
    await expect(trainSkipGram(texts, vocabulary, { kernel: 'gpu' as never })).rejects.toThrow(
      /'kernel' is "gpu"/,
    );
    await expect(trainSkipGram(['one', 'unknown words'], vocabulary)).rejects.toThrow(
      /nothing to train on/,
    );
    const controller = new AbortController();
    controller.abort();
    await expect(
      trainSkipGram(texts, vocabulary, { ...FAST, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'JOB_CANCELLED',
    });
  });
});
