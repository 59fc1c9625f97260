import { describe, expect, it } from 'vitest';
import { FILLER, TOPIC_WORDS, topicTexts } from '../src/index.js';

describe('topicTexts', () => {
  it('repeats per seed, cycles the labels and uses only known words', () => {
    const a = topicTexts(40, 3);
    expect(topicTexts(40, 3)).toEqual(a);
    expect(topicTexts(40, 4).texts).not.toEqual(a.texts);
    expect(a.labels.slice(0, 8)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    a.texts.forEach((text, i) => {
      const words = text.split(' ');
      expect(words.length).toBeGreaterThanOrEqual(3);
      expect(words.length).toBeLessThanOrEqual(6);
      const allowed = new Set([...FILLER, ...(TOPIC_WORDS[a.labels[i] as number] ?? [])]);
      for (const word of words) expect(allowed.has(word), word).toBe(true);
    });
  });

  it('uses topic words about as often as asked', () => {
    const share = (topicShare: number) => {
      const words = topicTexts(400, 1, { topicShare }).texts.flatMap((t) => t.split(' '));
      return words.filter((w) => !FILLER.includes(w)).length / words.length;
    };
    expect(share(0.6)).toBeGreaterThan(0.5);
    expect(share(0.6)).toBeLessThan(0.7);
    expect(share(0.2)).toBeLessThan(0.3);
  });
});
