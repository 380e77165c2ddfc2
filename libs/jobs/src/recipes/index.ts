import { DEMO } from './demo';
import { EFFICIENTDET_FUSION, EFFICIENTDET_PHI } from './efficientdet';
import { GROUP_NORM_BATCH } from './group-norm';
import type { RecipeDefinition } from './recipe';
import { RETINANET_1A, RETINANET_1B, RETINANET_1C } from './retinanet';
import { FASTER_RCNN_SHARING, MASK_RCNN_FEATURES, MASK_RCNN_MASK_LOSS, MASK_RCNN_ROIALIGN } from './two-stage';

/** Every recipe, fastest papers first (one file per paper; a new recipe is one entry here). */
export const RECIPES: readonly RecipeDefinition[] = [
  DEMO,
  RETINANET_1A,
  RETINANET_1B,
  RETINANET_1C,
  EFFICIENTDET_FUSION,
  EFFICIENTDET_PHI,
  MASK_RCNN_ROIALIGN,
  MASK_RCNN_MASK_LOSS,
  MASK_RCNN_FEATURES,
  FASTER_RCNN_SHARING,
  GROUP_NORM_BATCH,
];

/** The recipe called `name`, or undefined. */
export function findRecipe(name: string): RecipeDefinition | undefined {
  return RECIPES.find((r) => r.name === name);
}

export { DEMO_STEPS } from './demo';
export { ablationCells, compareRecipe, paperTableMarkdown, settingText } from './compare';
export { datasetSplits, recipeRuns, recipeSummary, recipeSweepSpec, stepsForCpuMinutes, type RecipeDefinition } from './recipe';
export { averageRanks, spearman } from './spearman';
