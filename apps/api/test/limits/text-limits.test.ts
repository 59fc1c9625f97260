import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../src/config.js';
import { assertTextLimits } from '../../src/limits/text-limits.js';

const limits = loadApiConfig({ NEWSCELL_MAX_TEXTS: '3', NEWSCELL_MAX_TEXT_CHARS: '10' }).limits;

describe('assertTextLimits', () => {
  it('passes batches within both limits', () => {
    expect(() => assertTextLimits(['a', 'b', '0123456789'], limits)).not.toThrow();
  });

  it('names the texts-per-request limit and its variable', () => {
    expect(() => assertTextLimits(['a', 'b', 'c', 'd'], limits)).toThrow(
      '4 texts in one request; the limit is 3 (NEWSCELL_MAX_TEXTS)',
    );
  });

  it('names the first text over the character limit', () => {
    expect(() => assertTextLimits(['ok', '01234567890'], limits)).toThrow(
      'text 1 has 11 characters; the limit is 10 (NEWSCELL_MAX_TEXT_CHARS)',
    );
  });

  it('defaults to 256 texts of 10,000 characters (1 MiB bodies nested at most 64 deep)', () => {
    expect(loadApiConfig({}).limits).toEqual({
      bodyBytes: 1_048_576,
      textsPerRequest: 256,
      charsPerText: 10_000,
      jsonDepth: 64,
    });
  });
});
