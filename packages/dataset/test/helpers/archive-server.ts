import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { create } from 'tar';
import { tempDir } from './temp-dir.js';

/** Builds `<folder>/<files>` into a .tgz, as the original archive is laid out; returns its bytes. */
export async function buildArchive(
  files: Record<string, string>,
  folder = 'ag_news_csv',
): Promise<Buffer> {
  const root = await tempDir();
  const inner = folder === '' ? root : join(root, folder);
  await mkdir(inner, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(inner, name), content);
  const archive = join(await tempDir(), 'ag_news_csv.tgz');
  await create(
    { gzip: true, file: archive, cwd: root, portable: true },
    folder === '' ? Object.keys(files) : [folder],
  );
  return readFile(archive);
}

export const md5 = (content: string | Buffer) => createHash('md5').update(content).digest('hex');

/** An HTTP server on 127.0.0.1 with an ephemeral port; close it when done. */
export async function serve(
  handler: RequestListener,
): Promise<{ baseUrl: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens: a port that was just free. */
export async function refusedUrl(): Promise<string> {
  const server = await serve(() => undefined);
  await server.close();
  return `${server.baseUrl}/ag_news_csv.tgz`;
}
