import type { Static, TObject, TSchema } from 'typebox';
import Value from 'typebox/value';
import { type ErrorCode, NewscellError } from './errors.js';

/** One problem found in a value: where (`/model/hiddenUnits`), what is wrong, and the value found. */
export interface ValidationIssue {
  path: string;
  message: string;
  value: unknown;
}

// Union members each report their own mismatch; the `anyOf` summary line says it better.
const NOISY_KEYWORDS = new Set(['const', 'boolean']);

/** The problems with `value` against `schema`, one per field, in a form a person can act on. */
export function validationIssues(schema: TSchema, value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, value)) {
    if (NOISY_KEYWORDS.has(error.keyword)) continue;
    let path = error.instancePath === '' ? '/' : error.instancePath;
    let message = error.message;
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'additionalProperties' && Array.isArray(params.additionalProperties)) {
      const names = params.additionalProperties as string[];
      path = `${error.instancePath}/${names[0] ?? ''}`;
      message = `unknown field${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')}`;
    }
    if (error.keyword === 'anyOf') {
      const choices = constChoices(valueAt(schema, error.schemaPath.replace(/^#/, '')));
      if (choices !== undefined) message = `must be one of ${choices.join(', ')}`;
    }
    if (error.keyword === 'required' && Array.isArray(params.requiredProperties)) {
      message = `missing required field${(params.requiredProperties as string[]).length > 1 ? 's' : ''} ${(params.requiredProperties as string[]).map((n) => `'${n}'`).join(', ')}`;
    }
    const key = `${path} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message, value: valueAt(value, path === '/' ? '' : path) });
  }
  return issues;
}

/** `['rnn', 'gru']` for a union of string constants, else undefined. */
function constChoices(schema: unknown): string[] | undefined {
  const members = (schema as { anyOf?: unknown } | undefined)?.anyOf;
  if (!Array.isArray(members)) return undefined;
  const values = members.map((m) => (m as { const?: unknown }).const);
  return values.every((v) => typeof v === 'string' || typeof v === 'number')
    ? values.map((v) => JSON.stringify(v))
    : undefined;
}

function valueAt(root: unknown, pointer: string): unknown {
  let current = root;
  for (const part of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return ` (got ${text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

/**
 * Checks `value` against `schema`, fills in the schema's defaults, and returns the result typed.
 * Throws a `NewscellError` with `code` whose message lists every problem as
 * `<what> <path>: <problem> (got <value>)` and whose `details.issues` carries them structured.
 */
export function parseWithSchema<S extends TSchema>(
  schema: S,
  value: unknown,
  what: string,
  code: ErrorCode = 'INVALID_ARGUMENT',
): Static<S> {
  const withDefaults = Value.Default(schema, Value.Clone(value));
  const issues = validationIssues(schema, withDefaults);
  if (issues.length > 0) {
    const lines = issues.map((i) => `${what} ${i.path}: ${i.message}${describe(i.value)}`);
    throw new NewscellError(code, lines.join('; '), { details: { issues } });
  }
  return withDefaults as Static<S>;
}

/**
 * Reads the variables an object schema names from `env`, turning integer and number variables into
 * numbers, and validates them with {@link parseWithSchema}: a bad value throws `INVALID_CONFIG`
 * naming the variable, e.g. `environment /PORT: must be <= 65535 (got 70000)`. Empty counts as unset.
 */
export function parseEnvironment<S extends TObject>(schema: S, env: NodeJS.ProcessEnv): Static<S> {
  const raw: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    const type = (property as { type?: unknown }).type;
    const numeric =
      (type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value.trim());
    raw[key] = numeric ? Number(value) : value;
  }
  return parseWithSchema(schema, raw, 'environment', 'INVALID_CONFIG');
}
