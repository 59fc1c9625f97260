import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/** The checkout root: the nearest ancestor whose package.json declares workspaces. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dirname(dir) !== dir) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in JSON.parse(readFileSync(manifest, 'utf8')))
      return dir;
    dir = dirname(dir);
  }
  throw new Error(`no package.json with workspaces above ${fileURLToPath(import.meta.url)}`);
}

/** The AG News directory: `AGNEWS_DIR`, else `<repo root>/../shared/data/ag_news`. */
export function agNewsDir(): string {
  return process.env['AGNEWS_DIR'] ?? resolve(repoRoot(), '../shared/data/ag_news');
}

export interface AgNewsRow {
  /** 1..4 as in the file (1 World, 2 Sports, 3 Business, 4 Sci/Tech). */
  classIndex: number;
  /** Title and description joined by a space. */
  text: string;
}

/**
 * Reads `train.csv` or `test.csv` from the AG News directory. Throws (never skips) when the file
 * is missing, so a test run without the data fails loudly.
 */
export function readAgNews(split: 'train' | 'test'): AgNewsRow[] {
  const file = join(agNewsDir(), `${split}.csv`);
  if (!existsSync(file)) {
    throw new Error(
      `AG News ${split}.csv not found at ${file}; set AGNEWS_DIR to the directory holding train.csv and test.csv`,
    );
  }
  const records = parse(readFileSync(file), { relaxColumnCount: false }) as string[][];
  return records.map((record, index) => {
    const [label, title, description] = record;
    const classIndex = Number(label);
    if (!(classIndex >= 1 && classIndex <= 4) || title === undefined || description === undefined) {
      throw new Error(`${file} record ${index + 1}: expected "class","title","description"`);
    }
    return { classIndex, text: `${title} ${description}` };
  });
}
