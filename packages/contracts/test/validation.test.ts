import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import {
  NewscellError,
  parseEnvironment,
  parseWithSchema,
  validationIssues,
} from '../src/index.js';

const Settings = Type.Object(
  {
    cell: Type.Union([Type.Literal('rnn'), Type.Literal('gru')]),
    hiddenUnits: Type.Integer({ minimum: 1, maximum: 1024, default: 128 }),
    nested: Type.Optional(
      Type.Object({ rate: Type.Number({ exclusiveMinimum: 0 }) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

describe('parseWithSchema', () => {
  it('fills defaults without touching the input', () => {
    const input = { cell: 'gru' };
    expect(parseWithSchema(Settings, input, 'model')).toEqual({ cell: 'gru', hiddenUnits: 128 });
    expect(input).toEqual({ cell: 'gru' });
  });

  it('names every bad field with its value, and the error code', () => {
    let caught: unknown;
    try {
      parseWithSchema(
        Settings,
        { cell: 'transformer', hiddenUnits: 5000, extra: 1, nested: { rate: 0 } },
        'model',
        'INVALID_CONFIG',
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NewscellError);
    const error = caught as NewscellError;
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('model /cell: must be one of "rnn", "gru" (got "transformer")');
    expect(error.message).toContain('model /hiddenUnits: must be <= 1024 (got 5000)');
    expect(error.message).toContain("model /extra: unknown field 'extra' (got 1)");
    expect(error.message).toContain('model /nested/rate:');
    expect(error.details?.issues).toHaveLength(4);
  });

  it('reports a missing required field', () => {
    expect(validationIssues(Settings, { hiddenUnits: 8 })).toEqual([
      { path: '/', message: "missing required field 'cell'", value: { hiddenUnits: 8 } },
    ]);
  });
});

describe('parseEnvironment', () => {
  const Env = Type.Object({
    PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
    RATIO: Type.Number({ default: 0.5 }),
    NAME: Type.String({ default: 'x' }),
  });

  it('turns numeric variables into numbers and fills defaults; empty counts as unset', () => {
    expect(
      parseEnvironment(Env, { PORT: '8080', RATIO: '0.25', NAME: '', OTHER: 'ignored' }),
    ).toEqual({
      PORT: 8080,
      RATIO: 0.25,
      NAME: 'x',
    });
  });

  it('names the variable and the value when one is bad', () => {
    expect(() => parseEnvironment(Env, { PORT: '70000' })).toThrow(
      'environment /PORT: must be <= 65535 (got 70000)',
    );
    expect(() => parseEnvironment(Env, { PORT: 'eighty' })).toThrow(
      /environment \/PORT: .*\(got "eighty"\)/,
    );
  });
});
