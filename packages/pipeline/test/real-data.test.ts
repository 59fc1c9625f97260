import { agNewsDirForTests } from '@newscell/dataset';
import { afterAll, describe, expect, it } from 'vitest';
import { runTraining } from '../src/run-training.js';
import { removeTempDirs, tempDir } from './support/agnews-fixture.js';

// Real AG News (found by agNewsDirForTests, as the app finds it): fails loudly when missing.
describe('learning on real AG News', () => {
  afterAll(removeTempDirs);

  it('a bag-of-words model trained on the subset scores >= 80% on 2,000 test items', async () => {
    const agNewsDir = await agNewsDirForTests();
    const run = await runTraining(
      {
        model: { cell: 'bow' },
        training: { epochs: 2 },
        data: { testPerClass: 500 },
      },
      { modelsDir: await tempDir(), agNewsDir },
    );
    expect(run.data.counts.test).toBe(2000);
    expect(run.data.counts.train).toBeGreaterThan(1000);
    expect(run.test.accuracy).toBeGreaterThanOrEqual(0.8);
  }, 240_000);
});
