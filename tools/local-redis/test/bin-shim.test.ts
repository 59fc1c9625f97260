import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin as Record<
  string,
  string
>;
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

// `npm ci` links a bin only if its file exists at that moment, and nothing is built yet then.
describe('the newscell-redis bin', () => {
  const target = bin['newscell-redis'] ?? '';

  it('is a committed, executable file outside dist/, so npm ci can link it before any build', () => {
    expect(target).not.toBe('');
    expect(normalize(target).split('/')[0]).not.toBe('dist');
    expect(statSync(join(root, target)).mode & 0o111).not.toBe(0);
  });

  it('runs the built command', () => {
    const run = spawnSync(process.execPath, [join(root, target), '--help'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('usage: newscell-redis <command>');
  });

  it('says how to build it when dist/ is missing, exit 1', () => {
    const copy = mkdtempSync(join(tmpdir(), 'newscell-redis-unbuilt-'));
    temps.push(copy);
    mkdirSync(join(copy, dirname(target)), { recursive: true });
    copyFileSync(join(root, target), join(copy, target));
    const run = spawnSync(process.execPath, [join(copy, target), 'status'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^newscell-redis is not built yet \(no .*dist\/cli\.js\): run `npm run build`/,
    );
  });
});
