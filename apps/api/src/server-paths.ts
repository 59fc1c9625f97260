import { readdirSync } from 'node:fs';
import { basename, sep } from 'node:path';

/**
 * Directories named in error answers by the variable that sets them (`MODELS_DIR/abc/metrics.json`),
 * never by where they are on this machine.
 */
export type NamedDirectories = Readonly<Record<string, string>>;

// An absolute path as messages write it: up to a space, a quote, a bracket or a colon (`x.csv:12`).
const POSIX_PATH = /(?<![\w.~-])\/[^\s'"`,;:()<>[\]{}]*/g;
const WINDOWS_PATH = /\b[A-Za-z]:\\[^\s'"`,;:()<>[\]{}]*/g;

/**
 * Top-level entries of `/`: an absolute path a message can leak starts with one of them, while
 * `/v1/aliases/default` (a route named in a message) does not. Read once.
 */
const ROOT_ENTRIES: ReadonlySet<string> = (() => {
  try {
    return new Set(readdirSync('/'));
  } catch {
    return new Set(['home', 'root', 'tmp', 'var', 'usr', 'opt', 'srv', 'mnt', 'etc', 'Users']);
  }
})();

/**
 * `text` without this machine's absolute paths: a path inside a named directory is written from
 * the variable's name (`MODELS_DIR/gru-1/manifest.json`); any other path keeps only its last part
 * (`…/test.csv`). Routes (`/v1/…`) and other text stay as they are.
 */
export function redactServerPaths(text: string, named: NamedDirectories = {}): string {
  let out = text;
  const dirs = Object.entries(named)
    .filter(([, dir]) => dir.length > 1)
    .sort(([, a], [, b]) => b.length - a.length);
  for (const [name, dir] of dirs) {
    const root = dir.endsWith(sep) ? dir.slice(0, -1) : dir;
    // Only the whole directory: MODELS_DIR=/srv/models must leave /srv/models-old alone.
    const at = new RegExp(`${escapeRegExp(root)}(?=$|[\\/\\s'"\`,;:()<>[\\]{}])`, 'g');
    out = out.replace(at, name);
  }
  out = out.replace(POSIX_PATH, (path) => {
    const first = path.split('/').find((segment) => segment !== '');
    if (first === undefined || !ROOT_ENTRIES.has(first)) return path;
    return `…/${basename(path)}`;
  });
  return out.replace(WINDOWS_PATH, (path) => `…\\${path.split('\\').at(-1) ?? ''}`);
}

/** {@link redactServerPaths} applied to every string inside `value` (error details). */
export function redactServerPathsDeep(value: unknown, named: NamedDirectories = {}): unknown {
  if (typeof value === 'string') return redactServerPaths(value, named);
  if (Array.isArray(value)) return value.map((v) => redactServerPathsDeep(v, named));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactServerPathsDeep(v, named)]),
    );
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
