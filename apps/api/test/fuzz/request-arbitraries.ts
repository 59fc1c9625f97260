import fc from 'fast-check';

/**
 * fast-check arbitraries for requests to the API, derived from its OpenAPI document: values that
 * satisfy each operation's schemas, mixed with hostile ones (BullMQ key names, prototype names,
 * wrong types, huge, empty and unicode strings, deep nesting, malformed JSON, wrong media types).
 */

/** The part of a JSON schema the API's OpenAPI document uses. */
export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
}

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** OpenAPI form: `/v1/models/{id}`. */
  path: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
}

export interface FuzzRequest {
  operation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: unknown }>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every operation of the document, with its parameters and JSON body schema. */
export function operationsOf(document: unknown): Operation[] {
  const doc = document as OpenApiDocument;
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => {
        const body = op.requestBody as
          | { content?: Record<string, { schema?: JsonSchema }> }
          | undefined;
        return {
          method: method.toUpperCase(),
          path,
          parameters: op.parameters ?? [],
          body: body?.content?.['application/json']?.schema,
        };
      }),
  );
}

/** Names BullMQ gives its own keys, and names every object inherits. */
export const HOSTILE_NAMES = [
  'id',
  'events',
  'meta',
  'wait',
  'waiting',
  'active',
  'paused',
  'delayed',
  'prioritized',
  'completed',
  'failed',
  'stalled',
  'stalled-check',
  'waiting-children',
  'limiter',
  'repeat',
  'marker',
  'pc',
  'de',
  'metrics',
  'priority',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__proto__',
  'prototype',
  '__defineGetter__',
];

const HOSTILE_STRINGS = [
  ...HOSTILE_NAMES,
  '',
  ' ',
  '.',
  '..',
  '../../../../etc/passwd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  '\u0000',
  '\uFEFF',
  '\uD800',
  'e\u0301\u0301\u0301',
  '😀'.repeat(64),
  '٣',
  'a'.repeat(129),
  'x'.repeat(10_001),
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'true',
  '0x1F',
  '1.5',
  '9007199254740993',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the log4j probe, sent as text on purpose
  '${jndi:ldap://x}',
  '%s%s%s%n',
  'cmp-000000000-000000',
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);

/** A value of a type the schema may not expect. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, 0.5, -0) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 4 }), { maxLength: 400 }) },
);

/** Values that satisfy `schema`, so requests get past validation into the routes. */
export function validValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const forms = schema.anyOf ?? schema.oneOf;
  if (forms !== undefined) return fc.oneof(...forms.map(validValue));
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  switch (schema.type) {
    case 'string': {
      const minLength = schema.minLength ?? 0;
      const maxLength = Math.min(schema.maxLength ?? 60, 200);
      if (schema.pattern !== undefined) {
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((s) => s.length >= minLength && s.length <= maxLength);
      }
      return fc.string({ minLength, maxLength, unit: 'grapheme' });
    }
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -1_000_000, Number.MIN_SAFE_INTEGER),
        max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER),
      });
    case 'number': {
      const min = schema.exclusiveMinimum ?? schema.minimum ?? -1e6;
      return fc.double({
        min,
        max: schema.maximum ?? 1e6,
        minExcluded: schema.exclusiveMinimum !== undefined,
        noNaN: true,
        noDefaultInfinity: true,
      });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validValue(schema.items ?? {}), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      return fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, validValue(s)])),
        { requiredKeys: (schema.required ?? []).filter((k) => k in properties) },
      );
    }
    default:
      return fc.anything({ maxDepth: 2 });
  }
}

