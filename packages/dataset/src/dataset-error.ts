import { NewscellError } from '@newscell/contracts';

/**
 * Every error this package throws on purpose. The `code` says what kind of problem it is
 * (`DATASET_INVALID_ROW`, `DATASET_NOT_FOUND`, …); `details` carries the file, line and value.
 */
export class DatasetError extends NewscellError {}
