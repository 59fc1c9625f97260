import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { NewscellError } from '@newscell/contracts';
import { syncDirectory, syncTree } from '@newscell/tokenizer';

/**
 * Fills a temporary sibling of `dir` with `write`, flushes it to disk (every file and the
 * directory), then renames it to `dir` and flushes the parent: a crash or power cut leaves either
 * no directory or a complete one (plus, at worst, a `.tmp-` sibling to clean up), never a
 * half-written model. With `overwrite`, an existing `dir` is swapped out and removed afterwards;
 * a swap an earlier crash interrupted is undone first.
 */
export async function writeDirectoryAtomically(
  dir: string,
  write: (tempDir: string) => Promise<void>,
  options: { overwrite?: boolean } = {},
): Promise<void> {
  const target = path.resolve(dir);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = `${target}.tmp-${suffix}`;
  // The writer, never a reader, puts back a version an interrupted overwrite left aside.
  await recoverInterruptedSwap(target);
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
  const parent = path.dirname(target);
  try {
    await write(temp);
    // Every byte on disk before the name points at it: a power cut then leaves the old
    // directory or the complete new one, never a renamed directory of empty files.
    await syncTree(temp);
    if (exists) {
      const old = `${target}.old-${suffix}`;
      await rename(target, old);
      await rename(temp, target);
      await syncDirectory(parent);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, target);
      await syncDirectory(parent);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Undoes an overwrite interrupted between its two renames (the old directory moved aside, the
 * new one not yet in place): when `dir` is missing and an `.old-` sibling exists, the newest one
 * is put back, so a reader finds the last complete version instead of nothing. Returns true when
 * it restored one.
 */
export async function recoverInterruptedSwap(dir: string): Promise<boolean> {
  const target = path.resolve(dir);
  if (await pathExists(target)) return false;
  const parent = path.dirname(target);
  const prefix = `${path.basename(target)}.old-`;
  let names: string[];
  try {
    names = (await readdir(parent)).filter((name) => name.startsWith(prefix));
  } catch {
    return false;
  }
  let newest: { name: string; mtimeMs: number } | undefined;
  for (const name of names) {
    const { mtimeMs } = await stat(path.join(parent, name));
    if (newest === undefined || mtimeMs > newest.mtimeMs) newest = { name, mtimeMs };
  }
  if (newest === undefined) return false;
  await rename(path.join(parent, newest.name), target);
  return true;
}

export async function pathExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
