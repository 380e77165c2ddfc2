import { SHAPES_64, TINY_EFFICIENTDET } from './cpu-scale';
import { paperCell, type RecipeDefinition } from './recipe';

const EFFICIENTDET = { paper: 'EfficientDet: Scalable and Efficient Object Detection (Tan et al., CVPR 2020)', url: 'https://arxiv.org/abs/1911.09070' };

export const EFFICIENTDET_FUSION: RecipeDefinition = {
  name: 'efficientdet-fusion',
  title: 'EfficientDet: BiFPN feature fusion (fast normalised / softmax / plain sum)',
  description:
    'Varies model.fusion at φ = 0. The lecture’s copy of the weighted-fusion comparison (EfficientDet Table 5) has the BiFPN with and without weighted (fast normalised) fusion; softmax fusion is run too but has no number of that table to compare with.',
  paper: {
    caption: 'Cross-scale connections: BiFPN without and with weighted fusion (EfficientNet-B3 backbone, COCO val AP)',
    source: { ...EFFICIENTDET, table: 'Table 5' },
    metric: 'AP',
    better: 'higher',
    // EfficientDet Table 5 (lecture text): BiFPN (w/o weighted) 43.94, BiFPN (w/ weighted) 44.39; the weighted one is fast normalised fusion (§3.3).
    cells: [paperCell({ 'model.fusion': 'sum' }, 43.94), paperCell({ 'model.fusion': 'fast' }, 44.39)],
  },
  rows: ['model.fusion'],
  metric: 'AP',
  spec: {
    name: 'recipe efficientdet-fusion',
    dataset: SHAPES_64,
    base: TINY_EFFICIENTDET,
    grid: { 'model.fusion': ['fast', 'softmax', 'sum'] },
    seeds: 2,
  },
};

export const EFFICIENTDET_PHI: RecipeDefinition = {
  name: 'efficientdet-phi',
  title: 'EfficientDet compound scaling at small scale: φ = 0 vs 1',
  description:
    'Varies model.phi over 0 and 1: the backbone (B0 → B1, both at a quarter width), the BiFPN width and depth (64 × 3 → 88 × 4) and the head depth follow EfficientDet Table 1; the resolution does not (both at 64 px instead of 512 → 640), as the runs must stay CPU-sized.',
  paper: {
    caption: 'EfficientDet-D0 (512) and D1 (640), COCO val AP',
    source: { ...EFFICIENTDET, table: 'Table 2' },
    metric: 'AP',
    better: 'higher',
    // EfficientDet Table 2 (lecture text), "val AP" column: D0 33.5, D1 39.1.
    cells: [paperCell({ 'model.phi': 0 }, 33.5), paperCell({ 'model.phi': 1 }, 39.1)],
  },
  rows: ['model.phi'],
  metric: 'AP',
  spec: {
    name: 'recipe efficientdet-phi',
    dataset: SHAPES_64,
    base: TINY_EFFICIENTDET,
    grid: { 'model.phi': [0, 1] },
    seeds: 2,
  },
};
