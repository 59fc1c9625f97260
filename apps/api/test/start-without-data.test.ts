import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPARISON_QUEUE_NAME, TRAINING_QUEUE_NAME } from '@newscell/contracts';
import { loadAgNews } from '@newscell/dataset';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultFor, startWorker, until } from './support/fake-worker.js';
import { writeFixtureModel } from './support/model-fixtures.js';
import { redisUrl } from './support/test-app.js';

// `npm ci && npm start` on a fresh machine: the checkout has no `shared/` beside it, AGNEWS_DIR is
// unset and there is no ./data. CI always has ../shared beside the checkout, so the built server is
// run from a stand-in checkout in a temp folder: the real one's package.json, and symlinks to its
// apps, packages, tools and node_modules, kept as those paths (--preserve-symlinks) so that
// whatever looks for "../shared beside the repository" looks beside the temp one and finds nothing.

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const apiRoot = join(repo, 'apps', 'api');
const DATA_SPEC = { seed: 1, validationFraction: 0.1, testPerClass: 2 };

let temp: string;
let checkout: string;
let server: ChildProcess | undefined;
let output = '';
let base: string;
let noDownload: Server;
let prefix: string;

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestMtime(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );
}

/** A tiny AG News folder: one topic word per class, so the rows are valid and distinct. */
async function writeTinyAgNews(dir: string): Promise<void> {
  const words = ['embassy', 'football', 'shares', 'software'];
  const rows = (perClass: number, split: string) =>
    Array.from({ length: perClass * 4 }, (_, i) => {
      const c = i % 4;
      return `"${c + 1}","${words[c]} ${split} ${i}","the ${words[c]} story number ${i}"\n`;
    }).join('');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'train.csv'), rows(10, 'train'));
  await writeFile(join(dir, 'test.csv'), rows(3, 'test'));
  await writeFile(join(dir, 'classes.txt'), 'World\nSports\nBusiness\nSci/Tech\n');
}

