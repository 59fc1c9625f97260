import { QueueKeys } from 'bullmq';

/**
 * Names BullMQ gives a queue's own keys (`<prefix>:<queue>:<name>`): the same place a job's hash
 * lives (`<prefix>:<queue>:<jobId>`). Looked up as a job, `id` (a counter) or `events` (a stream)
 * answers Redis `WRONGTYPE`, and `meta` (a hash) reads as a job with no data. BullMQ's own list,
 * plus the names its scripts build outside it (and the states its scripts name keys after).
 */
const QUEUE_KEY_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(new QueueKeys().getKeys('')),
  'priority',
  'waiting',
  'metrics',
  'logs',
  'lock',
  'cancel',
  'cancelled',
]);

/**
 * True when `id` names one of a queue's own keys rather than a job: the API answers 404 for it
 * without asking Redis. Ids BullMQ generates (numbers, UUIDs) and comparison ids never are.
 */
export function isQueueKeyName(id: string): boolean {
  return QUEUE_KEY_NAMES.has(id);
}
