import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { NewscellError } from '@newscell/contracts';
import { artifactKey, artifactPrefix } from './artifact-key.js';
import type { ArtifactStore } from './artifact-store.js';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing `/`. @defaultValue '' */
  prefix?: string;
  /**
   * S3 client settings. @defaultValue the AWS SDK's own: region, keys and endpoint from
   * `AWS_REGION`, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL` (path-style
   * addressing whenever an endpoint is set: MinIO, Ceph RGW, s3rver)
   */
  client?: S3ClientConfig;
}

/**
 * An artifact store in an S3 bucket (AWS S3, MinIO, Ceph RGW, Cloudflare R2): key `a/b` is the
 * object `<prefix>/a/b`. A PUT is atomic per object; a reader never sees part of one.
 */
export class S3Store implements ArtifactStore {
  readonly url: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly base: string;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.base = prefix === '' ? '' : `${artifactPrefix(prefix)}`;
    this.url = `s3://${this.bucket}/${prefix}`;
    this.client = new S3Client(s3ClientConfig(options.client));
  }

  private objectKey(key: string): string {
    return `${this.base}${artifactKey(key)}`;
  }

  async read(key: string): Promise<Uint8Array | null> {
    const objectKey = this.objectKey(key);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }),
      );
      if (out.Body === undefined) return new Uint8Array(0);
      return await out.Body.transformToByteArray();
    } catch (error) {
      if (isNoSuchKey(error)) return null;
      throw storeError(this.url, `read ${key}`, error);
    }
  }

  async write(key: string, data: Uint8Array | string): Promise<void> {
    const objectKey = this.objectKey(key);
    const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Body: body,
          ContentLength: body.byteLength,
        }),
      );
    } catch (error) {
      throw storeError(this.url, `write ${key}`, error);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of this.pages(artifactPrefix(prefix), undefined)) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) keys.push(object.Key.slice(this.base.length));
      }
    }
    return keys.sort();
  }

  async listChildren(prefix: string): Promise<string[]> {
    const base = artifactPrefix(prefix);
    const children = new Set<string>();
    for await (const page of this.pages(base, '/')) {
      for (const common of page.CommonPrefixes ?? []) {
        const name = common.Prefix?.slice(this.base.length + base.length).replace(/\/$/, '');
        if (name) children.add(name);
      }
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(this.base.length + base.length);
        if (name) children.add(name);
      }
    }
    return [...children].sort();
  }

  private async *pages(prefix: string, delimiter: string | undefined) {
    let token: string | undefined;
    do {
      let page: import('@aws-sdk/client-s3').ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: `${this.base}${prefix}`,
            Delimiter: delimiter,
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        throw storeError(this.url, `list ${prefix}`, error);
      }
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async remove(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (error) {
      if (!isNoSuchKey(error)) throw storeError(this.url, `remove ${key}`, error);
    }
  }

  async removePrefix(prefix: string): Promise<void> {
    const base = artifactPrefix(prefix);
    if (base === '') throw new Error('refusing to remove every artifact (empty prefix)');
    const keys = await this.list(base);
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      try {
        await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((k) => ({ Key: this.objectKey(k) })), Quiet: true },
          }),
        );
      } catch (error) {
        throw storeError(this.url, `remove ${base}`, error);
      }
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/**
 * The client settings: the SDK reads region, credentials and `AWS_ENDPOINT_URL` itself; with an
 * endpoint, path-style addressing (`http://host/bucket/key`), which MinIO, Ceph and s3rver need.
 */
export function s3ClientConfig(
  overrides: S3ClientConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): S3ClientConfig {
  const endpoint = overrides.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
    maxAttempts: 3,
    ...overrides,
  };
}

function isNoSuchKey(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** The SDK's error with the store and the operation named; never the credentials. */
function storeError(url: string, operation: string, error: unknown): NewscellError {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return new NewscellError(
    'STORE_UNAVAILABLE',
    `artifact store ${url}: ${operation} failed: ${e?.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(error)}`,
    { details: { store: url, operation }, cause: error },
  );
}
