/**
 * Where artifacts live: models (every file plus the manifest), checkpoints, and what comparison
 * summaries read. Keys are `/`-separated safe names (see `artifactKey`). Two backends: a local
 * folder (`file:///…`, the embedded default) and S3-compatible object storage (`s3://bucket/prefix`).
 *
 * A single `write` is atomic: a reader sees the old object, the new one, or none, never a part.
 * Several objects published together are made atomic in effect by the caller writing a manifest
 * last (see `publishDirectory`).
 */
export interface ArtifactStore {
  /** `file:///abs/path` or `s3://bucket/prefix`: no secrets, safe to log. */
  readonly url: string;
  /** The object's bytes, or null when there is none. */
  read(key: string): Promise<Uint8Array | null>;
  write(key: string, data: Uint8Array | string): Promise<void>;
  /** Every key under `prefix` (recursively), sorted. */
  list(prefix: string): Promise<string[]>;
  /** The first path segment of each key under `prefix`: `models/` → model ids. Sorted. */
  listChildren(prefix: string): Promise<string[]>;
  /** Removes one object; absent is fine. */
  remove(key: string): Promise<void>;
  /** Removes every object under `prefix`. */
  removePrefix(prefix: string): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
