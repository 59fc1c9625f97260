import { readFile, stat } from 'node:fs/promises';
import { NewscellError } from '@newscell/contracts';
import { type JobOwner, resolveInside } from './job-paths.js';

/** What a worker-trained model's `metrics.json` records about its job (`metrics.job`). */
export interface ModelJobRecord {
  id: string;
  queuePrefix: string;
  createdAt: number;
  name: string | null;
  tags: string[];
}

export function modelJobRecord(
  owner: JobOwner,
  data: { name?: string; tags?: string[] },
): ModelJobRecord {
  return {
    id: owner.jobId,
    queuePrefix: owner.queuePrefix,
    createdAt: owner.createdAt,
    name: data.name ?? null,
    tags: data.tags ?? [],
  };
}

/**
 * Whether the job may save as `modelId`: yes when no such model exists (`overwrite: false`, so a
 * model that appears meanwhile is not replaced either) or when the existing one is this job's own
 * (an earlier attempt saved it, then lost Redis before completing: `overwrite: true`). Any other
 * model of that id — another queue prefix, a job from before a Redis reset, a model saved by hand
 * — is never replaced: the job fails for good, naming the owner found.
 */
export async function modelSaveMode(
  modelsDir: string,
  modelId: string,
  owner: JobOwner,
): Promise<{ overwrite: boolean }> {
  const dir = resolveInside(modelsDir, modelId);
  let text: string;
  try {
    text = await readFile(resolveInside(dir, 'metrics.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      const dirExists = await stat(dir).then(
        () => true,
        (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
      );
      if (!dirExists) return { overwrite: false };
    }
    throw notOurs(dir, modelId, owner, 'it has no readable metrics.json');
  }
  let job: Partial<ModelJobRecord> | undefined;
  try {
    job = (JSON.parse(text) as { job?: Partial<ModelJobRecord> }).job;
  } catch {
    throw notOurs(dir, modelId, owner, 'its metrics.json is not JSON');
  }
  if (
    job?.id === owner.jobId &&
    job.queuePrefix === owner.queuePrefix &&
    job.createdAt === owner.createdAt
  ) {
    return { overwrite: true };
  }
  const found =
    job === undefined
      ? 'no job'
      : `job ${job.id} of queue prefix ${job.queuePrefix ?? '(unknown)'} created ${job.createdAt === undefined ? '(unknown)' : new Date(job.createdAt).toISOString()}`;
  throw notOurs(dir, modelId, owner, `it was saved by ${found}`);
}

function notOurs(dir: string, modelId: string, owner: JobOwner, why: string): NewscellError {
  return new NewscellError(
    'INVALID_ARGUMENT',
    `model ${modelId} already exists in ${dir} and is not this job's (job ${owner.jobId} of queue prefix ${owner.queuePrefix}): ${why}; refusing to overwrite it`,
    { details: { modelId, dir } },
  );
}
