/** What went wrong, for callers that map errors to HTTP statuses or exit codes. */
export type DatasetErrorCode =
  | 'bad-uri'
  | 'path-escape'
  | 'file-not-found'
  | 'unreadable-file'
  | 'unreadable-image'
  | 'invalid-json'
  | 'invalid-entry'
  | 'box-outside-image'
  | 'non-positive-size'
  | 'unknown-category'
  | 'unknown-image'
  | 'duplicate-id'
  | 'invalid-segmentation'
  | 'invalid-keypoints'
  | 'no-masks'
  | 'no-keypoints';

/**
 * A dataset a user supplied (or named) is unusable. Always a user error: the API answers 4xx,
 * the CLI exits 2. `file` is the offending file (or the URI), `entry` the offending element
 * within it, in JSON-path style (`annotations[12].bbox`, `object[3].bndbox`), when there is one.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';

  /** The message without the file and entry prefix. */
  readonly reason: string;

  constructor(
    readonly code: DatasetErrorCode,
    reason: string,
    readonly file?: string,
    readonly entry?: string,
  ) {
    super(DatasetError.format(reason, file, entry));
    this.reason = reason;
  }

  private static format(message: string, file?: string, entry?: string): string {
    const where = [file, entry].filter((s) => s !== undefined && s !== '').join(' ');
    return where === '' ? message : `${where}: ${message}`;
  }
}
