import { describe, expect, it } from 'vitest';
import { loadAgNews } from '../src/index.js';
import { csvLine, fixtureDir, smallAgNewsFiles, tempDir } from './helpers/temp-dir.js';

describe('loadAgNews', () => {
  it('resolves through AGNEWS_DIR, reads both files, splits and summarises', async () => {
    const dir = await fixtureDir(smallAgNewsFiles(10));
    const data = await loadAgNews({
      env: { AGNEWS_DIR: dir },
      dataDir: await tempDir(),
      validationFraction: 0.2,
    });
    expect(data.classNames).toEqual(['World', 'Sports', 'Business', 'Sci/Tech']);
    expect([data.train.length, data.validation.length, data.test.length]).toEqual([32, 8, 40]);
    expect(data.summary).toMatchObject({
      dir,
      source: 'env',
      seed: 42,
      validationFraction: 0.2,
      trainLimit: null,
      testLimit: null,
      counts: { train: 32, validation: 8, test: 40 },
      files: { train: { rows: 40, perClass: [10, 10, 10, 10] }, test: { rows: 40 } },
    });
    expect(data.test[0]).toEqual({
      label: 0,
      text: 'test title 1.0 test description 1.0',
      line: 1,
    });
  });

  it('takes the class range from classes.txt', async () => {
    const dir = await fixtureDir({
      'classes.txt': 'Yes\nNo\n',
      'train.csv': csvLine(1, 'a', 'b') + csvLine(2, 'c', 'd'),
      'test.csv': csvLine(2, 'e', 'f') + csvLine(3, 'g', 'h'),
    });
    await expect(loadAgNews({ dir })).rejects.toThrow(
      "test.csv line 2: class '3' is not one of 1..2",
    );
    const data = await loadAgNews({ dir, onInvalidRow: 'skip', validationFraction: 0 });
    expect(data.summary.files.test.skipped).toMatchObject({ count: 1, lines: [2] });
    expect(data.test).toEqual([{ label: 1, text: 'e f', line: 1 }]);
  });

  it('applies stratified limits before the split', async () => {
    const dir = await fixtureDir(smallAgNewsFiles(25));
    const data = await loadAgNews({
      dir,
      trainLimit: { perClass: 5 },
      testLimit: { total: 8 },
      validationFraction: 0.25,
    });
    expect(data.summary.counts).toEqual({ train: 15, validation: 5, test: 8 });
    expect(data.summary.trainLimit).toEqual({ perClass: 5 });
    const again = await loadAgNews({
      dir,
      trainLimit: { perClass: 5 },
      testLimit: { total: 8 },
      validationFraction: 0.25,
    });
    expect(again.train).toEqual(data.train);
  });
});
