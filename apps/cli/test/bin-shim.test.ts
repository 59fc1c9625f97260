import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const cliRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = JSON.parse(readFileSync(join(cliRoot, 'package.json'), 'utf8')).bin as Record<
  string,
  string
>;
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

// `npm ci` links a bin only if its file exists at that moment, and nothing is built yet then:
// a bin pointing into dist/ left `npx newscell` with "could not determine executable to run".
describe('the newscell bin', () => {
  const target = bin['newscell'] ?? '';

  it('is a committed, executable file outside dist/, so npm ci can link it before any build', () => {
    expect(target).not.toBe('');
    expect(normalize(target).split('/')[0]).not.toBe('dist');
    expect(statSync(join(cliRoot, target)).mode & 0o111).not.toBe(0);
  });

  it('runs the built CLI', () => {
    const run = spawnSync(process.execPath, [join(cliRoot, target), '--help'], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: newscell');
  });

  it('says how to build it when dist/ is missing, in one line, exit 1', () => {
    const copy = mkdtempSync(join(tmpdir(), 'newscell-unbuilt-'));
    temps.push(copy);
    mkdirSync(join(copy, dirname(target)), { recursive: true });
    copyFileSync(join(cliRoot, target), join(copy, target));
    const run = spawnSync(process.execPath, [join(copy, target), '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^newscell is not built yet \(no .*dist\/main\.js\): run `npm run build`/,
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
