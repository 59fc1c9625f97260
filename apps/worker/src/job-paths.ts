import { createHash } from 'node:crypto';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { NewscellError, RESOURCE_ID_PATTERN } from '@newscell/contracts';

const RESOURCE_ID = new RegExp(RESOURCE_ID_PATTERN);

/**
 * Who a training belongs to. Job ids start again from 1 after a Redis reset and repeat across
 * queue prefixes, so the id alone names nothing for long: the creation time (stable over retries,
 * stalls and hand-backs) and the prefix make the owner unique.
 */
export interface JobOwner {
  jobId: string;
  queuePrefix: string;
  /** `job.timestamp`: milliseconds since the epoch when the job was added. */
  createdAt: number;
}

/**
 * Checks a job id before any path is built from it: bull-board's add-job (or any Redis client)
 * can set a custom id such as `..`. Same pattern as the API's ids (`RESOURCE_ID_PATTERN`).
 */
export function assertJobId(jobId: string): void {
  if (!RESOURCE_ID.test(jobId)) {
    throw new NewscellError(
      'INVALID_ARGUMENT',
      `job id ${JSON.stringify(jobId)} is not a valid id (${RESOURCE_ID_PATTERN}): letters, digits, '_' and '-', at most 128; add the job again without a custom jobId`,
      { details: { jobId } },
    );
  }
}

/** `base` joined with `segments`, refused unless the result lies strictly inside `base`. */
export function resolveInside(base: string, ...segments: string[]): string {
  const root = resolve(base);
  const target = resolve(root, ...segments);
  const rel = relative(root, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new NewscellError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(join(...segments))} leads outside ${root} (to ${target}): refusing to use it`,
      { details: { base: root, target } },
    );
  }
  return target;
}

/**
 * A job's folder under `CHECKPOINTS_DIR`: `<prefix>/<jobId>`. Removing it removes every
 * checkpoint the job ever had (the worker does so when the job fails for good or is removed).
 */
export function jobCheckpointsFolder(checkpointsDir: string, queuePrefix: string, jobId: string) {
  assertJobId(jobId);
  return resolveInside(checkpointsDir, queuePrefix, jobId);
}

/**
 * The checkpoint of this very job: `<prefix>/<jobId>/<createdAt>`. A folder of the same id with
 * another creation time is left over from before a Redis reset and is not resumed.
 */
export function jobCheckpointDir(checkpointsDir: string, owner: JobOwner): string {
  const folder = jobCheckpointsFolder(checkpointsDir, owner.queuePrefix, owner.jobId);
  return resolveInside(folder, owner.createdAt.toString(36));
}

/**
 * The model id of a job: `<cell>-job<jobId>-<8 hex>`, the hex digits hashing the whole owner. A
 * retried or resumed job gets the same id again (and may replace its own half-finished save); a
 * job of the same id after a Redis reset, or on another queue prefix sharing `MODELS_DIR`, gets
 * another one. Fits `RESOURCE_ID_PATTERN` (a long job id is shortened; the hash keeps it unique).
 */
export function jobModelId(cell: string, owner: JobOwner): string {
  assertJobId(owner.jobId);
  const hash = createHash('sha256')
    .update(`${owner.queuePrefix}\0${owner.jobId}\0${owner.createdAt}`)
    .digest('hex')
    .slice(0, 8);
  const room = 128 - `${cell}-job-${hash}`.length;
  return `${cell}-job${owner.jobId.slice(0, room)}-${hash}`;
}
