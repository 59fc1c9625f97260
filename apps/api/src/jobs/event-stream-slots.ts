import { NewscellError } from '@newscell/contracts';

export interface EventStreamSlotsOptions {
  /** Streams open at once in this process. NEWSCELL_SSE_MAX_STREAMS. @defaultValue 1000 */
  maxStreams: number;
  /** Streams open at once per owner (API key, or address). @defaultValue 64 */
  maxStreamsPerKey: number;
}

/**
 * Counts open Server-Sent Event streams, in total and per owner, and refuses one more beyond
 * either limit: every stream holds a socket, a heartbeat timer and a job listener for as long as
 * the client likes, so neither one caller nor all together may open them without bound.
 */
export class EventStreamSlots {
  private readonly byOwner = new Map<string, number>();
  private total = 0;

  constructor(private readonly options: EventStreamSlotsOptions) {}

  /**
   * Takes a slot for `owner`, or throws RATE_LIMITED (429) naming the limit reached. The returned
   * function gives the slot back; calling it again does nothing.
   */
  acquire(owner: string): () => void {
    const { maxStreams, maxStreamsPerKey } = this.options;
    const mine = this.byOwner.get(owner) ?? 0;
    if (mine >= maxStreamsPerKey) {
      throw new NewscellError(
        'RATE_LIMITED',
        `Too many open event streams for this caller: ${mine} of ${maxStreamsPerKey} (NEWSCELL_SSE_MAX_STREAMS_PER_KEY); close one first`,
        { details: { limit: maxStreamsPerKey, open: mine } },
      );
    }
    if (this.total >= maxStreams) {
      throw new NewscellError(
        'RATE_LIMITED',
        `Too many open event streams on this server: ${this.total} of ${maxStreams} (NEWSCELL_SSE_MAX_STREAMS); retry later`,
        { details: { limit: maxStreams, open: this.total } },
      );
    }
    this.byOwner.set(owner, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.byOwner.get(owner) ?? 1) - 1;
      if (left === 0) this.byOwner.delete(owner);
      else this.byOwner.set(owner, left);
    };
  }

  /** Open streams, of one owner or of all. */
  open(owner?: string): number {
    return owner === undefined ? this.total : (this.byOwner.get(owner) ?? 0);
  }
}
