import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NewscellError } from '@newscell/contracts';
import type { ArtifactStore } from './artifact-store.js';
import { FolderStore } from './folder-store.js';
import { S3Store, type S3StoreOptions } from './s3-store.js';

/**
 * Opens the store a URL names: `file:///abs/folder` (a relative `file:` path or a plain path is
 * resolved against the working directory) or `s3://bucket/prefix`. Throws `INVALID_CONFIG`
 * naming `NEWSCELL_STORE_URL` and the value for anything else.
 */
export function openArtifactStore(
  url: string,
  options: { s3Client?: S3StoreOptions['client']; variable?: string } = {},
): ArtifactStore {
  const variable = options.variable ?? 'NEWSCELL_STORE_URL';
  const bad = (why: string) =>
    new NewscellError('INVALID_CONFIG', `${variable}='${url}': ${why}`, {
      details: { field: variable, value: url },
    });
  if (url.startsWith('s3://')) {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw bad(`'${bucket}' is not a valid bucket name`);
    }
    try {
      return new S3Store({ bucket, prefix, client: options.s3Client });
    } catch (error) {
      throw bad((error as Error).message);
    }
  }
  if (url.startsWith('file:')) {
    let folder: string;
    try {
      folder = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
    } catch (error) {
      throw bad((error as Error).message);
    }
    return new FolderStore(path.resolve(folder));
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw bad('the store must be file:///… or s3://bucket/prefix');
  }
  return new FolderStore(path.resolve(url));
}
