import { dataRootOf, resolveUnderRoot } from './data-root';

/**
 * Resolves R-CNN's `proposals.file` under the data root with the rules of dataset paths (no `..`,
 * no absolute path elsewhere, no symlink out): a config must not make a worker read any file.
 *
 * @returns the real path of the file.
 * @throws DatasetError (`path-escape`, `file-not-found`) with entry `proposals.file`.
 */
export function resolveProposalsPath(given: string, options: { dataRoot?: string } = {}): string {
  const root = dataRootOf(options.dataRoot);
  return resolveUnderRoot(given, root, root, 'proposals.file');
}
