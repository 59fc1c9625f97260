import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { DatasetError } from './dataset-error.js';
import { describeForeignEncoding } from './file-checks.js';
import { Utf8Validator } from './utf8-validator.js';

export interface CheckedByteStream {
  /** Passes bytes through unchanged, failing with `DATASET_ENCODING` on non-UTF-8 input. */
  transform: Transform;
  /** Bytes passed so far. */
  count(): number;
  /** SHA-256 (hex) of all bytes; call once, after the stream has ended. */
  sha256(): string;
}

/**
 * Checks the raw bytes of a CSV file before csv-parse sees them: csv-parse would silently turn
 * invalid UTF-8 into U+FFFD, and a UTF-16 file into rows of garbage. Also hashes the bytes, so
 * the file is read only once.
 */
export function checkedByteStream(path: string): CheckedByteStream {
  const name = basename(path);
  const hash = createHash('sha256');
  const utf8 = new Utf8Validator();
  let bytes = 0;
  let newlines = 0;
  const encodingError = (detail: string, line?: number) =>
    new DatasetError(
      'DATASET_ENCODING',
      `${name}${line === undefined ? '' : ` line ${line}`}: ${detail}; AG News files must be UTF-8 text (${path})`,
      { details: { file: name, path, ...(line === undefined ? {} : { line }) } },
    );
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (bytes === 0) {
        const foreign = describeForeignEncoding(chunk.subarray(0, 4096));
        if (foreign !== undefined) return done(encodingError(`the file looks ${foreign}`));
      }
      const bad = utf8.push(chunk);
      if (bad !== undefined) {
        const at = Math.max(0, bad - bytes);
        const line = newlines + countNewlines(chunk, at) + 1;
        const byte = chunk[at];
        const shown = byte === undefined ? '' : ` 0x${byte.toString(16).padStart(2, '0')}`;
        return done(encodingError(`invalid UTF-8 byte${shown} at byte offset ${bad}`, line));
      }
      hash.update(chunk);
      bytes += chunk.length;
      newlines += countNewlines(chunk, chunk.length);
      done(null, chunk);
    },
    flush(done) {
      const bad = utf8.end();
      if (bad !== undefined) {
        return done(encodingError(`the file ends inside a UTF-8 character (byte offset ${bad})`));
      }
      done();
    },
  });
  return { transform, count: () => bytes, sha256: () => hash.digest('hex') };
}

function countNewlines(chunk: Buffer, end: number): number {
  let count = 0;
  for (let at = chunk.indexOf(10); at !== -1 && at < end; at = chunk.indexOf(10, at + 1)) count++;
  return count;
}
