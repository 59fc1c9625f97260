import { describe, expect, it } from 'vitest';
import { Utf8Validator } from '../src/utf8-validator.js';

function firstError(chunks: number[][]): number | undefined {
  const validator = new Utf8Validator();
  for (const chunk of chunks) {
    const bad = validator.push(Buffer.from(chunk));
    if (bad !== undefined) return bad;
  }
  return validator.end();
}

describe('Utf8Validator', () => {
  it('accepts characters of every length split at any chunk boundary', () => {
    const bytes = [...Buffer.from('aé€🙂z')];
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(firstError([bytes.slice(0, cut), bytes.slice(cut)])).toBeUndefined();
    }
    expect(firstError(bytes.map((b) => [b]))).toBeUndefined();
  });

  it('reports the absolute offset of the first invalid byte', () => {
    expect(
      firstError([
        [0x61, 0x62],
        [0x63, 0xe9, 0x64],
      ]),
    ).toBe(3); // Latin-1 é
    expect(firstError([[0x61, 0xc0, 0xaf]])).toBe(1); // overlong '/'
    expect(firstError([[0xed, 0xa0, 0x80]])).toBe(0); // UTF-16 surrogate
    expect(firstError([[0xf4, 0x90, 0x80, 0x80]])).toBe(0); // above U+10FFFF
    expect(firstError([[0x61], [0x80]])).toBe(1); // lone continuation byte
    expect(firstError([[0x61, 0xe2, 0x82], [0x41]])).toBe(1); // sequence cut short
  });

  it('reports a character cut off by the end of the input', () => {
    expect(firstError([[0x61, 0x62, 0xf0, 0x9f]])).toBe(2);
  });
});
