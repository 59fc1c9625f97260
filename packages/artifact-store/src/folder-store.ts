import { mkdir, readdir, readFile, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '@newscell/tokenizer';
import { artifactKey, artifactPrefix } from './artifact-key.js';
import type { ArtifactStore } from './artifact-store.js';

/**
 * An artifact store in a local folder: key `a/b/c` is the file `<root>/a/b/c`. Writes go through
 * the tokenizer's `writeFileAtomic` (temporary sibling fsynced, renamed, folder fsynced), so a
 * crash leaves the old file or the new one. Dot files (its temporaries) are never listed.
 */
export class FolderStore implements ArtifactStore {
  readonly root: string;
  readonly url: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.url = pathToFileURL(this.root).href;
  }

  /** The file a key maps to (the key is checked, so the file is inside the root). */
  fileOf(key: string): string {
    return path.join(this.root, ...artifactKey(key).split('/'));
  }

  async read(key: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.fileOf(key)));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async write(key: string, data: Uint8Array | string): Promise<void> {
    const file = this.fileOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, data);
  }

  async list(prefix: string): Promise<string[]> {
    const base = artifactPrefix(prefix);
    const dir = base === '' ? this.root : path.join(this.root, ...base.slice(0, -1).split('/'));
    const keys: string[] = [];
    await walk(dir, base, keys);
    return keys.sort();
  }

  async listChildren(prefix: string): Promise<string[]> {
    const base = artifactPrefix(prefix);
    const dir = base === '' ? this.root : path.join(this.root, ...base.slice(0, -1).split('/'));
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      return entries
        .filter((e) => !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort();
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    try {
      await unlink(this.fileOf(key));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async removePrefix(prefix: string): Promise<void> {
    const base = artifactPrefix(prefix);
    if (base === '') throw new Error('refusing to remove every artifact (empty prefix)');
    await rm(path.join(this.root, ...base.slice(0, -1).split('/')), {
      recursive: true,
      force: true,
    });
  }

  async close(): Promise<void> {}
}

async function walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory())
      await walk(path.join(dir, entry.name), `${keyPrefix}${entry.name}/`, out);
    else if (entry.isFile()) out.push(`${keyPrefix}${entry.name}`);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT';
}
