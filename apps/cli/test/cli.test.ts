import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir, writeAgNewsFixture } from './support/run-cli.js';

/** A failure is one clear line (commander may add a "Did you mean" hint), never a stack trace. */
function expectCleanFailure(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

describe('newscell: usage', () => {
  it('prints help for the program and for every command, exit 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code, top.stderr).toBe(0);
    for (const command of ['train', 'eval', 'predict', 'models']) {
      expect(top.stdout).toContain(command);
      const help = await runCli([command, '--help']);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toContain(`Usage: newscell ${command}`);
    }
    expect((await runCli(['train', '--help'])).stdout).toMatch(/--epochs <n>[\s\S]*--models-dir/);
  });

  it('refuses an unknown command, an unknown flag and a malformed value with exit 2', async () => {
    const unknownCommand = await runCli(['bogus']);
    expect(unknownCommand.code).toBe(2);
    expectCleanFailure(unknownCommand.stderr, /unknown command 'bogus'/);

    const unknownFlag = await runCli(['train', '--frobnicate']);
    expect(unknownFlag.code).toBe(2);
    expectCleanFailure(unknownFlag.stderr, /unknown option '--frobnicate'/);

    const notANumber = await runCli(['train', '--epochs', 'three']);
    expect(notANumber.code).toBe(2);
    expectCleanFailure(notANumber.stderr, /--epochs <n>.*'three'.*whole number/);

    const badChoice = await runCli(['train', '--cell', 'transformer']);
    expect(badChoice.code).toBe(2);
    expectCleanFailure(badChoice.stderr, /'transformer' is invalid.*rnn, lstm, gru, bow/);

    const missingArgument = await runCli(['predict']);
    expect(missingArgument.code).toBe(2);
    expectCleanFailure(missingArgument.stderr, /missing required argument 'model'/);
  });

  it('names the field and value of a setting the job contract refuses, with exit 1', async () => {
    const run = await runCli(['train', '--epochs', '0', '--models-dir', await tempDir()]);
    expect(run.code).toBe(1);
    expectCleanFailure(run.stderr, /\/training\/epochs: must be >= 1 \(got 0\) \[INVALID_CONFIG\]/);
  });

  it('refuses a run over the training budget before reading data, naming estimate and variable', async () => {
    const modelsDir = await tempDir();
    const huge = ['train', '--cell', 'lstm', '--layers', '4', '--hidden-units', '1024'];
    const run = await runCli([...huge, '--max-length', '2048', '--models-dir', modelsDir]);
    expect(run.code).toBe(1);
    expectCleanFailure(
      run.stderr,
      /estimated [\d.,]+ GiB of training memory exceeds the limit 4 GiB \(NEWSCELL_MAX_JOB_MEMORY_MB=4096\).*\[LIMIT_EXCEEDED\]/,
    );
    const lowered = await runCli(['train', '--models-dir', modelsDir], {
      env: { NEWSCELL_MAX_JOB_GFLOP: '1' },
    });
    expect(lowered.code).toBe(1);
    expectCleanFailure(lowered.stderr, /exceeds the limit 1 GFLOP \(NEWSCELL_MAX_JOB_GFLOP\)/);
  });

  it('says which model is missing and where it looked', async () => {
    const modelsDir = await tempDir();
    for (const args of [
      ['predict', 'no-such-model', 'some text'],
      ['eval', 'no-such-model'],
    ]) {
      const run = await runCli([...args, '--models-dir', modelsDir]);
      expect(run.code).toBe(1);
      expectCleanFailure(
        run.stderr,
        new RegExp(`model 'no-such-model' not found.*${modelsDir}.*\\[MODEL_NOT_FOUND\\]`),
      );
    }
  });

  it('lists an empty registry as such', async () => {
    const modelsDir = await tempDir();
    const run = await runCli(['models', '--models-dir', modelsDir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`no models in ${modelsDir}`);
  });
});

describe('newscell: train, models, predict, eval on a tiny AG News folder', () => {
  let env: Record<string, string>;
  let modelsDir: string;
  let trained: { modelId: string; accuracy: number; macroF1: number; epochs: number };

  beforeAll(async () => {
    env = { AGNEWS_DIR: await writeAgNewsFixture() };
    modelsDir = await tempDir();
  });
  afterAll(removeTempDirs);

  it('trains locally with plain progress lines when not on a terminal, then a summary table', async () => {
    const run = await runCli(
      ['train', '--cell', 'bow', '--epochs', '3', '--embedding-dim', '8', '--batch-size', '16'],
      { env: { ...env, MODELS_DIR: modelsDir } },
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/epoch 1\/3: loss [\d.]+ acc [\d.]+% \| val loss/);
    expect(run.stderr).not.toContain('\u001b['); // no bar, no cursor codes in a pipe
    expect(run.stdout).toMatch(/test accuracy\s+\d+\.\d\d%/);
    expect(run.stdout).toMatch(new RegExp(`saved in\\s+${modelsDir}/bow-`));
  });

  it('trains with --json and an id, and the registry lists the model', async () => {
    const run = await runCli(
      [
        'train',
        '--cell',
        'bow',
        '--epochs',
        '3',
        '--embedding-dim',
        '8',
        '--batch-size',
        '16',
        '--id',
        'bow-cli',
        '--models-dir',
        modelsDir,
        '--json',
      ],
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    trained = JSON.parse(run.stdout);
    expect(trained).toMatchObject({ modelId: 'bow-cli', cell: 'bow' });
    const list = await runCli(['models', '--models-dir', modelsDir]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^id\s+cell\s+accuracy\s+macro-F1\s+epochs\s+created/m);
    const row = list.stdout.split('\n').find((l) => l.startsWith('bow-cli '));
    expect(row).toMatch(
      new RegExp(
        `^bow-cli\\s+bow\\s+${(trained.accuracy * 100).toFixed(2)}%\\s+${(trained.macroF1 * 100).toFixed(2)}%\\s+${trained.epochs}\\s`,
      ),
    );
    expect(list.stdout).toContain(`2 models in ${modelsDir}`);
  });

  it('eval re-scores the saved model on the test file and agrees with training', async () => {
    const json = await runCli(['eval', 'bow-cli', '--models-dir', modelsDir, '--json'], { env });
    expect(json.code, json.stderr).toBe(0);
    const metrics = JSON.parse(json.stdout);
    expect(metrics.n).toBe(40);
    expect(metrics.accuracy).toBeCloseTo(trained.accuracy, 6);
    const text = await runCli(['eval', 'bow-cli', '--models-dir', modelsDir], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/accuracy\s+\d+\.\d\d%/);
    expect(text.stdout).toMatch(/class\s+precision\s+recall\s+F1\s+support/);
    expect(text.stdout).toMatch(/true \\ predicted\s+World\s+Sports\s+Business\s+Sci\/Tech/);
    expect(text.stdout).toMatch(/^Sports\s+\d+\s+\d+\s+\d+\s+\d+$/m);
  });

  it('predicts texts from arguments and from stdin lines', async () => {
    const args = await runCli([
      'predict',
      'bow-cli',
      'football coach league',
      'shares profit market',
      '--models-dir',
      modelsDir,
      '--json',
    ]);
    expect(args.code, args.stderr).toBe(0);
    const answers = JSON.parse(args.stdout) as {
      text: string;
      label: string;
      labelIndex: number;
      probabilities: Record<string, number>;
    }[];
    expect(answers.map((a) => a.text)).toEqual(['football coach league', 'shares profit market']);
    for (const a of answers) {
      const total = Object.values(a.probabilities).reduce((s, p) => s + p, 0);
      expect(total).toBeCloseTo(1, 4);
      const best = Object.entries(a.probabilities).sort(([, x], [, y]) => y - x)[0]?.[0];
      expect(a.label).toBe(best);
    }
    const stdin = await runCli(['predict', 'bow-cli', '--models-dir', modelsDir], {
      input: 'internet software chip\n\nelection minister troops\n',
    });
    expect(stdin.code, stdin.stderr).toBe(0);
    const lines = stdin.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^label\s+World\s+Sports\s+Business\s+Sci\/Tech\s+text$/);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/).at(-1))).toEqual([
      'internet software chip',
      'election minister troops',
    ]);
  });
});
