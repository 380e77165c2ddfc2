import { SHAPES_64, TINY_RETINANET } from './cpu-scale';
import { paperCell, type RecipeDefinition } from './recipe';

export const FOCAL_LOSS = { paper: 'Focal Loss for Dense Object Detection (Lin et al., ICCV 2017)', url: 'https://arxiv.org/abs/1708.02002' };
const ABLATIONS = 'ResNet-50-FPN, 600 px, COCO trainval35k → minival; AP ×100';

/** Focal Loss paper, Table 1a: α-balanced CE (γ = 0), AP by α. Transcribed from the lecture's copy of the table. */
const TABLE_1A = [
  [0.1, 0.0],
  [0.25, 10.8],
  [0.5, 30.2],
  [0.75, 31.1],
  [0.9, 30.8],
  [0.99, 28.7],
  [0.999, 25.1],
] as const;

/** Focal Loss paper, Table 1b: FL with the optimal α for each γ, AP. Transcribed from the lecture's copy of the table. */
const TABLE_1B = [
  [0, 0.75, 31.1],
  [0.1, 0.75, 31.4],
  [0.2, 0.75, 31.9],
  [0.5, 0.5, 32.9],
  [1, 0.25, 33.7],
  [2, 0.25, 34.0],
  [5, 0.25, 32.2],
] as const;

/** Focal Loss paper, Table 1c: #scales per octave × #aspect ratios (1: {1}; 3: {1:2, 1:1, 2:1}), AP. From the lecture's copy. */
const TABLE_1C = [
  [1, 1, 30.3],
  [2, 1, 31.9],
  [3, 1, 31.8],
  [1, 3, 32.4],
  [2, 3, 34.2],
  [3, 3, 34.0],
  [4, 3, 33.8],
] as const;

/** The paper's aspect-ratio counts as `anchors.aspectRatios` (height / width): 1 → {1}, 3 → {0.5, 1, 2} (RetinaNet §4). */
const RATIOS: Record<number, number[]> = { 1: [1], 3: [0.5, 1, 2] };

export const RETINANET_1A: RecipeDefinition = {
  name: 'retinanet-1a',
  title: 'RetinaNet Table 1a: α for α-balanced cross-entropy (γ = 0)',
  description:
    'Varies loss.alpha over the paper’s seven values with γ = 0 (α-balanced CE, no focusing). The paper finds α = 0.75 best and α = 0.1 learning nothing.',
  paper: {
    caption: `Varying α for CE loss (γ = 0); ${ABLATIONS}`,
    source: { ...FOCAL_LOSS, table: 'Table 1a' },
    metric: 'AP',
    better: 'higher',
    cells: TABLE_1A.map(([alpha, ap]) => paperCell({ 'loss.alpha': alpha }, ap)),
  },
  rows: ['loss.alpha'],
  metric: 'AP',
  spec: {
    name: 'recipe retinanet-1a',
    dataset: SHAPES_64,
    base: { ...TINY_RETINANET, loss: { gamma: 0 } },
    grid: { 'loss.alpha': TABLE_1A.map(([alpha]) => alpha) },
    seeds: 2,
  },
};

export const RETINANET_1B: RecipeDefinition = {
  name: 'retinanet-1b',
  title: 'RetinaNet Table 1b: focal loss γ × α',
  description:
    'Runs the full grid of the paper’s seven γ values × α ∈ {0.25, 0.5, 0.75}; the paper prints each γ with its best α only, so those seven cells are compared. The paper finds γ = 2, α = 0.25 best.',
  paper: {
    caption: `Varying γ for FL (with the optimal α for each γ); ${ABLATIONS}`,
    source: { ...FOCAL_LOSS, table: 'Table 1b' },
    metric: 'AP',
    better: 'higher',
    cells: TABLE_1B.map(([gamma, alpha, ap]) => paperCell({ 'loss.gamma': gamma, 'loss.alpha': alpha }, ap)),
  },
  rows: ['loss.gamma'],
  cols: 'loss.alpha',
  metric: 'AP',
  spec: {
    name: 'recipe retinanet-1b',
    dataset: SHAPES_64,
    base: TINY_RETINANET,
    grid: { 'loss.gamma': TABLE_1B.map(([gamma]) => gamma), 'loss.alpha': [0.25, 0.5, 0.75] },
    seeds: 2,
  },
};

export const RETINANET_1C: RecipeDefinition = {
  name: 'retinanet-1c',
  title: 'RetinaNet Table 1c: anchor scales per octave × aspect ratios',
  description:
    'Varies anchors.scalesPerOctave over 1–4 and anchors.aspectRatios over {1} and {0.5, 1, 2} (8 grid points; the paper has 7, without 4 scales × 1 ratio). The paper finds 2 scales × 3 ratios best, and 3 × 3 within 0.2 AP.',
  paper: {
    caption: `Varying anchor scales and aspects (with FL); ${ABLATIONS}`,
    source: { ...FOCAL_LOSS, table: 'Table 1c' },
    metric: 'AP',
    better: 'higher',
    cells: TABLE_1C.map(([scales, ratios, ap]) => paperCell({ 'anchors.scalesPerOctave': scales, 'anchors.aspectRatios': RATIOS[ratios] }, ap)),
  },
  rows: ['anchors.scalesPerOctave'],
  cols: 'anchors.aspectRatios',
  metric: 'AP',
  spec: {
    name: 'recipe retinanet-1c',
    dataset: SHAPES_64,
    base: TINY_RETINANET,
    grid: { 'anchors.scalesPerOctave': [1, 2, 3, 4], 'anchors.aspectRatios': [RATIOS[1], RATIOS[3]] },
    seeds: 2,
  },
};
