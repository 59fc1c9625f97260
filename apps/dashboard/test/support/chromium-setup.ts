import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'scripts',
  'ensure-chromium.sh',
);

/**
 * Vitest `globalSetup`: finds Chromium (or, as root on Debian, installs it with apt-get) before
 * any browser test runs, and exposes it as `CHROMIUM_PATH`. A machine without one fails here
 * with the script's explanation, not with a launch error deep inside a test.
 */
export async function setup(): Promise<void> {
  try {
    const { stdout } = await promisify(execFile)('sh', [script], { timeout: 15 * 60_000 });
    const path = stdout.trim().split('\n').at(-1);
    if (path === undefined || path === '') throw new Error('ensure-chromium.sh printed no path');
    process.env.CHROMIUM_PATH = path;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`no Chromium for the browser tests: ${stderr.trim() || String(error)}`);
  }
}