async function waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = output.match(pattern);
    if (match !== null) return match;
    if (server?.exitCode !== null) throw new Error(`the API exited at start:\n${output}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A JSON answer, typed as far as the test reads it. */
const json = async <T>(response: Response): Promise<T> => (await response.json()) as T;

const post = (path: string, body: unknown) =>
  fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  const serverJs = join(apiRoot, 'dist', 'server.js');
  // The process is tested as it ships; tsc rewrites only the files that changed, hence dist's newest.
  const built = statSync(serverJs, { throwIfNoEntry: false })
    ? newestMtime(join(apiRoot, 'dist'))
    : 0;
  if (built < newestMtime(join(apiRoot, 'src'))) {
    throw new Error(`${serverJs} is missing or older than src/: run npm run build in apps/api`);
  }
  temp = mkdtempSync(join(tmpdir(), 'newscell-fresh-'));
  checkout = join(temp, 'newscell');
  await mkdir(checkout);
  copyFileSync(join(repo, 'package.json'), join(checkout, 'package.json'));
  for (const name of ['apps', 'packages', 'tools', 'node_modules']) {
    symlinkSync(join(repo, name), join(checkout, name));
  }

  // A model in the default MODELS_DIR (var/models of the working directory), with the test-set
  // predictions a comparison child leaves, made against a tiny AG News kept aside for now.
  const aside = join(temp, 'ag_news-aside');
  await writeTinyAgNews(aside);
  const { test } = await loadAgNews({ dir: aside, ...DATA_SPEC, testLimit: { perClass: 2 } });
  const labels = test.map((e) => e.label);
  const wrongOnOdd = Int32Array.from(labels, (label, i) => (i % 2 === 0 ? label : (label + 1) % 4));
  for (const [cell, predicted] of [
    ['bow', Int32Array.from(labels)],
    ['gru', wrongOnOdd],
  ] as const) {
    await writeFixtureModel(join(checkout, 'var', 'models'), {
      id: `${cell}-fresh`,
      cell,
      data: DATA_SPEC,
      predictions: {
        numClasses: 4,
        labels: Int32Array.from(labels),
        predicted,
        probabilities: Float32Array.from(labels.flatMap(() => [0.25, 0.25, 0.25, 0.25])),
      },
    });
  }

  // No internet in a test: the download the API falls back to is answered 404 at once.
  noDownload = createServer((_request, response) => response.writeHead(404).end());
  await new Promise<void>((r) => noDownload.listen(0, '127.0.0.1', r));
  const downloadUrl = `http://127.0.0.1:${(noDownload.address() as AddressInfo).port}/ag_news_csv.tgz`;

  prefix = `test-fresh-${randomBytes(6).toString('hex')}`;
  server = spawn(
    process.execPath,
    ['--preserve-symlinks', '--preserve-symlinks-main', join(checkout, 'apps/api/dist/server.js')],
    {
      cwd: checkout,
      // Only what a newcomer's shell has: no AGNEWS_DIR, no MODELS_DIR.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        REDIS_URL: redisUrl(),
        NEWSCELL_QUEUE_PREFIX: prefix,
        PORT: '0',
        AGNEWS_URL: downloadUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout?.on('data', (d) => {
    output += String(d);
  });
  server.stderr?.on('data', (d) => {
    output += String(d);
  });
  const [, url] = await waitForOutput(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
  base = url as string;
}, 120_000);

afterAll(async () => {
  if (server?.exitCode === null) {
    const exited = new Promise((r) => server?.on('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (noDownload !== undefined) await new Promise((r) => noDownload.close(r));
  if (prefix !== undefined) {
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    for (const name of [TRAINING_QUEUE_NAME, COMPARISON_QUEUE_NAME]) {
      const queue = new Queue(name, { connection: redis, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    const leftovers = await redis.keys(`${prefix}:*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    await redis.quit();
  }
  if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
});

describe('the API on a fresh machine: no ../shared, no AGNEWS_DIR, no ./data', () => {
  it('starts and serves health, the models and predictions', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const models = await json<unknown>(await fetch(`${base}/v1/models`));
    expect(JSON.stringify(models)).toContain('bow-fresh');
    const predict = await post('/v1/predict', { text: 'Stocks rally as the bank holds rates' });
    expect(predict.status).toBe(200);
    const { predictions } = await json<{ predictions: { label: string }[] }>(predict);
    expect(predictions[0]?.label).toMatch(/^(World|Sports|Business|Sci\/Tech)$/);
  });

  it('says that disagreement texts need AG News, where it looked, and finds data put in place later', async () => {
    const created = await post('/v1/comparisons', {
      cells: ['bow', 'gru'],
      seeds: [1],
      training: { epochs: 1 },
    });
    expect(created.status).toBe(202);
    const { id } = await json<{ id: string }>(created);
    // Each child "trained" into its fixture model, as a worker would report it.
    const worker = await startWorker(prefix, async (job) =>
      resultFor(`${job.data.model?.cell}-fresh`),
    );
    try {
      await until(async () => {
        const view = await json<{ children: { job: { state: string } }[] }>(
          await fetch(`${base}/v1/comparisons/${id}`),
        );
        return view.children.every((c) => c.job.state === 'completed');
      }, 15_000);
    } finally {
      await worker.close();
    }

    const url = `${base}/v1/comparisons/${id}/disagreements?a=bow&b=gru&seed=1`;
    const missing = await fetch(url);
    const { error } = await json<{ error: { code: string; message: string } }>(missing);
    expect(missing.status, JSON.stringify(error)).toBe(503);
    expect(error.code).toBe('DATASET_NOT_FOUND');
    expect(error.message).toContain('AG News files not found');
    expect(error.message).toContain('AGNEWS_DIR: not set');
    expect(error.message).toMatch(/ag_news: does not exist/); // ./data/ag_news (paths are cut)
    expect(error.message).toMatch(/download http:\/\/127\.0\.0\.1:\d+\/ag_news_csv\.tgz: .*404/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    // The data arrives (a download elsewhere, a copy): found on the next request, no restart.
    await mkdir(join(checkout, 'data'), { recursive: true }); // the failed download made it
    await rename(join(temp, 'ag_news-aside'), join(checkout, 'data', 'ag_news'));
    const found = await fetch(url);
    const page = await json<{ total: number; items: { text: string }[] }>(found);
    expect(found.status, JSON.stringify(page)).toBe(200);
    expect(page.total).toBe(4);
    expect(page.items[0]?.text).toMatch(/story number/);
  }, 60_000);
});
