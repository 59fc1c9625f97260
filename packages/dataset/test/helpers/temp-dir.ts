import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary folder, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'newscell-dataset-'));
  created.push(dir);
  return dir;
}

/** CSV line in the originals' format: every field quoted, inner quotes doubled. */
export function csvLine(...fields: (string | number)[]): string {
  return fields.map((field) => `"${String(field).replaceAll('"', '""')}"`).join(',') + '\n';
}

/** Writes `files` (name → content) into a fresh temp folder and returns it. */
export async function fixtureDir(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

export const CLASSES_TXT = 'World\nSports\nBusiness\nSci/Tech\n';

/** A small valid AG News folder: `perClass` rows of each class in train.csv and test.csv. */
export function smallAgNewsFiles(perClass = 3): Record<string, string> {
  const rows = (split: string) => {
    let out = '';
    for (let i = 0; i < perClass; i++) {
      for (let c = 1; c <= 4; c++)
        out += csvLine(c, `${split} title ${c}.${i}`, `${split} description ${c}.${i}`);
    }
    return out;
  };
  return { 'train.csv': rows('train'), 'test.csv': rows('test'), 'classes.txt': CLASSES_TXT };
}