/** Mostly valid values, with hostile ones at any depth and stray keys in objects. */
export function fuzzedValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.type === 'object' && schema.properties !== undefined) {
    const properties = schema.properties;
    const mostlyValid = fc.record(
      Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, fuzzedValue(s)])),
      { requiredKeys: (schema.required ?? []).filter((k) => k in properties) },
    );
    const withStrayKeys = fc
      .tuple(mostlyValid, fc.array(fc.tuple(hostileString, hostileValue), { maxLength: 3 }))
      .map(([object, extra]) => {
        const out = { ...(object as Record<string, unknown>) };
        // defineProperty: `__proto__` becomes a key of the JSON, not the object's prototype.
        for (const [k, v] of extra) {
          Object.defineProperty(out, k, { value: v, enumerable: true, writable: true });
        }
        return out;
      });
    return fc.oneof(
      { weight: 6, arbitrary: mostlyValid },
      { weight: 1, arbitrary: withStrayKeys },
      { weight: 1, arbitrary: hostileValue },
    );
  }
  if (schema.type === 'array' && schema.items !== undefined) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.array(fuzzedValue(schema.items), { maxLength: 6 }) },
      { weight: 1, arbitrary: hostileValue },
    );
  }
  return fc.oneof(
    { weight: 5, arbitrary: validValue(schema) },
    { weight: 1, arbitrary: hostileValue },
  );
}

const nested = (depth: number, open: string, close: string, inner: string) =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

/** Bodies no schema describes: deep nesting, broken JSON, prototype poisoning. */
const rawJsonBody: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 60, max: 6000 }),
      fc.constantFrom('[', '{"a":'),
      fc.constantFrom('text', 'model', 'modelId', 'cells'),
    )
    .map(
      ([depth, open, key]) =>
        `{"${key}":${open === '[' ? nested(depth, '[', ']', '1') : nested(depth, '{"a":', '}', '1')}}`,
    ),
  fc.constantFrom(
    '',
    '{',
    '}',
    'null',
    '[]',
    '"text"',
    '0',
    '{"text":"a"}{"text":"b"}',
    '{"__proto__":{"isAdmin":true},"text":"a"}',
    '{"constructor":{"prototype":{"isAdmin":true}},"text":"a"}',
    '\uFEFF{"text":"a"}',
    '{"text":"\\ud800"}',
    '{"text":"a","text":"b"}',
    '{"texts":[' + '"a",'.repeat(2000) + '"a"]}',
    '{"text":"' + 'x'.repeat(20_000) + '"}',
  ),
);

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/vnd.api+json',
  'application/octet-stream',
  '*/*',
];

/** A lone surrogate cannot be percent-encoded: it goes as U+FFFD, as a browser would send it. */
const encodeSegment = (value: string) =>
  encodeURIComponent(
    value.replace(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    ),
  );

/** Segments the router itself must cope with (written into the URL as they are). */
const RAW_SEGMENTS = ['%', '%zz', '%C0%AF', '%2e%2e', '..', '.', '%00', '%2F', '%u0041', '%E2%82'];

export interface RequestContext {
  /** Ids that exist in the app: jobs, comparisons, models, aliases. */
  knownIds: string[];
  /** Header sets to call with: admin, reader, none, wrong key. */
  credentials: Array<Record<string, string>>;
  /** One byte more than the body limit. */
  bodyLimitBytes: number;
}

function parameterValue(p: Parameter, context: RequestContext): fc.Arbitrary<string> {
  const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  return fc.oneof(
    { weight: 4, arbitrary: validValue(p.schema).map(asText) },
    { weight: 3, arbitrary: fc.constantFrom(...context.knownIds) },
    { weight: 2, arbitrary: hostileValue.map(asText) },
  );
}

