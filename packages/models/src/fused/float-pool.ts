/**
 * Reusable Float32Arrays by length. A training step of a fused layer fills ~10 MB of saved
 * activations and gradients; allocating them afresh every step (zeroing, page faults, then
 * garbage collection) cost more than a tenth of the step. Arrays from `takeFloats` hold stale
 * values: callers write every element before reading it.
 */
const free = new Map<number, Float32Array[]>();
/** Two directions of a bidirectional layer are in flight at once; a few spares is plenty. */
const KEEP_PER_LENGTH = 6;

export function takeFloats(length: number): Float32Array {
  return free.get(length)?.pop() ?? new Float32Array(length);
}

/** Hands arrays back; nothing may read or write them afterwards. */
export function releaseFloats(arrays: readonly Float32Array[]): void {
  for (const array of arrays) {
    let list = free.get(array.length);
    if (list === undefined) {
      list = [];
      free.set(array.length, list);
    }
    if (list.length < KEEP_PER_LENGTH && !list.includes(array)) list.push(array);
  }
}
