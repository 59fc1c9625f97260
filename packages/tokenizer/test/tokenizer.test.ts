import { describe, expect, it } from 'vitest';
import { TokenizerError } from '../src/errors.js';
import {
  createTokenizer,
  NUMBER_TOKEN,
  resolveTokenizerOptions,
  sameTokenizerOptions,
  URL_TOKEN,
} from '../src/tokenizer.js';

describe('createTokenizer', () => {
  it('lower-cases and splits with the default word tokenizer', () => {
    const tokenizer = createTokenizer();
    expect(tokenizer.tokenize('Wall St. Bears Claw Back Into the Black (Reuters)')).toEqual([
      'wall',
      'st',
      'bears',
      'claw',
      'back',
      'into',
      'the',
      'black',
      'reuters',
    ]);
    expect(tokenizer.options).toEqual({
      kind: 'word',
      lowercase: true,
      decodeHtml: true,
      asciiFold: true,
      urls: true,
      numbers: true,
      stem: false,
    });
  });

  it("decodes AG News' HTML entities (with or without '&') and drops tags", () => {
    const tokenizer = createTokenizer({ kind: 'aggressive' });
    expect(tokenizer.tokenize('Google#39;s quot;IPO quot; &amp; more')).toEqual([
      "google's",
      'ipo',
      'more',
    ]);
    expect(
      tokenizer.tokenize(
        'See &lt;A HREF="http://www.reuters.com/q?t=GOOG.O"&gt;GOOG.O&lt;/A&gt; now',
      ),
    ).toEqual(['see', 'goog', 'o', 'now']);
    expect(tokenizer.tokenize('Champ; lots')).toEqual(['champ', 'lots']);
  });

  it('replaces numbers (with separators) and URLs by one token each', () => {
    const tokenizer = createTokenizer();
    expect(tokenizer.tokenize('Profit rose 3.5% to $1,200 in 2004; G8 met')).toEqual([
      'profit',
      'rose',
      NUMBER_TOKEN,
      'to',
      NUMBER_TOKEN,
      'in',
      NUMBER_TOKEN,
      'g8',
      'met',
    ]);
    expect(
      tokenizer.tokenize('Details at http://www.example.com/a?b=1 and www.ipo.google.com.'),
    ).toEqual(['details', 'at', URL_TOKEN, 'and', URL_TOKEN]);
    const raw = createTokenizer({ numbers: false, urls: false });
    expect(raw.tokenize('3.5 at http://x.com')).toEqual(['3', '5', 'at', 'http', 'x', 'com']);
  });

  it('never emits a token that looks like a special token, whatever the text says', () => {
    for (const kind of ['word', 'aggressive', 'wordPunct', 'treebank'] as const) {
      const tokens = createTokenizer({ kind, decodeHtml: false }).tokenize('a <pad> b <unk> \\ c');
      expect(tokens.some((token) => /[<>\\]/.test(token))).toBe(false);
    }
  });

  it('folds accents and curly quotes to ASCII unless told not to', () => {
    expect(createTokenizer({ kind: 'aggressive' }).tokenize('Café’s Zürich')).toEqual([
      "cafe's",
      'zurich',
    ]);
    expect(createTokenizer({ asciiFold: false }).tokenize('Café')).toEqual(['caf']);
  });

  it('keeps case when lowercase is off', () => {
    expect(createTokenizer({ lowercase: false }).tokenize('Apple iPod')).toEqual(['Apple', 'iPod']);
  });

  it('Porter-stems words but not numbers or URLs when stem is on', () => {
    const tokenizer = createTokenizer({ stem: true });
    expect(tokenizer.tokenize('Stocks rallied 42 times at http://x.com, running')).toEqual([
      'stock',
      'ralli',
      NUMBER_TOKEN,
      'time',
      'at',
      URL_TOKEN,
      'run',
    ]);
  });

  it('recreates exactly the same tokenizer from its JSON options', () => {
    const original = createTokenizer({ kind: 'treebank', stem: true, urls: false });
    const copy = createTokenizer(JSON.parse(JSON.stringify(original.options)));
    const text = "They don't sell 1,000 shares at http://x.com/#39; quickly";
    expect(copy.tokenize(text)).toEqual(original.tokenize(text));
    expect(copy.options).toEqual(original.options);
    expect(sameTokenizerOptions(original.options, copy.options)).toBe(true);
    expect(sameTokenizerOptions({}, { stem: true })).toBe(false);
    expect(sameTokenizerOptions({}, { kind: 'word' })).toBe(true);
  });

  it('rejects unknown, misspelt and mistyped options with the field named', () => {
    expect(() => createTokenizer({ stemming: true } as never)).toThrow(
      /unknown tokenizer option 'stemming'/,
    );
    expect(() => createTokenizer({ kind: 'bert' } as never)).toThrow(
      /'kind' is 'bert'; expected one of word/,
    );
    expect(() => createTokenizer({ lowercase: 'yes' } as never)).toThrow(
      /'lowercase' is 'yes'; expected a boolean/,
    );
    expect(() => resolveTokenizerOptions(null)).toThrow(TokenizerError);
    try {
      createTokenizer({ kind: 'bert' } as never);
    } catch (error) {
      expect(error).toBeInstanceOf(TokenizerError);
      expect((error as TokenizerError).code).toBe('INVALID_CONFIG');
      expect((error as TokenizerError).details).toEqual({ field: 'kind', value: 'bert' });
    }
  });

  it('rejects a non-string text with a clear error', () => {
    expect(() => createTokenizer().tokenize(42 as never)).toThrow(
      /expects a string, got number 42/,
    );
  });

  it('returns no tokens for empty or punctuation-only text', () => {
    expect(createTokenizer().tokenize('')).toEqual([]);
    expect(createTokenizer().tokenize(' ... -- !')).toEqual([]);
  });
});