function pathArbitrary(op: Operation, context: RequestContext): fc.Arbitrary<string> {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  if (names.length === 0) return fc.constant(op.path);
  const byName = new Map(op.parameters.filter((p) => p.in === 'path').map((p) => [p.name, p]));
  const segment = (name: string) => {
    const p = byName.get(name) ?? { in: 'path' as const, name, schema: { type: 'string' } };
    return fc.oneof(
      { weight: 12, arbitrary: parameterValue(p, context).map(encodeSegment) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    );
  };
  return fc
    .tuple(...names.map(segment))
    .map((values) =>
      names.reduce((path, name, i) => path.replace(`{${name}}`, values[i] ?? ''), op.path),
    );
}

function queryArbitrary(op: Operation, context: RequestContext): fc.Arbitrary<string> {
  const query = op.parameters.filter((p) => p.in === 'query');
  const entries = query.map((p) =>
    fc.option(
      fc
        .array(parameterValue(p, context), { minLength: 1, maxLength: 2 })
        .map((vs) => vs.map((v) => [p.name, v] as const)),
      { freq: p.required ? 10 : 2, nil: undefined },
    ),
  );
  const stray = fc.array(fc.tuple(hostileString, hostileString), { maxLength: 2 });
  return fc.tuple(fc.tuple(...entries), stray, fc.boolean()).map(([chosen, extra, withStray]) => {
    const params = new URLSearchParams();
    for (const pairs of chosen) for (const [k, v] of pairs ?? []) params.append(k, v);
    if (withStray) for (const [k, v] of extra) params.append(k, v);
    const text = params.toString();
    return text === '' ? '' : `?${text}`;
  });
}

interface Body {
  payload: string | undefined;
  contentType: string | undefined;
}

function bodyArbitrary(op: Operation, context: RequestContext): fc.Arbitrary<Body> {
  const json = (payload: string): Body => ({ payload, contentType: 'application/json' });
  const none: Body = { payload: undefined, contentType: undefined };
  const schema = op.body;
  const hostile = fc.oneof(
    { weight: 4, arbitrary: rawJsonBody.map(json) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...CONTENT_TYPES),
          fc.oneof(rawJsonBody, fc.string({ maxLength: 40 })),
        )
        .map(([contentType, payload]) => ({ payload, contentType })),
    },
    { weight: 1, arbitrary: hostileValue.map((v) => json(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: fc.constant({ payload: '{"text":"x"}', contentType: undefined }) },
  );
  const tooLarge = fc.constant(json(`{"text":"${'x'.repeat(context.bodyLimitBytes)}"}`));
  if (schema === undefined) {
    return fc.oneof(
      { weight: 12, arbitrary: fc.constant(none) },
      { weight: 1, arbitrary: hostile },
    );
  }
  return fc.oneof(
    { weight: 4, arbitrary: validValue(schema).map((v) => json(JSON.stringify(v))) },
    { weight: 8, arbitrary: fuzzedValue(schema).map((v) => json(JSON.stringify(v) ?? 'null')) },
    { weight: 3, arbitrary: hostile },
    { weight: 1, arbitrary: fc.constant(none) },
    { weight: 1, arbitrary: tooLarge },
  );
}

/** One request: mostly the operation as documented, sometimes another method on its path. */
export function requestArbitrary(
  op: Operation,
  context: RequestContext,
): fc.Arbitrary<FuzzRequest> {
  const method = fc.oneof(
    { weight: 15, arbitrary: fc.constant(op.method) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
    },
  );
  const credentials = fc.oneof(
    { weight: 12, arbitrary: fc.constant(context.credentials[0] ?? {}) },
    { weight: 1, arbitrary: fc.constantFrom(...context.credentials) },
  );
  return fc
    .tuple(
      method,
      pathArbitrary(op, context),
      queryArbitrary(op, context),
      bodyArbitrary(op, context),
      credentials,
    )
    .map(([m, path, query, body, auth]) => {
      const request: FuzzRequest = {
        operation: `${op.method} ${op.path}`,
        method: m,
        url: `${path}${query}`,
        headers: {
          ...auth,
          ...(body.contentType === undefined ? {} : { 'content-type': body.contentType }),
        },
        payload: body.payload,
      };
      // How fast-check prints a failing request: long bodies clipped.
      Object.defineProperty(request, fc.toStringMethod, { value: () => describeRequest(request) });
      return request;
    });
}

/** `POST /v1/predict content-type=… body(1048588 chars)=…`, clipped to a readable length. */
export function describeRequest(request: FuzzRequest): string {
  const clip = (text: string, n: number) =>
    text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text;
  const body =
    request.payload === undefined ? '' : ` body=${clip(JSON.stringify(request.payload), 300)}`;
  return `${request.method} ${clip(request.url, 300)} headers=${JSON.stringify(request.headers)}${body}`;
}
