import { describe, expect, it } from 'vitest';
import { DatasetError, readClassNames } from '../src/index.js';
import { CLASSES_TXT, fixtureDir, tempDir } from './helpers/temp-dir.js';

describe('readClassNames', () => {
  it('reads one name per line, with or without a final newline, BOM or CRLF', async () => {
    const expected = ['World', 'Sports', 'Business', 'Sci/Tech'];
    expect(await readClassNames(await fixtureDir({ 'classes.txt': CLASSES_TXT }))).toEqual(
      expected,
    );
    expect(
      await readClassNames(
        await fixtureDir({ 'classes.txt': '\uFEFFWorld\r\nSports\r\nBusiness\r\nSci/Tech' }),
      ),
    ).toEqual(expected);
  });

  it('fails clearly on missing, empty, repeated or undecodable names', async () => {
    const cases: [Record<string, string | Uint8Array>, string, RegExp][] = [
      [{}, 'DATASET_NOT_FOUND', /^classes\.txt not found: .*classes\.txt does not exist$/],
      [{ 'classes.txt': '' }, 'DATASET_EMPTY', /^classes\.txt is empty \(0 bytes\)/],
      [
        { 'classes.txt': 'World\n' },
        'DATASET_EMPTY',
        /^classes\.txt names 1 class\(es\); a classifier needs at least 2/,
      ],
      [
        { 'classes.txt': 'World\n\nSports\n' },
        'DATASET_INVALID_ROW',
        /^classes\.txt line 2: empty class name/,
      ],
      [
        { 'classes.txt': 'World\nSports\nWorld\n' },
        'DATASET_INVALID_ROW',
        /^classes\.txt line 3: class name 'World' repeats line 1/,
      ],
      [
        { 'classes.txt': Buffer.from([0x57, 0xe9, 0x0a, 0x53, 0x0a]) },
        'DATASET_ENCODING',
        /^classes\.txt is not valid UTF-8/,
      ],
      [
        {
          'classes.txt': Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            Buffer.from(CLASSES_TXT, 'utf16le'),
          ]),
        },
        'DATASET_ENCODING',
        /^classes\.txt looks UTF-16 little-endian/,
      ],
    ];
    for (const [files, code, message] of cases) {
      const error = await readClassNames(await fixtureDir(files)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatasetError);
      expect((error as DatasetError).code).toBe(code);
      expect((error as DatasetError).message).toMatch(message);
    }
    await expect(readClassNames(`${await tempDir()}/nope`)).rejects.toThrow(/does not exist/);
  });
});
