import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AG_NEWS_FILES } from './agnews-files.js';

/** Which of `train.csv`, `test.csv`, `classes.txt` are not regular files in `dir`. */
export async function missingAgNewsFiles(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const name of Object.values(AG_NEWS_FILES)) {
    const isFile = await stat(join(dir, name)).then(
      (info) => info.isFile(),
      () => false,
    );
    if (!isFile) missing.push(name);
  }
  return missing;
}
