import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { DatasetError } from './dataset-error.js';

/** Fails with a clear message unless `path` is a non-empty regular file; returns its size. */
export async function assertReadableFile(path: string): Promise<number> {
  const name = basename(path);
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new DatasetError('DATASET_NOT_FOUND', `${name}: ${path} is not a regular file`, {
        details: { file: name, path },
      });
    }
    size = info.size;
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw fileSystemError(path, error);
  }
  if (size === 0) {
    throw new DatasetError('DATASET_EMPTY', `${name} is empty (0 bytes): ${path}`, {
      details: { file: name, path },
    });
  }
  return size;
}

export function fileSystemError(path: string, error: unknown): DatasetError {
  const name = basename(path);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOENT') {
    return new DatasetError('DATASET_NOT_FOUND', `${name} not found: ${path} does not exist`, {
      details: { file: name, path },
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new DatasetError('DATASET_NOT_FOUND', `${name} cannot be read (${path}): ${reason}`, {
    details: { file: name, path },
    cause: error,
  });
}

/**
 * Recognises files that are clearly not UTF-8 text from their first bytes, so the error can
 * say what the file is instead of reporting garbage on some later line.
 */
export function describeForeignEncoding(head: Uint8Array): string | undefined {
  const [b0, b1, b2, b3] = [head[0], head[1], head[2], head[3]];
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0)
    return 'UTF-32 (byte-order mark FF FE 00 00)';
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)
    return 'UTF-32 (byte-order mark 00 00 FE FF)';
  if (b0 === 0xff && b1 === 0xfe) return 'UTF-16 little-endian (byte-order mark FF FE)';
  if (b0 === 0xfe && b1 === 0xff) return 'UTF-16 big-endian (byte-order mark FE FF)';
  if (b0 === 0x1f && b1 === 0x8b) return 'gzip-compressed (extract it first)';
  if (head.indexOf(0) !== -1)
    return 'binary or UTF-16 without a byte-order mark (it contains NUL bytes)';
  return undefined;
}
