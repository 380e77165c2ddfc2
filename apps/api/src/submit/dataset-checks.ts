import { checkDatasetReference, DatasetError, resolveProposalsPath, resolveWeightsPath } from '@ablate/data';
import { ValidationError, type FieldIssue } from '@ablate/jobs';

/** A dataset reference of a request and the field that named it (`dataset.train`, `config.dataset.val` …). */
export interface NamedDataset {
  field: string;
  uri: string;
}

/**
 * Checks at submit what would otherwise fail every run a second after it started: each dataset
 * reference (scheme, parameters, files under the data root), and that the training and
 * validation sets have `model.numClasses` categories where that is cheap to know.
 *
 * @param numClasses the distinct `model.numClasses` of the request's runs, with the field to name.
 * @throws ValidationError (400) listing every offending field.
 */
export async function checkDatasets(datasets: NamedDataset[], dataRoot: string, numClasses: { field: string; values: number[] } | null): Promise<void> {
  const issues: FieldIssue[] = [];
  for (const { field, uri } of datasets) {
    try {
      const { categories } = await checkDatasetReference(uri, { dataRoot });
      const wrong = numClasses?.values.filter((n) => categories !== null && n !== categories) ?? [];
      for (const n of new Set(wrong)) {
        issues.push({ path: numClasses!.field, message: `model.numClasses is ${n}, but ${field} (${uri}) has ${categories} categories` });
      }
    } catch (err) {
      if (!(err instanceof DatasetError)) throw err;
      issues.push({ path: field, message: err.message });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, 'dataset');
}

/**
 * Checks that every weights file the runs name (`model.backboneWeights`) exists under the weights
 * root (ABLATE_WEIGHTS_ROOT, else the data root): a config never makes a worker read a file
 * outside it. The message names the path as given, never the file's contents.
 *
 * @throws ValidationError (400) naming `field` for each bad path.
 */
export function checkWeightFiles(paths: (string | undefined)[], dataRoot: string, field = 'model.backboneWeights'): void {
  checkFiles(paths, (given) => resolveWeightsPath(given, { dataRoot }), field);
}

/** As {@link checkWeightFiles}, for R-CNN's proposals files (`proposals.file`) under the data root. */
export function checkProposalFiles(paths: (string | undefined)[], dataRoot: string, field = 'proposals.file'): void {
  checkFiles(paths, (given) => resolveProposalsPath(given, { dataRoot }), field);
}

function checkFiles(paths: (string | undefined)[], resolve: (given: string) => string, field: string): void {
  const issues: FieldIssue[] = [];
  for (const given of new Set(paths.filter((p): p is string => p !== undefined))) {
    try {
      resolve(given);
    } catch (err) {
      if (!(err instanceof DatasetError)) throw err;
      issues.push({ path: field, message: `${given}: ${err.reason}` });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, 'config');
}
