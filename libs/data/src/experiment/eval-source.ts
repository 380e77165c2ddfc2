import type { EvalSource } from '@ablate/detection';
import type { Dataset } from '../dataset/dataset';
import { toCocoGroundTruth } from '../convert/to-coco';
import { createEvalBatches } from '../pipeline/eval-batches';

/**
 * A dataset as the detector's evaluator takes it: unaugmented letterboxed batches of every image,
 * the COCO ground truth in original pixels, and the category id of each class index
 * (`Dataset.categories` is sorted by id and a label is a position in it).
 */
export function evalSourceOf(dataset: Dataset, options: { inputSize: number; batchSize: number }): EvalSource {
  return {
    groundTruth: toCocoGroundTruth(dataset),
    categoryIds: dataset.categories.map((c) => c.id),
    batches: createEvalBatches(dataset, options),
  };
}
