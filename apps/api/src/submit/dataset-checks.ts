import { checkDatasetReference, DatasetError, resolveProposalsPath, resolveWeightsPath } from '@ablate/data';
import { predictsKeypoints } from '@ablate/detection';
import { ValidationError, type FieldIssue } from '@ablate/jobs';

/** A dataset reference of a request and the field that named it (`dataset.train`, `config.dataset.val` …). */
export interface NamedDataset {
  field: string;
  uri: string;
}

/** A model family of the request that trains on keypoints and is scored by keypoint AP (Keypoint R-CNN). */
export interface KeypointArch {
  /** The field naming it (`model.arch`). */
  field: string;
  arch: string;
}

/**
 * Checks at submit what would otherwise fail every run a second after it started: each dataset
 * reference (scheme, parameters, files under the data root), that the training and validation
 * sets have `model.numClasses` categories, and keypoints when a run's family needs them, where
 * that is cheap to know.
 *
 * @param numClasses the distinct `model.numClasses` of the request's runs, with the field to name.
 * @param keypointArch a family of the request's runs that predicts keypoints, if any.
 * @throws ValidationError (400) listing every offending field.
 */
export async function checkDatasets(
  datasets: NamedDataset[],
  dataRoot: string,
  numClasses: { field: string; values: number[] } | null,
  keypointArch?: KeypointArch,
): Promise<void> {
  const issues: FieldIssue[] = [];
  for (const { field, uri } of datasets) {
    try {
      const { categories, keypoints } = await checkDatasetReference(uri, { dataRoot });
      const wrong = numClasses?.values.filter((n) => categories !== null && n !== categories) ?? [];
      for (const n of new Set(wrong)) {
        issues.push({ path: numClasses!.field, message: `model.numClasses is ${n}, but ${field} (${uri}) has ${categories} categories` });
      }
      if (keypointArch !== undefined && keypoints === false) {
        issues.push({
          path: field,
          message: `${keypointArch.field} ${keypointArch.arch} trains on keypoints and is scored by keypoint AP, but ${uri} has none (no category names keypoints: use COCO person_keypoints or synthetic:people)`,
        });
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

/** The first arch of `archs` whose family predicts keypoints, as {@link checkDatasets} takes it. */
export function keypointArchOf(archs: Iterable<string>, field: string): KeypointArch | undefined {
  for (const arch of archs) if (predictsKeypoints({ arch })) return { field, arch };
  return undefined;
}
