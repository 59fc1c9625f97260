import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** A fresh temporary folder; `removeTempDirs` deletes every one made so far. */
export async function tempDir(prefix = 'newscell-pipeline-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** CSV line in the AG News format: every field quoted, inner quotes doubled. */
export function csvLine(...fields: (string | number)[]): string {
  return `${fields.map((f) => `"${String(f).replaceAll('"', '""')}"`).join(',')}\n`;
}

// Each class has its own topic words, so even a one-epoch model separates them.
const TOPIC_WORDS = [
  ['minister', 'election', 'embassy', 'troops', 'treaty', 'parliament'],
  ['football', 'goal', 'coach', 'league', 'tennis', 'championship'],
  ['shares', 'profit', 'market', 'investors', 'earnings', 'bank'],
  ['software', 'internet', 'computer', 'nasa', 'chip', 'wireless'],
];
const SHARED = ['the', 'a', 'new', 'said', 'on', 'monday', 'report', 'year'];

/**
 * Writes a small AG News folder (train.csv, test.csv, classes.txt) with `trainPerClass` and
 * `testPerClass` rows of each class, deterministic for a given `seed`.
 */
export async function writeAgNewsFixture(
  options: { trainPerClass?: number; testPerClass?: number; seed?: number } = {},
): Promise<string> {
  const dir = await tempDir('newscell-agnews-');
  let state = options.seed ?? 7;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const pick = (words: string[]) => words[Math.floor(next() * words.length)] as string;
  const rows = (perClass: number, split: string) => {
    let out = '';
    for (let i = 0; i < perClass; i++) {
      for (let c = 0; c < 4; c++) {
        const topic = TOPIC_WORDS[c] as string[];
        const title = `${pick(topic)} ${pick(SHARED)} ${pick(topic)}`;
        const description = `${pick(SHARED)} ${pick(topic)} ${pick(SHARED)} ${pick(topic)} ${split} ${i}`;
        out += csvLine(c + 1, title, description);
      }
    }
    return out;
  };
  await writeFile(join(dir, 'train.csv'), rows(options.trainPerClass ?? 40, 'train'));
  await writeFile(join(dir, 'test.csv'), rows(options.testPerClass ?? 10, 'test'));
  await writeFile(join(dir, 'classes.txt'), 'World\nSports\nBusiness\nSci/Tech\n');
  return dir;
}
