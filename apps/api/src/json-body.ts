import { NewscellError } from '@newscell/contracts';
import type { FastifyInstance } from 'fastify';

/**
 * Deepest nesting of arrays and objects a JSON body may have. No contract body nests more than 2
 * levels (`{ "model": { … } }`, `{ "texts": [ … ] }`); one nested thousands of levels deep would
 * make the recursive steps after parsing (validation, defaults, error messages) exhaust the stack.
 */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/**
 * How deeply `text` nests arrays and objects, counting only until `limit` is passed (then
 * `limit + 1`): one pass over the text, brackets inside strings ignored, so a hostile body costs
 * no more than its length and no stack at all. Malformed JSON is left for the parser to reject.
 */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Replaces Fastify's `application/json` parser with one that first refuses bodies nested deeper
 * than `maxDepth` (400 `INVALID_ARGUMENT`, naming the limit and its variable), then parses as
 * Fastify does (prototype poisoning refused, empty bodies refused).
 */
export function registerJsonBodyParser(app: FastifyInstance, options: { maxDepth: number }): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonNestingDepth(text, options.maxDepth) > options.maxDepth) {
      done(
        new NewscellError(
          'INVALID_ARGUMENT',
          `request body nests arrays or objects more than ${options.maxDepth} levels deep (NEWSCELL_MAX_JSON_DEPTH); no request needs more than a few`,
          { details: { field: 'body', limit: options.maxDepth } },
        ),
        undefined,
      );
      return;
    }
    parse(request, text, done);
  });
}
