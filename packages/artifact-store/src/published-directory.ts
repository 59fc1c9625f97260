import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { NewscellError } from '@newscell/contracts';
import { syncDirectory, writeFileDurably } from '@newscell/tokenizer';
import { artifactKey, joinKey } from './artifact-key.js';
import type { ArtifactStore } from './artifact-store.js';

/** Size and SHA-256 of one file, as a manifest lists it. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** The part of a manifest this module reads: every other file of the directory with its digest. */
export interface DirectoryManifest {
  files: Record<string, FileDigest>;
}

export function fileDigest(bytes: Uint8Array): FileDigest {
  return { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Publishes a local directory under `prefix` so that readers see all of it or nothing: every file
 * but the manifest first, the manifest last. A reader trusts a published directory only through
 * its manifest (see `fetchDirectory`), so a crash midway leaves files no one serves.
 */
export async function publishDirectory(
  store: ArtifactStore,
  prefix: string,
  localDir: string,
  manifestName = 'manifest.json',
): Promise<void> {
  const names = (await readdir(localDir, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (!names.includes(manifestName)) {
    throw new NewscellError('INVALID_ARGUMENT', `${localDir} has no ${manifestName} to publish`);
  }
  // A republished directory may have dropped files: its old manifest goes first, so no reader
  // trusts the mix while the new files arrive.
  await store.remove(joinKey(prefix, manifestName));
  for (const name of names) {
    if (name !== manifestName) {
      await store.write(joinKey(prefix, name), await readFile(path.join(localDir, name)));
    }
  }
  await store.write(
    joinKey(prefix, manifestName),
    await readFile(path.join(localDir, manifestName)),
  );
}

/** Removes a published directory: the manifest first, so readers stop trusting it at once. */
export async function unpublishDirectory(
  store: ArtifactStore,
  prefix: string,
  manifestName = 'manifest.json',
): Promise<void> {
  await store.remove(joinKey(prefix, manifestName));
  await store.removePrefix(prefix);
}

/**
 * Downloads a published directory into `localDir` (replacing it), checking every file against
 * the manifest's sizes and hashes, through a temporary sibling renamed into place. Returns the
 * parsed manifest, or null when the store has no manifest under `prefix`. Throws `MODEL_CORRUPT`
 * naming the file whose bytes do not match.
 */
export async function fetchDirectory(
  store: ArtifactStore,
  prefix: string,
  localDir: string,
  manifestName = 'manifest.json',
): Promise<DirectoryManifest | null> {
  const manifestBytes = await store.read(joinKey(prefix, manifestName));
  if (manifestBytes === null) return null;
  const manifest = parseManifest(store, prefix, manifestName, manifestBytes);
  const target = path.resolve(localDir);
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(temp);
  try {
    for (const [name, expected] of Object.entries(manifest.files)) {
      const bytes = await store.read(joinKey(prefix, name));
      const where = `${store.url}/${prefix}/${name}`;
      if (bytes === null) {
        throw new NewscellError(
          'MODEL_CORRUPT',
          `${where} is listed in ${manifestName} but missing`,
          {
            details: { file: name },
          },
        );
      }
      const actual = fileDigest(bytes);
      if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
        throw new NewscellError(
          'MODEL_CORRUPT',
          `${where} does not match ${manifestName} (${actual.bytes} bytes, sha256 ${actual.sha256.slice(0, 12)}…; expected ${expected.bytes} bytes, ${expected.sha256.slice(0, 12)}…)`,
          { details: { file: name } },
        );
      }
      // The folder is renamed into place whole: each file needs to be durable, not atomic.
      await writeFileDurably(path.join(temp, name), bytes);
    }
    await writeFileDurably(path.join(temp, manifestName), manifestBytes);
    await syncDirectory(temp);
    await replaceDirectory(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return manifest;
}

function parseManifest(
  store: ArtifactStore,
  prefix: string,
  manifestName: string,
  bytes: Uint8Array,
): DirectoryManifest {
  const where = `${store.url}/${prefix}/${manifestName}`;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new NewscellError('MODEL_CORRUPT', `${where} is not JSON: ${(error as Error).message}`, {
      details: { file: manifestName },
    });
  }
  const files = (json as { files?: unknown } | null)?.files;
  if (files === null || typeof files !== 'object' || Array.isArray(files)) {
    throw new NewscellError('MODEL_CORRUPT', `${where} has no 'files' object`, {
      details: { file: manifestName },
    });
  }
  const out: Record<string, FileDigest> = Object.create(null);
  for (const [name, d] of Object.entries(files as Record<string, unknown>)) {
    const digest = d as Partial<FileDigest> | null;
    const valid =
      name !== manifestName &&
      safeName(name) &&
      typeof digest?.bytes === 'number' &&
      Number.isSafeInteger(digest.bytes) &&
      digest.bytes >= 0 &&
      typeof digest.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(digest.sha256);
    if (!valid) {
      throw new NewscellError(
        'MODEL_CORRUPT',
        `${where}: entry files['${name.slice(0, 100)}'] is invalid`,
        {
          details: { file: manifestName },
        },
      );
    }
    out[name] = { bytes: digest.bytes as number, sha256: digest.sha256 as string };
  }
  return { ...(json as object), files: out };
}

function safeName(name: string): boolean {
  try {
    artifactKey(name);
    return !name.includes('/');
  } catch {
    return false;
  }
}

/** Puts `temp` at `target`, replacing what was there; the parent folder is fsynced. */
async function replaceDirectory(temp: string, target: string): Promise<void> {
  let old: string | undefined;
  try {
    await stat(target);
    old = `${target}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
    await rename(target, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await rename(temp, target);
  await syncDirectory(path.dirname(target));
  if (old !== undefined) await rm(old, { recursive: true, force: true });
}
