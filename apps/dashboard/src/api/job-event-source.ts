import type { TrainingJobView, TrainingProgress } from '@newscell/contracts';
import { authHeaders } from './api-client.js';
import { errorFromResponse } from './api-error.js';

export type JobStreamEvent =
  | { type: 'snapshot' | 'completed' | 'failed' | 'cancelled'; data: TrainingJobView }
  | { type: 'progress'; data: TrainingProgress }
  | { type: 'removed'; data: { id: string } };

/** Splits a Server-Sent Events text stream into `{ event, data }` messages. */
export function parseServerSentEvents(buffer: string): {
  messages: { event: string; data: string }[];
  rest: string;
} {
  const messages: { event: string; data: string }[] = [];
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) messages.push({ event, data: data.join('\n') });
  }
  return { messages, rest };
}

/**
 * Follows `GET /v1/training-jobs/:id/events`. A fetch stream rather than `EventSource`, because
 * EventSource cannot send the API key header. Resolves when the stream ends (the job finished,
 * or `signal` aborted); rejects with the API's error.
 */
export async function followJobEvents(
  jobId: string,
  onEvent: (event: JobStreamEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(`/v1/training-jobs/${encodeURIComponent(jobId)}/events`, {
    headers: { accept: 'text/event-stream', ...authHeaders() },
    signal,
  });
  if (!response.ok) throw await errorFromResponse(response);
  if (response.body === null) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      const parsed = parseServerSentEvents(buffer);
      buffer = parsed.rest;
      for (const message of parsed.messages) {
        onEvent({ type: message.event, data: JSON.parse(message.data) } as JobStreamEvent);
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  } finally {
    reader.releaseLock();
  }
}
