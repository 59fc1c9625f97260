import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile } from '../src/file-md5.js';
import {
  AG_NEWS_MD5,
  agNewsDirForTests,
  loadAgNews,
  readAgNewsSplit,
  readClassNames,
  stratifiedSplit,
} from '../src/index.js';
import { tempDir } from './helpers/temp-dir.js';

// The real files (see shared/data/ag_news/SOURCE.md): test.csv is the complete original,
// train.csv a class-balanced subset of the original training set.
const dir = await agNewsDirForTests();

describe('real AG News files', () => {
  it('reads the complete original test.csv: 7,600 rows, 1,900 per class', async () => {
    const { examples, summary } = await readAgNewsSplit(dir, 'test');
    expect(summary).toMatchObject({
      file: 'test.csv',
      rows: 7600,
      perClass: [1900, 1900, 1900, 1900],
      bytes: 1857427,
      sha256: '521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699',
      skipped: { count: 0 },
    });
    expect(examples).toHaveLength(7600);
    expect(examples.at(-1)!.line).toBe(7600);
    expect(await hashFile(summary.path, 'md5')).toBe(AG_NEWS_MD5.test);
  });

  it('reads the train.csv subset: 10,304 rows, 2,576 per class', async () => {
    const { summary } = await readAgNewsSplit(dir, 'train');
    expect(summary).toMatchObject({
      rows: 10304,
      perClass: [2576, 2576, 2576, 2576],
      sha256: '0e88d8facc935cc12bae367de66ef1dbc9916dc09e9f0b196718400af272b811',
    });
  });

  it('leaves none of the originals artefacts in the text', async () => {
    for (const split of ['train', 'test'] as const) {
      const { examples } = await readAgNewsSplit(dir, split);
      const dirty = examples.filter((e) =>
        /\\|#\d+;|(?:^|[ &])(?:quot|amp|lt|gt|nbsp|hellip);|<\/?(?:a|b|p|br|font)[\s>]|\uFFFD|\s\s|^\s|\s$/i.test(
          e.text,
        ),
      );
      expect(dirty.map((e) => `${split}:${e.line}: ${e.text}`)).toEqual([]);
    }
  });

  it('cleans known rows as expected', async () => {
    const train = await readAgNewsSplit(dir, 'train');
    expect(train.examples[0]).toEqual({
      label: 2,
      line: 1,
      text: "Wall St. Bears Claw Back Into the Black (Reuters) Reuters - Short-sellers, Wall Street's dwindling band of ultra-cynics, are seeing green again.",
    });
    const test = await readAgNewsSplit(dir, 'test');
    const byLine = (line: number) => test.examples.find((e) => e.line === line)!.text;
    expect(byLine(98)).toMatch(
      /^Staples Profit Up, to Enter China Market NEW YORK \(Reuters\) - Staples Inc\. SPLS\.O, the top U\.S\. office products retailer/,
    );
    expect(byLine(327)).toContain(
      'for their convention — California Gov. Arnold Schwarzenegger — along with',
    );
    expect(byLine(7)).toMatch(
      /^Loosing the War on Terrorism "Sven Jaschan, self-confessed author .* Sophos\." "The 18-year-old Jaschan/,
    );
  });

  it('names the four topics in classes.txt', async () => {
    expect(await readClassNames(dir)).toEqual(['World', 'Sports', 'Business', 'Sci/Tech']);
  });

  it('splits the train subset stratified and reproducibly', async () => {
    const { examples } = await readAgNewsSplit(dir, 'train');
    const { train, validation } = stratifiedSplit(examples, { validationFraction: 0.1, seed: 7 });
    expect(validation).toHaveLength(1030);
    const perClass = [0, 0, 0, 0];
    for (const e of validation) perClass[e.label]!++;
    expect(perClass.every((n) => n === 257 || n === 258)).toBe(true);
    expect(train.length + validation.length).toBe(10304);
    const again = stratifiedSplit(examples, { validationFraction: 0.1, seed: 7 });
    expect(again.validation.map((e) => e.line)).toEqual(validation.map((e) => e.line));
  });

  it('loads everything in one call with a summary to store with a model', async () => {
    const data = await loadAgNews({
      dir,
      trainLimit: { perClass: 250 },
      testLimit: { total: 400 },
      seed: 3,
    });
    expect(data.summary.counts).toEqual({ train: 900, validation: 100, test: 400 });
    expect(data.summary).toMatchObject({
      source: 'given',
      classNames: ['World', 'Sports', 'Business', 'Sci/Tech'],
      textNormalization: 'agnews-text-v1',
      seed: 3,
      files: { test: { rows: 7600 }, train: { rows: 10304 } },
    });
    expect(JSON.parse(JSON.stringify(data.summary))).toEqual(data.summary);
  });

  it('handles the full training-set size: 120,000 rows built from the subset', async () => {
    const lines = (await readFile(join(dir, 'train.csv'), 'utf8')).split('\n').slice(0, -1);
    expect(lines).toHaveLength(10304);
    const big = await tempDir();
    const rows = Array.from({ length: 120_000 }, (_, i) => lines[i % lines.length]);
    await writeFile(join(big, 'train.csv'), rows.join('\n') + '\n');
    await copyFile(join(dir, 'test.csv'), join(big, 'test.csv'));
    await copyFile(join(dir, 'classes.txt'), join(big, 'classes.txt'));
    const data = await loadAgNews({ dir: big, validationFraction: 0.1, seed: 1 });
    expect(data.summary.files.train.rows).toBe(120_000);
    expect(data.summary.files.train.perClass.reduce((a, b) => a + b, 0)).toBe(120_000);
    expect(data.summary.counts).toEqual({ train: 108_000, validation: 12_000, test: 7600 });
    const lastLine = Math.max(data.train.at(-1)!.line, data.validation.at(-1)!.line);
    expect(lastLine).toBe(120_000);
  }, 60_000);
});
