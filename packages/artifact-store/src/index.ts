export { artifactKey, artifactPrefix, joinKey } from './artifact-key.js';
export type { ArtifactStore } from './artifact-store.js';
export { FolderStore } from './folder-store.js';
export { openArtifactStore } from './open-artifact-store.js';
export {
  type DirectoryManifest,
  type FileDigest,
  fetchDirectory,
  fileDigest,
  publishDirectory,
  unpublishDirectory,
} from './published-directory.js';
export { S3Store, type S3StoreOptions, s3ClientConfig } from './s3-store.js';
