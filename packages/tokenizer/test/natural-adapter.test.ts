import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { NATURAL_TOKENIZER_KINDS, naturalTokenizer, porterStem } from '../src/natural-adapter.js';

describe('natural adapter (smoke)', () => {
  it('loads every offered natural tokenizer and each splits words as natural documents', () => {
    const text = "She said 'hello', well-timed.";
    expect(naturalTokenizer('word')(text)).toEqual(['She', 'said', 'hello', 'well', 'timed']);
    expect(naturalTokenizer('aggressive')(text)).toEqual(['She', 'said', "'hello'", 'well-timed']);
    expect(naturalTokenizer('wordPunct')(text)).toContain(',');
    expect(naturalTokenizer('treebank')("They don't")).toEqual(['They', 'do', "n't"]);
    expect(NATURAL_TOKENIZER_KINDS).toHaveLength(4);
  });

  it("exposes natural's Porter stemmer", () => {
    expect(porterStem('running')).toBe('run');
    expect(porterStem('companies')).toBe('compani');
  });

  it("does not load natural's index (WordNet, database clients, dotenv)", () => {
    const require = createRequire(import.meta.url);
    const loaded = Object.keys(require.cache);
    expect(loaded.some((file) => file.includes('/natural/lib/natural/tokenizers/'))).toBe(true);
    expect(loaded.some((file) => file.endsWith('/natural/lib/natural/index.js'))).toBe(false);
    expect(loaded.some((file) => file.includes('/node_modules/dotenv/'))).toBe(false);
  });
});
