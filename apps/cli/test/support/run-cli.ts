import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `newscell` in a child process, as a person would; `input` goes to its stdin. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<CliRun> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build the CLI first (npm run build in apps/cli)`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, NEWSCELL_DEBUG: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const created: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'newscell-cli-'));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

const csvLine = (...fields: (string | number)[]) =>
  `${fields.map((f) => `"${String(f).replaceAll('"', '""')}"`).join(',')}\n`;

// One set of topic words per class, so a tiny model learns them in a few epochs.
const TOPIC_WORDS = [
  ['minister', 'election', 'embassy', 'troops', 'treaty', 'parliament'],
  ['football', 'goal', 'coach', 'league', 'tennis', 'championship'],
  ['shares', 'profit', 'market', 'investors', 'earnings', 'bank'],
  ['software', 'internet', 'computer', 'nasa', 'chip', 'wireless'],
];

/** A small AG News folder (no header, class 1..4, quoted title and description). */
export async function writeAgNewsFixture(trainPerClass = 40, testPerClass = 10): Promise<string> {
  const dir = await tempDir();
  const rows = (perClass: number, split: string) => {
    let out = '';
    for (let i = 0; i < perClass; i++) {
      for (let c = 0; c < 4; c++) {
        const w = TOPIC_WORDS[c] as string[];
        const word = (k: number) => w[(i + k) % w.length] as string;
        out += csvLine(
          c + 1,
          `${word(0)} ${word(1)} news`,
          `the ${word(2)} and ${word(3)} ${split} ${i}`,
        );
      }
    }
    return out;
  };
  await writeFile(join(dir, 'train.csv'), rows(trainPerClass, 'train'));
  await writeFile(join(dir, 'test.csv'), rows(testPerClass, 'test'));
  await writeFile(join(dir, 'classes.txt'), 'World\nSports\nBusiness\nSci/Tech\n');
  return dir;
}
