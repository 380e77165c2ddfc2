import { SHAPES_96, TINY_FASTER_RCNN, TINY_MASK_RCNN } from './cpu-scale';
import { paperCell, type RecipeDefinition } from './recipe';

const MASK_RCNN = { paper: 'Mask R-CNN (He et al., ICCV 2017)', url: 'https://arxiv.org/abs/1703.06870' };
const FASTER_RCNN = { paper: 'Faster R-CNN: Towards Real-Time Object Detection with Region Proposal Networks (Ren et al., NeurIPS 2015)', url: 'https://arxiv.org/abs/1506.01497' };

export const MASK_RCNN_ROIALIGN: RecipeDefinition = {
  name: 'mask-rcnn-2c',
  title: 'Mask R-CNN Table 2c: RoIAlign vs RoIPool',
  description:
    'Varies roi.pooler: RoIPool (quantised bins, max) against RoIAlign (bilinear samples, averaged). Compared on mask AP (segm.AP). The paper’s RoIWarp rows have no counterpart here.',
  paper: {
    caption: 'RoIAlign (ResNet-50-C4): mask AP with various RoI layers',
    source: { ...MASK_RCNN, table: 'Table 2c' },
    metric: 'mask AP',
    better: 'higher',
    // Mask R-CNN Table 2c (lecture text): RoIPool (max) 26.9; RoIAlign with average pooling 30.3 (Ablate's RoIAlign averages its samples).
    cells: [paperCell({ 'roi.pooler': 'pool' }, 26.9), paperCell({ 'roi.pooler': 'align' }, 30.3)],
  },
  rows: ['roi.pooler'],
  metric: 'segm.AP',
  spec: { name: 'recipe mask-rcnn-2c', dataset: SHAPES_96, base: TINY_MASK_RCNN, grid: { 'roi.pooler': ['pool', 'align'] }, seeds: 2 },
};

export const MASK_RCNN_MASK_LOSS: RecipeDefinition = {
  name: 'mask-rcnn-2b',
  title: 'Mask R-CNN Table 2b: per-class sigmoid vs softmax masks',
  description: 'Varies mask.loss: a per-class binary mask (sigmoid, loss on the ground-truth class only) against a softmax over classes. Compared on mask AP.',
  paper: {
    caption: 'Multinomial vs. independent masks (ResNet-50-C4), mask AP',
    source: { ...MASK_RCNN, table: 'Table 2b' },
    metric: 'mask AP',
    better: 'higher',
    // Mask R-CNN Table 2b (lecture text): softmax 24.8, sigmoid 30.3.
    cells: [paperCell({ 'mask.loss': 'softmax' }, 24.8), paperCell({ 'mask.loss': 'sigmoid' }, 30.3)],
  },
  rows: ['mask.loss'],
  metric: 'segm.AP',
  spec: { name: 'recipe mask-rcnn-2b', dataset: SHAPES_96, base: TINY_MASK_RCNN, grid: { 'mask.loss': ['softmax', 'sigmoid'] }, seeds: 2 },
};

export const MASK_RCNN_FEATURES: RecipeDefinition = {
  name: 'rpn-features',
  title: 'FPN vs C4 features for the RPN and RoI heads (Mask R-CNN Table 2a)',
  description:
    'Varies rpn.features: one stride-16 C4 map against the FPN levels, for the RPN and the RoI heads of a Mask R-CNN (ResNet-18 here, ResNet-50 in the paper’s rows). Compared on mask AP.',
  paper: {
    caption: 'Backbone architecture: ResNet-50-C4 vs ResNet-50-FPN, mask AP',
    source: { ...MASK_RCNN, table: 'Table 2a' },
    metric: 'mask AP',
    better: 'higher',
    // Mask R-CNN Table 2a (lecture text): ResNet-50-C4 30.3, ResNet-50-FPN 33.6.
    cells: [paperCell({ 'rpn.features': 'c4' }, 30.3), paperCell({ 'rpn.features': 'fpn' }, 33.6)],
  },
  rows: ['rpn.features'],
  metric: 'segm.AP',
  spec: { name: 'recipe rpn-features', dataset: SHAPES_96, base: TINY_MASK_RCNN, grid: { 'rpn.features': ['c4', 'fpn'] }, seeds: 2 },
};

export const FASTER_RCNN_SHARING: RecipeDefinition = {
  name: 'faster-rcnn-3',
  title: 'Faster R-CNN Table 3: RPN sharing features with the detector, or not',
  description:
    'Varies rpn.shared: the RPN on the detector’s backbone against a backbone of its own. The paper reports VOC 2007 mAP (IoU 0.5), so AP50 is compared.',
  paper: {
    caption: 'RPN + VGG-16, 300 proposals, trained on VOC 2007 trainval, mAP on VOC 2007 test',
    source: { ...FASTER_RCNN, table: 'Table 3' },
    metric: 'mAP (VOC, IoU 0.5)',
    better: 'higher',
    // Faster R-CNN Table 3 (lecture text), data "07": RPN+VGG unshared 68.5, shared 69.9.
    cells: [paperCell({ 'rpn.shared': false }, 68.5), paperCell({ 'rpn.shared': true }, 69.9)],
  },
  rows: ['rpn.shared'],
  metric: 'AP50',
  spec: { name: 'recipe faster-rcnn-3', dataset: SHAPES_96, base: TINY_FASTER_RCNN, grid: { 'rpn.shared': [false, true] }, seeds: 2 },
};
