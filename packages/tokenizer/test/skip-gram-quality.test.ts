/**
 * Quality of trained vectors on the real AG News training texts (AGNEWS_DIR): words of one topic
 * must sit nearer each other than words of other topics. Group means, not exact neighbour lists,
 * so the test survives seeds and small training changes but fails if training stops working.
 */
import { describe, expect, it } from 'vitest';
import { trainSkipGram } from '../src/skip-gram.js';
import { Vocabulary } from '../src/vocabulary.js';
import { readAgNews } from './support/ag-news.js';

const GROUPS = {
  sports: ['football', 'baseball', 'season', 'coach', 'league', 'olympic', 'championship', 'game'],
  business: ['stocks', 'shares', 'profit', 'earnings', 'oil', 'investors', 'prices', 'quarter'],
  scitech: ['software', 'microsoft', 'computer', 'internet', 'users', 'linux', 'windows', 'web'],
} as const;

describe('trainSkipGram on AG News train.csv', () => {
  it('places same-topic words nearer each other than words of other topics', async () => {
    const texts = readAgNews('train').map((row) => row.text);
    expect(texts.length).toBeGreaterThan(10_000);
    const vocabulary = await Vocabulary.build(texts, { minFrequency: 3 });
    const { embeddings, stats } = await trainSkipGram(texts, vocabulary, {
      dim: 48,
      window: 5,
      negatives: 5,
      epochs: 4,
      seed: 1,
    });
    expect(stats.corpusWords).toBeGreaterThan(300_000);

    const mean = (left: readonly string[], right: readonly string[]) => {
      let sum = 0;
      let n = 0;
      for (const a of left) {
        for (const b of right) {
          if (a === b) continue;
          sum += embeddings.similarity(a, b);
          n++;
        }
      }
      return sum / n;
    };
    const report: Record<string, number> = {};
    for (const [name, words] of Object.entries(GROUPS)) {
      const within = mean(words, words);
      for (const [otherName, otherWords] of Object.entries(GROUPS)) {
        if (otherName === name) continue;
        const across = mean(words, otherWords);
        report[`${name} within − ${name}×${otherName}`] = within - across;
        expect(
          within,
          `${name}: within ${within.toFixed(3)} vs ×${otherName} ${across.toFixed(3)}`,
        ).toBeGreaterThan(across + 0.15);
      }
    }
    console.info('topic margins (mean cosine within − across):', report);
  }, 120_000);
});
