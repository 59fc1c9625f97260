import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AG_NEWS_FILES } from './agnews-files.js';
import { DatasetError } from './dataset-error.js';
import { assertReadableFile, describeForeignEncoding, fileSystemError } from './file-checks.js';

/**
 * The class names in `dir/classes.txt`, one per line; line 1 names class 1 (label 0).
 * For the original files: `['World', 'Sports', 'Business', 'Sci/Tech']`.
 */
export async function readClassNames(dir: string): Promise<string[]> {
  const path = join(dir, AG_NEWS_FILES.classes);
  const name = AG_NEWS_FILES.classes;
  await assertReadableFile(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileSystemError(path, error);
  }
  const foreign = describeForeignEncoding(bytes);
  let text: string;
  try {
    if (foreign !== undefined) throw new Error(foreign);
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    const why = foreign === undefined ? 'is not valid UTF-8' : `looks ${foreign}`;
    throw new DatasetError('DATASET_ENCODING', `${name} ${why}; it must be UTF-8 text (${path})`, {
      details: { file: name, path },
      cause: error,
    });
  }
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const names = lines.map((line) => line.trim());
  const invalid = (line: number, problem: string) =>
    new DatasetError('DATASET_INVALID_ROW', `${name} line ${line}: ${problem} (${path})`, {
      details: { file: name, path, line },
    });
  const seen = new Map<string, number>();
  names.forEach((className, index) => {
    if (className === '') throw invalid(index + 1, 'empty class name');
    const first = seen.get(className);
    if (first !== undefined)
      throw invalid(index + 1, `class name '${className}' repeats line ${first}`);
    seen.set(className, index + 1);
  });
  if (names.length < 2) {
    throw new DatasetError(
      'DATASET_EMPTY',
      `${name} names ${names.length} class(es); a classifier needs at least 2 (${path})`,
      {
        details: { file: name, path, classes: names.length },
      },
    );
  }
  return names;
}
