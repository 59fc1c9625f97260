import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listRegistry } from '../src/model-registry.js';

let root: string | undefined;
afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

async function model(dir: string, id: string, files: Record<string, string>): Promise<void> {
  await mkdir(join(dir, id));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, id, name), text);
}

const manifest = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, cell: 'gru', created: '2026-12-01T10:00:00.000Z', ...extra });

describe('listRegistry', () => {
  it('lists every directory, each broken one with its problem, without failing the listing', async () => {
    root = await mkdtemp(join(tmpdir(), 'newscell-cli-registry-'));
    await model(root, 'gru-good', {
      'manifest.json': manifest('gru-good'),
      'metrics.json': JSON.stringify({ test: { accuracy: 0.9, macroF1: 0.89 } }),
    });
    await model(root, 'gru-null', { 'manifest.json': 'null' });
    await model(root, 'gru-undated', { 'manifest.json': manifest('gru-undated', { created: 5 }) });
    await model(root, 'gru-nullmetrics', {
      'manifest.json': manifest('gru-nullmetrics'),
      'metrics.json': 'null',
    });
    await model(root, 'gru-badtest', {
      'manifest.json': manifest('gru-badtest'),
      'metrics.json': JSON.stringify({ test: 'great' }),
    });
    const entries = Object.fromEntries((await listRegistry(root)).map((e) => [e.id, e]));
    expect(entries['gru-good']).toMatchObject({ accuracy: 0.9, problem: null });
    expect(entries['gru-null']?.problem).toMatch(/manifest\.json: not a JSON object/);
    expect(entries['gru-undated']?.problem).toMatch(/manifest\.json: created is not a date/);
    expect(entries['gru-nullmetrics']?.problem).toMatch(/metrics\.json: not a JSON object/);
    expect(entries['gru-badtest']).toMatchObject({ accuracy: null, problem: null });
  });
});
