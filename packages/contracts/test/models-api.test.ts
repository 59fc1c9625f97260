import { describe, expect, it } from 'vitest';
import {
  AliasListSchema,
  AliasSchema,
  CompareResponseSchema,
  ListModelsQuerySchema,
  ModelDeletedSchema,
  ModelDetailSchema,
  ModelListSchema,
  ModelSummarySchema,
  PredictRequestSchema,
  PredictResponseSchema,
  PutAliasRequestSchema,
  validationIssues,
} from '../src/index.js';

const schemas = {
  AliasListSchema,
  AliasSchema,
  CompareResponseSchema,
  ModelDeletedSchema,
  ModelDetailSchema,
  ModelListSchema,
  ModelSummarySchema,
  PredictRequestSchema,
  PredictResponseSchema,
  PutAliasRequestSchema,
};

describe('models API schemas', () => {
  it('carry examples (shown in /docs) that they accept', () => {
    for (const [name, schema] of Object.entries(schemas)) {
      const examples = (schema as unknown as { examples?: unknown[] }).examples ?? [];
      expect(examples.length, name).toBeGreaterThan(0);
      for (const example of examples) expect(validationIssues(schema, example), name).toEqual([]);
    }
  });

  it('take one text or a list of texts, nothing else', () => {
    const ok = (v: unknown) => validationIssues(PredictRequestSchema, v).length === 0;
    expect(ok({ text: 'a' })).toBe(true);
    expect(ok({ texts: ['a', 'b'] })).toBe(true);
    expect(ok({ text: 'a', texts: ['b'] })).toBe(false);
    expect(ok({ texts: [] })).toBe(false);
    expect(ok({ text: '' })).toBe(false);
    expect(ok({ text: 'a', extra: 1 })).toBe(false);
  });

  it('validate model ids in alias bodies and the list query', () => {
    expect(validationIssues(PutAliasRequestSchema, { modelId: '../x' })).not.toEqual([]);
    expect(
      validationIssues(ListModelsQuerySchema, { sort: 'created', limit: 20, offset: 0 }),
    ).toEqual([]);
    expect(
      validationIssues(ListModelsQuerySchema, { sort: 'size', limit: 20, offset: 0 }),
    ).not.toEqual([]);
  });
});
