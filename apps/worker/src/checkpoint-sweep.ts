import { readdir, rm } from 'node:fs/promises';
import { RESOURCE_ID_PATTERN } from '@newscell/contracts';
import { jobCheckpointsFolder, resolveInside } from './job-paths.js';

const RESOURCE_ID = new RegExp(RESOURCE_ID_PATTERN);

/**
 * Removes the checkpoint folders (`<checkpointsDir>/<prefix>/<jobId>`) of jobs that no longer
 * exist in Redis: removed by a person (the API, bull-board), cleaned up by retention, or lost in
 * a Redis reset. Nobody will resume them. A folder is kept when the look-up fails. Returns the
 * job ids whose folders were removed.
 */
export async function sweepOrphanCheckpoints(args: {
  checkpointsDir: string;
  queuePrefix: string;
  jobExists: (jobId: string) => Promise<boolean>;
}): Promise<string[]> {
  const prefixFolder = resolveInside(args.checkpointsDir, args.queuePrefix);
  const names = await readdir(prefixFolder).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const jobId of names) {
    if (!RESOURCE_ID.test(jobId)) continue; // not ours to judge
    let exists: boolean;
    try {
      exists = await args.jobExists(jobId);
    } catch {
      continue;
    }
    if (exists) continue;
    await rm(jobCheckpointsFolder(args.checkpointsDir, args.queuePrefix, jobId), {
      recursive: true,
      force: true,
    });
    removed.push(jobId);
  }
  return removed;
}
