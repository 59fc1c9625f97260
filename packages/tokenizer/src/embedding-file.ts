/**
 * Binary layout of a saved embedding matrix (all integers little-endian uint32):
 *
 * | offset | bytes | field                                              |
 * |--------|-------|----------------------------------------------------|
 * | 0      | 4     | magic `NCEM`                                       |
 * | 4      | 4     | format version (1)                                 |
 * | 8      | 4     | rows (vocabulary size)                             |
 * | 12     | 4     | dim                                                |
 * | 16     | 32    | sha256 of the vocabulary (raw bytes of its `hash`) |
 * | 48     | 4·r·d | row-major little-endian float32 values             |
 *
 * The vocabulary hash ties the rows to their token ids, so loading a matrix against the wrong
 * vocabulary fails instead of silently scrambling the vectors.
 */
import { endianness } from 'node:os';
import { EmbeddingsError } from './errors.js';

export const EMBEDDING_FILE_MAGIC = 'NCEM';
export const EMBEDDING_FILE_VERSION = 1;
export const EMBEDDING_HEADER_BYTES = 48;
const LITTLE_ENDIAN = endianness() === 'LE';

export interface EmbeddingFileContent {
  rows: number;
  dim: number;
  vocabularyHash: string;
  data: Float32Array;
}

export function encodeEmbeddingFile(
  vocabularyHash: string,
  rows: number,
  dim: number,
  data: Float32Array,
): Uint8Array {
  const bytes = new Uint8Array(EMBEDDING_HEADER_BYTES + data.length * 4);
  const view = new DataView(bytes.buffer);
  bytes.set(Buffer.from(EMBEDDING_FILE_MAGIC, 'ascii'), 0);
  view.setUint32(4, EMBEDDING_FILE_VERSION, true);
  view.setUint32(8, rows, true);
  view.setUint32(12, dim, true);
  bytes.set(Buffer.from(vocabularyHash, 'hex'), 16);
  if (LITTLE_ENDIAN) {
    bytes.set(
      new Uint8Array(data.buffer, data.byteOffset, data.length * 4),
      EMBEDDING_HEADER_BYTES,
    );
  } else {
    for (let i = 0; i < data.length; i++) {
      view.setFloat32(EMBEDDING_HEADER_BYTES + i * 4, data[i] as number, true);
    }
  }
  return bytes;
}

export function decodeEmbeddingFile(bytes: Uint8Array, path: string): EmbeddingFileContent {
  const fail = (message: string, details: Record<string, unknown> = {}): never => {
    throw new EmbeddingsError(`${path}: ${message}`, { details: { file: path, ...details } });
  };
  if (bytes.length < EMBEDDING_HEADER_BYTES) {
    fail(
      `file is ${bytes.length} bytes, shorter than the ${EMBEDDING_HEADER_BYTES}-byte header; it is truncated or not an embeddings file`,
    );
  }
  const magic = Buffer.from(bytes.subarray(0, 4)).toString('latin1');
  if (magic !== EMBEDDING_FILE_MAGIC) {
    fail(
      `not a newscell embeddings file (magic ${JSON.stringify(magic)}, expected '${EMBEDDING_FILE_MAGIC}')`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== EMBEDDING_FILE_VERSION) {
    fail(
      `format version ${version} is not supported (this version reads ${EMBEDDING_FILE_VERSION})`,
    );
  }
  const rows = view.getUint32(8, true);
  const dim = view.getUint32(12, true);
  if (dim === 0) fail('header says dim 0');
  const expected = EMBEDDING_HEADER_BYTES + rows * dim * 4;
  if (bytes.length !== expected) {
    fail(
      `header says ${rows} rows × ${dim} dims (${expected} bytes) but the file has ${bytes.length} bytes; ` +
        (bytes.length < expected ? 'it is truncated' : 'it has trailing data'),
      { expectedBytes: expected, actualBytes: bytes.length },
    );
  }
  const vocabularyHash = Buffer.from(bytes.subarray(16, 48)).toString('hex');
  const data = new Float32Array(rows * dim);
  if (LITTLE_ENDIAN) {
    // Copy through bytes: the file buffer's offset need not be 4-byte aligned.
    new Uint8Array(data.buffer).set(bytes.subarray(EMBEDDING_HEADER_BYTES));
  } else {
    for (let i = 0; i < data.length; i++) {
      data[i] = view.getFloat32(EMBEDDING_HEADER_BYTES + i * 4, true);
    }
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      fail(
        `value at row ${Math.floor(i / dim)}, column ${i % dim} is ${data[i]}; the file is corrupt`,
        {
          row: Math.floor(i / dim),
          column: i % dim,
        },
      );
    }
  }
  return { rows, dim, vocabularyHash, data };
}
