import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESOURCE_ID_PATTERN } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import {
  assertJobId,
  type JobOwner,
  jobCheckpointDir,
  jobCheckpointsFolder,
  jobModelId,
  resolveInside,
} from '../src/job-paths.js';
import { modelSaveMode } from '../src/model-ownership.js';

const owner: JobOwner = { jobId: '12', queuePrefix: 'newscell', createdAt: 1_796_300_000_000 };

describe('job ids and the paths built from them', () => {
  it('refuses ids that could leave their folder, naming the id', () => {
    for (const id of ['..', '.', '../x', 'a/b', '/etc', '', 'a'.repeat(129), 'x y']) {
      expect(() => assertJobId(id), id).toThrow(/is not a valid id/);
      expect(() => jobCheckpointsFolder('/var/ck', 'newscell', id)).toThrow(
        /^job id .* is not a valid id/,
      );
    }
    expect(() => assertJobId('12')).not.toThrow();
    expect(() => assertJobId('comparison-3_child-1')).not.toThrow();
  });

  it('keeps every resolved path strictly inside its base folder', () => {
    expect(resolveInside('/var/ck', 'newscell', '12')).toBe('/var/ck/newscell/12');
    expect(() => resolveInside('/var/ck', '..')).toThrow(/leads outside \/var\/ck/);
    expect(() => resolveInside('/var/ck', 'a', '..')).toThrow(/leads outside/);
    expect(() => resolveInside('/var/ck', '/etc')).toThrow(/leads outside/);
    expect(() => resolveInside('/var/ck', 'x/../../y')).toThrow(/leads outside/);
  });

  it('names checkpoints by prefix, id and creation time', () => {
    expect(jobCheckpointDir('/var/ck', owner)).toBe(
      `/var/ck/newscell/12/${owner.createdAt.toString(36)}`,
    );
  });
});

describe('model ids', () => {
  it('are the same for the same job (a retry reuses its own) and differ across resets and prefixes', () => {
    const id = jobModelId('gru', owner);
    expect(id).toMatch(/^gru-job12-[0-9a-f]{8}$/);
    expect(jobModelId('gru', { ...owner })).toBe(id);
    expect(jobModelId('gru', { ...owner, createdAt: owner.createdAt + 1 })).not.toBe(id);
    expect(jobModelId('gru', { ...owner, queuePrefix: 'other' })).not.toBe(id);
  });

  it('fit the API id pattern even for the longest job id', () => {
    const id = jobModelId('lstm', { ...owner, jobId: 'j'.repeat(128) });
    expect(id).toMatch(new RegExp(RESOURCE_ID_PATTERN));
    expect(id.length).toBeLessThanOrEqual(128);
  });
});

describe('modelSaveMode: a job never overwrites a model that is not its own', () => {
  const modelsDir = () => mkdtempSync(join(tmpdir(), 'newscell-owner-'));
  const saveModel = (dir: string, id: string, job: unknown) => {
    mkdirSync(join(dir, id), { recursive: true });
    writeFileSync(join(dir, id, 'metrics.json'), JSON.stringify({ job }));
  };

  it('saves without overwrite when no such model exists', async () => {
    expect(await modelSaveMode(modelsDir(), 'gru-job12-aa', owner)).toEqual({ overwrite: false });
  });

  it('replaces only its own earlier save', async () => {
    const dir = modelsDir();
    saveModel(dir, 'm', {
      id: '12',
      queuePrefix: 'newscell',
      createdAt: owner.createdAt,
      name: null,
      tags: [],
    });
    expect(await modelSaveMode(dir, 'm', owner)).toEqual({ overwrite: true });
  });

  it('refuses a model of another prefix, of a job from before a Redis reset, or of no job', async () => {
    const dir = modelsDir();
    saveModel(dir, 'prefix', { id: '12', queuePrefix: 'other', createdAt: owner.createdAt });
    saveModel(dir, 'reset', { id: '12', queuePrefix: 'newscell', createdAt: 1 });
    saveModel(dir, 'cli', undefined);
    mkdirSync(join(dir, 'bare'));
    await expect(modelSaveMode(dir, 'prefix', owner)).rejects.toThrow(
      /model prefix already exists .* saved by job 12 of queue prefix other .* refusing to overwrite it/,
    );
    await expect(modelSaveMode(dir, 'reset', owner)).rejects.toThrow(/1970-01-01/);
    await expect(modelSaveMode(dir, 'cli', owner)).rejects.toThrow(/saved by no job/);
    await expect(modelSaveMode(dir, 'bare', owner)).rejects.toThrow(/no readable metrics.json/);
  });
});
