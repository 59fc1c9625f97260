import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';

export interface SseEvent {
  event: string;
  data: unknown;
}

/** A minimal Server-Sent Events reader over a real HTTP connection. */
export interface SseConnection {
  status: number;
  headers: IncomingHttpHeaders;
  events: SseEvent[];
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Waits until `count` events arrived. */
  waitForEvents(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  waitForComment(timeoutMs?: number): Promise<string>;
  /** The client goes away (closes its socket). */
  disconnect(): void;
}

export function openEvents(url: string, headers: Record<string, string>): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      let buffer = '';
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (block.startsWith(':')) {
            comments.push(block.slice(1).trim());
            continue;
          }
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
          events.push({ event, data: JSON.parse(data) });
        }
      });
      const ended = new Promise<void>((r) => res.on('close', () => r()));
      const poll = async <T>(get: () => T | undefined, timeoutMs: number): Promise<T> => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const value = get();
          if (value !== undefined) return value;
          if (Date.now() > deadline) throw new Error(`timed out; stream so far:\n${body}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        ended,
        waitForEvents: (count, timeoutMs = 5000) =>
          poll(() => (events.length >= count ? events.slice(0, count) : undefined), timeoutMs),
        waitForComment: (timeoutMs = 5000) => poll(() => comments[0], timeoutMs),
        disconnect: () => req.destroy(),
      });
    });
    req.end();
  });
}
