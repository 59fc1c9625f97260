import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VocabularyError } from '../src/errors.js';
import { createTokenizer } from '../src/tokenizer.js';
import { Vocabulary } from '../src/vocabulary.js';
import { PAD_ID, UNK_ID } from '../src/vocabulary-json.js';

const TEXTS = ['the cat sat', 'the dog sat', 'a cat ran', 'the bird'];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'newscell-vocab-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Vocabulary.build', () => {
  it('reserves <pad> = 0 and <unk> = 1, then orders by frequency, ties by token', async () => {
    const vocabulary = await Vocabulary.build(TEXTS);
    // the: 3; cat, sat: 2; a, bird, dog, ran: 1
    expect(vocabulary.tokens).toEqual([
      '<pad>',
      '<unk>',
      'the',
      'cat',
      'sat',
      'a',
      'bird',
      'dog',
      'ran',
    ]);
    expect(vocabulary.idOf('<pad>')).toBe(PAD_ID);
    expect(vocabulary.idOf('<unk>')).toBe(UNK_ID);
    expect(vocabulary.size).toBe(9);
    expect(vocabulary.countOf(2)).toBe(3);
    expect(vocabulary.tokenOf(3)).toBe('cat');
    expect(vocabulary.tokenOf(99)).toBeUndefined();
    expect(vocabulary.idOf('zebra')).toBeUndefined();
  });

  it('gives the same ids and hash for the same texts in any input order', async () => {
    const a = await Vocabulary.build(TEXTS);
    const b = await Vocabulary.build([...TEXTS].reverse());
    expect(b.tokens).toEqual(a.tokens);
    expect(b.hash).toBe(a.hash);
  });

  it('reads async iterables (streams) as well as arrays', async () => {
    async function* stream() {
      for (const text of TEXTS) yield text;
    }
    const fromStream = await Vocabulary.build(stream());
    expect(fromStream.hash).toBe((await Vocabulary.build(TEXTS)).hash);
  });

  it('drops rare tokens below minFrequency and counts them under <unk>', async () => {
    const vocabulary = await Vocabulary.build(TEXTS, { minFrequency: 2 });
    expect(vocabulary.tokens).toEqual(['<pad>', '<unk>', 'the', 'cat', 'sat']);
    expect(vocabulary.countOf(UNK_ID)).toBe(4);
  });

  it('keeps the most frequent tokens up to maxSize (reserved ids included)', async () => {
    const vocabulary = await Vocabulary.build(TEXTS, { maxSize: 4 });
    expect(vocabulary.tokens).toEqual(['<pad>', '<unk>', 'the', 'cat']);
    expect(vocabulary.maxSize).toBe(4);
  });

  it('rejects bad options and non-string texts with the field or index named', async () => {
    await expect(Vocabulary.build(TEXTS, { minFrequency: 0 })).rejects.toThrow(/minFrequency is 0/);
    await expect(Vocabulary.build(TEXTS, { maxSize: 1 })).rejects.toThrow(/maxSize is 1/);
    await expect(Vocabulary.build(['ok', 7 as never])).rejects.toThrow(/text #1 is number/);
    await expect(Vocabulary.build('the cat' as never)).rejects.toThrow(/texts is one string/);
  });

  it('uses the given tokenizer and records its options in the hash', async () => {
    const plain = await Vocabulary.build(['Running dogs run']);
    const stemmed = await Vocabulary.build(['Running dogs run'], {
      tokenizer: createTokenizer({ stem: true }),
    });
    expect(stemmed.tokens).toEqual(['<pad>', '<unk>', 'run', 'dog']);
    expect(stemmed.tokenizer.options.stem).toBe(true);
    expect(stemmed.hash).not.toBe(plain.hash);
  });
});

