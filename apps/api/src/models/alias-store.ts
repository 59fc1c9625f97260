import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Alias, NewscellError } from '@newscell/contracts';
import { writeFileAtomic } from '@newscell/tokenizer';

/** File of the registry that holds the aliases. */
export const ALIASES_JSON = 'aliases.json';

interface AliasTarget {
  modelId: string;
  updated: string;
}

/**
 * The file's aliases as a Map: an alias may be called anything the name pattern allows,
 * `constructor` and `toString` included, which a plain object would find on its prototype.
 */
interface AliasFile {
  aliases: Map<string, AliasTarget>;
}

/**
 * Aliases (stable names for models, `default` above all) in `<registry>/aliases.json`, next to
 * the models they name, so every API process sharing the registry sees the same ones. Each change
 * rewrites the file with `writeFileAtomic` (temp sibling, fsync, rename, fsync of the registry
 * folder); changes within one process are serialised. Two processes changing aliases at the same
 * instant: the last rename wins.
 */
export class AliasStore {
  readonly file: string;
  #queue: Promise<unknown> = Promise.resolve();
  #cached: { file: AliasFile; at: number } | null = null;

  constructor(readonly dir: string) {
    this.file = join(dir, ALIASES_JSON);
  }

  /** `maxAgeMs`: accept aliases read from disk that recently (0: read now). */
  async list(options: { maxAgeMs?: number } = {}): Promise<Alias[]> {
    const { aliases } = await this.#read(options.maxAgeMs ?? 0);
    return [...aliases]
      .map(([name, a]) => ({ name, modelId: a.modelId, updated: a.updated }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string, options: { maxAgeMs?: number } = {}): Promise<Alias | null> {
    return (await this.list(options)).find((a) => a.name === name) ?? null;
  }

  /** Points `name` at `modelId` (the caller checks the model exists). */
  set(name: string, modelId: string, now = new Date()): Promise<Alias> {
    return this.#change((file) => {
      file.aliases.set(name, { modelId, updated: now.toISOString() });
      return { name, modelId, updated: now.toISOString() };
    });
  }

  /** Removes an alias and returns what it was; `NOT_FOUND` when there is none of that name. */
  remove(name: string): Promise<Alias> {
    return this.#change((file) => {
      const alias = file.aliases.get(name);
      if (alias === undefined) {
        throw new NewscellError('NOT_FOUND', `No alias named ${name}`, { details: { name } });
      }
      file.aliases.delete(name);
      return { name, ...alias };
    });
  }

  #change<T>(edit: (file: AliasFile) => T): Promise<T> {
    const run = this.#queue.then(async () => {
      const file = await this.#read(0);
      const result = edit(file);
      await mkdir(this.dir, { recursive: true });
      const json = { aliases: Object.fromEntries(file.aliases) };
      // Flushed before and after its rename: a power cut keeps the old aliases or the new ones.
      await writeFileAtomic(this.file, `${JSON.stringify(json, null, 1)}\n`);
      this.#cached = { file, at: performance.now() };
      return result;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #read(maxAgeMs: number): Promise<AliasFile> {
    const cached = this.#cached;
    if (cached !== null && performance.now() - cached.at <= maxAgeMs) {
      return structuredClone(cached.file);
    }
    const file = await this.#readFile();
    this.#cached = { file, at: performance.now() };
    return structuredClone(file);
  }

  async #readFile(): Promise<AliasFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { aliases: new Map() };
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new NewscellError(
        'INTERNAL',
        `${this.file} is not valid JSON (${(error as Error).message}); fix or remove it`,
        { details: { file: this.file } },
      );
    }
    const aliases = (value as { aliases?: unknown } | null)?.aliases;
    if (aliases === null || typeof aliases !== 'object' || Array.isArray(aliases)) {
      throw new NewscellError('INTERNAL', `${this.file} has no "aliases" object`, {
        details: { file: this.file },
      });
    }
    const entries = Object.entries(aliases);
    for (const [name, target] of entries) {
      const { modelId, updated } = (target ?? {}) as Partial<AliasTarget>;
      if (typeof modelId !== 'string' || typeof updated !== 'string') {
        throw new NewscellError(
          'INTERNAL',
          `${this.file}: alias ${JSON.stringify(name)} is not { "modelId": string, "updated": string }; fix or remove it`,
          { details: { file: this.file, alias: name } },
        );
      }
    }
    return { aliases: new Map(entries as Array<[string, AliasTarget]>) };
  }
}
