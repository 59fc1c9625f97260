/**
 * Reusable Float32Arrays. A training step of a fused layer fills ~10 MB of saved activations and
 * gradients; allocating them afresh every step (zeroing, page faults, then garbage collection)
 * cost about a tenth of the step. Their lengths follow the number of real tokens, which changes
 * every batch, so buffers are pooled by capacity rounded up to a power of two (a handful of
 * sizes) and handed out as views of the requested length. Arrays from `takeFloats` hold stale
 * values: callers write every element before reading it.
 */
const free = new Map<number, ArrayBuffer[]>();
/** Two directions of a bidirectional layer are in flight at once; a few spares is plenty. */
const KEEP_PER_SIZE = 4;

function capacityBytes(length: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(length * 4, 4096)));
}

export function takeFloats(length: number): Float32Array {
  const bytes = capacityBytes(length);
  const buffer = free.get(bytes)?.pop() ?? new ArrayBuffer(bytes);
  return new Float32Array(buffer, 0, length);
}

/** Hands arrays from `takeFloats` back; nothing may read or write them afterwards. */
export function releaseFloats(arrays: readonly Float32Array[]): void {
  for (const array of arrays) {
    const buffer = array.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength !== capacityBytes(array.length)) {
      continue; // not one of ours
    }
    let list = free.get(buffer.byteLength);
    if (list === undefined) {
      list = [];
      free.set(buffer.byteLength, list);
    }
    if (list.length < KEEP_PER_SIZE && !list.includes(buffer)) list.push(buffer);
  }
}
