import { validationIssues } from '@newscell/contracts';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import Value from 'typebox/value';

/**
 * Validates with TypeBox (no field is ever silently dropped: unknown ones are rejected) and reports
 * problems as the contracts do, one per field with the value found. Query strings, params and
 * headers arrive as text, so they are converted first; every part gets its schema's defaults.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    const converted = httpPart === 'body' ? value : Value.Convert(schema, value);
    const withDefaults = Value.Default(schema, converted);
    if (check.Check(withDefaults)) return { value: withDefaults };
    const error: FastifySchemaValidationError[] = issuesOf(schema, withDefaults).map((issue) => ({
      keyword: 'invalid',
      instancePath: issue.path === '/' ? '' : issue.path,
      schemaPath: '',
      message: issue.message,
      params: { value: issue.value },
    }));
    return { error };
  };
};

type Issue = ReturnType<typeof validationIssues>[number];

/**
 * A union of object forms (`{ text }` or `{ texts }`) would report every form's complaints at
 * once; report instead those of the one form whose required fields the value has, or say which
 * fields to send.
 */
function issuesOf(schema: TSchema, value: unknown): Issue[] {
  const forms = (schema as { anyOf?: TSchema[] }).anyOf;
  const isObjectForm = (f: TSchema) =>
    (f as { type?: unknown }).type === 'object' &&
    Array.isArray((f as { required?: unknown }).required);
  if (
    forms === undefined ||
    !forms.every(isObjectForm) ||
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value)
  ) {
    return validationIssues(schema, value);
  }
  const required = forms.map((f) => (f as { required: string[] }).required);
  const matching = forms.filter((_, i) => required[i]?.every((key) => key in value));
  if (matching.length === 1) return validationIssues(matching[0] as TSchema, value);
  const choices = required.map((keys) => keys.map((k) => `'${k}'`).join(' and ')).join(' or ');
  return [
    {
      path: '/',
      message: matching.length === 0 ? `must have ${choices}` : `must have only one of ${choices}`,
      value,
    },
  ];
}

/** `body /model/cell: must be one of "rnn", "lstm" (got "cnn"); …` */
export function formatValidationErrors(
  errors: FastifySchemaValidationError[],
  dataVar: string,
): Error {
  const lines = errors.map((e) => {
    const value = (e.params as { value?: unknown }).value;
    const got = value === undefined ? '' : ` (got ${abbreviate(JSON.stringify(value))})`;
    return `${dataVar} ${e.instancePath === '' ? '/' : e.instancePath}: ${e.message}${got}`;
  });
  return new Error(lines.join('; '));
}

function abbreviate(text: string | undefined): string {
  if (text === undefined) return 'undefined';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
