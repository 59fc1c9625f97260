import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { NewscellError } from '@newscell/contracts';

/**
 * Fills a temporary sibling of `dir` with `write`, then renames it to `dir`: a crash leaves
 * either no directory or a complete one (plus, at worst, a `.tmp-` sibling to clean up), never a
 * half-written model. With `overwrite`, an existing `dir` is swapped out and removed afterwards.
 */
export async function writeDirectoryAtomically(
  dir: string,
  write: (tempDir: string) => Promise<void>,
  options: { overwrite?: boolean } = {},
): Promise<void> {
  const target = path.resolve(dir);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = `${target}.tmp-${suffix}`;
  const exists = await pathExists(target);
  if (exists && !options.overwrite) {
    throw new NewscellError(
      'INVALID_ARGUMENT',
      `${target} already exists; choose another directory or pass overwrite: true`,
      { details: { dir: target } },
    );
  }
  await mkdir(path.dirname(target), { recursive: true });
  await mkdir(temp);
  try {
    await write(temp);
    if (exists) {
      const old = `${target}.old-${suffix}`;
      await rename(target, old);
      await rename(temp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, target);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

export async function pathExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
