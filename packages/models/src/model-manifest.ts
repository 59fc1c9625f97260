import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { NewscellError } from '@newscell/contracts';
import { pathExists } from './atomic-directory.js';
import type { BackendInfo } from './backend.js';
import type { CellType } from './classifier-config.js';

export const MANIFEST_JSON = 'manifest.json';
export const MANIFEST_FORMAT_VERSION = 1;

/** Size and SHA-256 of one file of a model directory. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** `manifest.json`: what a model directory is and how to tell it is intact. */
export interface ModelManifest {
  formatVersion: typeof MANIFEST_FORMAT_VERSION;
  id: string;
  cell: CellType;
  /** ISO 8601. */
  created: string;
  backend: Pick<BackendInfo, 'name' | 'version' | 'coreVersion'>;
  /** Version of @newscell/models that wrote the directory. */
  packageVersion: string;
  vocabularyHash: string;
  datasetSplitHash: string;
  /** Every other file of the directory. */
  files: Record<string, FileDigest>;
}

const require = createRequire(import.meta.url);
export const PACKAGE_VERSION = (require('../package.json') as { version: string }).version;

export function digest(bytes: Uint8Array): FileDigest {
  return { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Reads `manifest.json` and checks every file it lists against its size and hash. Throws
 * `MODEL_NOT_FOUND` for a missing directory, `MODEL_CORRUPT` naming the first bad file.
 */
export async function verifyModelDirectory(dir: string): Promise<ModelManifest> {
  const manifestPath = path.join(dir, MANIFEST_JSON);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const dirMissing = !(await pathExists(dir));
    throw new NewscellError(
      dirMissing ? 'MODEL_NOT_FOUND' : 'MODEL_CORRUPT',
      dirMissing
        ? `model directory ${dir} does not exist`
        : `${manifestPath} cannot be read (${code}): not a complete model directory`,
      { details: { dir, file: MANIFEST_JSON } },
    );
  }
  const manifest = parseManifest(manifestPath, text);
  for (const [name, expected] of Object.entries(manifest.files)) {
    const file = path.join(dir, name);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      throw corrupt(file, name, 'is listed in manifest.json but missing');
    }
    if (bytes.byteLength !== expected.bytes) {
      throw corrupt(
        file,
        name,
        `has ${bytes.byteLength} bytes but manifest.json says ${expected.bytes} (truncated or replaced)`,
      );
    }
    const actual = digest(bytes).sha256;
    if (actual !== expected.sha256) {
      throw corrupt(
        file,
        name,
        `sha256 ${actual} does not match manifest.json (${expected.sha256}): the file is corrupt`,
      );
    }
  }
  return manifest;
}

function corrupt(file: string, name: string, problem: string): NewscellError {
  return new NewscellError('MODEL_CORRUPT', `${file} ${problem}`, { details: { file: name } });
}

function parseManifest(file: string, text: string): ModelManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, MANIFEST_JSON, `is not valid JSON: ${(error as Error).message}`);
  }
  const m = value as Partial<ModelManifest> | null;
  if (m === null || typeof m !== 'object') throw corrupt(file, MANIFEST_JSON, 'is not an object');
  if (m.formatVersion !== MANIFEST_FORMAT_VERSION) {
    throw new NewscellError(
      'MODEL_MISMATCH',
      `${file} has formatVersion ${JSON.stringify(m.formatVersion)}; this @newscell/models (${PACKAGE_VERSION}) reads ${MANIFEST_FORMAT_VERSION}`,
      { details: { file: MANIFEST_JSON, field: 'formatVersion', value: m.formatVersion } },
    );
  }
  for (const field of ['id', 'cell', 'created', 'vocabularyHash', 'datasetSplitHash'] as const) {
    if (typeof m[field] !== 'string')
      throw corrupt(file, MANIFEST_JSON, `field '${field}' is missing or not a string`);
  }
  if (m.files === undefined || typeof m.files !== 'object' || m.files === null) {
    throw corrupt(file, MANIFEST_JSON, "field 'files' is missing");
  }
  for (const [name, d] of Object.entries(m.files)) {
    const ok =
      typeof d?.bytes === 'number' &&
      typeof d?.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(d.sha256);
    const safe = name === path.basename(name) && name !== MANIFEST_JSON;
    if (!ok || !safe) throw corrupt(file, MANIFEST_JSON, `entry files['${name}'] is invalid`);
  }
  return m as ModelManifest;
}