describe('encoding', () => {
  it('encodes text and tokens, mapping unknown words to <unk>, and decodes back', async () => {
    const vocabulary = await Vocabulary.build(TEXTS);
    const ids = vocabulary.encode('The zebra sat');
    expect([...ids]).toEqual([2, UNK_ID, 4]);
    expect([...vocabulary.encode(['cat', 'emu'])]).toEqual([3, UNK_ID]);
    expect(vocabulary.decode([2, UNK_ID, 4, PAD_ID])).toEqual(['the', '<unk>', 'sat']);
    expect(vocabulary.decode([2, PAD_ID], { keepPadding: true })).toEqual(['the', '<pad>']);
    expect(() => vocabulary.decode([2, 42])).toThrow(/id 42 at position 1 is outside 0..8/);
  });

  it('pads and truncates a batch at either end into one Int32Array', async () => {
    const vocabulary = await Vocabulary.build(TEXTS);
    const texts = ['the cat sat', 'a'];
    const post = vocabulary.encodeBatch(texts, { maxLength: 2 });
    expect(post.batchSize).toBe(2);
    expect(post.maxLength).toBe(2);
    expect([...post.ids]).toEqual([2, 3, 5, 0]);
    expect([...post.lengths]).toEqual([2, 1]);
    const pre = vocabulary.encodeBatch(texts, { maxLength: 2, padding: 'pre', truncation: 'pre' });
    expect([...pre.ids]).toEqual([3, 4, 0, 5]);
    const longest = vocabulary.encodeBatch(texts, { padding: 'pre' });
    expect(longest.maxLength).toBe(3);
    expect([...longest.ids]).toEqual([2, 3, 4, 0, 0, 5]);
    expect(longest.ids).toBeInstanceOf(Int32Array);
    expect(() => vocabulary.encodeBatch(texts, { maxLength: 0 })).toThrow(/maxLength is 0/);
    expect(() => vocabulary.encodeBatch(texts, { padding: 'left' as never })).toThrow(
      /padding is "left"/,
    );
  });

  it('measures the out-of-vocabulary rate of a text set', async () => {
    const vocabulary = await Vocabulary.build(TEXTS);
    expect(vocabulary.oovRate(['the cat flew', 'zebra'])).toEqual({
      texts: 2,
      tokens: 4,
      unknown: 2,
      rate: 0.5,
    });
    expect(vocabulary.oovRate([]).rate).toBe(0);
  });
});

describe('save and load', () => {
  it('round-trips through JSON with the same hash, tokenizer and ids', async () => {
    const vocabulary = await Vocabulary.build(TEXTS, {
      tokenizer: { kind: 'treebank' },
      minFrequency: 1,
    });
    const path = join(dir, 'vocab.json');
    await vocabulary.save(path);
    const loaded = await Vocabulary.load(path, { expectedHash: vocabulary.hash });
    expect(loaded.hash).toBe(vocabulary.hash);
    expect(loaded.tokens).toEqual(vocabulary.tokens);
    expect(loaded.tokenizer.options).toEqual(vocabulary.tokenizer.options);
    expect([...loaded.encode('the dog ran')]).toEqual([...vocabulary.encode('the dog ran')]);
    expect(await readdir(dir)).toEqual(['vocab.json']);
  });

  it('hashes a canonical form: key order and whitespace in the file do not matter', async () => {
    const vocabulary = await Vocabulary.build(TEXTS);
    const json = vocabulary.toJSON();
    const reordered = Object.fromEntries(Object.entries(json).reverse());
    const path = join(dir, 'pretty.json');
    await writeFile(path, JSON.stringify(reordered, null, 2));
    expect((await Vocabulary.load(path)).hash).toBe(vocabulary.hash);
  });

  it('names the file and the problem for corrupt, edited or mismatched files', async () => {
    const vocabulary = await Vocabulary.build(TEXTS);
    const path = join(dir, 'vocab.json');
    await vocabulary.save(path);
    const text = await readFile(path, 'utf8');

    await writeFile(path, text.slice(0, text.length / 2));
    await expect(Vocabulary.load(path)).rejects.toThrow(new RegExp(`${path} is not valid JSON`));

    await writeFile(path, text.replace('"cat"', '"cow"'));
    await expect(Vocabulary.load(path)).rejects.toThrow(/content hash mismatch/);

    await writeFile(path, JSON.stringify({ ...vocabulary.toJSON(), format: 'other' }));
    await expect(Vocabulary.load(path)).rejects.toThrow(/field 'format' is "other"/);

    const duplicate = vocabulary.toJSON();
    duplicate.tokens[3] = 'the';
    await writeFile(path, JSON.stringify(duplicate));
    await expect(Vocabulary.load(path)).rejects.toThrow(/tokens\[3\] 'the' appears twice/);

    await writeFile(path, JSON.stringify({ ...vocabulary.toJSON(), tokenizer: { kind: 'bert' } }));
    await expect(Vocabulary.load(path)).rejects.toThrow(
      /field 'tokenizer': tokenizer option 'kind' is 'bert'/,
    );

    await writeFile(path, JSON.stringify({ ...vocabulary.toJSON(), counts: [1, 2] }));
    await expect(Vocabulary.load(path)).rejects.toThrow(
      /field 'counts' must be an array of 9 counts/,
    );

    await vocabulary.save(path);
    const other = await Vocabulary.build(['something else']);
    const mismatch = Vocabulary.load(path, { expectedHash: other.hash });
    await expect(mismatch).rejects.toThrow(/is not the expected vocabulary/);
    await expect(mismatch).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });

    await expect(Vocabulary.load(join(dir, 'missing.json'))).rejects.toThrow(
      /cannot read vocabulary file/,
    );
    await expect(Vocabulary.load(join(dir, 'missing.json'))).rejects.toBeInstanceOf(
      VocabularyError,
    );
  });
});
