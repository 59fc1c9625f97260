import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as testing from '../src/testing.js';

describe('@newscell/models/testing', () => {
  it('holds the bench and test switches, which the main entry does not export', () => {
    expect(Object.keys(testing).sort()).toEqual([
      'maxOverTime',
      'rationalTanh',
      'stockWasmGather',
      'stockWasmKernel',
      'sumOfSquares',
      'useStepKernels',
      'withRecurrentImplementation',
    ]);
    for (const name of Object.keys(testing)) expect(main).not.toHaveProperty(name);
  });

  it('is the package’s ./testing export', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.exports['./testing']).toEqual({
      types: './dist/testing.d.ts',
      import: './dist/testing.js',
    });
  });
});
