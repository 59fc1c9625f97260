import { NewscellError } from '@newscell/contracts';

/**
 * One path segment of an artifact key: what a model id, a job id or a file name may be. No `.`
 * or `..`, no separators, no leading dot: a key names the same object in a folder and in a bucket,
 * and never anything outside the store.
 */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

/**
 * Checks a key such as `models/gru-1/manifest.json` (segments joined by `/`) and returns it.
 * Throws `INVALID_ARGUMENT` naming the key and the segment at fault.
 */
export function artifactKey(key: string): string {
  const segments = key.split('/');
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') {
      throw new NewscellError(
        'INVALID_ARGUMENT',
        `artifact key '${key.slice(0, 300)}': segment '${segment.slice(0, 100)}' is not a safe name (letters, digits, '.', '_', '-'; no leading dot)`,
        { details: { key: key.slice(0, 300) } },
      );
    }
  }
  return key;
}

/** A key prefix (`models/` or `models/gru-1/`): its segments are checked like a key's. */
export function artifactPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return `${artifactKey(trimmed)}/`;
}

/** Joins key segments, checking the result. */
export function joinKey(...segments: string[]): string {
  return artifactKey(segments.filter((s) => s !== '').join('/'));
}
