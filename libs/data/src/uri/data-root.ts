import * as fs from 'node:fs';
import * as path from 'node:path';
import { readVariable } from '@ablate/config';
import { DatasetError } from '../dataset/dataset-error';

/**
 * The directory every dataset path must stay inside:
 * `explicit ?? ABLATE_DATA_ROOT ?? ./data` (@ablate/config), resolved against the working directory.
 */
export function dataRootOf(explicit?: string): string {
  return path.resolve(explicit ?? readVariable('ABLATE_DATA_ROOT'));
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function realRoot(root: string): string {
  try {
    return fs.realpathSync(root);
  } catch {
    throw new DatasetError('file-not-found', `data root ${root} does not exist (set ABLATE_DATA_ROOT)`, root);
  }
}

/**
 * Resolves a user-given path against the data root and refuses every way out of it:
 * a `..` segment, an absolute path elsewhere, a symlink whose target lies outside
 * (checked on the real path). Relative paths are relative to `base` (default: the root),
 * which must itself be inside the root.
 *
 * @returns the real path of an existing file or directory.
 * @throws DatasetError `path-escape` or `file-not-found`; `file` is the path as given.
 */
export function resolveUnderRoot(given: string, root: string, base: string = root, entry?: string): string {
  if (given === '') throw new DatasetError('bad-uri', 'empty path', given, entry);
  if (given.split(/[\\/]/).includes('..')) {
    throw new DatasetError('path-escape', `'..' is not allowed in dataset paths (data root ${root})`, given, entry);
  }
  const candidate = path.resolve(base, given);
  if (!isInside(candidate, root)) {
    throw new DatasetError('path-escape', `path is outside the data root ${root}`, given, entry);
  }
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    throw new DatasetError('file-not-found', `not found (looked for ${candidate})`, given, entry);
  }
  if (!isInside(real, realRoot(root))) {
    throw new DatasetError('path-escape', `resolves (through a symlink) to ${real}, outside the data root ${root}`, given, entry);
  }
  return real;
}
