import { dataRootOf, resolveUnderRoot } from './data-root';

/**
 * The directory weight files a config names must stay inside:
 * `explicit ?? process.env.ABLATE_WEIGHTS_ROOT ?? the data root`.
 */
export function weightsRootOf(options: { weightsRoot?: string; dataRoot?: string } = {}): string {
  return options.weightsRoot ?? process.env['ABLATE_WEIGHTS_ROOT'] ?? dataRootOf(options.dataRoot);
}

/**
 * Resolves `model.backboneWeights` under the weights root with the rules of dataset paths (no
 * `..`, no absolute path elsewhere, no symlink out): a config must not make a worker read
 * `/etc/passwd` or `/proc/self/environ`.
 *
 * @returns the real path of the file.
 * @throws DatasetError (`path-escape`, `file-not-found`) with entry `model.backboneWeights`.
 */
export function resolveWeightsPath(given: string, options: { weightsRoot?: string; dataRoot?: string } = {}): string {
  const root = weightsRootOf(options);
  return resolveUnderRoot(given, root, root, 'model.backboneWeights');
}
